package httppassthrough_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/httppassthrough"
)

func ExampleMiddleware() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") })
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		md, _ := core.FromContext(r.Context()) // pass r.Context() to the control-plane client
		fmt.Fprintf(w, "forwarding %d credential(s)", md.Len())
	})
	handler := httppassthrough.Middleware(core.WithExcludedPaths("/health"))(mux)

	for _, auth := range []string{"Bearer token", ""} {
		req := httptest.NewRequest(http.MethodGet, "/me", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		fmt.Println(rec.Code, rec.Body.String())
	}
	// Output:
	// 200 forwarding 1 credential(s)
	// 401 {"detail":"Authentication credentials required"}
}
