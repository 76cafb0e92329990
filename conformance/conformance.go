package conformance

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
)

// Run checks that the adapter behind h behaves as every passthrough adapter
// must. Each subtest starts its own server through h.Serve.
func Run(t *testing.T, h Harness) {
	t.Helper()
	if h.Serve == nil {
		t.Fatal("conformance: Harness.Serve is nil")
	}
	if h.Procedures {
		h.GRPC = true
	}
	s := suite{h: h}
	t.Run("ForwardsDefaultCredentials", s.forwardsDefaultCredentials)
	t.Run("HeaderNamesCaseInsensitive", s.headerNamesCaseInsensitive)
	t.Run("MissingCredentials", s.missingCredentials)
	t.Run("OptionalMode", s.optionalMode)
	t.Run("ExcludedPathsExact", s.excludedPathsExact)
	t.Run("ExcludedPrefixes", s.excludedPrefixes)
	t.Run("ExcludedByMethod", s.excludedByMethod)
	t.Run("Skipper", s.skipper)
	t.Run("MalformedValues", s.malformedValues)
	t.Run("AmbiguousHeader", s.ambiguousHeader)
	t.Run("SizeCap", s.sizeCap)
	t.Run("InvalidConfiguration", s.invalidConfiguration)
	t.Run("CustomExtractors", s.customExtractors)
	t.Run("WrappingExtractor", s.wrappingExtractor)
	t.Run("PanickingExtractor", s.panickingExtractor)
	t.Run("NoSecretInLogsOrBodies", s.noSecretInLogsOrBodies)
	t.Run("ConcurrentIsolation", s.concurrentIsolation)
	t.Run("MetadataOutlivesRequest", s.metadataOutlivesRequest)
	t.Run("HostileRequests", s.hostileRequests)
	if !h.GRPC {
		t.Run("Wire", s.wire)
	}
	if len(h.Variants) > 0 {
		if h.GRPC {
			t.Fatal("conformance: Harness.Variants are for HTTP transports")
		}
		t.Run("Variants", s.variants)
	}
}

type suite struct{ h Harness }

// p maps a suite path onto the transport: full method names for gRPC.
func (s suite) p(path string) string {
	if s.h.GRPC {
		return GRPCService + path
	}
	return path
}

func (s suite) ps(paths ...string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = s.p(p)
	}
	return out
}

// malformed is a credential value the transport can carry but the core must
// refuse.
func (s suite) malformed() string {
	if s.h.GRPC {
		return "   "
	}
	return "Bearer caf\xc3\xa9"
}

// seen is what the handler saw for one request.
type seen struct {
	md core.Metadata
	ok bool
}

type recorder struct {
	mu    sync.Mutex
	calls []seen
}

func (r *recorder) handle(ctx context.Context) {
	md, ok := core.FromContext(ctx)
	r.mu.Lock()
	r.calls = append(r.calls, seen{md, ok})
	r.mu.Unlock()
}

func (r *recorder) take() []seen {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.calls
	r.calls = nil
	return c
}

func (s suite) serve(t *testing.T, opts ...core.Option) (Client, *recorder) {
	t.Helper()
	rec := &recorder{}
	opts = append([]core.Option{core.WithLogger(slog.New(slog.DiscardHandler))}, opts...)
	return s.h.Serve(t, opts, rec.handle), rec
}

func (s suite) send(t *testing.T, c Client, reqs ...Request) []Response {
	t.Helper()
	for i := range reqs {
		reqs[i].Path = s.p(reqs[i].Path)
	}
	return send(t, c, reqs...)
}

func send(t *testing.T, c Client, reqs ...Request) []Response {
	t.Helper()
	resps, err := c.Exchange(t.Context(), reqs...)
	if err != nil {
		t.Fatalf("exchange: %v", err)
	}
	if len(resps) != len(reqs) {
		t.Fatalf("exchange: got %d responses for %d requests", len(resps), len(reqs))
	}
	return resps
}

func get(path string, fields ...string) Request {
	r := Request{Path: path}
	for i := 0; i+1 < len(fields); i += 2 {
		r.Header = append(r.Header, Field{fields[i], fields[i+1]})
	}
	return r
}

// expectForwarded checks a 200 whose handler saw exactly want.
func expectForwarded(t *testing.T, what string, resp Response, rec *recorder, want ...core.Pair) {
	t.Helper()
	if resp.Status != 200 {
		t.Errorf("%s: status %d, want 200 (body %q)", what, resp.Status, resp.Body)
		return
	}
	calls := rec.take()
	if len(calls) != 1 {
		t.Errorf("%s: handler ran %d times, want once", what, len(calls))
		return
	}
	got := calls[0].md.Pairs()
	if len(want) == 0 {
		if calls[0].ok || len(got) != 0 {
			t.Errorf("%s: handler saw metadata with keys %v, want none", what, keys(got))
		}
		return
	}
	if !equalPairs(got, want) {
		t.Errorf("%s: handler saw metadata %s, want %s", what, describe(got), describe(want))
	}
}

// expectRefused checks that the request was answered with a status in
// [400, 500) (exactly status when it is non-zero) and the handler never ran.
func expectRefused(t *testing.T, what string, resp Response, rec *recorder, status int) {
	t.Helper()
	if status != 0 && resp.Status != status {
		t.Errorf("%s: status %d, want %d", what, resp.Status, status)
	}
	if resp.Status < 400 || resp.Status >= 500 {
		t.Errorf("%s: status %d, want a 4xx refusal", what, resp.Status)
	}
	if n := len(rec.take()); n != 0 {
		t.Errorf("%s: handler ran %d times, want never (a refused request must not reach it)", what, n)
	}
}

func keys(ps []core.Pair) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Key
	}
	return out
}

// describe prints pairs for a failure message. The values are the suite's
// own test tokens, not real credentials.
func describe(ps []core.Pair) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		v := p.Value
		if len(v) > 48 {
			v = fmt.Sprintf("%s...(%d bytes)", v[:24], len(v))
		}
		parts[i] = fmt.Sprintf("%s=%q", p.Key, v)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func equalPairs(a, b []core.Pair) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

const (
	token  = "Bearer conformance-token-0123456789"
	cookie = "session=abc123; theme=dark; csrf=x-y-z"
)

func (s suite) forwardsDefaultCredentials(t *testing.T) {
	t.Parallel()
	c, rec := s.serve(t)
	r := s.send(t, c, get("/protected", "Authorization", token))
	expectForwarded(t, "Authorization only", r[0], rec, core.Pair{Key: "authorization", Value: token})
	r = s.send(t, c, get("/protected", "Cookie", cookie))
	expectForwarded(t, "Cookie only", r[0], rec, core.Pair{Key: "cookie", Value: cookie})
	r = s.send(t, c, get("/protected/deeper", "Authorization", token, "Cookie", cookie, "X-Other", "not forwarded"))
	expectForwarded(t, "both, plus an unrelated header", r[0], rec,
		core.Pair{Key: "authorization", Value: token}, core.Pair{Key: "cookie", Value: cookie})
	// Byte-for-byte: inner spacing and unusual but valid characters survive.
	odd := "Basic  dXNlcjpwYXNz=,~!"
	r = s.send(t, c, get("/protected", "Authorization", odd))
	expectForwarded(t, "value with inner spaces and punctuation", r[0], rec, core.Pair{Key: "authorization", Value: odd})
}

func (s suite) headerNamesCaseInsensitive(t *testing.T) {
	t.Parallel()
	c, rec := s.serve(t, core.WithExtractors(extractors.Authorization(), extractors.Cookie(), extractors.Header("X-API-Key")))
	r := s.send(t, c, get("/protected", "aUtHoRiZaTiOn", token, "COOKIE", cookie, "x-api-key", "key-1"))
	expectForwarded(t, "mixed-case header names", r[0], rec,
		core.Pair{Key: "authorization", Value: token}, core.Pair{Key: "cookie", Value: cookie},
		core.Pair{Key: "x-api-key", Value: "key-1"})
}

func (s suite) missingCredentials(t *testing.T) {
	t.Parallel()
	c, rec := s.serve(t)
	r := s.send(t, c, get("/protected", "X-Other", "x"))[0]
	expectRefused(t, "no credentials", r, rec, 401)
	if r.Header == nil {
		return
	}
	if got := r.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("401 Content-Type %q, want application/json", got)
	}
	if got := r.Header.Get("WWW-Authenticate"); got != "Bearer" {
		t.Errorf("401 WWW-Authenticate %q, want Bearer", got)
	}
	if want := `{"detail":"Authentication credentials required"}`; string(r.Body) != want {
		t.Errorf("401 body %q, want %q", r.Body, want)
	}
}

func (s suite) optionalMode(t *testing.T) {
	t.Parallel()
	c, rec := s.serve(t, core.WithOptional())
	r := s.send(t, c, get("/protected"))
	expectForwarded(t, "optional mode without credentials", r[0], rec)
	r = s.send(t, c, get("/protected", "Authorization", token))
	expectForwarded(t, "optional mode with credentials", r[0], rec, core.Pair{Key: "authorization", Value: token})
	r = s.send(t, c, get("/protected", "Authorization", s.malformed()))
	expectRefused(t, "optional mode must still refuse a malformed credential", r[0], rec, 400)
	r = s.send(t, c, get("/protected", "Authorization", token, "Authorization", token))
	expectRefused(t, "optional mode must still refuse an ambiguous credential", r[0], rec, 400)
}

func (s suite) excludedPathsExact(t *testing.T) {
	t.Parallel()
	c, rec := s.serve(t, core.WithExcludedPaths(s.ps("/health", "/docs/openapi.json")...))
	excluded := []string{"/health"}
	if !s.h.Procedures {
		excluded = append(excluded, "/docs/openapi.json")
	}
	if !s.h.GRPC {
		excluded = append(excluded, "/health?probe=1")
	}
	for _, p := range excluded {
		r := s.send(t, c, get(p))
		expectForwarded(t, "excluded path "+p+" without credentials", r[0], rec)
		r = s.send(t, c, get(p, "Authorization", token, "Cookie", cookie))
		expectForwarded(t, "excluded path "+p+" must not carry credentials even when sent", r[0], rec)
	}
	for _, p := range []string{
		"/%68ealth", "/health%2F", "/HEALTH", "/Health", "/health/", "//health", "/./health",
		"/health/.", "/x/../health", "/health;x=1", "/health%3Fprobe=1", "/health/x",
		"/healthz", "/docs/openapi.json/", "/docs//openapi.json", "/docs/./openapi.json",
		"/docs/openapi%2Ejson", "/docs%2Fopenapi.json",
	} {
		r := s.send(t, c, get(p))
		expectRefused(t, "path "+p+" is not the excluded spelling and needs credentials", r[0], rec, 0)
	}
}

func (s suite) excludedPrefixes(t *testing.T) {
	t.Parallel()
	if s.h.Procedures {
		s.excludedServices(t)
		return
	}
	c, rec := s.serve(t, core.WithExcludedPrefixes(s.ps("/public", "/static/")...))
	for _, p := range []string{"/public", "/public/", "/public/a", "/public/a/b.css", "/static/app.js", "/static"} {
		r := s.send(t, c, get(p, "Authorization", token))
		expectForwarded(t, "path "+p+" under an excluded prefix", r[0], rec)
	}
	for _, p := range []string{
		"/publicity", "/public-x", "/PUBLIC/a", "/public/../admin", "/public/%2e%2e/admin",
		"/public/..", "/public/./a", "/public//a", "/public/a;jsessionid=1", "/public%2Fa",
		"/public/a%2F..%2F..%2Fadmin", "/public\\..\\admin", "//public/a", "/staticfiles",
	} {
		r := s.send(t, c, get(p))
		expectRefused(t, "path "+p+" must not be excluded by a prefix", r[0], rec, 0)
	}
}

// excludedServices is excludedPrefixes for procedure transports: a prefix
// is a whole service.
func (s suite) excludedServices(t *testing.T) {
	c, rec := s.serve(t, core.WithExcludedPrefixes("/public.v1.Public"))
	for _, p := range []string{"/public.v1.Public/Get", "/public.v1.Public/List"} {
		r := send(t, c, get(p, "Authorization", token))
		expectForwarded(t, "procedure "+p+" of an excluded service", r[0], rec)
	}
	for _, p := range []string{
		"/public.v1.Publicity/Get", "/public.v1.PUBLIC/Get", "/public.v1.Public2/Get",
		"/public.v1.Public%2FGet", "/other.v1.Service/Get",
	} {
		r := send(t, c, get(p))
		expectRefused(t, "procedure "+p+" must not be excluded by a service prefix", r[0], rec, 0)
	}
}

// excludedByMethod: "GET /health" excludes GET and HEAD only; every other
// method on the same path needs credentials, while a method-less pattern
// still covers every method. RPC transports send every call as POST.
func (s suite) excludedByMethod(t *testing.T) {
	t.Parallel()
	if s.h.GRPC {
		c, rec := s.serve(t, core.WithExcludedPaths("GET "+s.p("/health"), "POST "+s.p("/ping")))
		r := s.send(t, c, get("/health"))
		expectRefused(t, `an RPC call is a POST: "GET /health" must not exclude it`, r[0], rec, 0)
		r = s.send(t, c, get("/ping"))
		expectForwarded(t, `"POST /ping" excludes the RPC /ping`, r[0], rec)
		return
	}
	c, rec := s.serve(t, core.WithExcludedPaths("GET /health", "/metrics"), core.WithExcludedPrefixes("GET /public"))
	for _, p := range []string{"/health", "/metrics", "/public/a"} {
		r := s.send(t, c, Request{Method: "GET", Path: p})
		expectForwarded(t, "GET "+p+" is excluded", r[0], rec)
	}
	r := s.send(t, c, Request{Method: "HEAD", Path: "/metrics"})
	expectForwarded(t, "HEAD /metrics is excluded by the method-less pattern", r[0], rec)
	// Whether "GET" covers HEAD is the router's: yes where HEAD reaches GET
	// routes (ServeMux, Fiber), no where it does not (Gin, Echo). Here a
	// HEAD is either excluded or asks for credentials; Variants check the
	// choice against real routes.
	for _, p := range []string{"/health", "/public/a"} {
		r := s.send(t, c, Request{Method: "HEAD", Path: p})
		if r[0].Status == 401 {
			expectRefused(t, "HEAD "+p+" where HEAD is routed apart from GET", r[0], rec, 401)
		} else {
			expectForwarded(t, "HEAD "+p+" where HEAD reaches GET routes", r[0], rec)
		}
	}
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS"} {
		r = s.send(t, c, Request{Method: m, Path: "/metrics"})
		expectForwarded(t, m+" /metrics is excluded by the method-less pattern", r[0], rec)
		for _, p := range []string{"/health", "/public/a"} {
			r := s.send(t, c, Request{Method: m, Path: p})
			expectRefused(t, m+" "+p+" is excluded for GET only and needs credentials", r[0], rec, 0)
		}
		r = s.send(t, c, Request{Method: m, Path: "/health", Header: []Field{{"Authorization", token}}})
		expectForwarded(t, m+" /health with credentials", r[0], rec, core.Pair{Key: "authorization", Value: token})
	}
}

func (s suite) skipper(t *testing.T) {
	t.Parallel()
	c, rec := s.serve(t, core.WithSkipper(func(r extractors.Request) bool {
		v := r.Values("X-Internal-Probe")
		return len(v) == 1 && v[0] == "yes"
	}))
	r := s.send(t, c, get("/protected", "X-Internal-Probe", "yes", "Authorization", token))
	expectForwarded(t, "skipped request must carry no credentials", r[0], rec)
	r = s.send(t, c, get("/protected", "X-Internal-Probe", "no"))
	expectRefused(t, "request the skipper declines needs credentials", r[0], rec, 401)
}

func (s suite) malformedValues(t *testing.T) {
	t.Parallel()
	c, rec := s.serve(t, core.WithExtractors(extractors.Authorization(), extractors.Header("X-API-Key")))
	cases := []struct{ name, value string }{
		{"blank", "   "},
		{"empty", ""},
	}
	if !s.h.GRPC {
		cases = append(cases, []struct{ name, value string }{
			{"non-ASCII", "Bearer caf\xc3\xa9"},
			{"tab", "Bearer a\tb"},
			{"DEL", "Bearer a\x7fb"},
			{"NUL", "Bearer a\x00b"},
		}...)
	}
	for _, tc := range cases {
		for _, h := range []string{"Authorization", "X-API-Key"} {
			r := s.send(t, c, get("/protected", h, tc.value))
			expectRefused(t, tc.name+" value in "+h, r[0], rec, 0)
		}
	}
	// The server keeps serving after refusals.
	r := s.send(t, c, get("/protected", "X-API-Key", "k"))
	expectForwarded(t, "good request after refusals", r[0], rec, core.Pair{Key: "x-api-key", Value: "k"})
}

func (s suite) ambiguousHeader(t *testing.T) {
	t.Parallel()
	c, rec := s.serve(t, core.WithExtractors(extractors.Authorization(), extractors.Cookie(), extractors.Header("X-API-Key")))
	for _, tc := range []struct{ name, a, b string }{
		{"Authorization", token, "Bearer other"},
		{"Authorization", token, token},
		{"Cookie", "a=1", "b=2"},
		{"X-API-Key", "k1", "k2"},
	} {
		r := s.send(t, c, get("/protected", tc.name, tc.a, strings.ToLower(tc.name), tc.b))
		expectRefused(t, tc.name+" sent on two lines must not be forwarded or picked from", r[0], rec, 400)
	}
	// The same holds for extractors that read part of a header, and for
	// custom ones.
	custom := extractors.Func("x-tenant-token", func(r extractors.Request) (string, bool) {
		if v := r.Values("X-Tenant-Token"); len(v) > 0 {
			return v[0], true
		}
		return "", false
	})
	c, rec = s.serve(t, core.WithExtractors(extractors.Cookies("session"), custom))
	r := s.send(t, c, get("/protected", "Cookie", "session=a", "Cookie", "session=b"))
	expectRefused(t, "Cookie lines read by Cookies(...) sent twice", r[0], rec, 400)
	r = s.send(t, c, get("/protected", "X-Tenant-Token", "t1", "X-Tenant-Token", "t2"))
	expectRefused(t, "a custom extractor's header sent twice", r[0], rec, 400)
	r = s.send(t, c, get("/protected", "Cookie", "session=a; other=b", "X-Tenant-Token", "t1"))
	expectForwarded(t, "Cookies(...) and a custom extractor, one line each", r[0], rec,
		core.Pair{Key: "cookie", Value: "session=a"}, core.Pair{Key: "x-tenant-token", Value: "t1"})
}

func (s suite) sizeCap(t *testing.T) {
	t.Parallel()
	c, rec := s.serve(t, core.WithMaxValueSize(256))
	r := s.send(t, c, get("/protected", "Authorization", "Bearer "+strings.Repeat("a", 249)))
	expectForwarded(t, "value at the cap", r[0], rec, core.Pair{Key: "authorization", Value: "Bearer " + strings.Repeat("a", 249)})
	r = s.send(t, c, get("/protected", "Authorization", "Bearer "+strings.Repeat("a", 250)))
	expectRefused(t, "value one byte over the cap", r[0], rec, 431)

	c, rec = s.serve(t)
	r = s.send(t, c, get("/protected", "Authorization", "Bearer "+strings.Repeat("a", core.DefaultMaxValueSize)))
	expectRefused(t, "value over the default 8 KiB cap", r[0], rec, 0)
}

func (s suite) invalidConfiguration(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opt  core.Option
	}{
		{"empty excluded path", core.WithExcludedPaths("")},
		{"relative excluded path", core.WithExcludedPaths("health")},
		{"encoded excluded path", core.WithExcludedPaths("/a%20b")},
		{"dot segment in excluded path", core.WithExcludedPaths("/a/../b")},
		{"root prefix", core.WithExcludedPrefixes("/")},
		{"empty prefix", core.WithExcludedPrefixes("")},
		{"invalid header name", core.WithExtractors(extractors.Header("X API Key"))},
		{"empty header name", core.WithExtractors(extractors.Header(""))},
		{"reserved host", core.WithExtractors(extractors.Header("Host"))},
		{"pseudo-header", core.WithExtractors(extractors.Header(":authority"))},
		{"grpc- header", core.WithExtractors(extractors.Header("Grpc-Timeout"))},
		{"hop-by-hop te", core.WithExtractors(extractors.Header("TE"))},
		{"hop-by-hop connection", core.WithExtractors(extractors.Header("Connection"))},
		{"content-type", core.WithExtractors(extractors.Header("Content-Type"))},
		{"user-agent", core.WithExtractors(extractors.Header("User-Agent"))},
		{"binary key", core.WithExtractors(extractors.Header("X-Token-Bin"))},
		{"no cookie names", core.WithExtractors(extractors.Cookies())},
		{"invalid cookie name", core.WithExtractors(extractors.Cookies("a;b"))},
		{"zero extractor", core.WithExtractors(extractors.Extractor{})},
		{"nil Func", core.WithExtractors(extractors.Func("x-token", nil))},
		{"Func with an invalid key", core.WithExtractors(extractors.Func("X Token", func(extractors.Request) (string, bool) { return "", false }))},
		{"Func with a reserved key", core.WithExtractors(extractors.Func("grpc-timeout", func(extractors.Request) (string, bool) { return "", false }))},
		{"lower-case method in an exclusion", core.WithExcludedPaths("get /health")},
		{"method without a path", core.WithExcludedPaths("GET ")},
		{"two spaces in an exclusion", core.WithExcludedPaths("GET  /health")},
		{"wildcard in an exclusion", core.WithExcludedPaths("/users/{id}")},
		{"host in an exclusion", core.WithExcludedPaths("GET example.com/health")},
		{"no extractors", core.WithExtractors()},
		{"duplicate keys", core.WithExtractors(extractors.Cookie(), extractors.Cookies("session"))},
		{"nil logger", core.WithLogger(nil)},
		{"nil skipper", core.WithSkipper(nil)},
		{"zero size cap", core.WithMaxValueSize(0)},
		{"nil option", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			msg := panicMessage(func() { s.h.Serve(t, []core.Option{tc.opt}, func(context.Context) {}) })
			if msg == "" {
				t.Fatalf("building the middleware with %s must panic at construction; it did not", tc.name)
			}
			if !strings.HasPrefix(msg, "passthrough:") {
				t.Fatalf("construction panic %q must start with %q", msg, "passthrough:")
			}
			if n := strings.Count(msg, "passthrough:"); n != 1 {
				t.Fatalf("construction panic %q repeats the %q prefix %d times; want it once", msg, "passthrough:", n)
			}
		})
	}
}

func panicMessage(f func()) (msg string) {
	defer func() {
		if v := recover(); v != nil {
			msg = fmt.Sprint(v)
			if msg == "" {
				msg = "(empty panic)"
			}
		}
	}()
	f()
	return ""
}

func (s suite) customExtractors(t *testing.T) {
	t.Parallel()
	c, rec := s.serve(t, core.WithExtractors(extractors.Header("X-API-Key"), extractors.Cookies("session", "csrf")))
	r := s.send(t, c, get("/protected", "X-Api-Key", "key-42", "Cookie", cookie))
	expectForwarded(t, "custom header and named cookies", r[0], rec,
		core.Pair{Key: "x-api-key", Value: "key-42"}, core.Pair{Key: "cookie", Value: "session=abc123; csrf=x-y-z"})
	r = s.send(t, c, get("/protected", "Cookie", "theme=dark; other=1"))
	expectRefused(t, "no named cookie and no key", r[0], rec, 401)
	r = s.send(t, c, get("/protected", "Authorization", token))
	expectRefused(t, "Authorization is not configured here", r[0], rec, 401)
}

// wrappingExtractor: a custom extractor that calls a built-in one is called
// on every request, and what it returns is what is forwarded.
func (s suite) wrappingExtractor(t *testing.T) {
	t.Parallel()
	bearerOnly := extractors.Func("authorization", func(r extractors.Request) (string, bool) {
		v, ok := extractors.Authorization().Extract(r)
		if !ok || !strings.HasPrefix(v, "Bearer ") {
			return "", false
		}
		return v, true
	})
	addScheme := extractors.Func("x-api-key", func(r extractors.Request) (string, bool) {
		v, ok := extractors.Header("X-API-Key").Extract(r)
		if !ok {
			return "", false
		}
		return "Key " + v, true
	})
	c, rec := s.serve(t, core.WithExtractors(bearerOnly, addScheme))
	r := s.send(t, c, get("/protected", "Authorization", "Basic dXNlcjpwYXNz"))
	expectRefused(t, "a wrapper that refuses Basic credentials must not forward them", r[0], rec, 401)
	r = s.send(t, c, get("/protected", "Authorization", token, "X-API-Key", "k1"))
	expectForwarded(t, "a wrapper's own value is what is forwarded", r[0], rec,
		core.Pair{Key: "authorization", Value: token}, core.Pair{Key: "x-api-key", Value: "Key k1"})
	r = s.send(t, c, get("/protected", "X-API-Key", "k1", "x-api-key", "k2"))
	expectRefused(t, "a header a wrapper read arrived on two lines", r[0], rec, 400)
}

func (s suite) panickingExtractor(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(&lockedWriter{w: &logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	boom := extractors.Func("x-boom", func(r extractors.Request) (string, bool) {
		if v := r.Values("X-Boom"); len(v) > 0 {
			panic("extractor exploded holding " + v[0])
		}
		return "", false
	})
	rec := &recorder{}
	c := s.h.Serve(t, []core.Option{core.WithLogger(logger), core.WithExtractors(boom, extractors.Authorization())}, rec.handle)
	secret := "Bearer panic-canary-5150"
	r := s.send(t, c, get("/protected", "X-Boom", secret, "Authorization", token))
	expectForwarded(t, "a panicking extractor is treated as absent", r[0], rec, core.Pair{Key: "authorization", Value: token})
	r = s.send(t, c, get("/protected", "X-Boom", secret))
	expectRefused(t, "only a panicking extractor: no credentials", r[0], rec, 401)
	r = s.send(t, c, get("/protected", "Authorization", token))
	expectForwarded(t, "server keeps serving after a panic", r[0], rec, core.Pair{Key: "authorization", Value: token})
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logs.String(), "panicked") {
		t.Errorf("a recovered extractor panic must be logged; logs: %s", logs.String())
	}
	if strings.Contains(logs.String(), "panic-canary-5150") {
		t.Errorf("the panic value held a credential and reached the log")
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (s suite) noSecretInLogsOrBodies(t *testing.T) {
	t.Parallel()
	const canary = "canary-7f3a9c"
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(&lockedWriter{w: &logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var printed []string
	var pmu sync.Mutex
	handler := func(ctx context.Context) {
		md, _ := core.FromContext(ctx)
		var b bytes.Buffer
		slog.New(slog.NewTextHandler(&b, nil)).Info("md", "md", md)
		pmu.Lock()
		printed = append(printed, fmt.Sprintf("%v %+v %#v %s", md, md, md, md), md.String(), b.String())
		pmu.Unlock()
	}
	c := s.h.Serve(t, []core.Option{core.WithLogger(logger), core.WithMaxValueSize(64),
		core.WithExtractors(extractors.Authorization(), extractors.Cookie(), extractors.Header("X-API-Key"))}, handler)
	reqs := [][]string{
		{"Authorization", "Bearer " + canary},
		{"Authorization", "Bearer " + canary + s.malformed()},
		{"Authorization", "Bearer " + canary, "Authorization", "Bearer " + canary},
		{"Cookie", "s=" + canary + strings.Repeat("x", 64)},
		{"X-API-Key", canary, "Cookie", "s=" + canary},
	}
	for _, fields := range reqs {
		r := s.send(t, c, get("/protected", fields...))
		if bytes.Contains(r[0].Body, []byte(canary)) {
			t.Errorf("response body %q contains the credential", r[0].Body)
		}
		for name, vs := range r[0].Header {
			for _, v := range vs {
				if strings.Contains(v, canary) {
					t.Errorf("response header %s contains the credential", name)
				}
			}
		}
	}
	pmu.Lock()
	defer pmu.Unlock()
	if len(printed) == 0 {
		t.Fatal("no request with valid credentials reached the handler")
	}
	for _, p := range printed {
		if strings.Contains(p, canary) {
			t.Errorf("formatting Metadata printed a credential: %q", p)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Contains(logs.String(), canary) {
		t.Errorf("a credential reached the log: %s", logs.String())
	}
}

func (s suite) concurrentIsolation(t *testing.T) {
	t.Parallel()
	const callers, perCaller = 8, 25
	c, rec := s.serve(t, core.WithExtractors(extractors.Authorization(), extractors.Header("X-Conformance-Caller")))
	var wg sync.WaitGroup
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reqs := make([]Request, perCaller)
			for j := range reqs {
				reqs[j] = get(s.p("/protected"), "Authorization", fmt.Sprintf("Bearer caller-%02d-token", i), "X-Conformance-Caller", fmt.Sprintf("%02d", i))
			}
			resps, err := c.Exchange(t.Context(), reqs...)
			if err != nil {
				t.Errorf("caller %d: %v", i, err)
				return
			}
			for _, r := range resps {
				if r.Status != 200 {
					t.Errorf("caller %d: status %d, want 200", i, r.Status)
				}
			}
		}()
	}
	wg.Wait()
	calls := rec.take()
	if len(calls) != callers*perCaller {
		t.Fatalf("handler ran %d times, want %d", len(calls), callers*perCaller)
	}
	for _, call := range calls {
		id := call.md.Get("x-conformance-caller")
		if want := "Bearer caller-" + id + "-token"; call.md.Get("authorization") != want {
			t.Errorf("concurrent requests mixed up: caller %q saw authorization %q, want %q", id, call.md.Get("authorization"), want)
		}
	}
}

func (s suite) metadataOutlivesRequest(t *testing.T) {
	t.Parallel()
	type late struct {
		md core.Metadata
		ok bool
	}
	release := make(chan struct{})
	results := make(chan late, 2)
	handler := func(ctx context.Context) {
		go func() {
			<-release
			md, ok := core.FromContext(ctx)
			// Read through Pairs as well: the copy must hold its own bytes.
			_ = md.Pairs()
			results <- late{md, ok}
		}()
	}
	c := s.h.Serve(t, []core.Option{core.WithLogger(slog.New(slog.DiscardHandler))}, handler)
	first, second := "Bearer AAAAAAAAAAAAAAAA", "Bearer BBBBBBBBBBBBBBBB"
	r := send(t, c,
		get("/protected/one", "Authorization", first, "Cookie", "k=AAAA"),
		get("/protected/two", "Authorization", second, "Cookie", "k=BBBB"))
	for i, resp := range r {
		if resp.Status != 200 {
			t.Fatalf("request %d on the keep-alive connection: status %d, want 200", i, resp.Status)
		}
	}
	close(release)
	got := map[string]bool{}
	for range 2 {
		l := <-results
		if !l.ok {
			t.Fatal("a goroutine started by the handler lost the Metadata after the handler returned")
		}
		got[l.md.Get("authorization")+"|"+l.md.Get("cookie")] = true
	}
	for _, want := range []string{first + "|k=AAAA", second + "|k=BBBB"} {
		if !got[want] {
			t.Errorf("after a second request on the same connection, a goroutine of the first saw other values: got %v, want %q among them (values kept from the request must be copies)", got, want)
		}
	}
}

// hostileRequests sends requests written to confuse a parser or to
// exhaust it. Each must be refused with a 4xx before the handler runs, and
// the server must go on serving.
func (s suite) hostileRequests(t *testing.T) {
	t.Parallel()
	c, rec := s.serve(t, core.WithExtractors(extractors.Authorization(), extractors.Cookie(), extractors.Header("X-API-Key")))
	repeated := get("/protected")
	for i := range 100 {
		repeated.Header = append(repeated.Header, Field{"Authorization", fmt.Sprintf("Bearer t%d", i)})
	}
	cases := []struct {
		name string
		req  Request
	}{
		{"100 Authorization lines", repeated},
		{"the same key in two spellings", get("/protected", "X-API-Key", "k1", "x-api-key", "k2")},
		{"a 9000-byte value", get("/protected", "X-API-Key", strings.Repeat("k", 9000))},
	}
	if !s.h.GRPC {
		cases = append(cases, []struct {
			name string
			req  Request
		}{
			{"a 64 KiB cookie jar", get("/protected", "Cookie", cookieJar(64<<10))},
			{"a CR inside a value", get("/protected", "Authorization", "Bearer a\rb")},
			{"a NUL byte", get("/protected", "Authorization", "Bearer a\x00b")},
			{"bytes over 0x7f", get("/protected", "Authorization", "Bearer \xff\xfe")},
			{"an invalid header name", get("/protected", "Auth orization", token)},
			{"a header without a name", get("/protected", "", token)},
		}...)
	}
	for _, tc := range cases {
		r := s.send(t, c, tc.req)
		expectRefused(t, tc.name, r[0], rec, 0)
	}
	r := s.send(t, c, get("/protected", "Authorization", token))
	expectForwarded(t, "a good request after hostile ones", r[0], rec, core.Pair{Key: "authorization", Value: token})
	if !s.h.GRPC {
		// RFC 9112 lets a server replace an obs-fold with a space instead of
		// refusing it; every supported server does, and the one unfolded value
		// is what travels.
		r = s.send(t, c, get("/protected", "Authorization", "Bearer a\r\n b"))
		expectForwarded(t, "a folded (obs-fold) Authorization", r[0], rec, core.Pair{Key: "authorization", Value: "Bearer a b"})
	}
}

// cookieJar returns a Cookie header value of about n bytes.
func cookieJar(n int) string {
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "c%d=%s; ", i, strings.Repeat("v", 40))
	}
	return strings.TrimSuffix(b.String(), "; ")
}
