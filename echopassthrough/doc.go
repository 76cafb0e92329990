// Package echopassthrough is the Echo (v4) adapter of passthrough.
//
// [Middleware] puts the caller's credentials in c.Request().Context(), so
// that code which receives only a context.Context, such as a gRPC client
// call, finds them with [core.FromContext].
package echopassthrough
