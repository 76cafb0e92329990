package core_test

import (
	"testing"

	"github.com/passthrough-go/passthrough/core"
)

// DecideRoute excludes a request only when the route the router chose is
// the excluded one.
func TestDecideRouteExcludesOnlyTheExcludedRoute(t *testing.T) {
	t.Parallel()
	e := core.MustNew(quiet(), core.WithExcludedPaths("GET /health", "/docs"), core.WithExcludedPrefixes("/public"))
	for _, tc := range []struct {
		name, method, path string
		route              core.Route
		routed, excluded   bool
	}{
		{"the GET route", "GET", "/health", core.Route{Method: "GET", Path: "/health"}, true, true},
		{"no route (404, 405, NoRoute, RouteNotFound)", "GET", "/health", core.Route{}, false, false},
		{"a host's route", "GET", "/health", core.Route{Host: "admin.internal", Path: "/"}, true, false},
		{"a host's route on the same path", "GET", "/health", core.Route{Method: "GET", Host: "admin.internal", Path: "/health"}, true, false},
		{"HEAD the router sends to the GET route", "HEAD", "/health", core.Route{Method: "GET", Path: "/health"}, true, true},
		{"HEAD to a HEAD route", "HEAD", "/health", core.Route{Method: "HEAD", Path: "/health"}, true, false},
		{"HEAD to an any-method route", "HEAD", "/health", core.Route{Path: "/health"}, true, false},
		{"a catch-all", "GET", "/health", core.Route{Path: "/"}, true, false},
		{"a parameter route", "GET", "/health", core.Route{Method: "GET", Path: "/{name}"}, true, false},
		{"a method-less exclusion, any-method route", "PURGE", "/docs", core.Route{Path: "/docs"}, true, true},
		{"a route for another method", "PURGE", "/docs", core.Route{Method: "GET", Path: "/docs"}, true, false},
		{"under a prefix, its wildcard route", "GET", "/public/a", core.Route{Method: "GET", Path: "/public/*"}, true, true},
		{"under a prefix, the prefix route", "GET", "/public", core.Route{Method: "GET", Path: "/public"}, true, true},
		{"under a prefix, a route outside it", "GET", "/public/a", core.Route{Method: "GET", Path: "/*"}, true, false},
		{"under a prefix, a look-alike route", "GET", "/public/a", core.Route{Method: "GET", Path: "/publicity/*"}, true, false},
		{"a path no exclusion names", "GET", "/admin", core.Route{Method: "GET", Path: "/admin"}, true, false},
	} {
		asked := false
		d := e.DecideRoute(fakeRequest{method: tc.method, path: tc.path}, func() (core.Route, bool) {
			asked = true
			return tc.route, tc.routed
		})
		if got := d.Rejection() == nil; got != tc.excluded {
			t.Errorf("%s: %s %s routed to %+v (%v): excluded %v, want %v", tc.name, tc.method, tc.path, tc.route, tc.routed, got, tc.excluded)
		}
		if tc.path == "/admin" && asked {
			t.Errorf("%s: the router was asked about a request no exclusion names", tc.name)
		}
	}
}
