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
	if !h.GRPC {
		t.Run("AmbiguousQuery", s.ambiguousQuery)
	}
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
