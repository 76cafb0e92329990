// Package connectpassthrough carries the caller's credentials over
// ConnectRPC (connectrpc.com/connect), with the same guarantees as
// grpcpassthrough.
//
// [NewClientInterceptor] sets each call's request headers from the
// [core.Metadata] in its context: exactly the caller's credentials, one
// value per key, never to a plaintext base URL unless [WithInsecure], and a
// call without credentials fails with connect.CodeUnauthenticated before
// anything is sent. Connect clients do not retry.
//
// [NewHandlerInterceptor] is the handler-side adapter: it extracts
// credentials from incoming Connect, gRPC and gRPC-Web requests with the
// same core as every other adapter, exclusions matching full procedure
// names such as "/pkg.Service/Method": the procedure of the handler the
// call was routed to (Spec().Procedure), not the raw request path, with
// the method taken as POST for every call (Connect GET calls included), so
// a "GET" pattern never excludes a call.
package connectpassthrough
