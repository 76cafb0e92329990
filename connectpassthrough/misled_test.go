package connectpassthrough_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"connectrpc.com/connect"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
)

// headerLog is a plaintext or TLS Connect server on loopback that records
// every call's request headers.
type headerLog struct {
	mu  sync.Mutex
	got []http.Header
	srv *httptest.Server
}

func startHeaderLog(t *testing.T, tls bool) *headerLog {
	t.Helper()
	l := &headerLog{}
	h := connect.NewUnaryHandler("/test.v1.Echo/Unary", func(_ context.Context, req *connect.Request[empty]) (*connect.Response[empty], error) {
		l.mu.Lock()
		l.got = append(l.got, req.Header().Clone())
		l.mu.Unlock()
		return connect.NewResponse(&empty{}), nil
	})
	if tls {
		l.srv = httptest.NewTLSServer(h)
	} else {
		l.srv = httptest.NewServer(h)
	}
	t.Cleanup(l.srv.Close)
	return l
}

func (l *headerLog) take() []http.Header {
	l.mu.Lock()
	defer l.mu.Unlock()
	g := l.got
	l.got = nil
	return g
}

// Issue 11, failure 1: forwarding made for an https:// URL, used by a
// Connect client whose base URL is plaintext, sent the credentials in
// clear text. The check is now made on each request's own URL.
func TestClientOnAnotherBaseURLSendsNoCredentials(t *testing.T) {
	t.Parallel()
	plain := startHeaderLog(t, false)
	hc := forwarding(t, "https://cp.example.com", nil)
	client := connect.NewClient[empty, empty](hc, plain.srv.URL+"/test.v1.Echo/Unary")
	ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: token})
	_, _ = client.CallUnary(ctx, connect.NewRequest(&empty{}))
	for _, h := range plain.take() {
		if v := h.Get("Authorization"); v != "" {
			t.Fatalf("a plaintext server received Authorization %q", v)
		}
	}
}

// Issue 11, failure 2: reusing a request object carried the first
// caller's credentials on the second caller's call, and on an anonymous
// one.
func TestReusedRequestCarriesOnlyItsCallersCredentials(t *testing.T) {
	t.Parallel()
	rec := startHeaderLog(t, true)
	hc := forwarding(t, rec.srv.URL, rec.srv.Client(), forward.WithAllowAnonymous())
	client := connect.NewClient[empty, empty](hc, rec.srv.URL+"/test.v1.Echo/Unary")
	req := connect.NewRequest(&empty{})
	first := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: token})
	second := core.WithMetadata(t.Context(), core.Pair{Key: "x-api-key", Value: "key-of-caller-2"})
	for _, ctx := range []context.Context{first, second, t.Context()} {
		if _, err := client.CallUnary(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	got := rec.take()
	if len(got) != 3 {
		t.Fatalf("server saw %d calls, want 3", len(got))
	}
	if v := got[1].Values("Authorization"); len(v) != 0 {
		t.Errorf("second caller's call carried the first caller's Authorization %q", v)
	}
	if v := got[2].Values("Authorization"); len(v) != 0 {
		t.Errorf("anonymous call carried a previous caller's Authorization %q", v)
	}
	if v := got[2].Values("X-Api-Key"); len(v) != 0 {
		t.Errorf("anonymous call carried a previous caller's X-Api-Key %q", v)
	}
	if v := req.Header().Values("Authorization"); len(v) != 0 {
		t.Errorf("the caller's request object was given Authorization %q", v)
	}
}

// redirector answers every request with a 307 to target plus the path.
func redirector(t *testing.T, target string) *httptest.Server {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", target+r.URL.RequestURI())
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// Issue 11, failure 3: credentials followed a redirect to plaintext on the
// same host, and X-API-Key followed one to another host.
func TestCredentialsDoNotFollowRedirects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, host string }{{"downgrade-same-host", "127.0.0.1"}, {"other-host", "localhost"}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			landing := startHeaderLog(t, false)
			target := strings.Replace(landing.srv.URL, "127.0.0.1", tc.host, 1)
			cp := redirector(t, target)
			client := connect.NewClient[empty, empty](forwarding(t, cp.URL, cp.Client()), cp.URL+"/test.v1.Echo/Unary")
			ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: token}, core.Pair{Key: "x-api-key", Value: "k1"})
			_, _ = client.CallUnary(ctx, connect.NewRequest(&empty{}))
			got := landing.take()
			if len(got) != 1 {
				t.Fatalf("the redirect target saw %d calls, want 1 (the redirect was followed)", len(got))
			}
			for _, k := range []string{"Authorization", "X-Api-Key"} {
				if v := got[0].Values(k); len(v) != 0 {
					t.Errorf("%s followed the redirect to %s: %q", k, target, v)
				}
			}
		})
	}
}

// Issue 11, failure 4 (Connect): a header set under a non-canonical name
// went out next to the forwarded one.
func TestOneValuePerKeyWhateverTheCallersCase(t *testing.T) {
	t.Parallel()
	rec := startHeaderLog(t, true)
	client := connect.NewClient[empty, empty](forwarding(t, rec.srv.URL, rec.srv.Client()), rec.srv.URL+"/test.v1.Echo/Unary")
	req := connect.NewRequest(&empty{})
	req.Header()["X-API-Key"] = []string{"stale"}
	req.Header().Set("X-Trace", "t1")
	ctx := core.WithMetadata(t.Context(), core.Pair{Key: "x-api-key", Value: "k1"})
	if _, err := client.CallUnary(ctx, req); err != nil {
		t.Fatal(err)
	}
	got := rec.take()
	if v := got[0].Values("X-Api-Key"); len(v) != 1 || v[0] != "k1" {
		t.Errorf("x-api-key arrived as %q, want exactly [k1]", v)
	}
	if v := got[0].Values("X-Trace"); len(v) != 1 {
		t.Errorf("the caller's other header was lost: %q", v)
	}
}
