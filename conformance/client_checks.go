package conformance

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
)

// The credentials of the suite's callers. A value is never reused between
// callers, so that a value seen in the wrong call names its owner.
func callerCtx(ctx context.Context, who string) context.Context {
	return core.WithMetadata(ctx,
		core.Pair{Key: "authorization", Value: "Bearer token-of-" + who},
		core.Pair{Key: "x-api-key", Value: "key-of-" + who})
}

// wantCredentials checks that h carries exactly who's credentials, one
// value each; who == "" means none at all.
func wantCredentials(t *testing.T, what string, h http.Header, who string) {
	t.Helper()
	for _, k := range []struct{ name, prefix string }{{"Authorization", "Bearer token-of-"}, {"X-Api-Key", "key-of-"}} {
		got := h.Values(k.name)
		switch {
		case who == "" && len(got) != 0:
			t.Errorf("%s: %s arrived as %q, want none", what, k.name, got)
		case who != "" && (len(got) != 1 || got[0] != k.prefix+who):
			t.Errorf("%s: %s arrived as %q, want exactly [%q] (the caller's own, one value)", what, k.name, got, k.prefix+who)
		}
	}
}

// wantNoCredentials checks that no call in got carried a credential.
func wantNoCredentials(t *testing.T, what string, got []http.Header) {
	t.Helper()
	for _, h := range got {
		wantCredentials(t, what, h, "")
	}
}

func (c clientSuite) exactCredentials(t *testing.T) {
	srv := c.serve(t, true)
	cl := c.mustClient(t, srv.origin)
	// The caller also set the forwarded keys by hand, in several cases,
	// and a header of its own.
	header := http.Header{
		"Authorization": {"Bearer stale"},
		"X-API-Key":     {"stale-1"},
		"x-api-key":     {"stale-2"},
		"X-Trace":       {"t1"},
	}
	before := header.Clone()
	if err := cl.Call(callerCtx(t.Context(), "alice"), header); err != nil {
		t.Fatalf("call with credentials: %v", err)
	}
	got := srv.take()
	if len(got) != 1 {
		t.Fatalf("server saw %d calls, want 1", len(got))
	}
	wantCredentials(t, "call whose caller also set the keys by hand", got[0], "alice")
	if v := got[0].Values("X-Trace"); len(v) != 1 || v[0] != "t1" {
		t.Errorf("the caller's own header X-Trace arrived as %q, want [t1]: other headers are kept", v)
	}
	if fmt.Sprint(header) != fmt.Sprint(before) {
		t.Errorf("the caller's header was modified: %v, want %v", header, before)
	}
}

func (c clientSuite) nothingWithoutCredentials(t *testing.T) {
	srv := c.serve(t, true)
	strict := c.mustClient(t, srv.origin, forward.WithMaxValueSize(64))
	if err := strict.Call(t.Context(), nil); err == nil {
		t.Error("a call whose context has no credentials succeeded, want it refused before sending")
	}
	bad := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: "Bearer secret\r\nX-Injected: 1"})
	if err := strict.Call(bad, nil); err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("invalid credential: %v, want an error that does not contain the value", err)
	}
	big := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: "Bearer " + strings.Repeat("s", 64)})
	if err := strict.Call(big, nil); err == nil {
		t.Error("a credential over forward.WithMaxValueSize was sent")
	}
	if got := srv.take(); len(got) != 0 {
		t.Fatalf("server saw %d calls that must not have been sent", len(got))
	}

	anon := c.mustClient(t, srv.origin, forward.WithAllowAnonymous())
	if err := anon.Call(t.Context(), nil); err != nil {
		t.Fatalf("anonymous call with forward.WithAllowAnonymous: %v", err)
	}
	got := srv.take()
	if len(got) != 1 {
		t.Fatalf("anonymous call: server saw %d calls, want 1", len(got))
	}
	wantCredentials(t, "anonymous call", got[0], "")
}

func (c clientSuite) neverInPlaintext(t *testing.T) {
	plain := c.serve(t, false)
	secure := c.serve(t, true)
	ctx := callerCtx(t.Context(), "alice")

	// Configured for a plaintext origin without forward.WithInsecure.
	if cl, err := c.client(t, plain.origin, plain.origin); err == nil {
		_ = cl.Call(ctx, nil)
	} else if !strings.HasPrefix(err.Error(), "passthrough: ") {
		t.Errorf("plaintext origin refused with %q, want a passthrough: error", err)
	}
	wantNoCredentials(t, "plaintext origin without WithInsecure", plain.take())

	// Configured for an https origin, but the call goes to plaintext: the
	// check is made on the request, not on the configuration.
	if cl, err := c.client(t, secure.origin, plain.origin); err == nil {
		_ = cl.Call(ctx, nil)
	}
	wantNoCredentials(t, "call to plaintext from a client configured for https", plain.take())

	// With forward.WithInsecure the same server does get them, so the
	// checks above are not vacuous.
	insecure, err := c.client(t, plain.origin, plain.origin, forward.WithInsecure())
	if err != nil {
		t.Fatalf("plaintext origin with forward.WithInsecure: %v", err)
	}
	if err := insecure.Call(ctx, nil); err != nil {
		t.Fatalf("plaintext call with forward.WithInsecure: %v", err)
	}
	got := plain.take()
	if len(got) != 1 {
		t.Fatalf("plaintext server saw %d calls with forward.WithInsecure, want 1", len(got))
	}
	wantCredentials(t, "plaintext call with forward.WithInsecure", got[0], "alice")
	if n := len(secure.take()); n != 0 {
		t.Errorf("the https server saw %d calls, want none", n)
	}
}

func (c clientSuite) notAfterRedirect(t *testing.T) {
	secureTarget := c.serve(t, true)
	plainTarget := c.serve(t, false)
	for _, tc := range []struct{ name, to string }{
		{"other origin", secureTarget.origin},
		{"downgrade to http", plainTarget.origin},
		{"other host over http", strings.Replace(plainTarget.origin, "127.0.0.1", "localhost", 1)},
	} {
		r := c.redirector(t, tc.to)
		cl := c.mustClient(t, r.origin, forward.WithAllowAnonymous())
		_ = cl.Call(callerCtx(t.Context(), "alice"), http.Header{"X-Trace": {"t1"}})
		first := r.take()
		if len(first) != 1 {
			t.Fatalf("%s: the configured origin saw %d calls, want 1", tc.name, len(first))
		}
		wantCredentials(t, tc.name+": first hop, to the configured origin", first[0], "alice")
		landed := append(secureTarget.take(), plainTarget.take()...)
		if len(landed) != 1 {
			t.Errorf("%s: the redirect target saw %d calls, want 1: the harness says the client follows redirects", tc.name, len(landed))
		}
		wantNoCredentials(t, tc.name+": redirect target", landed)
	}
}

func (c clientSuite) reusedRequest(t *testing.T) {
	srv := c.serve(t, true)
	cl := c.mustClient(t, srv.origin, forward.WithAllowAnonymous())
	send := cl.Reusable(http.Header{"X-Trace": {"t1"}})
	alice := callerCtx(t.Context(), "alice")
	// bob has an API key only: alice's Authorization must not stay behind.
	bob := core.WithMetadata(t.Context(), core.Pair{Key: "x-api-key", Value: "key-of-bob"})
	for i, step := range []struct {
		ctx  context.Context
		want func(t *testing.T, h http.Header)
	}{
		{alice, func(t *testing.T, h http.Header) { wantCredentials(t, "first caller", h, "alice") }},
		{bob, func(t *testing.T, h http.Header) {
			if v := h.Values("Authorization"); len(v) != 0 {
				t.Errorf("second caller's call carried Authorization %q, want none: it has none", v)
			}
			if v := h.Values("X-Api-Key"); len(v) != 1 || v[0] != "key-of-bob" {
				t.Errorf("second caller's X-Api-Key arrived as %q, want exactly [key-of-bob]", v)
			}
		}},
		{t.Context(), func(t *testing.T, h http.Header) { wantCredentials(t, "anonymous caller after two others", h, "") }},
		{alice, func(t *testing.T, h http.Header) { wantCredentials(t, "first caller again", h, "alice") }},
	} {
		if err := send(step.ctx); err != nil {
			t.Fatalf("call %d with the reused request: %v", i, err)
		}
		got := srv.take()
		if len(got) != 1 {
			t.Fatalf("call %d: server saw %d calls, want 1", i, len(got))
		}
		step.want(t, got[0])
		if v := got[0].Values("X-Trace"); len(v) != 1 {
			t.Errorf("call %d: the request's own X-Trace arrived as %q, want it once", i, v)
		}
	}
	if !c.h.ConcurrentReuse {
		return
	}
	const callers, perCaller = 8, 10
	var wg sync.WaitGroup
	for i := range callers {
		ctx := callerCtx(t.Context(), "caller-"+strconv.Itoa(i))
		wg.Go(func() {
			for range perCaller {
				if err := send(ctx); err != nil {
					t.Errorf("concurrent call with the reused request: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	checkCallers(t, "concurrent callers sharing one request", srv.take(), callers*perCaller, func(h http.Header) string {
		return strings.TrimPrefix(h.Get("X-Api-Key"), "key-of-")
	})
}

// checkCallers checks that every call carried one caller's credentials,
// that caller being the one whoOf names.
func checkCallers(t *testing.T, what string, got []http.Header, want int, whoOf func(http.Header) string) {
	t.Helper()
	if len(got) != want {
		t.Errorf("%s: server saw %d calls, want %d", what, len(got), want)
	}
	for _, h := range got {
		who := whoOf(h)
		if who == "" {
			t.Errorf("%s: a call arrived without its caller's credentials: %v", what, h.Values("Authorization"))
			continue
		}
		wantCredentials(t, what, h, who)
	}
}

func (c clientSuite) concurrentCallers(t *testing.T) {
	srv := c.serve(t, true)
	cl := c.mustClient(t, srv.origin)
	const callers, perCaller = 8, 10
	var wg sync.WaitGroup
	for i := range callers {
		who := "caller-" + strconv.Itoa(i)
		ctx := callerCtx(t.Context(), who)
		wg.Go(func() {
			for range perCaller {
				if err := cl.Call(ctx, http.Header{"X-Caller": {who}}); err != nil {
					t.Errorf("%s: %v", who, err)
					return
				}
			}
		})
	}
	wg.Wait()
	checkCallers(t, "concurrent callers", srv.take(), callers*perCaller, func(h http.Header) string { return h.Get("X-Caller") })
}

func (c clientSuite) rejectedNotRetried(t *testing.T) {
	srv := c.serve(t, true)
	srv.reject = true
	cl := c.mustClient(t, srv.origin)
	if err := cl.Call(callerCtx(t.Context(), "alice"), nil); err == nil {
		t.Error("a rejected call reported success")
	}
	got := srv.take()
	if len(got) != 1 {
		t.Fatalf("a rejected call reached the server %d times, want exactly once: it must not be retried", len(got))
	}
	wantCredentials(t, "rejected call", got[0], "alice")
}

func (c clientSuite) ownLayerAddingKeys(t *testing.T) {
	srv := c.serve(t, true)
	adds := http.Header{"Authorization": {"Bearer token-of-service-account"}, "X-Api-Key": {"key-of-service-account"}}
	cl, err := c.clientWith(t, srv.origin, func(cfg *ClientConfig) { cfg.Adds = adds })
	if err != nil {
		if !strings.HasPrefix(err.Error(), "passthrough: ") {
			t.Errorf("a layer adding forwarded keys refused with %q, want a passthrough: error", err)
		}
		return // refused when built: nothing can be sent
	}
	_ = cl.Call(callerCtx(t.Context(), "alice"), nil)
	got := srv.take()
	if len(got) != 1 {
		t.Fatalf("server saw %d calls, want 1: the client was built, so it must send", len(got))
	}
	wantCredentials(t, "call through a layer of the client's own that adds the forwarded keys", got[0], "alice")
}

// proxy is a loopback HTTP forward proxy that records the header of every
// request it is asked to forward, and answers each itself.
func (c clientSuite) proxy(t *testing.T) (*url.URL, *server) {
	t.Helper()
	s := &server{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.handle(r.Header)
		w.WriteHeader(http.StatusBadGateway)
	}))
	srv.Config.ErrorLog = quietLog
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return u, s
}

func (c clientSuite) notThroughPlaintextProxy(t *testing.T) {
	plain := c.serve(t, false)
	proxyURL, proxy := c.proxy(t)
	ctx := callerCtx(t.Context(), "alice")
	viaProxy := func(cfg *ClientConfig) { cfg.Proxy = proxyURL }
	if cl, err := c.clientWith(t, plain.origin, viaProxy, forward.WithInsecure()); err == nil {
		_ = cl.Call(ctx, nil)
	}
	wantNoCredentials(t, "plaintext call with a proxy configured: at the proxy", proxy.take())

	// Said explicitly, the proxy does get them, so the check above is not
	// vacuous: the client does send through the proxy it is given.
	cl, err := c.clientWith(t, plain.origin, viaProxy, forward.WithInsecure(), forward.WithPlaintextProxy())
	if err != nil {
		t.Fatalf("plaintext origin through a proxy with forward.WithPlaintextProxy: %v", err)
	}
	_ = cl.Call(ctx, nil)
	got := proxy.take()
	if len(got) != 1 {
		t.Fatalf("with forward.WithPlaintextProxy the proxy saw %d calls, want 1", len(got))
	}
	wantCredentials(t, "plaintext call through a proxy with forward.WithPlaintextProxy", got[0], "alice")
}
