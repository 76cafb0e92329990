package core_test

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
)

// decide runs one request through an engine and returns the forwarded
// pairs as "k=v" strings, or the refusal status.
func decide(t *testing.T, e *core.Engine, r fakeRequest) (pairs string, status int) {
	t.Helper()
	d := e.Decide(r)
	if rej := d.Rejection(); rej != nil {
		return "", rej.Status()
	}
	md, _ := d.Metadata()
	var got []string
	for k, v := range md.All {
		got = append(got, k+"="+v)
	}
	return strings.Join(got, " "), 0
}

// A Func that wraps a built-in extractor is called on every request, and
// what it returns is exactly what is forwarded: it can refuse what the
// built-in found, or transform it.
func TestFuncWrappingBuiltinIsCalled(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	bearerOnly := extractors.Func("authorization", func(r extractors.Request) (string, bool) {
		calls.Add(1)
		v, ok := extractors.Authorization().Extract(r)
		if !ok || !strings.HasPrefix(v, "Bearer ") {
			return "", false
		}
		return v, true
	})
	addScheme := extractors.Func("authorization", func(r extractors.Request) (string, bool) {
		v, ok := extractors.Authorization().Extract(r)
		if !ok || strings.Contains(v, " ") {
			return v, ok
		}
		return "Bearer " + v, true
	})
	for _, tc := range []struct {
		name   string
		ex     extractors.Extractor
		r      fakeRequest
		want   string
		status int
	}{
		{"filter keeps Bearer", bearerOnly, req("/", "Authorization", "Bearer tok"), "authorization=Bearer tok", 0},
		{"filter refuses Basic", bearerOnly, req("/", "Authorization", "Basic dTpw"), "", 401},
		{"transform adds the scheme", addScheme, req("/", "Authorization", "tok"), "authorization=Bearer tok", 0},
		{"transform leaves a scheme", addScheme, req("/", "Authorization", "Basic dTpw"), "authorization=Basic dTpw", 0},
		{"wrapped header on two lines", bearerOnly, req("/", "Authorization", "Bearer a", "Authorization", "Bearer b"), "", 400},
	} {
		e := core.MustNew(quiet(), core.WithExtractors(tc.ex))
		got, status := decide(t, e, tc.r)
		if got != tc.want || status != tc.status {
			t.Errorf("%s: got (%q, %d), want (%q, %d)", tc.name, got, status, tc.want, tc.status)
		}
	}
	if calls.Load() != 3 {
		t.Errorf("the wrapping Func ran %d times for 3 requests; it must run once per request", calls.Load())
	}
}

// What a Func reads is tracked per request: a header or query parameter
// that arrived more than once makes its result ambiguous, whatever the
// Func picked.
func TestFuncReadsAreTracked(t *testing.T) {
	t.Parallel()
	fromQuery := extractors.Func("x-token", func(r extractors.Request) (string, bool) {
		if v := r.Query("access_token"); len(v) > 0 {
			return v[0], true
		}
		if v := r.Values("X-Token"); len(v) > 0 {
			return v[len(v)-1], true
		}
		return "", false
	})
	e := core.MustNew(quiet(), core.WithExtractors(fromQuery))
	q := func(r fakeRequest, kv ...string) fakeRequest {
		r.query = map[string][]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			r.query[kv[i]] = append(r.query[kv[i]], kv[i+1])
		}
		return r
	}
	for _, tc := range []struct {
		name   string
		r      fakeRequest
		want   string
		status int
	}{
		{"query", q(req("/"), "access_token", "t1"), "x-token=t1", 0},
		{"query twice", q(req("/"), "access_token", "t1", "access_token", "t2"), "", 400},
		{"header", req("/", "X-Token", "h1"), "x-token=h1", 0},
		{"header twice", req("/", "X-Token", "h1", "x-token", "h2"), "", 400},
		{"neither", req("/"), "", 401},
	} {
		got, status := decide(t, e, tc.r)
		if got != tc.want || status != tc.status {
			t.Errorf("%s: got (%q, %d), want (%q, %d)", tc.name, got, status, tc.want, tc.status)
		}
	}
}

// Extractors declare their key and source; nothing is learned by calling
// them.
func TestExtractorsDeclare(t *testing.T) {
	t.Parallel()
	called := false
	f := extractors.Func("X-Thing", func(extractors.Request) (string, bool) { called = true; return "", false })
	for _, tc := range []struct {
		ex     extractors.Extractor
		key    string
		header string
		whole  bool
	}{
		{extractors.Authorization(), "authorization", "Authorization", true},
		{extractors.Cookie(), "cookie", "Cookie", true},
		{extractors.Header("x-api-KEY"), "x-api-key", "X-Api-Key", true},
		{extractors.Cookies("s"), "cookie", "Cookie", false},
		{f, "x-thing", "", false},
	} {
		h, whole := tc.ex.Source()
		if tc.ex.Key() != tc.key || h != tc.header || whole != tc.whole || tc.ex.Err() != nil {
			t.Errorf("extractor for %q: Key=%q Source=(%q,%v) Err=%v", tc.key, tc.ex.Key(), h, whole, tc.ex.Err())
		}
	}
	core.MustNew(quiet(), core.WithExtractors(f))
	if called {
		t.Error("building the engine called a Func extractor")
	}
	if (extractors.Extractor{}).Err() == nil {
		t.Error("the zero Extractor must be invalid")
	}
}

// Metadata never shows a value, whatever fmt verb or flag is used and
// wherever it sits: directly, behind a pointer, in exported and unexported
// struct fields, in slices and maps.
func TestMetadataFormatsRedactedEverywhere(t *testing.T) {
	t.Parallel()
	const secret = "canary-9f8e7d"
	md := core.NewMetadata(core.Pair{Key: "authorization", Value: "Bearer " + secret})
	type hidden struct{ md Metadata }
	type shown struct{ MD core.Metadata }
	type deep struct{ inner *hidden }
	values := map[string]any{
		"value":            md,
		"pointer":          &md,
		"unexported field": hidden{md},
		"exported field":   shown{md},
		"nested pointer":   deep{&hidden{md}},
		"slice":            []core.Metadata{md},
		"map":              map[string]core.Metadata{"k": md},
		"any in struct":    struct{ v any }{md},
	}
	for name, v := range values {
		for _, verb := range "vsqxXdobcUeEfFgGtp" {
			for _, flags := range []string{"", "+", "#", "-08"} {
				format := "%" + flags + string(verb)
				out := fmt.Sprintf(format, v)
				for _, needle := range []string{secret, fmt.Sprintf("%x", secret), fmt.Sprintf("%X", secret), "Bearer"} {
					if strings.Contains(out, needle) {
						t.Errorf("%s formatted with %s shows the credential: %s", name, format, out)
					}
				}
			}
		}
	}
}

type Metadata = core.Metadata
