// Package controlplane speaks Flyte 2 to a control plane as the caller: a
// [Client] for the subset of Flyte 2's API the webhook runner uses
// (identity, tasks, runs), built on [grpcpassthrough] and
// [connectpassthrough] so that every call carries the caller's
// credentials, and the conversion of JSON task inputs by a task's typed
// interface ([InputsFromJSON]).
//
// # For service authors
//
// [Init] (gRPC) or [InitConnect] (Connect) builds a [Client] once, with the
// options of package forward; a handler then calls it with its request's
// context, which carries the caller's credentials: [Client.UserInfo],
// [Client.LatestTask], [Client.CreateRun], [Client.WatchRunDetails] and the
// others. [InputsFromJSON] turns a JSON body into a task's inputs, and an
// [InputError] says which input is wrong and why.
//
// # For the runner and the development control plane
//
// [LatestTaskRequest], [LiteralValue], [Supported], [TypeName],
// [OrgFromEndpoint] and the procedure constants are shared by the webhook
// runner and controlplane/devserver, so that both read a task and an
// endpoint the same way; a service rarely needs them.
//
// # Wire compatibility
//
// The messages (package [flyte2v1]) are wire compatible with upstream's
// flyteidl2 but registered under this project's own proto package, so a
// program may link them beside the real flyteidl2 Go module; the
// procedures are called by their upstream paths (see [UserInfoProcedure]
// and the constants beside it).
//
// The development control plane that serves the same subset lives in
// controlplane/devserver.
package controlplane
