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
// # Routes, hosts and methods
//
// An exclusion applies only to a request Echo routed to the excluded
// route: one registered for the request's method at exactly the excluded
// path (or, for a prefix, at or under it, as "/public/*"). A request Echo
// answers with 404 or 405, or sends to a RouteNotFound handler, needs
// credentials, and so does every request routed by a host router
// (e.Host): exclusions name no host. Echo sends a HEAD request only to
// routes registered for HEAD (e.GET does not register one), so a "GET
// /health" exclusion covers GET alone; exclude "HEAD /health" as well if
// the route answers HEAD. A method-less "/health" covers the methods its
// route is registered for; e.Any registers eleven, and PURGE, LINK or a
// lower-case "get" need credentials.
package echopassthrough
