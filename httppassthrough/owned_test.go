package httppassthrough_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
	"github.com/passthrough-go/passthrough/httppassthrough"
)

// serviceAccountTransport is an OAuth2-style transport: it sends each
// request with the service's own Authorization, set on a copy.
type serviceAccountTransport struct{ base http.RoundTripper }

func (s serviceAccountTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c := r.Clone(r.Context())
	c.Header.Set("Authorization", "Bearer service-account")
	c.Header.Add("X-Api-Key", "service-key")
	return s.base.RoundTrip(c)
}

// A base RoundTripper that adds a forwarded key under the Transport
// either is refused when the Transport is built, or the caller's value
// is the only one that arrives: never the service's.
func TestBaseAddingAForwardedKey(t *testing.T) {
	t.Parallel()
	var down seenHeaders
	srv := httptest.NewTLSServer(down.handler(nil))
	defer srv.Close()
	base := serviceAccountTransport{base: srv.Client().Transport}
	tr, err := httppassthrough.NewTransport(base, []string{srv.URL})
	if err == nil {
		ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: tok}, core.Pair{Key: "x-api-key", Value: "k"})
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		if resp, err := (&http.Client{Transport: tr}).Do(req); err == nil {
			resp.Body.Close()
		}
	} else if !strings.HasPrefix(err.Error(), "passthrough: ") || !strings.Contains(err.Error(), "httppassthrough.Wire") {
		t.Errorf("refused with %q, want a passthrough: error naming httppassthrough.Wire", err)
	}
	for _, h := range down.take() {
		if v := h.Values("Authorization"); len(v) != 1 || v[0] != tok {
			t.Errorf("Authorization arrived as %q, want exactly [%q]: the caller's, not the base transport's", v, tok)
		}
		if v := h.Values("X-Api-Key"); len(v) != 1 || v[0] != "k" {
			t.Errorf("X-Api-Key arrived as %q, want exactly [k]", v)
		}
	}

	// A base declared with Wire is trusted to send requests as given.
	wired, err := httppassthrough.NewTransport(httppassthrough.Wire(srv.Client().Transport), []string{srv.URL})
	if err != nil {
		t.Fatalf("a base declared with Wire: %v", err)
	}
	ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: tok})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	resp, err := (&http.Client{Transport: wired}).Do(req)
	if err != nil {
		t.Fatalf("call through a Wire base: %v", err)
	}
	resp.Body.Close()
	if got := down.take(); len(got) != 1 || got[0].Get("Authorization") != tok {
		t.Fatalf("through a Wire base the server saw %v, want one call with the caller's credential", got)
	}
}

// proxyRecorder is a loopback forward proxy: it records the header of
// every request it is asked to forward and answers it itself.
func proxyRecorder(t *testing.T) (*url.URL, *seenHeaders) {
	t.Helper()
	var seen seenHeaders
	p := httptest.NewServer(seen.handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "from the proxy")
	})))
	t.Cleanup(p.Close)
	u, _ := url.Parse(p.URL)
	return u, &seen
}

// Credentials never go in plaintext through a proxy: an http:// origin
// whose transport would send the request through one is refused, unless
// forward.WithPlaintextProxy says otherwise; https:// is tunnelled and
// unaffected, and a request without credentials goes through as usual.
func TestPlaintextProxy(t *testing.T) {
	t.Parallel()
	proxyURL, proxied := proxyRecorder(t)
	var down seenHeaders
	origin := httptest.NewServer(down.handler(nil))
	defer origin.Close()
	viaProxy := func() *http.Transport {
		b := &http.Transport{Proxy: http.ProxyURL(proxyURL)}
		t.Cleanup(b.CloseIdleConnections)
		return b
	}
	ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: tok})
	call := func(tr http.RoundTripper, ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, origin.URL+"/x", nil)
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}

	tr, err := httppassthrough.NewTransport(viaProxy(), []string{origin.URL}, forward.WithInsecure(), forward.WithAllowAnonymous())
	if err != nil {
		t.Fatal(err)
	}
	err = call(tr, ctx)
	if err == nil || !strings.Contains(err.Error(), ": passthrough: ") || !strings.Contains(err.Error(), "forward.WithPlaintextProxy()") || strings.Contains(err.Error(), "caller-token") {
		t.Errorf("credentials over plaintext through a proxy: %v, want a passthrough: refusal naming forward.WithPlaintextProxy()", err)
	}
	if got := proxied.take(); len(got) != 0 {
		t.Errorf("the proxy received %d requests, with Authorization %q: credentials must never pass a proxy in plaintext", len(got), got[0].Values("Authorization"))
	}
	// Without credentials there is nothing to protect.
	if err := call(tr, t.Context()); err != nil {
		t.Errorf("anonymous call through the proxy: %v", err)
	}
	if got := proxied.take(); len(got) != 1 || got[0].Get("Authorization") != "" {
		t.Errorf("anonymous call: the proxy saw %v, want one request without credentials", got)
	}

	// Said explicitly, the proxy does get them: the refusal above is not
	// vacuous.
	allowed, err := httppassthrough.NewTransport(viaProxy(), []string{origin.URL}, forward.WithInsecure(), forward.WithPlaintextProxy())
	if err != nil {
		t.Fatal(err)
	}
	if err := call(allowed, ctx); err != nil {
		t.Fatalf("with forward.WithPlaintextProxy: %v", err)
	}
	if got := proxied.take(); len(got) != 1 || got[0].Get("Authorization") != tok {
		t.Errorf("with forward.WithPlaintextProxy the proxy saw %v, want the caller's credential", got)
	}
	if n := len(down.take()); n != 0 {
		t.Errorf("the origin saw %d requests, want none (the proxy answered)", n)
	}
}

// The same holds for the proxy of the environment, which
// http.DefaultTransport reads once per process: the check runs in a child
// process started with HTTP_PROXY set to a loopback proxy. The origin is
// not a loopback address, which the environment never proxies; the proxy
// answers for it, so it is never resolved.
func TestPlaintextProxyFromEnvironment(t *testing.T) {
	const origin = "http://cp.example.test"
	if os.Getenv("PASSTHROUGH_PROXY_CHILD") == "1" {
		ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: tok})
		for _, allow := range []bool{false, true} {
			opts := []forward.Option{forward.WithInsecure()}
			if allow {
				opts = append(opts, forward.WithPlaintextProxy())
			}
			tr, err := httppassthrough.NewTransport(nil, []string{origin}, opts...)
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, origin+"/x", nil)
			resp, err := (&http.Client{Transport: tr}).Do(req)
			if err == nil {
				resp.Body.Close()
			}
			if refused := err != nil && strings.Contains(err.Error(), "forward.WithPlaintextProxy()"); refused == allow {
				t.Errorf("WithPlaintextProxy %v: %v", allow, err)
			}
		}
		return
	}
	t.Parallel()
	proxyURL, proxied := proxyRecorder(t)
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestPlaintextProxyFromEnvironment$")
	cmd.Env = append(os.Environ(), "PASSTHROUGH_PROXY_CHILD=1", "HTTP_PROXY="+proxyURL.String(), "http_proxy=", "NO_PROXY=", "no_proxy=", "REQUEST_METHOD=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	got := proxied.take()
	if len(got) != 1 || got[0].Get("Authorization") != tok {
		t.Fatalf("the proxy saw %d requests, want exactly one, with the caller's credential, made with forward.WithPlaintextProxy", len(got))
	}
}
