// Writes to stdout, as a binary google.protobuf.FileDescriptorSet, Flyte 2's
// own descriptors for the services this project speaks and every file
// they import: the registration test links them beside this project's.
import { create, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema, type FileDescriptorProto } from "@bufbuild/protobuf/wkt";
import { file_flyteidl2_auth_identity } from "@flyteorg/flyteidl2/flyteidl2/auth/identity_pb.ts";
import { file_flyteidl2_task_task_service } from "@flyteorg/flyteidl2/flyteidl2/task/task_service_pb.ts";
import { file_flyteidl2_workflow_run_service } from "@flyteorg/flyteidl2/flyteidl2/workflow/run_service_pb.ts";

const files: FileDescriptorProto[] = [];
const seen = new Set<string>();
function add(f: any) {
  if (seen.has(f.name)) return;
  seen.add(f.name);
  for (const dep of f.dependencies) add(dep);
  files.push(f.proto);
}
for (const f of [file_flyteidl2_auth_identity, file_flyteidl2_task_task_service, file_flyteidl2_workflow_run_service]) add(f);
process.stdout.write(toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: files })));
