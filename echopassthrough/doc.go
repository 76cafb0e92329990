// Package echopassthrough is the Echo (v4) adapter of passthrough.
//
// [Middleware] puts the caller's credentials in c.Request().Context(), so
// that code which receives only a context.Context, such as a gRPC client
// call, finds them with [core.FromContext]. Install it with e.Use, first
// among your e.Use middleware; not with e.Pre.
//
// # Which path is checked
//
// Echo runs its Pre middleware, then routes on r.URL.RawPath when it is
// set and r.URL.Path otherwise (echo.GetPath), then runs the e.Use
// middleware. Exclusions are matched against that same string, read after
// routing ([httppassthrough.NewRawPathRequest]), so whatever a Pre
// middleware rewrote is checked as Echo routed it. With
// e.Pre(middleware.RemoveTrailingSlash()), "/health/" is routed and
// checked as "/health"; "/health%2F", whose rewritten Path is "/health"
// but whose RawPath stays "/health%2F", is routed and checked as
// "/health%2F", and needs credentials. Installed with e.Pre instead, the
// middleware would run before such rewrites and check a path Echo does not
// route on. Echo neither decodes nor cleans the path and is case-sensitive,
// so an exclusion matches one spelling.
//
// # Methods
//
// Echo sends a HEAD request only to routes registered for HEAD (e.GET
// does not register one), so a "GET /health" exclusion covers GET alone:
// HEAD /health would reach a catch-all such as e.Any("/*"). If the route
// answers HEAD, exclude "HEAD /health" as well. A method-less "/health"
// covers every method, so its route must answer every method (e.Any).
package echopassthrough
