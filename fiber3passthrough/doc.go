// Package fiber3passthrough is the Fiber v3 adapter of passthrough; for
// Fiber v2, use fiberpassthrough. It is a module of its own
// (docs/modules.md in the repository): Fiber v3 needs a newer fasthttp than
// Fiber v2, and Fiber v2 users of the root module keep theirs.
//
// [Middleware] puts the caller's credentials in c.Context(), the standard
// context.Context that Fiber v3 keeps for the request (set with
// c.SetContext); a handler passes c.Context() to the control-plane client,
// which finds them with [core.FromContext]. Pass c.Context(), not c: a
// fiber.Ctx is itself a context.Context, but its Value method reads
// c.Locals, where the credentials are not, and it is recycled as soon as
// the handler returns.
//
// # Setup
//
// Start the app with [Config] (or set its two fields yourself), and add the
// middleware with [Install] after the app's other app.Use middleware and
// before the routes:
//
//	app := fiber.New(fiber3passthrough.Config())
//	fiber3passthrough.Install(app, core.WithExcludedPaths("GET /health"))
//
// Install is app.Use(Middleware(...)) plus a check that fasthttp runs
// before it answers "100 Continue": without it, a request with
// "Expect: 100-continue" is invited to upload its body before the
// middleware refuses it. At its first request the middleware logs a
// warning for each way the app is not set up as Config does: Fiber's
// default error handler, a read buffer too small for credentials.
//
// Its ReadBufferSize ([ReadBufferSize], 32 KiB) fits credentials up to the
// middleware's default size limit; Fiber's default of 4096 bytes answers
// 431 to an Authorization header the other adapters accept. Its
// [ErrorHandler] never echoes request bytes; Fiber's default error handler
// answers a request fasthttp cannot parse with the parser's error, which
// quotes the raw request, credentials included.
//
// # Which path is checked
//
// Exclusions are matched against c.Path(): the path as received, decoded
// when fiber.Config.UnescapePath is set. Fiber routes on that string after
// folding it, unless configured otherwise: lower-cased (CaseSensitive
// false) and with trailing slashes removed (StrictRouting false). The
// folds only let other spellings ("/HEALTH", "/health/") reach a public
// route; they are not excluded and need credentials (the adapter fails
// closed).
//
// # Methods
//
// app.Get routes HEAD to the GET route unless
// fiber.Config.DisableHeadAutoRegister is set, and the middleware does not
// read the configuration per request, so a "GET /health" exclusion covers
// GET alone. Exclude "HEAD /health" as well if HEAD must pass.
//
// # Which route answers
//
// Fiber runs the middleware before it matches a route, so at the first
// request to an excluded path the middleware reads the app's routes
// (app.Stack, app.GetRoutes(true)) and excludes a request only when the
// route Fiber runs after the middleware is the excluded route (see
// [fasthttpview.Router.Route]): a method-less "/health" on an app.Get
// route does not open a final app.Use catch-all to POST /health. Where it
// cannot tell, the request needs credentials: a route added after that
// first request, an app.Use handler after the middleware whose prefix
// takes the path (it may answer instead of calling Next, so add the
// middleware after your other app.Use middleware), or a route with
// parameters that may take the path.
//
// # The same bytes as net/http
//
// fasthttp v1.69 differs from net/http in ways that change which
// credentials a request carries; the middleware reads headers through
// [fasthttpview], shared with the Fiber v2 adapter, which undoes each, so
// that the credentials forwarded for a request are those net/http, Gin and
// Echo forward for the same bytes:
//
//   - it appends a chunked body's trailer fields to the request headers:
//     they are ignored;
//   - once something has parsed the cookies (c.Cookies before the
//     middleware), it answers one re-assembled Cookie line: the lines are
//     read as received (install the middleware first to avoid that cost);
//   - with DisableHeaderNormalizing it matches header names
//     case-sensitively: names are matched in any case, reading the header
//     block as received (a second scan per request);
//   - it accepts a header name holding a space ("X Bad: y"), which net/http
//     refuses: the middleware refuses the request with fiber.ErrBadRequest,
//     answered by the app's error handler.
//
// A Cookie or Authorization trailer makes fasthttp itself refuse the
// request with 400, where net/http ignores the trailer and the middleware
// answers 401.
//
// Behind adaptor.FiberApp (a Fiber app served by net/http), the adaptor
// sets each header from net/http's request and keeps the last line of a
// repeated header only, so a credential header sent twice is not seen as
// ambiguous; serve such an app with httppassthrough in front instead.
package fiber3passthrough
