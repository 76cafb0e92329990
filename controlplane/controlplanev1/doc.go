// Package controlplanev1 is the generated Go code (messages and gRPC
// clients and servers) for the control-plane API in
// controlplane/proto/passthrough/controlplane/v1/controlplane.proto: who am
// I, tasks with typed inputs, and runs of those tasks.
//
// The .pb.go files are generated; do not edit them. Regenerate with
// `go generate ./controlplane` (pinned buf, protoc-gen-go and
// protoc-gen-go-grpc through go run). This file is not generated.
//
// Dial a control plane with grpcpassthrough.NewClient and wrap the
// connection in NewIdentityServiceClient, NewTaskServiceClient or
// NewRunServiceClient: every call then carries its context's credentials.
package controlplanev1
