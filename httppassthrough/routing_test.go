package httppassthrough_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/httppassthrough"
)

// In front of a ServeMux, an exclusion applies only to a request the mux
// sends to the excluded route: not to a host's route, not to a separately
// registered HEAD route, not to the catch-all that answers methods the
// excluded route lacks.
func TestServeMuxRoutesDecideExclusions(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	for _, pattern := range []string{
		"GET /health", "HEAD /health", "admin.internal/", "GET /docs", "GET /public/", "/",
		"GET /status", "GET /users/{id}", "/live",
	} {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			_, ok := core.FromContext(r.Context())
			w.Header().Set("X-Route", pattern)
			w.Header().Set("X-Credentials", fmt.Sprint(ok))
		})
	}
	mw := httppassthrough.Middleware(
		core.WithExcludedPaths("GET /health", "/docs", "GET /status", "GET /users/me", "/live"),
		core.WithExcludedPrefixes("/public"))
	srv := httptest.NewServer(mw(mux))
	t.Cleanup(srv.Close)
	c := conformance.HTTPClient(srv.Listener.Addr().String())

	const token = "Bearer routing-token"
	for _, tc := range []struct {
		name, method, host, path string
		// route is the pattern that must answer without credentials; ""
		// when the request must be refused without them.
		route string
	}{
		{"the excluded GET route", "GET", "", "/health", "GET /health"},
		{"a host route the mux prefers", "GET", "admin.internal", "/health", ""},
		{"a host route, with a port", "GET", "admin.internal:8080", "/public/a", ""},
		// ServeMux matches hosts case-sensitively: this one is not the
		// host route, and the mux sends it to the excluded route.
		{"a host in another case", "GET", "ADMIN.INTERNAL", "/docs", "GET /docs"},
		{"a separately registered HEAD route", "HEAD", "", "/health", ""},
		{"HEAD the mux sends to the GET route", "HEAD", "", "/status", "GET /status"},
		{"a method the method-less exclusion's GET route lacks", "POST", "", "/docs", ""},
		{"PURGE to the catch-all", "PURGE", "", "/docs", ""},
		{"lower-case get to the catch-all", "get", "", "/docs", ""},
		{"a method-less route, any method", "PURGE", "", "/live", "/live"},
		{"under an excluded prefix", "GET", "", "/public/a", "GET /public/"},
		{"a wildcard route the exclusion does not name", "GET", "", "/users/me", ""},
	} {
		host := tc.host
		if host == "" {
			host = "app.example"
		}
		req := func(auth string) conformance.Request {
			raw := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: %s\r\n", tc.method, tc.path, host)
			if auth != "" {
				raw += "Authorization: " + auth + "\r\n"
			}
			return conformance.Request{Method: tc.method, Path: tc.path, Raw: raw + "\r\n"}
		}
		r, err := c.Exchange(t.Context(), req(""), req(token))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		without, with := r[0], r[1]
		if tc.route == "" {
			if without.Status != 401 {
				t.Errorf("%s: %s %s (Host %s) without credentials: status %d, route %q; want 401, since the mux sends it to %q, not to an excluded route",
					tc.name, tc.method, tc.path, host, without.Status, without.Header.Get("X-Route"), with.Header.Get("X-Route"))
			}
			if with.Status != 200 || with.Header.Get("X-Credentials") != "true" {
				t.Errorf("%s: with credentials: status %d, route %q saw credentials %q; want 200 and true: a request that is not excluded carries them",
					tc.name, with.Status, with.Header.Get("X-Route"), with.Header.Get("X-Credentials"))
			}
			continue
		}
		for i, resp := range r {
			if resp.Status != 200 || resp.Header.Get("X-Route") != tc.route || resp.Header.Get("X-Credentials") != "false" {
				t.Errorf("%s: request %d: status %d, route %q, credentials %q; want 200 from %q with none (excluded)",
					tc.name, i, resp.Status, resp.Header.Get("X-Route"), resp.Header.Get("X-Credentials"), tc.route)
			}
		}
	}
}
