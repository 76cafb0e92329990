// Package ginpassthrough is the Gin adapter of passthrough.
//
// [Middleware] puts the caller's credentials in c.Request.Context() (not in
// the gin.Context's own key store), so that code which receives only a
// context.Context, such as a gRPC client call, finds them with
// [core.FromContext]. Install it with r.Use before registering routes, and
// first among your middleware, so that NoRoute and NoMethod handlers are
// behind it too and nothing changes the request's URL before it looks.
//
// # Which path is checked
//
// Gin picks the route before any middleware runs, on r.URL.Path, or, with
// engine.UseRawPath, on r.URL.RawPath when it is set. Exclusions are
// matched against r.URL.RawPath when it is set and r.URL.Path otherwise
// ([httppassthrough.NewRawPathRequest]). With UseRawPath that is Gin's own
// string. Without it, a string that matches an exclusion holds no '%', so
// it equals r.URL.Path, the string Gin routed on. An encoded spelling of
// an excluded path ("/%68ealth"), which Gin decodes and routes to the
// public route, is not excluded and needs credentials: the adapter fails
// closed. RemoveExtraSlash cleans what exclusions never match (".", "..",
// "//"), and UnescapePathValues changes parameter values only.
//
// An exclusion applies only to a request Gin routed to the excluded route
// (c.FullPath() is the excluded path, or for a prefix at or under it). A
// request Gin matched to no route (c.FullPath() is "": it runs the
// NoRoute or NoMethod handlers) is never excluded, since no excluded route
// will answer it; it needs credentials like any other.
//
// # Methods
//
// Gin sends a HEAD request only to routes registered for HEAD (r.GET does
// not register one), so a "GET /health" exclusion covers GET alone: HEAD
// /health would reach NoRoute or a catch-all. If the route answers HEAD
// (r.Match([]string{"GET", "HEAD"}, ...)), exclude "HEAD /health" as well.
// A method-less "/health" covers every method the route is registered for;
// other methods (r.Any registers nine, not PURGE) match no route and need
// credentials.
//
// # Redirects before the middleware
//
// RedirectTrailingSlash (on by default) answers "/me/" with a redirect to
// "/me", and RedirectFixedPath (off by default) a wrong-case or uncleaned
// path with a redirect to the route, before any middleware runs: a caller
// without credentials learns which routes exist, where the other adapters
// answer 401. Turn both off to have the middleware answer:
//
//	r := gin.New()
//	r.RedirectTrailingSlash = false
//	r.Use(ginpassthrough.Middleware(core.WithExcludedPaths("GET /health")))
package ginpassthrough
