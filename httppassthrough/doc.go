// Package httppassthrough is the net/http adapter of passthrough: standard
// middleware, func(http.Handler) http.Handler, usable with http.ServeMux,
// chi, gorilla/mux and anything else built on net/http.
//
// # For service authors
//
// [Middleware] puts the caller's credentials in the request's context,
// where [core.FromContext] finds them and the forwarding clients send them
// on. Wrap the whole router with it, so that it sees each request before
// the router does.
//
// [NewTransport] is the forwarding client for plain HTTP calls to a
// control plane: an http.RoundTripper that sends each call's credentials
// to the configured origins only. [Wire] declares a base transport of
// NewTransport other than *http.Transport.
//
// # Which path is checked
//
// Exclusions are matched against r.URL.EscapedPath(), the string
// http.ServeMux routes on: ServeMux answers a path it would clean ("//x",
// "/a/../x") with a redirect instead of routing it, and behind the
// middleware that redirect needs credentials like any path that is not
// excluded. chi and gorilla/mux route on r.URL.RawPath when it is set and
// r.URL.Path otherwise; a string that matches an exclusion holds no '%', so
// those are the same string whenever a path is excluded.
//
// # Routes, hosts and methods
//
// In front of an [*http.ServeMux], the middleware asks the mux which
// pattern it chose ([http.ServeMux.Handler]) for a request an exclusion
// names, and the exclusion applies only if that pattern is the excluded
// route: a pattern with a host ("admin.example.com/"), a 404 or 405, or a
// catch-all ("/") that answers a method the excluded route lacks needs
// credentials. "GET /health" covers HEAD where the mux sends HEAD to the
// "GET /health" pattern, and not where "HEAD /health" is registered too.
//
// In front of any other handler (chi, gorilla/mux, a ServeMux wrapped in
// another handler) the middleware cannot see the route: exclusions match
// method and path alone, and "GET /health" also covers HEAD. chi and
// gorilla/mux route HEAD apart from GET, so behind them, with a catch-all
// route, HEAD /health would reach the catch-all without credentials:
// register HEAD beside each excluded GET route (chi's middleware.GetHead
// does). Such a router must not route an excluded path by host, and a
// method-less exclusion's route must answer every method.
//
// # For adapter authors
//
// Adapters of other frameworks built on net/http share the rest, which a
// service never calls: [NewRequest] (the request view over
// r.URL.EscapedPath()), [NewRawPathRequest] (over r.URL.RawPath when set,
// for routers that route on it, as Gin and Echo do) and [WriteRejection].
package httppassthrough
