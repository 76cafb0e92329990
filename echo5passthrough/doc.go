// Package echo5passthrough is the Echo v5 adapter of passthrough. For Echo
// v4, use echopassthrough.
//
// [Middleware] puts the caller's credentials in c.Request().Context(), the
// request's standard context: a handler passes c.Request().Context() to the
// control-plane client, which finds them with [core.FromContext].
package echo5passthrough
