package conformance

import (
	"fmt"
	"strings"
	"testing"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
)

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

// ambiguousQuery: a Func that reads a query parameter is refused when the
// raw query holds that parameter more than once, in any spelling, whether
// or not the framework's parser keeps every copy (Go's drops a pair it
// cannot parse; fasthttp's keeps it).
func (s suite) ambiguousQuery(t *testing.T) {
	t.Parallel()
	fromQuery := extractors.Func("x-access-token", func(r extractors.Request) (string, bool) {
		if v := r.Query("access_token"); len(v) > 0 && v[0] != "" {
			return v[0], true
		}
		return "", false
	})
	c, rec := s.serve(t, core.WithExtractors(fromQuery))
	for _, q := range []string{
		"access_token=good&access_token=evil",
		"access_token=good&access_token=evil;x",
		"access_token=good&access_token=ev%zzil",
		"access_token=good&access%5Ftoken=evil",
		"access_token=good&access%5ftoken=ev%zzil",
		"access_token=good&access_token",
		"access_token=good&access_token=",
		"access_token=evil;x&access_token=good",
	} {
		r := s.send(t, c, get("/protected?"+q))
		expectRefused(t, "query "+q+" holds access_token twice", r[0], rec, 400)
	}
	for _, tc := range []struct{ q, want string }{
		{"access_token=good", "good"},
		{"access_token=go%6Fd&other=1", "good"},
		{"access_token=good&access_tokens=x&xaccess_token=y", "good"},
	} {
		r := s.send(t, c, get("/protected?"+tc.q))
		expectForwarded(t, "query "+tc.q+" holds access_token once", r[0], rec, core.Pair{Key: "x-access-token", Value: tc.want})
	}
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
