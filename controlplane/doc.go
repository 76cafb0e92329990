// Package controlplane is the control-plane API the webhook runner calls
// (Flyte 2, a wire-compatible subset generated in [flyte2v1] from proto/), and a client for it built on
// [grpcpassthrough], so that every call carries the caller's credentials.
//
// The development server that implements the API lives in
// controlplane/devserver.
package controlplane
