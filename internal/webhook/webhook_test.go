package webhook_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/internal/testapp"
	"github.com/passthrough-go/passthrough/internal/webhook"
)

const (
	aliceKey = "cp_alice_0123456789abcdef"
	bobKey   = "cp_bob_0123456789abcdef00"
)

func devConfig() devserver.Config {
	return devserver.Config{Users: []devserver.User{
		{Subject: "alice", Name: "Alice Runner", APIKey: aliceKey, Grants: []devserver.Grant{{Project: "demo", Domain: "*", Role: devserver.RoleRun}}},
		{Subject: "bob", Name: "Bob Viewer", APIKey: bobKey, Grants: []devserver.Grant{{Project: "demo", Domain: "*", Role: devserver.RoleView}}},
	}}
}

// syncBuffer collects log output from concurrent writers.
type syncBuffer = testapp.SyncBuffer

// protocols are the ways the webhook reaches the control plane.
var protocols = []string{"grpc", "connect"}

// controlPlane is a running development control plane.
type controlPlane struct {
	*devserver.Server
	conns atomic.Int64
}

// Connections is how many connections the control plane has accepted, on
// either endpoint. With none, it has certainly received no call.
func (c *controlPlane) Connections() int64 { return c.conns.Load() }

// countingListener counts the connections it accepts.
type countingListener struct {
	net.Listener
	n *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

// startControlPlane runs the development control plane on loopback and
// returns its gRPC endpoint.
func startControlPlane(t *testing.T, logs io.Writer) (*controlPlane, string) {
	cp, eps := startControlPlaneBoth(t, logs)
	return cp, eps["grpc"]
}

// startControlPlaneBoth runs the development control plane with its gRPC
// and its Connect endpoint, served by the same handlers.
func startControlPlaneBoth(t *testing.T, logs io.Writer) (*controlPlane, map[string]string) {
	t.Helper()
	return startControlPlaneWith(t, devConfig(), logs)
}

func startControlPlaneWith(t *testing.T, cfg devserver.Config, logs io.Writer) (*controlPlane, map[string]string) {
	t.Helper()
	srv, err := devserver.New(cfg, slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	cp := &controlPlane{Server: srv}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(countingListener{ln, &cp.conns}) }()
	go func() { _ = srv.ServeConnect(countingListener{cln, &cp.conns}) }()
	t.Cleanup(srv.Stop)
	return cp, map[string]string{"grpc": "http://" + ln.Addr().String(), "connect": "http://" + cln.Addr().String()}
}

// startWebhook runs the real service in-process and returns its base URL.
// The service is shut down, and must return cleanly, at cleanup.
func startWebhook(t *testing.T, o webhook.Options) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	o.Listener = ln
	if strings.HasPrefix(o.Endpoint, "http://") {
		o.Insecure = true // every test control plane is plaintext on loopback
	}
	if o.Project == "" {
		o.Project, o.Domain = "demo", "development"
	}
	if o.Endpoint != "" && o.Org == "" {
		o.Org = devserver.DefaultOrg // the org of every control plane the tests start, unless told
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- webhook.Run(ctx, o) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("webhook.Run: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

type result struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

// noRedirects shows a redirect as the answer it is, instead of following it.
var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func do(t *testing.T, method, url, body string, header ...string) result {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	resp, err := noRedirects.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := result{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &r.body)
	return r
}

func expect(t *testing.T, what string, r result, status int, field, value string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d (body %s)", what, r.status, status, r.raw)
	}
	if field != "" && fmt.Sprint(r.body[field]) != value {
		t.Fatalf("%s: %s = %v, want %q (body %s)", what, field, r.body[field], value, r.raw)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s: Content-Type %q, want application/json", what, ct)
	}
}

func bearer(key string) []string { return []string{"Authorization", "Bearer " + key} }

// TestREADMEStory walks the README's curl walkthrough on every framework,
// with the control plane reached over gRPC and over Connect.
func TestREADMEStory(t *testing.T) {
	t.Parallel()
	for _, proto := range protocols {
		for _, fw := range webhook.Frameworks {
			t.Run(proto+"/"+fw, func(t *testing.T) {
				t.Parallel()
				readmeStory(t, proto, fw)
			})
		}
	}
}

func readmeStory(t *testing.T, proto, fw string) {
	var logs syncBuffer
	_, endpoints := startControlPlaneBoth(t, &logs)
	base := startWebhook(t, webhook.Options{Framework: fw, Endpoint: endpoints[proto], Protocol: proto,
		Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})

	expect(t, "health", do(t, "GET", base+"/health", ""), 200, "status", "ok")
	expect(t, "me as alice", do(t, "GET", base+"/me", "", bearer(aliceKey)...), 200, "subject", "alice")
	expect(t, "me as bob with X-API-Key", do(t, "GET", base+"/me", "", "X-API-Key", bobKey), 200, "name", "Bob Viewer")

	run := do(t, "POST", base+"/run-task/demo/development/add", `{"a": 2, "b": 40}`, bearer(aliceKey)...)
	expect(t, "alice runs add", run, 200, "triggered_by", "alice")
	url, _ := run.body["url"].(string)
	if !strings.HasPrefix(url, "/runs/demo/development/") {
		t.Fatalf("run url %q", url)
	}
	final := waitForRun(t, base+url, bobKey)
	if final.body["phase"] != "SUCCEEDED" || fmt.Sprint(final.body["outputs"]) != "map[sum:42]" {
		t.Fatalf("run did not succeed with sum 42: %s", final.raw)
	}
	if final.body["triggered_by"] != "alice" {
		t.Fatalf("run records %v as its trigger, want alice", final.body["triggered_by"])
	}

	expect(t, "a pinned version", do(t, "POST", base+"/run-task/demo/development/hello?version=v1", `{"name":"Go"}`, bearer(aliceKey)...), 200, "phase", "QUEUED")
	def := do(t, "POST", base+"/run/hello", `{"name":"Go"}`, bearer(aliceKey)...)
	expect(t, "default project and domain", def, 200, "phase", "QUEUED")
	if u, _ := def.body["url"].(string); !strings.HasPrefix(u, "/runs/demo/development/") {
		t.Fatalf("default project and domain: url %q", u)
	}
	expect(t, "bob may not run", do(t, "POST", base+"/run-task/demo/development/add", `{"a":1,"b":2}`, bearer(bobKey)...), 403, "detail", "Permission denied")
	expect(t, "unknown task", do(t, "POST", base+"/run-task/demo/development/nope", `{}`, bearer(aliceKey)...), 404, "detail", "Task not found")
	expect(t, "unknown version", do(t, "POST", base+"/run-task/demo/development/add?version=v9", `{"a":1,"b":2}`, bearer(aliceKey)...), 404, "detail", "Task not found")
	expect(t, "unknown run", do(t, "GET", base+"/runs/demo/development/rnope", "", bearer(aliceKey)...), 404, "detail", "Run not found")
	expect(t, "no project grant", do(t, "POST", base+"/run-task/prod/development/add", `{"a":1,"b":2}`, bearer(aliceKey)...), 403, "detail", "Permission denied")

	noKey := do(t, "GET", base+"/me", "")
	expect(t, "no key", noKey, 401, "detail", "Authentication credentials required")
	// Not a redirect to /me that would tell an unauthenticated caller the
	// route exists (Gin's RedirectTrailingSlash), nor a 404 that says it
	// does not.
	expect(t, "no key, trailing slash", do(t, "GET", base+"/me/", ""), 401, "detail", "Authentication credentials required")
	if noKey.header.Get("WWW-Authenticate") != "Bearer" {
		t.Fatal("401 without WWW-Authenticate: Bearer")
	}
	expect(t, "wrong key", do(t, "GET", base+"/me", "", bearer("cp_not_a_real_key_000000")...), 401, "detail", "Invalid credentials")

	for _, tc := range []struct{ body, detail string }{
		{`{"a": "two", "b": 40}`, `input "a" must be an integer`},
		{`{"a": 1.5, "b": 40}`, `input "a" must be an integer`},
		{`{"a": 2}`, `input "b" is required: an integer`},
		{`{"a": 2, "b": 3, "c": 4}`, `input "c" is not an input of this task`},
		{`{"a": 2, "a": 3, "b": 4}`, `input "a" is given more than once`},
		{`[1, 2]`, `the body must be a JSON object of task inputs`},
		{`{"a": 2, "b": 3} {}`, `the body must hold exactly one JSON object`},
	} {
		expect(t, "bad input "+tc.body, do(t, "POST", base+"/run-task/demo/development/add", tc.body, bearer(aliceKey)...), 400, "detail", tc.detail)
	}
	if strings.Contains(logs.String(), aliceKey) || strings.Contains(logs.String(), bobKey) {
		t.Fatal("an API key reached the logs")
	}
}

func waitForRun(t *testing.T, url, key string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		r := do(t, "GET", url, "", bearer(key)...)
		if r.status != 200 {
			t.Fatalf("get run: %d %s", r.status, r.raw)
		}
		if p := r.body["phase"]; p == "SUCCEEDED" || p == "FAILED" {
			return r
		}
		select {
		case <-ctx.Done():
			t.Fatalf("run did not finish: %s", r.raw)
		case <-tick.C:
		}
	}
}
