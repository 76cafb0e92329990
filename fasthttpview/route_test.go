package fasthttpview_test

import (
	"testing"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/fasthttpview"
)

// Route names the route Fiber runs after the middleware only where that
// is certain, and no route otherwise.
func TestRouterRoute(t *testing.T) {
	t.Parallel()
	type sr = fasthttpview.StackRoute[string]
	const self = "mw"
	stack := func(rest ...sr) []sr {
		return append([]sr{{Key: "before", Path: "/", Use: true}, {Key: self, Path: "/", Use: true}}, rest...)
	}
	health := sr{Key: "health", Path: "/health"}
	for _, tc := range []struct {
		name                  string
		caseSensitive, strict bool
		stack                 []sr
		path                  string
		want                  string // the route's path, "" for none
	}{
		{"static, after a Use before the middleware", false, false, stack(health), "/health", "/health"},
		{"a Use after the middleware may answer", false, false, stack(sr{Key: "log", Path: "/", Use: true}, health), "/health", ""},
		{"a Use after the route comes too late", false, false, stack(health, sr{Key: "all", Path: "/", Use: true}), "/health", "/health"},
		{"a Use of another prefix", false, false, stack(sr{Key: "admin", Path: "/admin", Use: true}, health), "/health", "/health"},
		{"not registered for the method", false, false, stack(sr{Key: "all", Path: "/", Use: true}), "/health", ""},
		{"a parameter that may match", false, false, stack(sr{Key: "p", Path: "/:name"}, health), "/health", ""},
		{"a parameter that cannot match", false, false, stack(sr{Key: "p", Path: "/api/:id"}, health), "/health", "/health"},
		{"an optional parameter after a slash", false, false, stack(sr{Key: "p", Path: "/health/:id?"}, health), "/health", ""},
		{"a wildcard under a prefix", false, false, stack(sr{Key: "w", Path: "/public/*"}), "/public/a/b", "/public/*"},
		{"a wildcard and its prefix", false, false, stack(sr{Key: "w", Path: "/public/*"}), "/public", "/public/*"},
		{"a catch-all first", false, false, stack(sr{Key: "w", Path: "/*"}, health), "/health", "/*"},
		{"case folded", false, false, stack(sr{Key: "H", Path: "/Health"}, health), "/health", "/Health"},
		{"case kept", true, false, stack(sr{Key: "H", Path: "/Health"}, health), "/health", "/health"},
		{"trailing slash trimmed", false, false, stack(sr{Key: "s", Path: "/health/"}, health), "/health", "/health/"},
		{"trailing slash kept", false, true, stack(sr{Key: "s", Path: "/health/"}, health), "/health", "/health"},
		{"the middleware is not in the stack", false, false, []sr{health}, "/health", ""},
	} {
		r := fasthttpview.NewRouter(tc.caseSensitive, tc.strict, map[string][]sr{"GET": tc.stack})
		rt, ok := r.Route(self, "GET", tc.path)
		if got := map[bool]string{true: rt.Path}[ok]; got != tc.want || (ok && rt != (core.Route{Method: "GET", Path: tc.want})) {
			t.Errorf("%s: Route(GET %s) = %+v, %v; want the route %q (\"\" for none)", tc.name, tc.path, rt, ok, tc.want)
		}
		if _, ok := r.Route(self, "POST", tc.path); ok {
			t.Errorf("%s: Route(POST %s) found a route in a stack the app has not", tc.name, tc.path)
		}
	}
}
