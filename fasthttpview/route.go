package fasthttpview

import (
	"strings"
	"sync"

	"github.com/passthrough-go/passthrough/core"
)

// StackRoute is one route of a Fiber router's stack for one method, as
// the app declares it (app.Stack, app.GetRoutes).
type StackRoute[K comparable] struct {
	// Key identifies the route: Fiber's *Route, which c.Route() returns
	// for the route whose handler is running.
	Key K
	// Path is the path the route was registered with.
	Path string
	// Use says the route was registered with app.Use (or a group's Use):
	// a middleware that matches a path prefix and may answer the request
	// itself instead of calling Next.
	Use bool
}

// Router is what an adapter knows of a Fiber app's router: for each
// method, its stack of routes in the order Fiber tries them, and the
// configuration that shapes the path it matches them on. Fiber v2 and v3
// route alike: after a handler calls Next, the next route of the
// request's method's stack that matches the request's path runs.
type Router[K comparable] struct {
	caseSensitive, strict bool
	stacks                map[string][]StackRoute[K]
}

// NewRouter returns the Router of an app with the given CaseSensitive and
// StrictRouting settings and stacks (method to routes, in order). It
// keeps stacks.
func NewRouter[K comparable](caseSensitive, strictRouting bool, stacks map[string][]StackRoute[K]) *Router[K] {
	return &Router[K]{caseSensitive: caseSensitive, strict: strictRouting, stacks: stacks}
}

// ReadRouter returns the Router of an app, from what the app declares:
// methods is its Config().RequestMethods, stacks its Stack() (for each
// method, in that order, its routes in the order Fiber tries them), and
// notUse its GetRoutes(true), copies of the routes not registered with
// Use, in the order of stacks. same reports whether a route of stacks is
// the one a copy was made from, and path returns a route's path as
// registered.
func ReadRouter[K comparable, R any](caseSensitive, strictRouting bool, methods []string, stacks [][]K, notUse []R, same func(K, *R) bool, path func(K) string) *Router[K] {
	m := make(map[string][]StackRoute[K], len(methods))
	for i, stack := range stacks[:min(len(stacks), len(methods))] {
		for _, rt := range stack {
			use := true
			if len(notUse) > 0 && same(rt, &notUse[0]) {
				use, notUse = false, notUse[1:]
			}
			m[methods[i]] = append(m[methods[i]], StackRoute[K]{Key: rt, Path: path(rt), Use: use})
		}
	}
	return NewRouter(caseSensitive, strictRouting, m)
}

// Route reports the route Fiber runs for a request with method and path
// (c.Path(), the path Fiber routes on) when the route self, the
// middleware's own, calls Next: for [core.Engine.DecideRoute].
//
// Fiber runs the middleware before it has matched a route, so the answer
// comes from the stack after self, route by route:
//
//   - a Use route whose prefix may match the path ends the search with
//     no route: it may answer the request itself (a final app.Use
//     catch-all does, and on Fiber v3 it comes before the HEAD routes
//     Fiber adds for GET routes at start-up);
//   - a static route whose path matches, as Fiber matches it (case folded
//     unless CaseSensitive, trailing slashes trimmed unless
//     StrictRouting), is the route, and so is a route "<static>/*" for
//     the static path and every path under it;
//   - a route with parameters that may match ends the search with no
//     route, since whether it matches is Fiber's parser's to say.
//
// It reports false when self is not in the method's stack (routes added
// after the stacks were read) or no route matches: a request only such a
// route answers needs credentials.
func (r *Router[K]) Route(self K, method, path string) (core.Route, bool) {
	stack := r.stacks[method]
	i := 0
	for i < len(stack) && stack[i].Key != self {
		i++
	}
	if i == len(stack) {
		return core.Route{}, false
	}
	detect := r.pretty(path)
	for _, rt := range stack[i+1:] {
		pretty := r.pretty(rt.Path)
		literal, static := literalPrefix(pretty)
		switch {
		case rt.Use:
			// Fiber v2 matches a Use prefix without a segment boundary.
			if pretty == "/" || strings.HasPrefix(detect, literal) {
				return core.Route{}, false
			}
		case static && pretty == detect:
			return core.Route{Method: method, Path: rt.Path}, true
		case wildcardUnder(pretty, detect):
			return core.Route{Method: method, Path: rt.Path}, true
		case !static && strings.HasPrefix(detect, literal):
			return core.Route{}, false
		}
	}
	return core.Route{}, false
}

// pretty is p as Fiber matches it: the path of a request (its detection
// path) or of a route.
func (r *Router[K]) pretty(p string) string {
	if !r.caseSensitive {
		p = asciiLower(p)
	}
	if !r.strict && len(p) > 1 {
		p = strings.TrimRight(p, "/")
		if p == "" {
			p = "/"
		}
	}
	return p
}

// literalPrefix returns the part of a route path that every path it
// matches starts with, and whether the route path is all literal. Fiber
// marks parameters with ':', '+' and '*', escapes with '\', and makes the
// '/' before an optional parameter or a wildcard optional, so the prefix
// stops at the last '/' before the first of them.
func literalPrefix(p string) (string, bool) {
	i := strings.IndexAny(p, ":+*?\\")
	if i < 0 {
		return p, true
	}
	return p[:max(strings.LastIndexByte(p[:i], '/'), 0)], false
}

// wildcardUnder reports whether route is "<static>/*" and path is static
// or a path under it, which is what Fiber matches it to.
func wildcardUnder(route, path string) bool {
	static, ok := strings.CutSuffix(route, "/*")
	if !ok {
		return false
	}
	if _, literal := literalPrefix(static); !literal {
		return false
	}
	return path == static || strings.HasPrefix(path, static+"/")
}

// asciiLower is strings.ToLower for ASCII letters alone, as Fiber lowers
// paths.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// Routers holds the [Router] of each app a middleware serves, read at the
// app's first request to an excluded path: Fiber apps are configured
// before they serve, and a route added later is not seen.
type Routers[A, K comparable] struct{ m sync.Map } // A -> *Router[K]

// Router returns app's Router, calling read the first time.
func (t *Routers[A, K]) Router(app A, read func() *Router[K]) *Router[K] {
	if r, ok := t.m.Load(app); ok {
		return r.(*Router[K])
	}
	r, _ := t.m.LoadOrStore(app, read())
	return r.(*Router[K])
}
