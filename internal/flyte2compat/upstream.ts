// Shared helpers for the compatibility checks: the upstream services and
// messages, exactly as Flyte 2 publishes them in @flyteorg/flyteidl2.
export { IdentityService } from "@flyteorg/flyteidl2/flyteidl2/auth/identity_pb.ts";
export * as auth from "@flyteorg/flyteidl2/flyteidl2/auth/identity_pb.ts";
export { TaskService } from "@flyteorg/flyteidl2/flyteidl2/task/task_service_pb.ts";
export * as taskService from "@flyteorg/flyteidl2/flyteidl2/task/task_service_pb.ts";
export * as taskDef from "@flyteorg/flyteidl2/flyteidl2/task/task_definition_pb.ts";
export * as taskCommon from "@flyteorg/flyteidl2/flyteidl2/task/common_pb.ts";
export { RunService } from "@flyteorg/flyteidl2/flyteidl2/workflow/run_service_pb.ts";
export * as runService from "@flyteorg/flyteidl2/flyteidl2/workflow/run_service_pb.ts";
export * as runDef from "@flyteorg/flyteidl2/flyteidl2/workflow/run_definition_pb.ts";
export * as common from "@flyteorg/flyteidl2/flyteidl2/common/identifier_pb.ts";
export * as list from "@flyteorg/flyteidl2/flyteidl2/common/list_pb.ts";
export * as phase from "@flyteorg/flyteidl2/flyteidl2/common/phase_pb.ts";
export * as literals from "@flyteorg/flyteidl2/flyteidl2/core/literals_pb.ts";
export * as types from "@flyteorg/flyteidl2/flyteidl2/core/types_pb.ts";
export * as iface from "@flyteorg/flyteidl2/flyteidl2/core/interface_pb.ts";

export function fail(msg: string): never {
  console.error("FAIL: " + msg);
  process.exit(1);
}

export function env(name: string): string {
  const v = process.env[name];
  if (!v) fail(`environment variable ${name} is not set`);
  return v;
}
