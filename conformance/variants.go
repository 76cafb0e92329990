package conformance

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/passthrough-go/passthrough/core"
)

// Public is an excluded route that a [Variant] registers as a route of its
// own, beside the protected catch-all.
type Public struct {
	// Method is the method the route is registered for, with the
	// framework's own shortcut (r.GET, e.GET, app.Get, "GET /health" on a
	// ServeMux), whether or not the framework also routes HEAD to it; ""
	// registers the route for every method.
	Method string
	// Path is the route's path, as the framework spells a static route.
	Path string
	// Prefix says the route also answers every path under Path: register
	// both Path and the framework's wildcard under it ("/public/*").
	Prefix bool
}

// Pattern is the exclusion pattern for the route, such as "GET /health"
// or "/static": the name a [RouteHandler] reports it by.
func (p Public) Pattern() string {
	if p.Method == "" {
		return p.Path
	}
	return p.Method + " " + p.Path
}

// Protected is the route name a [RouteHandler] reports for the protected
// catch-all.
const Protected = "protected"

// RouteHandler is what every route of a [Variant]'s server runs: the
// request's standard context and the name of the route that ran,
// [Public.Pattern] or [Protected]. The server then answers 200 OK.
type RouteHandler func(ctx context.Context, route string)

// Variant is one configuration of a framework (for example Echo with
// e.Pre(middleware.RemoveTrailingSlash()), or Gin with UseRawPath) under
// which the suite checks exclusions against real routes.
type Variant struct {
	// Name names the configuration in test names, such as
	// "RemoveTrailingSlash".
	Name string

	// Serve starts a server on loopback configured as the variant says,
	// with the adapter's middleware built from opts and installed as the
	// adapter's documentation tells users to, each of public registered as
	// its own route, and a protected catch-all route that every other path
	// and method reaches (NoRoute, e.Any("/*"), app.All("/*"), a "/"
	// pattern). Every route runs h with its name. As with [Harness.Serve],
	// it builds the middleware before returning, stops the server with
	// t.Cleanup and returns a [Client].
	Serve func(t *testing.T, opts []core.Option, public []Public, h RouteHandler) Client

	// HostRoute says that Serve also registers a protected route for the
	// host [ProtectedHost], answering every path under it, the way a
	// ServeMux pattern "admin.conformance.test/" or Echo v4's
	// e.Host(ProtectedHost) does, and reporting [Protected]. The suite then
	// sends every excluded path with that Host, under every method, and
	// checks that none reaches the host's route without credentials: an
	// exclusion names no host, so it must not open a host's route.
	HostRoute bool
}

// ProtectedHost is the host of the protected host route a [Variant] with
// HostRoute registers.
const ProtectedHost = "admin.conformance.test"

// SuiteRoutes returns the routes that the suite's own exclusion checks
// name, each for every method. A [Harness.Serve] whose adapter asks the
// router which route it chose (see [core.Engine.DecideRoute]), as the Gin
// and Echo adapters and the net/http one in front of a ServeMux do,
// registers each as a route of its own with the framework's Any (a
// prefix also with the framework's wildcard under it, "/public/*"),
// running the same handler as its catch-all: an exclusion applies only to
// a request the router sends to the excluded route.
func SuiteRoutes() []Public {
	return []Public{
		{Path: "/health"}, {Path: "/docs/openapi.json"}, {Path: "/metrics"},
		{Path: "/public", Prefix: true}, {Path: "/static", Prefix: true},
	}
}

// variantRoutes are the public routes of every variant, and the
// exclusions that name them.
var variantRoutes = []Public{
	{Method: "GET", Path: "/health"},
	{Path: "/docs/openapi.json"},
	{Method: "GET", Path: "/public", Prefix: true},
	{Path: "/static", Prefix: true},
}

// variantPaths are the plain paths the spellings are made from: each is
// excluded by one of variantRoutes.
var variantPaths = []string{"/health", "/docs/openapi.json", "/public", "/public/a", "/static", "/static/app.js"}

// variantMethods are the methods every spelling is sent with: GET and
// HEAD, which some routers send to GET routes; methods a GET route does
// not answer; OPTIONS, which some routers answer on their own; and methods
// a framework's Any does not register (Echo v4's and Gin's Any register a
// fixed list), so that a method-less public route leaves them to a
// not-found catch-all: a method no router knows, WebDAV's LINK, and a
// lower-case "get", which is a different method (methods are
// case-sensitive).
var variantMethods = []string{"GET", "HEAD", "POST", "DELETE", "OPTIONS", "PURGE", "LINK", "get"}

var discard = slog.New(slog.DiscardHandler)

type routeCall struct {
	route string
	md    core.Metadata
	ok    bool
}

type routeRecorder struct {
	mu    sync.Mutex
	calls []routeCall
}

func (r *routeRecorder) handle(ctx context.Context, route string) {
	md, ok := core.FromContext(ctx)
	r.mu.Lock()
	r.calls = append(r.calls, routeCall{route, md, ok})
	r.mu.Unlock()
}

func (r *routeRecorder) take() []routeCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.calls
	r.calls = nil
	return c
}

// variants runs the exclusion checks under each of the harness's variants.
func (s suite) variants(t *testing.T) {
	t.Parallel()
	for _, v := range s.h.Variants {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			if v.Serve == nil {
				t.Fatalf("conformance: Variant %q has a nil Serve", v.Name)
			}
			checkVariant(t, v)
			if v.HostRoute {
				checkHostRoute(t, v)
			}
		})
	}
}

// checkVariant sends every spelling of every excluded path with every
// method, first without credentials, and asserts:
//
//   - no request without credentials reaches the protected route (the
//     adapter excluded a path the router dispatched elsewhere);
//   - a plain excluded path that the router sends to its public route
//     (seen by sending it with credentials) passes without them.
//
// An odd spelling of a public path may be refused (failing closed) or
// reach the public route; both are fine.
func checkVariant(t *testing.T, v Variant) {
	rec := &routeRecorder{}
	c := serveVariant(t, v, rec)

	one := func(r Request) (Response, []routeCall) {
		t.Helper()
		resps, err := c.Exchange(t.Context(), r)
		if err != nil {
			t.Fatalf("%s %s: exchange: %v", r.Method, r.Path, err)
		}
		return resps[0], rec.take()
	}
	for _, base := range variantPaths {
		plain := map[string]bool{base: true, base + "?probe=1": true}
		for _, sp := range spellings(base) {
			for _, m := range variantMethods {
				what := fmt.Sprintf("%s %s", m, sp)
				resp, calls := one(Request{Method: m, Path: sp})
				for _, call := range calls {
					if call.route == Protected {
						t.Errorf("%s without credentials reached the protected route (status %d): the adapter excluded a path its router dispatched elsewhere", what, resp.Status)
					} else if call.ok {
						t.Errorf("%s reached public route %q with credentials it was not sent", what, call.route)
					}
				}
				if !plain[sp] {
					continue
				}
				// Where does the router send this request? Ask with
				// credentials, which pass the middleware either way.
				_, routed := one(Request{Method: m, Path: sp, Header: []Field{{"Authorization", token}}})
				if len(routed) != 1 || routed[0].route == Protected {
					continue
				}
				// A "GET" pattern's cover of HEAD is the adapter's to choose
				// (see core.HeadNotGet); the plain spelling must pass for
				// the method the pattern names.
				if pub, ok := publicByPattern(routed[0].route); ok && pub.Method != "" && pub.Method != m {
					continue
				}
				if routed[0].ok {
					t.Errorf("%s with credentials reached public route %q carrying them: an excluded request must carry none", what, routed[0].route)
				}
				if resp.Status != 200 || len(calls) != 1 || calls[0].route != routed[0].route {
					t.Errorf("%s: the router sends it to public route %q, but without credentials it got status %d and routes %v; the plain excluded spelling must pass", what, routed[0].route, resp.Status, routeNames(calls))
				}
			}
		}
	}
}

// serveVariant starts v's server with variantRoutes registered and
// excluded.
func serveVariant(t *testing.T, v Variant, rec *routeRecorder) Client {
	var paths, prefixes []string
	for _, p := range variantRoutes {
		if p.Prefix {
			prefixes = append(prefixes, p.Pattern())
		} else {
			paths = append(paths, p.Pattern())
		}
	}
	return v.Serve(t, []core.Option{
		core.WithLogger(discard),
		core.WithExcludedPaths(paths...),
		core.WithExcludedPrefixes(prefixes...),
	}, append([]Public(nil), variantRoutes...), rec.handle)
}

func publicByPattern(pattern string) (Public, bool) {
	for _, p := range variantRoutes {
		if p.Pattern() == pattern {
			return p, true
		}
	}
	return Public{}, false
}

func routeNames(calls []routeCall) []string {
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i] = c.route
	}
	return out
}

// spellings returns p (a plain path) and other spellings of it that some
// router could decode, clean, fold or rewrite into p or into a path under
// it: encodings of each byte and of each slash, trailing, doubled and
// leading slashes, dot segments plain and encoded, case, parameters, a
// backslash, and absolute-form request targets.
func spellings(p string) []string {
	out := []string{
		p, p + "?probe=1", p + "/", p + "//", "/" + p, p + "/.", p + "/..", "/." + p, "/x/.." + p,
		"/x/%2e%2e" + p, "/%2e" + p, p + "/%2e", p + "%2F", p + "%2f", p + "%2F%2F", p + ";x=1", p + "%3Fx",
		p + "%00", p + "%20", p + "\\", p + "#frag", p + "/../admin", p + "/%2e%2e/admin", p + "/..%2Fadmin",
		p + "%2F..%2Fadmin", strings.ToUpper(p), strings.ToUpper(p[:2]) + p[2:], strings.ToUpper(p) + "/",
		"/%2F" + p[1:], "http://conformance.test" + p, "http://conformance.test" + p + "/",
		"http://conformance.test" + p + "%2F", "HTTP://CONFORMANCE.TEST" + p, "http://other.test" + p,
		"http://conformance.test/." + p,
	}
	for i := 1; i < len(p); i++ {
		enc := fmt.Sprintf("%%%02X", p[i])
		out = append(out, p[:i]+enc+p[i+1:], p[:i]+strings.ToLower(enc)+p[i+1:])
		if i == 1 {
			out = append(out, p[:i]+enc+p[i+1:]+"/", p[:i]+enc+p[i+1:]+"/x/")
		}
		if p[i] == '/' {
			out = append(out, p[:i]+"%2F"+p[i+1:], p[:i]+"\\"+p[i+1:], p[:i]+"/"+p[i:], p[:i]+"/./"+p[i+1:],
				p[:i]+"/%2e/"+p[i+1:], p[:i]+"/x/../"+p[i+1:])
		}
	}
	return out
}

// checkHostRoute sends every excluded path, under every method, to the
// variant's protected host route, in the spellings of the host a router
// could match, without credentials: none may reach the host's route.
func checkHostRoute(t *testing.T, v Variant) {
	rec := &routeRecorder{}
	c := serveVariant(t, v, rec)
	hosts := []string{ProtectedHost, ProtectedHost + ":80", strings.ToUpper(ProtectedHost), ProtectedHost + "."}
	for _, base := range variantPaths {
		for _, host := range hosts {
			for _, m := range variantMethods {
				raw := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: %s\r\n\r\n", m, base, host)
				resps, err := c.Exchange(t.Context(), Request{Method: m, Path: base, Raw: raw})
				if err != nil {
					t.Fatalf("%s %s (Host %s): exchange: %v", m, base, host, err)
				}
				for _, call := range rec.take() {
					if call.route == Protected {
						t.Errorf("%s %s with Host %s and no credentials reached the protected host route (status %d): an exclusion names no host and must not apply where the router routes by host", m, base, host, resps[0].Status)
					}
				}
			}
		}
	}
}
