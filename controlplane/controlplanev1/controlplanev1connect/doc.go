// Package controlplanev1connect is the generated ConnectRPC code for the
// control-plane API in
// controlplane/proto/passthrough/controlplane/v1/controlplane.proto.
//
// The .connect.go file is generated; do not edit it. Regenerate with
// `go generate ./controlplane` (pinned buf and protoc-gen-connect-go through
// go run). This file is not generated.
//
// Build clients with the connectpassthrough client interceptor, so that
// every call carries its context's credentials.
package controlplanev1connect
