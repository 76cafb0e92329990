package conformance

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
)

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
		{"star in an excluded prefix", core.WithExcludedPrefixes("/public/*")},
		{"parameter in an exclusion", core.WithExcludedPaths("/users/:id")},
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
