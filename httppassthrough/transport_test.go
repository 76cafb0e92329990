package httppassthrough_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
	"github.com/passthrough-go/passthrough/httppassthrough"
)

// seenHeaders is a downstream that records each request's credential
// headers.
type seenHeaders struct {
	mu  sync.Mutex
	got []http.Header
}

func (s *seenHeaders) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.got = append(s.got, r.Header.Clone())
		s.mu.Unlock()
		if next != nil {
			next.ServeHTTP(w, r)
		}
	})
}

func (s *seenHeaders) take() []http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.got
	s.got = nil
	return g
}

const tok = "Bearer caller-token"

func TestTransport(t *testing.T) {
	t.Parallel()
	var down seenHeaders
	srv := httptest.NewTLSServer(down.handler(nil))
	defer srv.Close()
	tr, err := httppassthrough.NewTransport(srv.Client().Transport, []string{srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: tr}
	ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: tok}, core.Pair{Key: "x-api-key", Value: "k"})

	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/x", strings.NewReader("body"))
	req.Header.Set("Authorization", "Bearer stale")
	req.Header.Set("X-Trace", "t1")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if req.Header.Get("Authorization") != "Bearer stale" || req.Header.Get("X-Api-Key") != "" {
		t.Error("the caller's request was modified instead of cloned")
	}
	h := down.take()[0]
	if v := h.Values("Authorization"); len(v) != 1 || v[0] != tok {
		t.Errorf("authorization %q, want exactly [%q]", v, tok)
	}
	if h.Get("X-Api-Key") != "k" || h.Get("X-Trace") != "t1" {
		t.Errorf("headers %v", h)
	}

	// No credentials in the context: fails before anything is sent.
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/x", nil)
	if _, err := client.Do(req); !errors.Is(err, core.ErrMissingCredentials) {
		t.Fatalf("no credentials: %v, want ErrMissingCredentials", err)
	}
	bad := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: "Bearer secret\n"})
	req, _ = http.NewRequestWithContext(bad, http.MethodGet, srv.URL+"/x", nil)
	if _, err := client.Do(req); err == nil || strings.Contains(err.Error(), "secret") {
		t.Fatalf("invalid credentials: %v", err)
	}
	if n := len(down.take()); n != 0 {
		t.Fatalf("%d requests were sent that should not have been", n)
	}
}

func TestTransportOnlyToConfiguredHostsAndNeverOverPlaintext(t *testing.T) {
	t.Parallel()
	var other, allowed seenHeaders
	otherSrv := httptest.NewServer(other.handler(nil))
	defer otherSrv.Close()
	// The allowed host redirects to another host (localhost vs 127.0.0.1).
	otherURL := strings.Replace(otherSrv.URL, "127.0.0.1", "localhost", 1)
	allowedSrv := httptest.NewServer(allowed.handler(http.RedirectHandler(otherURL+"/landing", http.StatusFound)))
	defer allowedSrv.Close()

	ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: tok}, core.Pair{Key: "cookie", Value: "s=1"})
	get := func(tr http.RoundTripper, url string) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return err
	}

	if _, err := httppassthrough.NewTransport(nil, []string{allowedSrv.URL}); err == nil || !strings.Contains(err.Error(), "WithInsecure()") {
		t.Fatalf("plaintext origin without WithInsecure: %v, want a refusal naming WithInsecure()", err)
	}
	// An https origin on the same host and port does not cover http://.
	secureOnly, err := httppassthrough.NewTransport(nil, []string{strings.Replace(allowedSrv.URL, "http://", "https://", 1)})
	if err != nil {
		t.Fatal(err)
	}
	if err := get(secureOnly, allowedSrv.URL); err != nil {
		t.Fatal(err)
	}
	if h := allowed.take(); len(h) != 1 || h[0].Get("Authorization") != "" || h[0].Get("Cookie") != "" {
		t.Fatalf("credentials went over http:// to an origin configured as https://: %v", h)
	}
	other.take()

	insecure, err := httppassthrough.NewTransport(nil, []string{allowedSrv.URL}, forward.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	if err := get(insecure, allowedSrv.URL); err != nil {
		t.Fatal(err)
	}
	if h := allowed.take(); len(h) != 1 || h[0].Get("Authorization") != tok {
		t.Fatalf("allowed host: %v", h)
	}
	h := other.take()
	if len(h) != 1 {
		t.Fatalf("the redirect target saw %d requests, want 1", len(h))
	}
	if h[0].Get("Authorization") != "" || h[0].Get("Cookie") != "" {
		t.Fatalf("credentials followed the redirect to another host: %v", h[0])
	}
	// A request straight to another host carries nothing either, and
	// needs no credentials.
	if err := get(insecure, otherURL); err != nil {
		t.Fatal(err)
	}
	if h := other.take(); len(h) != 1 || h[0].Get("Authorization") != "" {
		t.Fatalf("another host got credentials: %v", h)
	}
}

func TestNewTransportValidates(t *testing.T) {
	t.Parallel()
	for _, origins := range [][]string{nil, {""}, {"x"}, {"x:443"}, {"a b"}, {"ftp://x"}, {"https://user:pw@x"}, {"https://x?q"}, {"http://x"}} {
		_, err := httppassthrough.NewTransport(nil, origins)
		if err == nil || !strings.HasPrefix(err.Error(), "passthrough: ") || strings.Contains(err.Error(), "pw") {
			t.Errorf("NewTransport(%q): %v, want a passthrough: error", origins, err)
		}
	}
	if _, err := httppassthrough.NewTransport(nil, []string{"https://x"}, forward.WithMaxValueSize(0)); err == nil {
		t.Error("WithMaxValueSize(0) accepted")
	}
	if _, err := httppassthrough.NewTransport(nil, []string{"https://x"}, nil); err == nil {
		t.Error("a nil option was accepted")
	}
}

// The Transport passes the client conformance suite.
func TestClientConformance(t *testing.T) {
	conformance.RunClient(t, conformance.TransportHarness(func(base http.RoundTripper, origin string, opts []forward.Option) (http.RoundTripper, error) {
		return httppassthrough.NewTransport(base, []string{origin}, opts...)
	}))
}

// Credentials follow a redirect only while it stays on the origin of the
// first request: not to another configured origin, and not into a
// configured origin from elsewhere.
func TestTransportRedirectChains(t *testing.T) {
	t.Parallel()
	var a, b, elsewhere seenHeaders
	var bURL, aURL string
	aSrv := httptest.NewTLSServer(a.handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/same":
			http.Redirect(w, r, "/landed", http.StatusTemporaryRedirect)
		case "/to-b":
			http.Redirect(w, r, bURL+"/landed", http.StatusTemporaryRedirect)
		}
	})))
	defer aSrv.Close()
	bSrv := httptest.NewTLSServer(b.handler(nil))
	defer bSrv.Close()
	elsewhereSrv := httptest.NewTLSServer(elsewhere.handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, aURL+"/landed", http.StatusTemporaryRedirect)
	})))
	defer elsewhereSrv.Close()
	aURL, bURL = aSrv.URL, bSrv.URL

	tr, err := httppassthrough.NewTransport(aSrv.Client().Transport, []string{aSrv.URL, bSrv.URL})
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: tr}
	ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: tok})
	get := func(url string) {
		t.Helper()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	auths := func(hs []http.Header) []string {
		var out []string
		for _, h := range hs {
			out = append(out, h.Get("Authorization"))
		}
		return out
	}

	get(aSrv.URL + "/same")
	if got := auths(a.take()); len(got) != 2 || got[0] != tok || got[1] != tok {
		t.Errorf("same-origin redirect: authorization per hop %q, want the token on both", got)
	}
	get(aSrv.URL + "/to-b")
	if got := auths(a.take()); len(got) != 1 || got[0] != tok {
		t.Errorf("first hop to a: %q", got)
	}
	if got := auths(b.take()); len(got) != 1 || got[0] != "" {
		t.Errorf("redirect from a to b, both configured: authorization at b %q, want none", got)
	}
	get(elsewhereSrv.URL + "/start")
	if got := auths(elsewhere.take()); len(got) != 1 || got[0] != "" {
		t.Errorf("unconfigured origin got %q", got)
	}
	if got := auths(a.take()); len(got) != 1 || got[0] != "" {
		t.Errorf("redirect into a configured origin from elsewhere: authorization %q, want none", got)
	}
}

// One request object reused by many goroutines, each with its own
// context: every call carries only its caller's credentials, and the
// shared header is never written.
func TestTransportSharedRequestConcurrently(t *testing.T) {
	t.Parallel()
	var down seenHeaders
	srv := httptest.NewTLSServer(down.handler(nil))
	defer srv.Close()
	tr, err := httppassthrough.NewTransport(srv.Client().Transport, []string{srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: tr}
	shared, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	shared.Header["X-API-Key"] = []string{"stale"}
	var wg sync.WaitGroup
	for i := range 8 {
		ctx := core.WithMetadata(t.Context(), core.Pair{Key: "x-api-key", Value: fmt.Sprint("key-", i)}, core.Pair{Key: "x-caller", Value: fmt.Sprint(i)})
		wg.Go(func() {
			for range 10 {
				resp, err := client.Do(shared.WithContext(ctx))
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	got := down.take()
	if len(got) != 80 {
		t.Fatalf("server saw %d calls, want 80", len(got))
	}
	for _, h := range got {
		if v := h.Values("X-Api-Key"); len(v) != 1 || v[0] != "key-"+h.Get("X-Caller") {
			t.Fatalf("caller %s's call carried x-api-key %q", h.Get("X-Caller"), v)
		}
	}
	//lint:ignore SA1008 the non-canonical key the caller set is what must survive
	if len(shared.Header) != 1 || shared.Header["X-API-Key"][0] != "stale" {
		t.Fatalf("the shared request's header was modified: %v", shared.Header)
	}
}

// A request marked as following a redirect whose chain cannot be walked
// back to its first request gets no credentials, even for a configured
// origin.
func TestTransportRedirectOfUnknownOriginGetsNothing(t *testing.T) {
	t.Parallel()
	var down seenHeaders
	srv := httptest.NewTLSServer(down.handler(nil))
	defer srv.Close()
	tr, err := httppassthrough.NewTransport(srv.Client().Transport, []string{srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: tok})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	req.Response = &http.Response{StatusCode: http.StatusTemporaryRedirect}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if h := down.take(); len(h) != 1 || h[0].Get("Authorization") != "" {
		t.Fatalf("got %v, want one request without credentials", h)
	}
}
