// Package devserver is an in-memory development control plane that serves
// the subset of the Flyte 2 API in package controlplane, at upstream's
// procedure paths (flyteidl2.auth.IdentityService/UserInfo,
// flyteidl2.task.TaskService/ListTasks and GetTaskDetails,
// flyteidl2.workflow.RunService/CreateRun, GetRunDetails, WatchRunDetails,
// GetActionData and AbortRun; see [Procedures]): API-key identities from a
// [Config] (or two demo users), per-project roles (view, run, admin), tasks
// with typed interfaces and defaults that really run in-process, all in one
// org ([DefaultOrg] unless the Config says otherwise), and runs that
// record who executed them. It serves the same handlers over gRPC
// ([Server.Serve]) and over Connect, gRPC and gRPC-Web
// ([Server.ServeConnect]).
//
// Requests are checked as upstream's validation rules say (required
// fields and oneofs, identifier lengths): a request a real Flyte 2 control
// plane would refuse as invalid is refused here too, with InvalidArgument.
// What upstream accepts and this server does not do (task specs given
// inline, offloaded inputs, filters other than name EQUAL) is
// InvalidArgument too, saying so.
//
// It is for development and tests, not production: state is in memory and
// the endpoints are plaintext. What one caller can make it hold or do is
// bounded (see [Config]): stored runs, input size per run, active runs and
// open WatchRunDetails streams per user, request size (decoded, for
// compressed requests), how long a request may take to arrive, and how
// long a slow or idle connection stays open. Run names are never reused. Tasks are bounded too, at 1000
// versions of at most 16 KiB each, and list answers at 3 MiB.
package devserver
