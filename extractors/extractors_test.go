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
	custom := func(r extractors.Request) (string, string, bool) {
		v := r.Values("x-token")
		if len(v) == 0 {
			return "", "", false
		}
		return "x-token", v[0], true
	}
	for _, tc := range []struct {
		name    string
		ex      extractors.Extractor
		want    extractors.Info
		wantErr bool
	}{
		{"authorization", extractors.Authorization(), extractors.Info{Key: "authorization", Header: "Authorization", Whole: true}, false},
		{"cookie", extractors.Cookie(), extractors.Info{Key: "cookie", Header: "Cookie", Whole: true}, false},
		{"cookies", extractors.Cookies("s"), extractors.Info{Key: "cookie", Header: "Cookie"}, false},
		{"header", extractors.Header("x-key"), extractors.Info{Key: "x-key", Header: "X-Key", Whole: true}, false},
		{"custom", custom, extractors.Info{Key: "x-token", Header: "X-Token"}, false},
		{"bad header", extractors.Header("X Key"), extractors.Info{}, true},
		{"empty header", extractors.Header(""), extractors.Info{}, true},
		{"no cookies", extractors.Cookies(), extractors.Info{}, true},
		{"bad cookie", extractors.Cookies("a=b"), extractors.Info{}, true},
		{"nil", nil, extractors.Info{}, true},
		{"panics", func(extractors.Request) (string, string, bool) { panic("x") }, extractors.Info{}, false},
	} {
		info, err := extractors.Check(tc.ex)
		if info != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("%s: Check = (%+v, %v), want (%+v, error %v)", tc.name, info, err, tc.want, tc.wantErr)
		}
	}
}
