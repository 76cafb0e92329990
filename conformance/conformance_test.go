package conformance_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"strings"
	"testing"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/httppassthrough"
)

// The suite passes against the reference adapter.
func TestReferenceAdapter(t *testing.T) {
	conformance.Run(t, conformance.Harness{
		Serve: referenceServe,
		Variants: []conformance.Variant{
			{Name: "ServeMux", Serve: serveMux},
			{Name: "ServeMuxHostAndFewMethods", Serve: muxVariant(false), HostRoute: true},
		},
	})
}

// muxVariant is a ServeMux with the two routing dimensions a method and a
// path do not show: a protected host route (ProtectedHost + "/"), and
// method-less public routes registered for methods only (GET and POST
// when none are given), as a framework's Any registers a fixed list, or
// as a Fiber app registers a method-less public route with app.Get in
// front of a final app.Use catch-all, so that other methods reach the
// catch-all "/". When hidden, the middleware wraps an http.HandlerFunc that
// calls the mux, so it cannot ask the mux which route it chose: it then
// excludes by method and path alone, the mistake that lets the host route
// or the catch-all run without credentials.
func muxVariant(hidden bool, methods ...string) func(*testing.T, []core.Option, []conformance.Public, conformance.RouteHandler) conformance.Client {
	return func(t *testing.T, opts []core.Option, public []conformance.Public, h conformance.RouteHandler) conformance.Client {
		mux := http.NewServeMux()
		for _, p := range public {
			route := func(w http.ResponseWriter, r *http.Request) { h(r.Context(), p.Pattern()) }
			registered := []string{p.Method}
			if p.Method == "" {
				registered = methods
				if len(registered) == 0 {
					registered = []string{"GET", "POST"}
				}
			}
			for _, m := range registered {
				mux.HandleFunc(m+" "+p.Path, route)
				if p.Prefix {
					mux.HandleFunc(m+" "+p.Path+"/", route)
				}
			}
		}
		protected := func(w http.ResponseWriter, r *http.Request) { h(r.Context(), conformance.Protected) }
		mux.HandleFunc("/", protected)
		mux.HandleFunc(conformance.ProtectedHost+"/", protected)
		var next http.Handler = mux
		if hidden {
			next = http.HandlerFunc(mux.ServeHTTP)
		}
		srv := httptest.NewServer(httppassthrough.Middleware(opts...)(next))
		t.Cleanup(srv.Close)
		return conformance.HTTPClient(srv.Listener.Addr().String())
	}
}

// serveMux is the reference variant: the middleware in front of a
// ServeMux, which routes on the escaped path the adapter checks.
func serveMux(t *testing.T, opts []core.Option, public []conformance.Public, h conformance.RouteHandler) conformance.Client {
	mux := http.NewServeMux()
	for _, p := range public {
		route := func(w http.ResponseWriter, r *http.Request) { h(r.Context(), p.Pattern()) }
		mux.HandleFunc(p.Pattern(), route)
		if p.Prefix {
			mux.HandleFunc(p.Pattern()+"/", route)
		}
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { h(r.Context(), conformance.Protected) })
	srv := httptest.NewServer(httppassthrough.Middleware(opts...)(mux))
	t.Cleanup(srv.Close)
	return conformance.HTTPClient(srv.Listener.Addr().String())
}

// rawPathRouter is a deliberately mismatched variant, the shape of Echo
// with e.Pre(middleware.RemoveTrailingSlash()) before the adapter checked
// the path Echo routes on: a pre-routing step trims a trailing slash from
// URL.Path (leaving RawPath as it came), the middleware checks
// URL.EscapedPath(), and the router dispatches on RawPath when it is set.
// "/health%2F" is then checked as "/health" and routed as "/health%2F".
func rawPathRouter(t *testing.T, opts []core.Option, public []conformance.Public, h conformance.RouteHandler) conformance.Client {
	mw := httppassthrough.Middleware(opts...)
	route := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.RawPath
		if p == "" {
			p = r.URL.Path
		}
		for _, pub := range public {
			methodOK := pub.Method == "" || pub.Method == r.Method
			if methodOK && (p == pub.Path || (pub.Prefix && strings.HasPrefix(p, pub.Path+"/"))) {
				h(r.Context(), pub.Pattern())
				return
			}
		}
		h(r.Context(), conformance.Protected)
	}))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
			r.URL.Path = p[:len(p)-1]
		}
		route.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return conformance.HTTPClient(srv.Listener.Addr().String())
}

// brokenRequest matches exclusions on the cleaned, decoded path: the classic
// mistake that lets "/x/../health" skip the credential check.
type brokenRequest struct{ r *http.Request }

func (b brokenRequest) Values(name string) []string { return b.r.Header.Values(name) }
func (b brokenRequest) Path() string                { return path.Clean(b.r.URL.Path) }
func (b brokenRequest) Method() string              { return b.r.Method }
func (b brokenRequest) Query(n string) []string     { return b.r.URL.Query()[n] }

func brokenServe(t *testing.T, opts []core.Option, h conformance.Handler) conformance.Client {
	engine := core.MustNew(opts...)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := engine.Decide(brokenRequest{r})
		if rej := d.Rejection(); rej != nil {
			httppassthrough.WriteRejection(w, rej)
			return
		}
		h(d.Context(r.Context()))
	}))
	t.Cleanup(srv.Close)
	return conformance.HTTPClient(srv.Listener.Addr().String())
}

// trailerRequest reads credentials from the headers and the trailers, as
// fasthttp's merged header list did before the Fiber adapter ignored them.
type trailerRequest struct{ brokenRequest }

func (q trailerRequest) Values(name string) []string {
	return append(q.r.Header.Values(name), q.r.Trailer.Values(name)...)
}
func (q trailerRequest) Path() string { return q.r.URL.EscapedPath() }

func trailerServe(t *testing.T, opts []core.Option, h conformance.Handler) conformance.Client {
	engine := core.MustNew(opts...)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // the trailers arrive after the body
		d := engine.Decide(trailerRequest{brokenRequest{r}})
		if rej := d.Rejection(); rej != nil {
			httppassthrough.WriteRejection(w, rej)
			return
		}
		h(d.Context(r.Context()))
	}))
	t.Cleanup(srv.Close)
	return conformance.HTTPClient(srv.Listener.Addr().String())
}

func referenceServe(t *testing.T, opts []core.Option, h conformance.Handler) conformance.Client {
	srv := httptest.NewServer(httppassthrough.Middleware(opts...)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(r.Context())
	})))
	t.Cleanup(srv.Close)
	return conformance.HTTPClient(srv.Listener.Addr().String())
}

// Compare fails when one adapter reads trailers as credentials, and says
// which request and what each adapter did; two reference adapters agree.
func TestCompareCatchesDisagreement(t *testing.T) {
	if os.Getenv("PASSTHROUGH_CONFORMANCE_COMPARE") == "1" {
		conformance.Compare(t,
			conformance.Adapter{Name: "reference", Harness: conformance.Harness{Serve: referenceServe}},
			conformance.Adapter{Name: "trailers", Harness: conformance.Harness{Serve: trailerServe}})
		return
	}
	conformance.Compare(t,
		conformance.Adapter{Name: "reference", Harness: conformance.Harness{Serve: referenceServe}},
		conformance.Adapter{Name: "again", Harness: conformance.Harness{Serve: referenceServe}})
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestCompareCatchesDisagreement$", "-test.v")
	cmd.Env = append(os.Environ(), "PASSTHROUGH_CONFORMANCE_COMPARE=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("Compare passed an adapter that reads trailers; output:\n%s", out)
	}
	for _, want := range []string{
		"undeclared trailers: adapters answer the same bytes differently",
		"reference: status 401, handler not run",
		"trailers: status 200, handler saw [cookie=",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("Compare's output lacks %q; output:\n%s", want, out)
		}
	}
}

// The suite fails against a deliberately broken adapter, and says why. The
// broken run happens in a child process, since a failing subtest would fail
// this test too.
func TestSuiteCatchesBrokenAdapter(t *testing.T) {
	if os.Getenv("PASSTHROUGH_CONFORMANCE_BROKEN") == "1" {
		conformance.Run(t, conformance.Harness{
			Serve: brokenServe,
			Variants: []conformance.Variant{
				{Name: "ServeMux", Serve: serveMux},
				{Name: "RawPathRouter", Serve: rawPathRouter},
				{Name: "ServeMuxHostAndFewMethods", Serve: muxVariant(false), HostRoute: true},
				{Name: "HiddenMuxHostAndFewMethods", Serve: muxVariant(true), HostRoute: true},
				// The shape of Fiber's final app.Use catch-all behind a
				// middleware that cannot see the route.
				{Name: "HiddenMuxGETOnlyFinalCatchAll", Serve: muxVariant(true, "GET")},
			},
		})
		return
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestSuiteCatchesBrokenAdapter$", "-test.v")
	cmd.Env = append(os.Environ(), "PASSTHROUGH_CONFORMANCE_BROKEN=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the suite passed a broken adapter; output:\n%s", out)
	}
	for _, want := range []string{
		"--- FAIL: TestSuiteCatchesBrokenAdapter/ExcludedPathsExact",
		"path /x/../health is not the excluded spelling and needs credentials",
		"--- FAIL: TestSuiteCatchesBrokenAdapter/ExcludedPrefixes",
		"--- PASS: TestSuiteCatchesBrokenAdapter/ForwardsDefaultCredentials",
		"--- PASS: TestSuiteCatchesBrokenAdapter/Variants/ServeMux",
		"--- FAIL: TestSuiteCatchesBrokenAdapter/Variants/RawPathRouter",
		"GET /health%2F without credentials reached the protected route",
		"GET /%70ublic/x/ without credentials reached the protected route",
		"--- PASS: TestSuiteCatchesBrokenAdapter/Variants/ServeMuxHostAndFewMethods",
		"--- FAIL: TestSuiteCatchesBrokenAdapter/Variants/HiddenMuxHostAndFewMethods",
		// Not-found catch-all: the mux sends PURGE to "/", not to the
		// method-less public route registered for GET and POST.
		"PURGE /docs/openapi.json without credentials reached the protected route",
		"get /docs/openapi.json without credentials reached the protected route",
		// Host route.
		"GET /health with Host admin.conformance.test and no credentials reached the protected host route",
		// Fiber's final app.Use catch-all: a method-less public route
		// registered for GET alone.
		"--- FAIL: TestSuiteCatchesBrokenAdapter/Variants/HiddenMuxGETOnlyFinalCatchAll",
		"POST /docs/openapi.json without credentials reached the protected route",
		"DELETE /static/app.js without credentials reached the protected route",
		"OPTIONS /docs/openapi.json without credentials reached the protected route",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("broken adapter run lacks %q; output:\n%s", want, out)
		}
	}
}

// namesCaseSensitive reads each header as fasthttp's parsed list does
// under DisableHeaderNormalizing, the mistake of issue 18 (finding 3):
// names are looked up as spelled, so of "Authorization: a" and
// "authorization: b" only one line is found. net/http keeps no name as
// received, so the view sees the first line of each header alone, which
// is what a lookup in one spelling finds when the lines differ in case.
type namesCaseSensitive struct{ brokenRequest }

func (q namesCaseSensitive) Values(name string) []string {
	return q.r.Header.Values(name)[:min(1, len(q.r.Header.Values(name)))]
}
func (q namesCaseSensitive) Path() string { return q.r.URL.EscapedPath() }

func namesCaseSensitiveServe(t *testing.T, opts []core.Option, h conformance.Handler) conformance.Client {
	engine := core.MustNew(opts...)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := engine.Decide(namesCaseSensitive{brokenRequest{r}})
		if rej := d.Rejection(); rej != nil {
			httppassthrough.WriteRejection(w, rej)
			return
		}
		h(d.Context(r.Context()))
	}))
	t.Cleanup(srv.Close)
	return conformance.HTTPClient(srv.Listener.Addr().String())
}

// The suite fails an adapter that looks header names up case-sensitively,
// as fiberpassthrough did under DisableHeaderNormalizing, and says which
// request showed it.
func TestSuiteCatchesCaseSensitiveNames(t *testing.T) {
	if os.Getenv("PASSTHROUGH_CONFORMANCE_CASE") == "1" {
		conformance.Run(t, conformance.Harness{Serve: namesCaseSensitiveServe})
		return
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestSuiteCatchesCaseSensitiveNames$", "-test.v")
	cmd.Env = append(os.Environ(), "PASSTHROUGH_CONFORMANCE_CASE=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the suite passed an adapter that sees one line of a header sent in two cases; output:\n%s", out)
	}
	for _, want := range []string{
		"--- FAIL: TestSuiteCatchesCaseSensitiveNames/Wire",
		"the same credential on two lines in two cases:",
		"want status 400, handler not run",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("case-sensitive adapter run lacks %q; output:\n%s", want, out)
		}
	}
}
