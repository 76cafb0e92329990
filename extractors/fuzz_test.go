package extractors_test

import (
	"strings"
	"testing"

	"github.com/passthrough-go/passthrough/extractors"
)

// FuzzCookies checks that Cookies forwards only named cookies that were
// received, and finds every named cookie that was.
//
// Longer session: go test ./extractors -run '^$' -fuzz FuzzCookies -fuzztime 5m
func FuzzCookies(f *testing.F) {
	for _, s := range []string{
		"session=a; csrf=b", "session=a;csrf=b;x=c", "x=1", "", ";;;", "session", "session=a; session=b",
		"Session=a", " session = a ", "sessionx=1; xsession=2", "csrf=a=b=c", "session=\"q\"",
	} {
		f.Add(s)
	}
	ex := extractors.Cookies("session", "csrf")
	f.Fuzz(func(t *testing.T, header string) {
		v, ok := ex.Extract(fake{"Cookie": {header}})
		key := ex.Key()
		named := false
		received := map[string]bool{}
		for part := range strings.SplitSeq(header, ";") {
			part = strings.Trim(part, " \t")
			received[part] = true
			if n, _, found := strings.Cut(part, "="); found && (n == "session" || n == "csrf") {
				named = true
			}
		}
		if ok != named {
			t.Fatalf("Cookies(%q) ok=%v, want %v", header, ok, named)
		}
		if !ok {
			return
		}
		if key != "cookie" {
			t.Fatalf("key %q, want cookie", key)
		}
		for part := range strings.SplitSeq(v, "; ") {
			n, _, _ := strings.Cut(part, "=")
			if n != "session" && n != "csrf" {
				t.Fatalf("forwarded %q, which is not a named cookie", part)
			}
			if !received[part] {
				t.Fatalf("forwarded %q, which was not received", part)
			}
		}
	})
}
