// Package fiberpassthrough is the Fiber (v2) adapter of passthrough.
//
// [Middleware] puts the caller's credentials in c.UserContext(), the
// standard context that Fiber hands to code outside the framework; pass it
// to the control-plane client.
//
// # Setup
//
// Start the app with [Config] (or set its two fields yourself), and add the
// middleware with [Install] after the app's other app.Use middleware and
// before the routes:
//
//	app := fiber.New(fiberpassthrough.Config())
//	fiberpassthrough.Install(app, core.WithExcludedPaths("GET /health"))
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
// closed). A path rewritten with c.Path(override) by a handler before the
// middleware is checked as rewritten, and Fiber routes on it too; do not
// rewrite the path in a handler after it.
//
// # Methods
//
// app.Get routes HEAD to the GET route, but app.Add(fiber.MethodGet, ...)
// does not, and the middleware cannot tell which was used, so a
// "GET /health" exclusion covers GET alone. Exclude "HEAD /health" as
// well if HEAD must pass.
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
// fasthttp trims only spaces around a header value, keeps the white space
// around a folded line's break, merges a chunked body's trailer fields
// into the request headers, and with DisableHeaderNormalizing looks names
// up case-sensitively. The middleware reads headers through
// [fasthttpview], which undoes each of these, so that the credentials
// forwarded for a request are those net/http, Gin, Echo and Fiber v3
// forward for the same bytes.
package fiberpassthrough
