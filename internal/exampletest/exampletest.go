// Package exampletest runs the README's story against the example apps in
// examples/: a development control plane on loopback, and the requests a
// reader would make with curl. It is test support, not library code.
package exampletest

import (
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/forward"
	"github.com/passthrough-go/passthrough/internal/syncbuf"
)

// ControlPlane starts a development control plane with the demo users on
// loopback until the test ends, and returns a client for it built as the
// examples build theirs, and Alice's API key.
func ControlPlane(t *testing.T) (*controlplane.Client, string) {
	t.Helper()
	grpcURL, _, alice := ControlPlaneURLs(t)
	cp, err := controlplane.Init(grpcURL, "demo", "development", devserver.DefaultOrg, forward.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cp.Close() })
	return cp, alice
}

// ControlPlaneURLs starts a development control plane with the demo users
// on loopback, serving gRPC and Connect, until the test ends. It returns
// both base URLs and Alice's API key.
func ControlPlaneURLs(t *testing.T) (grpcURL, connectURL, aliceKey string) {
	t.Helper()
	cfg, err := devserver.DemoConfig()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := devserver.New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	listen := func(serve func(net.Listener) error) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() { _ = serve(ln) }()
		return "http://" + ln.Addr().String()
	}
	grpcURL, connectURL = listen(srv.Serve), listen(srv.ServeConnect)
	for _, u := range cfg.Users {
		if u.Subject == "alice" {
			aliceKey = u.APIKey
		}
	}
	if aliceKey == "" {
		t.Fatal("the demo configuration has no user alice")
	}
	return grpcURL, connectURL, aliceKey
}

// noRedirects shows a redirect as the answer it is, instead of following it.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// Story sends the README's requests to the app at base ("http://host:port")
// and checks each answer, and that a failed call is logged with its reason
// (the standard logger's output is taken for the test's duration).
func Story(t *testing.T, base, aliceKey string) {
	t.Helper()
	var logs syncbuf.Buffer
	prev := log.Writer()
	log.SetOutput(&logs)
	t.Cleanup(func() { log.SetOutput(prev) })
	for _, tc := range []struct {
		method, path, auth string
		status             int
		body               string
	}{
		{"GET", "/health", "", 200, `"status":"ok"`},
		{"GET", "/me", "", 401, `Authentication credentials required`},
		{"GET", "/me/", "", 401, `Authentication credentials required`},
		{"POST", "/health", "", 401, `Authentication credentials required`},
		{"GET", "/me", "Bearer " + aliceKey, 200, `"subject":"alice"`},
		{"GET", "/me", "Bearer cp_not-a-key", 502, `Unauthenticated`},
	} {
		req, err := http.NewRequestWithContext(t.Context(), tc.method, base+tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := noRedirects.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.method, tc.path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.body) {
			t.Errorf("%s %s (auth %v): got %d %s, want %d with %s", tc.method, tc.path, tc.auth != "", resp.StatusCode, body, tc.status, tc.body)
		}
		if tc.auth != "" && strings.Contains(string(body), aliceKey) {
			t.Errorf("%s %s: the response body contains the caller's key", tc.method, tc.path)
		}
	}
	if !strings.Contains(logs.String(), "/me: ") || !strings.Contains(logs.String(), "Unauthenticated") {
		t.Errorf("the refused call is not logged with its reason: %q", logs.String())
	}
	if strings.Contains(logs.String(), aliceKey) || strings.Contains(logs.String(), "cp_not-a-key") {
		t.Errorf("a key reached the log: %q", logs.String())
	}
}
