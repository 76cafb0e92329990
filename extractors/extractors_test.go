package extractors_test

import (
	"net/textproto"
	"testing"

	"github.com/passthrough-go/passthrough/extractors"
)

type fake map[string][]string

func (f fake) Values(name string) []string { return f[textproto.CanonicalMIMEHeaderKey(name)] }
func (f fake) Path() string                { return "/" }

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
		key, v, ok := tc.ex(r)
		if key != tc.key || v != tc.want || ok != tc.ok {
			t.Errorf("%s: got (%q, %q, %v), want (%q, %q, %v)", tc.name, key, v, ok, tc.key, tc.want, tc.ok)
		}
	}
	if _, _, ok := extractors.Cookies("a")(fake{}); ok {
		t.Error("Cookies found a cookie in a request without a Cookie header")
	}
	if n := len(extractors.Default()); n != 2 {
		t.Errorf("Default has %d extractors, want 2", n)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		ex      extractors.Extractor
		key     string
		wantErr bool
	}{
		{"authorization", extractors.Authorization(), "authorization", false},
		{"cookies", extractors.Cookies("s"), "cookie", false},
		{"header", extractors.Header("X-Key"), "x-key", false},
		{"bad header", extractors.Header("X Key"), "", true},
		{"empty header", extractors.Header(""), "", true},
		{"no cookies", extractors.Cookies(), "", true},
		{"bad cookie", extractors.Cookies("a=b"), "", true},
		{"nil", nil, "", true},
		{"panics", func(extractors.Request) (string, string, bool) { panic("x") }, "", false},
	} {
		key, err := extractors.Check(tc.ex)
		if key != tc.key || (err != nil) != tc.wantErr {
			t.Errorf("%s: Check = (%q, %v), want (%q, error %v)", tc.name, key, err, tc.key, tc.wantErr)
		}
	}
}
