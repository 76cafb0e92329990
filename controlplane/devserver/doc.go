// Package devserver is an in-memory development control plane for the
// control-plane API in controlplane/proto: API-key identities from a
// [Config] (or two demo users), per-project roles (view, run, admin),
// built-in tasks that really run in-process, and runs that record who
// triggered them. It serves the same handlers over gRPC ([Server.Serve])
// and Connect ([Server.ServeConnect]).
//
// It is for development and tests, not production: state is in memory and
// the endpoints are plaintext. What one caller can make it hold or do is
// bounded (see [Config]): stored runs, input size per run, active runs per
// user, request size (decoded, for compressed requests), and how long a
// slow or idle connection stays open. Registered tasks are bounded too, at
// 1000 versions of at most 16 KiB each, and list answers at 3 MiB.
package devserver
