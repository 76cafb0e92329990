package core_test

import (
	"net/url"
	"path"
	"strings"
	"testing"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
)

var (
	fuzzExact    = []string{"/health", "/docs/openapi.json", "/conformance.v1.Conformance/Health"}
	fuzzPrefixes = []string{"/public", "/static"}
)

// FuzzExcluded checks the property that makes exclusion safe whatever the
// router: a path the engine excludes decodes and cleans to itself, so a
// router that routes on the raw, the decoded or the cleaned path reaches
// the same excluded route, never a protected one.
//
// Longer session: go test ./core -run '^$' -fuzz FuzzExcluded -fuzztime 5m
func FuzzExcluded(f *testing.F) {
	for _, s := range []string{
		"/health", "/health/", "/%68ealth", "//health", "/public/a/b", "/public/../admin",
		"/public/%2e%2e/admin", "/public;x/a", "/static//x", "/publicity", "/public/a\\..\\b",
		"/public/./a", "/PUBLIC/a", "/docs/openapi.json", "/public/a?b", "/public/a#b", "/public/\x00",
	} {
		f.Add(s)
	}
	e := core.MustNew(quiet(), core.WithExcludedPaths(fuzzExact...), core.WithExcludedPrefixes(fuzzPrefixes...))
	f.Fuzz(func(t *testing.T, p string) {
		if !e.Excluded("GET", p) {
			return
		}
		if dec, err := url.PathUnescape(p); err != nil || dec != p {
			t.Fatalf("excluded %q decodes to %q: a decoding router could route it elsewhere", p, dec)
		}
		clean := path.Clean(p)
		if clean != p && clean+"/" != p {
			t.Fatalf("excluded %q cleans to %q: a cleaning router could route it elsewhere", p, clean)
		}
		if strings.ContainsAny(p, ";\\?#%") {
			t.Fatalf("excluded %q holds a character some router treats specially", p)
		}
		for _, x := range fuzzExact {
			if p == x {
				return
			}
		}
		for _, pre := range fuzzPrefixes {
			if clean == pre || strings.HasPrefix(clean, pre+"/") {
				return
			}
		}
		t.Fatalf("excluded %q (clean %q) is neither an excluded path nor under an excluded prefix", p, clean)
	})
}

// FuzzValidateValue checks that what ValidateValue accepts is valid gRPC
// metadata (printable ASCII, RFC 9110 field content), not blank and within
// the cap, and that it never panics.
//
// Longer session: go test ./core -run '^$' -fuzz FuzzValidateValue -fuzztime 5m
func FuzzValidateValue(f *testing.F) {
	for _, s := range []string{"Bearer abc", "", " ", "\t", "a\x00b", "caf\xc3\xa9", "a\r\nb", "\x7f", strings.Repeat("a", 64)} {
		f.Add(s, 32)
	}
	f.Fuzz(func(t *testing.T, v string, max int) {
		err := core.ValidateValue(v, max)
		if err != nil {
			return
		}
		limit := max
		if limit <= 0 {
			limit = core.DefaultMaxValueSize
		}
		if len(v) > limit {
			t.Fatalf("accepted %d bytes over a cap of %d", len(v), limit)
		}
		if strings.TrimLeft(v, " ") == "" {
			t.Fatalf("accepted a blank value %q", v)
		}
		for i := 0; i < len(v); i++ {
			if v[i] < 0x20 || v[i] > 0x7e {
				t.Fatalf("accepted byte %#x at %d, which gRPC metadata cannot carry", v[i], i)
			}
		}
	})
}

// FuzzDecide drives the whole decision with hostile header values and
// checks the metadata it builds: a request with no valid credentials never
// proceeds with credentials, anything forwarded is exactly one received
// value and valid gRPC metadata, and nothing panics.
//
// Longer session: go test ./core -run '^$' -fuzz FuzzDecide -fuzztime 5m
func FuzzDecide(f *testing.F) {
	f.Add("Bearer t", "a=1", "k", false, "/x")
	f.Add("", "", "", false, "/health")
	f.Add("Bearer t", "", "", true, "/public/../x")
	f.Add("caf\xc3\xa9", "a=1\x00", " ", false, "/x")
	e := core.MustNew(quiet(), core.WithExcludedPaths("/health"), core.WithExcludedPrefixes("/public"), core.WithMaxValueSize(64),
		core.WithExtractors(extractors.Authorization(), extractors.Cookies("a", "b"), extractors.Header("X-API-Key")))
	f.Fuzz(func(t *testing.T, auth, cookie, key string, twice bool, p string) {
		h := map[string][]string{}
		if auth != "" {
			h["Authorization"] = []string{auth}
			if twice {
				h["Authorization"] = append(h["Authorization"], auth)
			}
		}
		if cookie != "" {
			h["Cookie"] = []string{cookie}
		}
		if key != "" {
			h["X-Api-Key"] = []string{key}
		}
		d := e.Decide(fakeRequest{path: p, header: h})
		md, ok := d.Metadata()
		if d.Rejection() != nil {
			if ok {
				t.Fatal("a refused request carries metadata")
			}
			return
		}
		if e.Excluded("GET", p) && ok {
			t.Fatal("an excluded path carries metadata")
		}
		if !ok {
			if !e.Excluded("GET", p) {
				t.Fatal("a protected request went on without credentials")
			}
			return
		}
		if err := md.Validate(64); err != nil {
			t.Fatalf("forwarded metadata is invalid: %v", err)
		}
		if twice && auth != "" {
			t.Fatal("a credential sent on two lines was forwarded")
		}
		for k, v := range md.All {
			switch k {
			case "authorization":
				if v != auth {
					t.Fatalf("authorization forwarded as %q, received %q", v, auth)
				}
			case "x-api-key":
				if v != key {
					t.Fatalf("x-api-key forwarded as %q, received %q", v, key)
				}
			case "cookie":
				for part := range strings.SplitSeq(v, "; ") {
					if !strings.HasPrefix(part, "a=") && !strings.HasPrefix(part, "b=") {
						t.Fatalf("cookie %q forwarded though not named", part)
					}
					if !strings.Contains(cookie, part) {
						t.Fatalf("cookie %q forwarded though not received", part)
					}
				}
			default:
				t.Fatalf("unexpected key %q", k)
			}
		}
	})
}
