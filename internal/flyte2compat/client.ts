// Check (a): a client built only from Flyte 2's published descriptors
// (@flyteorg/flyteidl2) runs the webhook story against the development
// control plane, over the protocol named by PROTOCOL (connect, grpc,
// grpcweb). It exits non-zero, naming the step, on the first difference.
import { create } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { createValidator } from "@bufbuild/protovalidate";
import {
  IdentityService, TaskService, RunService, taskService, runService, common, list, phase, literals, types, taskCommon, env, fail,
} from "./upstream.ts";

const protocol = env("PROTOCOL");
const org = env("ORG"), project = env("PROJECT"), domain = env("DOMAIN");
const aliceKey = env("ALICE_KEY"), bobKey = env("BOB_KEY");
const versionedTask = env("LATEST_TASK"), latestVersion = env("LATEST_VERSION");

let transport: Transport;
switch (protocol) {
  case "connect":
    transport = createConnectTransport({ baseUrl: env("CP_URL"), httpVersion: "1.1", useBinaryFormat: true });
    break;
  case "grpcweb":
    transport = createGrpcWebTransport({ baseUrl: env("CP_URL"), httpVersion: "1.1", useBinaryFormat: true });
    break;
  case "grpc":
    transport = createGrpcTransport({ baseUrl: env("CP_GRPC_URL") });
    break;
  default:
    fail(`unknown PROTOCOL ${protocol}`);
}
const identity = createClient(IdentityService, transport);
const tasks = createClient(TaskService, transport);
const runs = createClient(RunService, transport);
const validator = createValidator();
const as = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

// valid checks a request against upstream's own validation rules before it
// is sent, so that the story only uses requests a strict server accepts.
function valid<T>(schema: any, msg: T): T {
  const r = validator.validate(schema, msg as any);
  if (r.kind !== "valid") fail(`${schema.typeName} breaks upstream's validation rules: ${JSON.stringify(r)}`);
  return msg;
}

async function expectCode(step: string, want: Code, call: () => Promise<unknown>) {
  try {
    await call();
  } catch (e) {
    const err = ConnectError.from(e);
    if (err.code !== want) fail(`${step}: got ${Code[err.code]} (${err.rawMessage}), want ${Code[want]}`);
    return;
  }
  fail(`${step}: succeeded, want ${Code[want]}`);
}

const projectId = create(common.ProjectIdentifierSchema, { organization: org, name: project, domain });
function latestRequest(name: string) {
  return valid(taskService.ListTasksRequestSchema, create(taskService.ListTasksRequestSchema, {
    request: create(list.ListRequestSchema, {
      limit: 1,
      sortBy: { key: "created_at", direction: list.Sort_Direction.DESCENDING },
      filters: [{ function: list.Filter_Function.EQUAL, field: "name", values: [name] }],
    }),
    scopeBy: { case: "projectId", value: projectId },
  }));
}
function intLiteral(name: string, v: bigint) {
  return create(taskCommon.NamedLiteralSchema, {
    name, value: { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "integer", value: v } } } } } },
  });
}
function createRun(task: string, version: string, inputs: ReturnType<typeof intLiteral>[]) {
  return valid(runService.CreateRunRequestSchema, create(runService.CreateRunRequestSchema, {
    id: { case: "projectId", value: projectId },
    task: { case: "taskId", value: { org, project, domain, name: task, version } },
    inputWrapper: { case: "inputs", value: { literals: inputs } },
  }));
}

// Who am I, as each user; without credentials, or with a wrong key, 401.
for (const [key, subject] of [[aliceKey, "alice"], [bobKey, "bob"]]) {
  const me = await identity.userInfo({}, as(key));
  if (me.subject !== subject || me.name === "") fail(`UserInfo: got subject ${me.subject} name ${me.name}, want ${subject}`);
}
await expectCode("UserInfo without credentials", Code.Unauthenticated, () => identity.userInfo({}));
await expectCode("UserInfo with an unknown key", Code.Unauthenticated, () => identity.userInfo({}, as("cp_not_a_key")));

// Latest, as the Python SDK asks for it.
const latest = await tasks.listTasks(latestRequest(versionedTask), as(bobKey));
if (latest.tasks.length !== 1 || latest.tasks[0].taskId?.version !== latestVersion || latest.tasks[0].taskId?.name !== versionedTask)
  fail(`ListTasks latest of ${versionedTask}: got ${JSON.stringify(latest.tasks.map((t) => t.taskId))}, want version ${latestVersion}`);

// The add task's typed interface.
const addList = await tasks.listTasks(latestRequest("add"), as(aliceKey));
const addId = addList.tasks[0]?.taskId;
if (!addId?.version) fail("ListTasks latest of add: no version");
const details = await tasks.getTaskDetails(valid(taskService.GetTaskDetailsRequestSchema, create(taskService.GetTaskDetailsRequestSchema, { taskId: addId })), as(aliceKey));
const vars = details.details?.spec?.taskTemplate?.interface?.inputs?.variables ?? [];
for (const name of ["a", "b"]) {
  const v = vars.find((e) => e.key === name);
  if (v?.value?.type?.type.case !== "simple" || v.value.type.type.value !== types.SimpleType.INTEGER)
    fail(`GetTaskDetails add: input ${name} is ${JSON.stringify(v)}, want a simple INTEGER`);
}
const outVars = details.details?.spec?.taskTemplate?.interface?.outputs?.variables ?? [];
if (!outVars.some((e) => e.key === "sum")) fail("GetTaskDetails add: no output sum");

// A typed run, watched until it ends, and its outputs.
const created = await runs.createRun(createRun("add", addId.version, [intLiteral("a", 2n), intLiteral("b", 40n)]), as(aliceKey));
const runId = created.run?.action?.id?.run;
if (!runId?.name) fail("CreateRun: no run name");
valid(common.RunIdentifierSchema, runId);
let last = phase.ActionPhase.UNSPECIFIED;
for await (const d of runs.watchRunDetails({ runId }, as(bobKey))) {
  last = d.details?.action?.status?.phase ?? last;
  if (last === phase.ActionPhase.SUCCEEDED || last === phase.ActionPhase.FAILED) break;
}
const got = await runs.getRunDetails({ runId }, as(bobKey));
const action = got.details?.action;
if (action?.status?.phase !== phase.ActionPhase.SUCCEEDED || last !== phase.ActionPhase.SUCCEEDED)
  fail(`run of add: phase ${phase.ActionPhase[action?.status?.phase ?? 0]} (watched ${phase.ActionPhase[last]}), want SUCCEEDED`);
const by = action.metadata?.executedBy?.principal;
if (by?.case !== "user" || by.value.id?.subject !== "alice") fail(`run of add: executed_by ${JSON.stringify(by)}, want user alice`);
const data = await runs.getActionData({ actionId: { run: runId, name: "a0" } }, as(bobKey));
const sum = data.outputs?.literals.find((l) => l.name === "sum")?.value?.value;
if (sum?.case !== "scalar" || sum.value.value.case !== "primitive" || sum.value.value.value.value.case !== "integer" || sum.value.value.value.value.value !== 42n)
  fail(`GetActionData a0: outputs ${JSON.stringify(data.outputs)}, want sum = integer 42`);

// 403, 404 and 400.
await expectCode("CreateRun as a viewer", Code.PermissionDenied, () =>
  runs.createRun(createRun("add", addId.version, [intLiteral("a", 2n), intLiteral("b", 40n)]), as(bobKey)));
await expectCode("GetTaskDetails of a task that does not exist", Code.NotFound, () =>
  tasks.getTaskDetails({ taskId: { org, project, domain, name: "nope", version: "v1" } }, as(aliceKey)));
const wrongType = create(taskCommon.NamedLiteralSchema, {
  name: "a", value: { value: { case: "scalar", value: { value: { case: "primitive", value: { value: { case: "stringValue", value: "two" } } } } } },
});
await expectCode("CreateRun with a string for an integer input", Code.InvalidArgument, () =>
  runs.createRun(createRun("add", addId.version, [wrongType, intLiteral("b", 40n)]), as(aliceKey)));
await expectCode("CreateRun with an empty org", Code.InvalidArgument, () =>
  runs.createRun(create(runService.CreateRunRequestSchema, {
    id: { case: "projectId", value: { organization: "", name: project, domain } },
    task: { case: "taskId", value: { org, project, domain, name: "add", version: addId.version } },
  }), as(aliceKey)));
void timestampDate; void literals;
console.log(`ok ${protocol}`);
// Idle keep-alive connections would hold the process until the server
// closes them.
process.exit(0);
