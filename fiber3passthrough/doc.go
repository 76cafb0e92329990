// Package fiber3passthrough is the Fiber v3 adapter of passthrough. For
// Fiber v2, use fiberpassthrough. It is a module of its own (see
// docs/modules.md in the repository): Fiber v3 needs a newer fasthttp than
// Fiber v2, and Fiber v2 users of the root module keep theirs.
//
// [Middleware] puts the caller's credentials in c.Context(), the standard
// context.Context that Fiber v3 keeps for the request (set with
// c.SetContext); a handler passes c.Context() to the control-plane client,
// which finds them with [core.FromContext].
//
// Pass c.Context(), not c: a fiber.Ctx is itself a context.Context, but its
// Value method reads c.Locals, where the credentials are not, and it is
// recycled as soon as the handler returns.
//
// Two settings of the app matter:
//
//   - ErrorHandler: install [ErrorHandler]. Requests fasthttp cannot parse
//     never reach the middleware, and Fiber's default handler answers them
//     with fasthttp's error text, which quotes the request, credentials
//     included.
//   - ReadBufferSize (4096 bytes by default) bounds the whole request
//     header block; fasthttp answers a larger one 431 before the middleware
//     runs. A credential close to the core's cap (core.WithMaxValueSize,
//     8 KiB by default) needs a larger buffer, such as 16 << 10. It is
//     allocated per connection, so keep it bounded.
package fiber3passthrough
