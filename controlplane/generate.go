package controlplane

// Regenerate controlplanev1 from proto/ with pinned tools (buf compiles the
// .proto files itself, so no protoc is needed):
//
//	go generate ./controlplane
//
//go:generate go run github.com/bufbuild/buf/cmd/buf@v1.75.0 generate
