package fasthttpview_test

import (
	"bufio"
	"slices"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
	"github.com/passthrough-go/passthrough/fasthttpview"
)

// ctx is the least a framework context gives the view.
type ctx struct{ r *fasthttp.Request }

func (c ctx) Request() *fasthttp.Request { return c.r }
func (c ctx) Path(...string) string      { return string(c.r.URI().PathOriginal()) }
func (c ctx) Method(...string) string    { return string(c.r.Header.Method()) }

// read parses raw as fasthttp's server does, keeping names as received
// when namesKept.
func read(t *testing.T, raw string, namesKept bool) *fasthttp.Request {
	t.Helper()
	r := new(fasthttp.Request)
	if namesKept {
		r.Header.DisableNormalizing()
	}
	if err := r.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
		t.Fatalf("fasthttp cannot parse %q: %v", raw, err)
	}
	return r
}

func get(lines string) string { return "GET /p?q=1 HTTP/1.1\r\nHost: h\r\n" + lines + "\r\n" }

func chunked(lines, trailer string) string {
	return "POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n" + lines + "\r\n1\r\nx\r\n0\r\n" + trailer + "\r\n"
}

// The view reads every header as net/http reads the same bytes, whichever
// fasthttp parsed them and whether or not names are kept as received.
func TestViewReadsHeadersAsNetHTTP(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, raw, header string
		want              []string
	}{
		{"tabs around a value", get("X-API-Key:\tk1\t\r\n"), "X-API-Key", []string{"k1"}},
		{"fold with spaces", get("Authorization: Bearer\r\n   tok\r\n"), "Authorization", []string{"Bearer tok"}},
		{"fold after trailing spaces", get("Authorization: Bearer  \r\n tok\r\n"), "Authorization", []string{"Bearer tok"}},
		{"fold with a tab and a space", get("Authorization: Bearer\r\n\t tok\r\n"), "Authorization", []string{"Bearer tok"}},
		{"fold before the value", get("Authorization:\r\n Bearer tok\r\n"), "Authorization", []string{"Bearer tok"}},
		{"two folds", get("X-API-Key: k1 \r\n\t k2\t\r\n  k3\r\n"), "X-API-Key", []string{"k1 k2 k3"}},
		{"a fold in another header", get("X-Other: a\r\n b\r\nAuthorization: Bearer  tok\r\n"), "Authorization", []string{"Bearer  tok"}},
		{"two lines in two cases", get("Authorization: Bearer a\r\nauthorization: Bearer b\r\n"), "Authorization", []string{"Bearer a", "Bearer b"}},
		{"lower case only", get("x-api-key: k1\r\n"), "X-API-Key", []string{"k1"}},
		{"a trailer of the same name", chunked("X-API-Key: real\r\nTrailer: X-API-Key\r\n", "X-API-Key: evil\r\n"), "X-API-Key", []string{"real"}},
		{"a trailer in another case", chunked("x-api-key: real\r\nTrailer: X-Api-Key\r\n", "X-Api-Key: evil\r\n"), "X-API-Key", []string{"real"}},
		{"only a trailer", chunked("", "X-Api-Key: evil\r\n"), "X-API-Key", nil},
		{"absent", get("Cookie: a=1\r\n"), "Authorization", nil},
	} {
		for _, namesKept := range []bool{false, true} {
			v, ok := fasthttpview.View(ctx{read(t, tc.raw, namesKept)}, namesKept)
			if !ok {
				t.Errorf("%s (names kept %v): refused, want read", tc.name, namesKept)
				continue
			}
			if got := v.Values(tc.header); !slices.Equal(got, tc.want) {
				t.Errorf("%s (names kept %v): Values(%q) = %q, want %q (what net/http reads)", tc.name, namesKept, tc.header, got, tc.want)
			}
			first, n := v.(extractors.Peeker).Peek(tc.header)
			if n != len(tc.want) || (n > 0 && first != tc.want[0]) {
				t.Errorf("%s (names kept %v): Peek(%q) = %q, %d; want the first of %q and their number", tc.name, namesKept, tc.header, first, n, tc.want)
			}
		}
	}
}

// A header name holding a space is refused, on any fasthttp: from v1.69
// fasthttp accepts the line and keeps it under a name no lookup finds.
func TestViewRefusesSpacedNames(t *testing.T) {
	t.Parallel()
	for _, line := range []string{"X Bad: y\r\n", "Authorization : Bearer tok\r\n"} {
		r := new(fasthttp.Request)
		if err := r.Read(bufio.NewReader(strings.NewReader(get(line)))); err != nil {
			continue // this fasthttp refuses it itself
		}
		if _, ok := fasthttpview.View(ctx{r}, false); ok {
			t.Errorf("%q: read, want refused", line)
		}
	}
}

// Once something parsed the cookies, fasthttp answers one Cookie line
// rebuilt from them; the view still sees the lines as sent.
func TestViewAfterCookiesWereParsed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw  string
		want []string
	}{
		{get("Cookie: a=1;b=\"2\"\r\n"), []string{"a=1;b=\"2\""}},
		{get("Cookie: a=1\r\nCookie: a=2\r\n"), []string{"a=1", "a=2"}},
		{get("Authorization: Bearer tok\r\n"), nil},
	} {
		r := read(t, tc.raw, false)
		_ = r.Header.Cookie("theme") // parses the cookies
		v, _ := fasthttpview.View(ctx{r}, false)
		if got := v.Values("Cookie"); !slices.Equal(got, tc.want) {
			t.Errorf("%q after parsing cookies: Values(Cookie) = %q, want %q", tc.raw, got, tc.want)
		}
	}
}

// A request built in memory has no raw header block; its headers are
// still headers.
func TestViewInMemory(t *testing.T) {
	t.Parallel()
	for _, namesKept := range []bool{false, true} {
		r := new(fasthttp.Request)
		r.Header.SetMethod("POST")
		r.SetRequestURI("/p?q=1")
		r.Header.Set("Authorization", "Bearer mem")
		v, ok := fasthttpview.View(ctx{r}, namesKept)
		if !ok {
			t.Fatalf("in memory (names kept %v): refused, want read", namesKept)
		}
		if !slices.Equal(v.Values("Authorization"), []string{"Bearer mem"}) || v.Path() != "/p" || v.Method() != "POST" || !slices.Equal(v.Query("q"), []string{"1"}) {
			t.Errorf("in memory (names kept %v): Values %q, %s %s, q=%q", namesKept, v.Values("Authorization"), v.Method(), v.Path(), v.Query("q"))
		}
	}
}

// The view gives the query as received, so that the core alone counts
// the copies of a parameter a Func reads (core.RawQuery), as on every
// adapter.
func TestViewRawQuery(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{"", "access_token=good&access_token=evil;x", "access_token=good&access%5Ftoken=ev%zzil", "a=1+2&b"} {
		target := "/p"
		if raw != "" {
			target += "?" + raw
		}
		for _, namesKept := range []bool{false, true} {
			v, _ := fasthttpview.View(ctx{read(t, "GET "+target+" HTTP/1.1\r\nHost: h\r\n\r\n", namesKept)}, namesKept)
			rq, ok := v.(core.RawQuery)
			if !ok {
				t.Fatalf("the view (names kept %v) is a %T, which is not a core.RawQuery", namesKept, v)
			}
			if got := rq.RawQuery(); got != raw {
				t.Errorf("GET %s (names kept %v): RawQuery() = %q, want %q", target, namesKept, got, raw)
			}
		}
	}
}
