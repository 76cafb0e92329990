// Package fiber3passthrough is the Fiber v3 adapter of passthrough. For
// Fiber v2, use fiberpassthrough.
//
// [Middleware] puts the caller's credentials in c.Context(), the standard
// context.Context that Fiber v3 keeps for the request (set with
// c.SetContext); a handler passes c.Context() to the control-plane client,
// which finds them with [core.FromContext].
//
// Pass c.Context(), not c: a fiber.Ctx is itself a context.Context, but its
// Value method reads c.Locals, where the credentials are not, and it is
// recycled as soon as the handler returns.
package fiber3passthrough
