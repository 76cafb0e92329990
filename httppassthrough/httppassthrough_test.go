package httppassthrough_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/httppassthrough"
)

func serve(t *testing.T, opts []core.Option, h conformance.Handler) conformance.Client {
	mw := httppassthrough.Middleware(opts...)
	srv := httptest.NewServer(mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(r.Context())
		_, _ = w.Write([]byte("ok"))
	})))
	t.Cleanup(srv.Close)
	return conformance.HTTPClient(srv.Listener.Addr().String())
}

// serveMux is the conformance variant: the middleware wrapping a
// ServeMux, as documented.
func serveMux(t *testing.T, opts []core.Option, public []conformance.Public, h conformance.RouteHandler) conformance.Client {
	mux := http.NewServeMux()
	for _, p := range public {
		route := func(w http.ResponseWriter, r *http.Request) { h(r.Context(), p.Pattern()) }
		mux.HandleFunc(p.Pattern(), route)
		if p.Prefix {
			mux.HandleFunc(p.Pattern()+"/", route)
		}
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { h(r.Context(), conformance.Protected) })
	srv := httptest.NewServer(httppassthrough.Middleware(opts...)(mux))
	t.Cleanup(srv.Close)
	return conformance.HTTPClient(srv.Listener.Addr().String())
}

func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Harness{Serve: serve, Variants: []conformance.Variant{{Name: "ServeMux", Serve: serveMux}}})
}

type ctxKey struct{}

// The middleware derives the handler's context from the server's own, so
// values and cancellation set before it still reach the handler.
func TestContextStaysTheFrameworks(t *testing.T) {
	t.Parallel()
	got := make(chan context.Context, 1)
	inner := httppassthrough.Middleware()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Context()
	}))
	ctx, cancel := context.WithCancel(context.WithValue(t.Context(), ctxKey{}, "outer"))
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/x", nil)
	req.Header.Set("Authorization", "Bearer t")
	inner.ServeHTTP(httptest.NewRecorder(), req)
	hctx := <-got
	if hctx.Value(ctxKey{}) != "outer" {
		t.Fatal("handler context lost a value of the server's context")
	}
	if md, ok := core.FromContext(hctx); !ok || md.Get("authorization") != "Bearer t" {
		t.Fatalf("handler context carries %v, want the Authorization credential", md)
	}
	cancel()
	select {
	case <-hctx.Done():
	default:
		t.Fatal("cancelling the server's context did not cancel the handler's")
	}
}
