// Package echo5passthrough is the Echo v5 adapter of passthrough; for Echo
// v4, use echopassthrough.
//
// [Middleware] puts the caller's credentials in c.Request().Context(), the
// request's standard context: a handler passes c.Request().Context() to the
// control-plane client, which finds them with [core.FromContext]. Install
// it with e.Use (after routing, as Echo v5 runs e.Use middleware), not
// e.Pre.
//
// # Which path is checked
//
// Exclusions are matched against what Echo v5's router matched on:
// r.URL.RawPath when it is set, else r.URL.Path, read when the middleware
// runs, after any e.Pre rewrite. With
// echo.RouterConfig.UseEscapedPathForMatching the router matches the
// decoded r.URL.Path instead; an encoded spelling of an excluded path
// ("/%68ealth") then reaches the public route but is not excluded, and
// needs credentials (the adapter fails closed).
//
// # Routes and methods
//
// An exclusion applies only to a request Echo routed to the excluded route
// (c.RouteInfo()): a 404, a 405 or a RouteNotFound handler needs
// credentials, so a method-less "/health" on e.GET covers GET alone. e.GET
// routes no HEAD unless echo.RouterConfig.AutoHandleHEAD is set, so a "GET
// /health" exclusion covers GET alone; exclude "HEAD /health" as well if
// HEAD must pass. With AutoHandleHEAD, Echo sends HEAD to the GET route and
// the exclusion covers it.
package echo5passthrough
