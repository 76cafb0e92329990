package extractors_test

import (
	"net/textproto"
	"strings"
	"testing"

	"github.com/passthrough-go/passthrough/extractors"
)

type fake map[string][]string

func (f fake) Values(name string) []string { return f[textproto.CanonicalMIMEHeaderKey(name)] }
func (f fake) Path() string                { return "/" }
func (f fake) Method() string              { return "GET" }
func (f fake) Query(string) []string       { return nil }

func TestExtractors(t *testing.T) {
	t.Parallel()
	r := fake{
		"Authorization": {"Bearer t"},
		"Cookie":        {"a=1; session=s; b=2;csrf=c"},
		"X-Api-Key":     {"k"},
	}
	for _, tc := range []struct {
		name      string
		ex        extractors.Extractor
		key, want string
		ok        bool
	}{
		{"authorization", extractors.Authorization(), "authorization", "Bearer t", true},
		{"cookie", extractors.Cookie(), "cookie", "a=1; session=s; b=2;csrf=c", true},
		{"header", extractors.Header("X-API-KEY"), "x-api-key", "k", true},
		{"absent header", extractors.Header("X-Other"), "", "", false},
		{"named cookies", extractors.Cookies("csrf", "session"), "cookie", "session=s; csrf=c", true},
		{"cookie name is case-sensitive", extractors.Cookies("SESSION"), "", "", false},
		{"no named cookie", extractors.Cookies("zzz"), "", "", false},
	} {
		v, ok := tc.ex.Extract(r)
		if v != tc.want || ok != tc.ok || (ok && tc.ex.Key() != tc.key) {
			t.Errorf("%s: got (%q, %q, %v), want (%q, %q, %v)", tc.name, tc.ex.Key(), v, ok, tc.key, tc.want, tc.ok)
		}
	}
	if _, ok := extractors.Cookies("a").Extract(fake{}); ok {
		t.Error("Cookies found a cookie in a request without a Cookie header")
	}
	if n := len(extractors.Default()); n != 2 {
		t.Errorf("Default has %d extractors, want 2", n)
	}
}

// Construction errors are reported by Err, once prefixed, and an invalid
// extractor finds nothing.
func TestInvalidExtractors(t *testing.T) {
	t.Parallel()
	r := fake{"X Key": {"v"}, "Cookie": {"a=b"}}
	for _, tc := range []struct {
		name string
		ex   extractors.Extractor
	}{
		{"bad header", extractors.Header("X Key")},
		{"empty header", extractors.Header("")},
		{"no cookies", extractors.Cookies()},
		{"bad cookie", extractors.Cookies("a=b")},
		{"nil func", extractors.Func("k", nil)},
		{"empty func key", extractors.Func("", func(extractors.Request) (string, bool) { return "v", true })},
		{"zero", extractors.Extractor{}},
	} {
		err := tc.ex.Err()
		if err == nil {
			t.Errorf("%s: Err() = nil, want an error", tc.name)
			continue
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "passthrough: ") || strings.Count(msg, "passthrough:") != 1 {
			t.Errorf("%s: error %q must carry the passthrough: prefix exactly once", tc.name, msg)
		}
		if v, ok := tc.ex.Extract(r); ok {
			t.Errorf("%s: an invalid extractor found %q", tc.name, v)
		}
	}
}
