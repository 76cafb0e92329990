// Package httppassthrough is the net/http adapter of passthrough: standard
// middleware, func(http.Handler) http.Handler, usable with http.ServeMux,
// chi, gorilla/mux and anything else built on net/http.
//
// The middleware puts the caller's credentials in the request's context,
// where [core.FromContext] finds them and the forwarding clients send them
// on. Wrap the whole router with it, so that it sees each request before
// the router does.
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
// # Methods
//
// As with ServeMux patterns, a "GET /health" exclusion also covers HEAD,
// since ServeMux routes HEAD to GET patterns. chi and gorilla/mux do not:
// behind them, with a catch-all route, HEAD /health would reach the
// catch-all without credentials. With those routers, register HEAD beside
// each excluded GET route (chi's middleware.GetHead does), or exclude only
// methods that reach the excluded route. A method-less exclusion covers
// every method, so its route must answer every method too.
//
// # For adapter authors
//
// [Middleware] and [NewTransport] are what a service uses; [Wire] declares
// a base transport of NewTransport other than *http.Transport. Adapters of
// other frameworks built on net/http share the rest: [NewRequest] (the
// request view over r.URL.EscapedPath()), [NewRawPathRequest] (over
// r.URL.RawPath when set, for routers that route on it, as Gin and Echo
// do) and [WriteRejection].
package httppassthrough
