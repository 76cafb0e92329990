// Package connectpassthrough carries the caller's credentials over
// ConnectRPC (connectrpc.com/connect), with the same guarantees and the
// same options ([forward]) as grpcpassthrough and httppassthrough.
//
// [NewClient] returns the HTTP client to build Connect clients with: each
// request carries the [core.Metadata] of its call's context, checked when
// it is sent, on its own URL, hop by hop: exactly the caller's
// credentials, one value per key, only to the configured origin, never
// over plaintext unless [forward.WithInsecure], never along a redirect to
// another origin; a call without credentials fails with
// connect.CodeUnauthenticated before anything is sent. Connect clients do
// not retry.
//
// [ServerInterceptor] is the server-side adapter: it extracts
// credentials from incoming Connect, gRPC and gRPC-Web requests with the
// same core as every other adapter, exclusions matching full procedure
// names such as "/pkg.Service/Method": the procedure of the handler the
// call was routed to (Spec().Procedure), not the raw request path, with
// the method taken as POST for every call (Connect GET calls included), so
// a "GET" pattern never excludes a call.
package connectpassthrough
