package core

import (
	"net/http"
	"strings"

	"github.com/passthrough-go/passthrough/extractors"
)

// Route is for adapter authors: the route a framework's router chose for a
// request, as the router itself declares it after routing: Echo's
// c.RouteInfo(), Gin's c.FullPath(), the pattern (*http.ServeMux).Handler
// returns. Adapters pass it to [Engine.DecideRoute].
type Route struct {
	// Method is the method the route was registered for, or "" for a
	// route that answers every method (a ServeMux pattern without a
	// method, Echo v5's Any). A router that sends HEAD to a GET route
	// reports "GET" for such a HEAD request.
	Method string
	// Host is the host the route is limited to, "" for a route of every
	// host.
	Host string
	// Path is the route's path as registered, such as "/health",
	// "/public/*" or "/public/{rest...}".
	Path string
}

// DecideRoute is [Engine.Decide] for an adapter that can ask the router
// which route it chose. route is called only when the request's method and
// path are excluded, and reports the route and whether the router chose
// one at all: false for not found, method not allowed, and not-found
// catch-alls such as Echo's RouteNotFound.
//
// An exclusion then applies only to a request the router sends to the
// excluded route:
//
//   - the router chose a route (exclusions never open a not-found or
//     method-not-allowed handler: see [Engine.DecideNoRoute]);
//   - the route names no host: exclusion patterns name none, so a host's
//     routes always need credentials;
//   - the route answers the request's method, and a "GET" pattern covers
//     HEAD only when the router sent the HEAD request to a GET route;
//   - the route's path is the excluded path or, for a prefix, the prefix
//     or a path under it ("/public/*" for "/public").
//
// The request's own path must still match the exclusion byte for byte, as
// for [Engine.Decide].
func (e *Engine) DecideRoute(r extractors.Request, route func() (Route, bool)) Decision {
	method, path := r.Method(), r.Path()
	if e.excludedRoute(method, path, route) {
		return Decision{}
	}
	return e.decide(r, false)
}

// excludedRoute applies the rule of [Engine.DecideRoute]. The cheap check
// on the request comes first: the router is asked only about a request an
// exclusion names.
func (e *Engine) excludedRoute(method, path string, route func() (Route, bool)) bool {
	// With HEAD treated as GET the match is the widest; the route then
	// says whether a "GET" pattern really covers this HEAD.
	if !e.excluded(method, path, true) {
		return false
	}
	rt, ok := route()
	if !ok || rt.Host != "" {
		return false
	}
	headToGet := method == http.MethodHead && rt.Method == http.MethodGet
	if rt.Method != "" && rt.Method != method && !headToGet {
		return false
	}
	return e.anyExclusion(path, func(x exclusion) bool {
		if !methodMatches(x.method, method, headToGet) {
			return false
		}
		if x.prefix {
			return rt.Path == x.path || strings.HasPrefix(rt.Path, x.path+"/")
		}
		return rt.Path == x.path
	})
}

// anyExclusion reports whether f holds for an exclusion whose path or
// prefix matches path (methods aside).
func (e *Engine) anyExclusion(path string, f func(exclusion) bool) bool {
	if e.exact != nil {
		for _, m := range e.exact[path] {
			if f(exclusion{method: m, path: path}) {
				return true
			}
		}
	} else {
		for _, x := range e.exactList {
			if x.path == path && f(x) {
				return true
			}
		}
	}
	for _, x := range e.prefixes {
		if underPrefix(path, x.path) && f(x) {
			return true
		}
	}
	return false
}
