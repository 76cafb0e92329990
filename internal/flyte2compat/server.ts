// Check (b): a control plane built only from Flyte 2's published
// descriptors (@flyteorg/flyteidl2) that decodes exactly what the webhook
// runner sends and records every way it differs from what a strict Flyte 2
// server expects: credentials, identifiers, each input as the primitive
// the task's interface declares, defaults, unknown fields, and upstream's
// own validation rules. It serves Connect on HTTP/1.1 and gRPC on HTTP/2
// (cleartext, loopback), prints "listening <connect port> <grpc port>",
// and answers GET /__report on the HTTP/1.1 port with what it saw.
import * as http from "node:http";
import * as http2 from "node:http2";
import { create, toJson, type DescMessage } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ConnectRouter, type HandlerContext } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { createValidator } from "@bufbuild/protovalidate";
import {
  IdentityService, TaskService, RunService, auth, taskService, runService, taskDef, taskCommon, phase, types, iface, literals, env,
} from "./upstream.ts";

const org = env("ORG"), project = env("PROJECT"), domain = env("DOMAIN");
// Credentials: one per header, each a distinct user.
const users = [
  { header: "authorization", value: env("BEARER"), subject: "alice", name: "Alice Runner" },
  { header: "x-api-key", value: env("API_KEY"), subject: "bob", name: "Bob Runner" },
];
const authenticating = ["authorization", "x-api-key", "cookie", "proxy-authorization", "x-auth-token"];

const violations: string[] = [];
const calls: { procedure: string; subject: string; request: unknown }[] = [];
const validator = createValidator();

// The tasks: "typed" in two versions (v2 is the latest), declaring every
// supported simple type and one default; "unsupported" with a collection.
const simple = (t: types.SimpleType) => create(types.LiteralTypeSchema, { type: { case: "simple", value: t } });
const typedInputs: Record<string, types.SimpleType> = {
  i: types.SimpleType.INTEGER, f: types.SimpleType.FLOAT, s: types.SimpleType.STRING, b: types.SimpleType.BOOLEAN,
  dt: types.SimpleType.DATETIME, d: types.SimpleType.DURATION, greeting: types.SimpleType.STRING,
};
const primitiveCase: Record<number, string> = {
  [types.SimpleType.INTEGER]: "integer", [types.SimpleType.FLOAT]: "floatValue", [types.SimpleType.STRING]: "stringValue",
  [types.SimpleType.BOOLEAN]: "boolean", [types.SimpleType.DATETIME]: "datetime", [types.SimpleType.DURATION]: "duration",
};
const stringLiteral = (s: string) => create(literals.LiteralSchema, {
  value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "stringValue", value: s } } } } },
});
function variables(m: Record<string, types.LiteralType>) {
  return create(iface.VariableMapSchema, { variables: Object.entries(m).map(([key, type]) => ({ key, value: { type } })) });
}
const tasks: Record<string, { versions: string[]; inputs: Record<string, types.LiteralType>; defaults: Record<string, literals.Literal> }> = {
  typed: {
    versions: ["v1", "v2"],
    inputs: Object.fromEntries(Object.entries(typedInputs).map(([k, t]) => [k, simple(t)])),
    defaults: { greeting: stringLiteral("hello") },
  },
  unsupported: {
    versions: ["v1"],
    inputs: { xs: create(types.LiteralTypeSchema, { type: { case: "collectionType", value: simple(types.SimpleType.INTEGER) } }) },
    defaults: {},
  },
};
const createdRuns = new Map<string, { task: string }>();

function check(procedure: string, schema: DescMessage, req: any, ctx: HandlerContext) {
  // Credentials: exactly one authenticating header, once, and known.
  const present = authenticating.filter((h) => ctx.requestHeader.has(h));
  let subject = "";
  if (present.length > 1) violations.push(`${procedure}: more than one authenticating header: ${present.join(", ")}`);
  for (const h of present) {
    const all = ctx.requestHeader.get(h) ?? "";
    const user = users.find((u) => u.header === h && u.value === all);
    if (all.includes(",") && !users.some((u) => u.value === all)) violations.push(`${procedure}: ${h} carries more than one value`);
    if (user) subject = user.subject;
  }
  calls.push({ procedure, subject, request: toJson(schema, req) });
  const r = validator.validate(schema as any, req);
  if (r.kind !== "valid") violations.push(`${procedure}: breaks upstream's validation rules: ${r.kind === "invalid" ? r.error.message : String((r as any).error)}`);
  walkUnknown(procedure, req, schema.typeName);
  if (!subject) throw new ConnectError("no valid credentials", Code.Unauthenticated);
  return subject;
}

function walkUnknown(procedure: string, v: any, path: string) {
  if (v === null || typeof v !== "object") return;
  if (Array.isArray(v)) { v.forEach((x, i) => walkUnknown(procedure, x, `${path}[${i}]`)); return; }
  if (v.$unknown?.length) violations.push(`${procedure}: unknown fields at ${path}: ${v.$unknown.map((u: any) => u.no).join(",")}`);
  for (const [k, x] of Object.entries(v)) if (k !== "$unknown" && k !== "$typeName") walkUnknown(procedure, x, `${path}.${k}`);
}

function sameProject(procedure: string, p: any) {
  if (p?.organization !== org || p?.name !== project || p?.domain !== domain)
    violations.push(`${procedure}: project ${JSON.stringify(p)}, want ${org}/${project}/${domain}`);
}
function sameTaskScope(procedure: string, id: any) {
  if (id?.org !== org || id?.project !== project || id?.domain !== domain)
    violations.push(`${procedure}: task id ${JSON.stringify(id)} is not in ${org}/${project}/${domain}`);
}

const routes = (router: ConnectRouter) => {
  router.service(IdentityService, {
    userInfo(req, ctx) {
      const subject = check("UserInfo", auth.UserInfoRequestSchema, req, ctx);
      const u = users.find((x) => x.subject === subject)!;
      return { subject: u.subject, name: u.name, email: `${u.subject}@example.com` };
    },
  });
  router.service(TaskService, {
    listTasks(req, ctx) {
      check("ListTasks", taskService.ListTasksRequestSchema, req, ctx);
      const l = req.request;
      const f = l?.filters ?? [];
      if (l?.limit !== 1 || l.sortBy?.key !== "created_at" || l.sortBy.direction !== 0 || f.length !== 1 ||
        f[0].function !== 0 || f[0].field !== "name" || f[0].values.length !== 1 || l.token !== "" ||
        l.rawFilters.length || l.sortByFields.length || req.knownFilters.length || req.scopeBy.case !== "projectId")
        violations.push(`ListTasks: not the SDK's latest-version request: ${JSON.stringify(toJson(taskService.ListTasksRequestSchema, req))}`);
      if (req.scopeBy.case === "projectId") sameProject("ListTasks", req.scopeBy.value);
      const name = f[0]?.values[0] ?? "";
      const t = tasks[name];
      if (!t) return { tasks: [] };
      const version = t.versions[t.versions.length - 1];
      return { tasks: [{ taskId: { org, project, domain, name, version } }] };
    },
    getTaskDetails(req, ctx) {
      check("GetTaskDetails", taskService.GetTaskDetailsRequestSchema, req, ctx);
      const id = req.taskId!;
      sameTaskScope("GetTaskDetails", id);
      const t = tasks[id.name];
      if (!t || !t.versions.includes(id.version)) throw new ConnectError("task not found", Code.NotFound);
      return {
        details: {
          taskId: id,
          spec: create(taskDef.TaskSpecSchema, {
            taskTemplate: { type: "python-task", interface: { inputs: variables(t.inputs), outputs: variables({ echo: simple(types.SimpleType.STRING) }) } },
            defaultInputs: Object.entries(t.inputs).map(([name, type]) => ({
              name,
              parameter: t.defaults[name]
                ? { var: { type }, behavior: { case: "default", value: t.defaults[name] } }
                : { var: { type }, behavior: { case: "required", value: true } },
            })),
          }),
        },
      };
    },
  });
  router.service(RunService, {
    createRun(req, ctx) {
      const subject = check("CreateRun", runService.CreateRunRequestSchema, req, ctx);
      if (req.id.case !== "projectId") violations.push(`CreateRun: id is ${req.id.case}, want projectId`);
      else sameProject("CreateRun", req.id.value);
      if (req.task.case !== "taskId") { violations.push(`CreateRun: task is ${req.task.case}, want taskId`); throw new ConnectError("bad task", Code.InvalidArgument); }
      const id = req.task.value;
      sameTaskScope("CreateRun", id);
      const t = tasks[id.name];
      if (!t || !t.versions.includes(id.version)) { violations.push(`CreateRun: unknown task version ${id.name}@${id.version}`); throw new ConnectError("task not found", Code.NotFound); }
      if (req.inputWrapper.case !== "inputs") violations.push(`CreateRun: inputs sent as ${req.inputWrapper.case}, want inline inputs`);
      const got = req.inputWrapper.case === "inputs" ? req.inputWrapper.value : undefined;
      if (got?.context.length) violations.push("CreateRun: inputs carry a context");
      if (req.runSpec) violations.push("CreateRun: a run spec was sent");
      const seen = new Set<string>();
      for (const nl of got?.literals ?? []) {
        if (seen.has(nl.name)) violations.push(`CreateRun: input ${nl.name} sent twice`);
        seen.add(nl.name);
        const type = t.inputs[nl.name];
        if (!type) { violations.push(`CreateRun: input ${nl.name} is not declared`); continue; }
        const want = type.type.case === "simple" ? primitiveCase[type.type.value] : undefined;
        const v = nl.value?.value;
        const gotCase = v?.case === "scalar" && v.value.value.case === "primitive" ? v.value.value.value.value.case : `${v?.case}`;
        if (gotCase !== want) violations.push(`CreateRun: input ${nl.name} is ${gotCase}, want ${want}`);
      }
      for (const name of Object.keys(t.inputs)) if (!seen.has(name)) violations.push(`CreateRun: input ${name} is missing (defaults must be sent)`);
      const runName = `r${createdRuns.size + 1}`;
      createdRuns.set(runName, { task: id.name });
      const runId = { org, project, domain, name: runName };
      return {
        run: {
          action: {
            id: { run: runId, name: "a0" },
            metadata: { executedBy: { principal: { case: "user", value: { id: { subject } } } } },
            status: { phase: phase.ActionPhase.QUEUED, startTime: timestampFromDate(new Date()) },
          },
        },
      };
    },
    getRunDetails(req, ctx) {
      check("GetRunDetails", runService.GetRunDetailsRequestSchema, req, ctx);
      const run = createdRuns.get(req.runId?.name ?? "");
      if (!run || req.runId?.org !== org) throw new ConnectError("run not found", Code.NotFound);
      return { details: { action: { id: { run: req.runId, name: "a0" }, status: { phase: phase.ActionPhase.SUCCEEDED } } } };
    },
    getActionData(req, ctx) {
      check("GetActionData", runService.GetActionDataRequestSchema, req, ctx);
      if (req.actionId?.name !== "a0") violations.push(`GetActionData: action ${req.actionId?.name}, want a0`);
      return { outputs: { literals: [{ name: "echo", value: stringLiteral("done") }] } };
    },
  });
};

void taskCommon;
const handler = connectNodeAdapter({ routes });
const h1 = http.createServer((req, res) => {
  if (req.url === "/__report") {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ violations, calls }));
    return;
  }
  handler(req, res);
});
const h2 = http2.createServer(handler);
await new Promise<void>((r) => h1.listen(0, "127.0.0.1", r));
await new Promise<void>((r) => h2.listen(0, "127.0.0.1", r));
console.log(`listening ${(h1.address() as any).port} ${(h2.address() as any).port}`);
process.on("SIGTERM", () => process.exit(0));
