package httppassthrough_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
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

func ExampleNewTransport() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("API saw authorization:", r.Header.Get("Authorization"))
	}))
	defer api.Close()

	// Credentials go to this origin only; WithInsecure because the test
	// server is plain HTTP.
	tr, err := httppassthrough.NewTransport(nil, []string{api.URL}, forward.WithInsecure())
	if err != nil {
		fmt.Println(err)
		return
	}
	client := &http.Client{Transport: tr}

	// In a handler this is the request's context.
	ctx := core.WithMetadata(context.Background(), core.Pair{Key: "authorization", Value: "Bearer user-token"})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, api.URL+"/items", nil)
	resp, err := client.Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	// Output: API saw authorization: Bearer user-token
}
