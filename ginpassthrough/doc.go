// Package ginpassthrough is the Gin adapter of passthrough.
//
// [Middleware] puts the caller's credentials in c.Request.Context() (not in
// the gin.Context's own key store), so that code which receives only a
// context.Context, such as a gRPC client call, finds them with
// [core.FromContext].
package ginpassthrough
