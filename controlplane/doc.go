// Package controlplane speaks Flyte 2 to a control plane as the caller: a
// [Client] for the subset of Flyte 2's API the webhook runner uses
// (identity, tasks, runs), built on [grpcpassthrough] and
// [connectpassthrough] so that every call carries the caller's
// credentials, and the conversion of JSON task inputs by a task's typed
// interface ([InputsFromJSON]).
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
