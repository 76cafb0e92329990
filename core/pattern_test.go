package core_test

import (
	"strings"
	"testing"

	"github.com/passthrough-go/passthrough/core"
)

// A mistaken exclusion pattern is refused at construction, and the error
// says what is wrong and what to write instead.
func TestPatternErrorsSayWhatIsWrong(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opt  core.Option
		want []string // each must appear in the error
	}{
		{"two spaces after the method", core.WithExcludedPaths("GET  /health"), []string{"extra white space", `"GET /health"`}},
		{"a tab and a space", core.WithExcludedPaths("GET\t /health"), []string{"extra white space", `"GET /health"`}},
		{"lower-case method", core.WithExcludedPaths("get /health"), []string{"upper-case", `"GET /health"`}},
		{"mixed-case method", core.WithExcludedPrefixes("Get /public"), []string{"upper-case", `"GET /public"`}},
		{"method without a path", core.WithExcludedPaths("GET "), []string{"no path", `"GET /health"`}},
		{"leading space", core.WithExcludedPaths(" /health"), []string{"starts with white space"}},
		{"star as the last segment", core.WithExcludedPrefixes("/public/*"), []string{"wildcard", `WithExcludedPrefixes("/public")`}},
		{"star path", core.WithExcludedPaths("/public/*"), []string{"wildcard", `WithExcludedPrefixes("/public")`}},
		{"star inside a segment", core.WithExcludedPaths("/files/*.css"), []string{"wildcard", `WithExcludedPrefixes("/files")`}},
		{"ServeMux wildcard", core.WithExcludedPaths("GET /users/{id}"), []string{"wildcard", `WithExcludedPrefixes("GET /users")`}},
		{"ServeMux rest wildcard", core.WithExcludedPaths("/static/{path...}"), []string{"wildcard", `WithExcludedPrefixes("/static")`}},
		{"ServeMux end anchor", core.WithExcludedPaths("/{$}"), []string{"wildcard"}},
		{"Gin or Echo parameter", core.WithExcludedPaths("/users/:id"), []string{"wildcard", `WithExcludedPrefixes("/users")`}},
		{"Gin catch-all", core.WithExcludedPrefixes("/public/*rest"), []string{"wildcard", `WithExcludedPrefixes("/public")`}},
		{"root star", core.WithExcludedPaths("/*"), []string{"wildcard", "WithSkipper"}},
		{"host pattern", core.WithExcludedPaths("GET example.com/health"), []string{"host", `"GET /health"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := core.New(tc.opt)
			if err == nil {
				t.Fatal("accepted; want a construction error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %s", err, w)
				}
			}
		})
	}
	// A ':' inside a segment is a plain character, as in Google-style
	// custom methods.
	if _, err := core.New(core.WithExcludedPaths("/v1/models/m:predict")); err != nil {
		t.Errorf("a ':' inside a segment was refused: %v", err)
	}
}
