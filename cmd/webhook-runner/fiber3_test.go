package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/internal/syncbuf"
	"github.com/passthrough-go/passthrough/internal/webhook"
)

// The root module's TestREADMEStory (internal/webhook) walks the README on
// every framework package webhook serves; Fiber v3 is served from this
// module (fiber3.go), so its walk is here, with the same requests and
// answers.
func TestREADMEStoryOnFiber3(t *testing.T) {
	t.Parallel()
	for _, proto := range []string{"grpc", "connect"} {
		t.Run(proto, func(t *testing.T) {
			t.Parallel()
			fiber3Story(t, proto)
		})
	}
}

const (
	aliceKey = "cp_alice_0123456789abcdef"
	bobKey   = "cp_bob_0123456789abcdef00"
)

func fiber3Story(t *testing.T, proto string) {
	var logs syncbuf.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cp, err := devserver.New(devserver.Config{Users: []devserver.User{
		{Subject: "alice", Name: "Alice Runner", APIKey: aliceKey, Grants: []devserver.Grant{{Project: "demo", Domain: "*", Role: devserver.RoleRun}}},
		{Subject: "bob", Name: "Bob Viewer", APIKey: bobKey, Grants: []devserver.Grant{{Project: "demo", Domain: "*", Role: devserver.RoleView}}},
	}}, logger)
	if err != nil {
		t.Fatal(err)
	}
	cpln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if proto == "grpc" {
		go func() { _ = cp.Serve(cpln) }()
	} else {
		go func() { _ = cp.ServeConnect(cpln) }()
	}
	t.Cleanup(cp.Stop)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- webhook.Run(ctx, webhook.Options{Framework: "fiber3", Servers: servers, Listener: ln,
			Endpoint: "http://" + cpln.Addr().String(), Insecure: true, Protocol: proto, Org: devserver.DefaultOrg,
			Project: "demo", Domain: "development", Timeout: 10 * time.Second, ShutdownTimeout: 10 * time.Second,
			Logger: logger})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("webhook.Run: %v", err)
		}
	})
	base := "http://" + ln.Addr().String()

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
	if final.body["phase"] != "SUCCEEDED" || fmt.Sprint(final.body["outputs"]) != "map[sum:42]" || final.body["triggered_by"] != "alice" {
		t.Fatalf("run did not succeed with sum 42, triggered by alice: %s", final.raw)
	}
	expect(t, "default project and domain", do(t, "POST", base+"/run/hello", `{"name":"Go"}`, bearer(aliceKey)...), 200, "phase", "QUEUED")
	expect(t, "bob may not run", do(t, "POST", base+"/run-task/demo/development/add", `{"a":1,"b":2}`, bearer(bobKey)...), 403, "detail", "Permission denied")
	expect(t, "unknown task", do(t, "POST", base+"/run-task/demo/development/nope", `{}`, bearer(aliceKey)...), 404, "detail", "Task not found")
	expect(t, "unknown run", do(t, "GET", base+"/runs/demo/development/rnope", "", bearer(aliceKey)...), 404, "detail", "Run not found")

	noKey := do(t, "GET", base+"/me", "")
	expect(t, "no key", noKey, 401, "detail", "Authentication credentials required")
	if noKey.header.Get("WWW-Authenticate") != "Bearer" {
		t.Fatal("401 without WWW-Authenticate: Bearer")
	}
	expect(t, "wrong key", do(t, "GET", base+"/me", "", bearer("cp_not_a_real_key_000000")...), 401, "detail", "Invalid credentials")
	expect(t, "bad input", do(t, "POST", base+"/run-task/demo/development/add", `{"a": "two", "b": 40}`, bearer(aliceKey)...), 400, "detail", `input "a" must be an integer`)
	expect(t, "compressed body", do(t, "POST", base+"/run/hello", "x", append(bearer(aliceKey), "Content-Encoding", "gzip")...), 415, "detail", "Compressed request bodies are not accepted")

	if l := logs.String(); strings.Contains(l, aliceKey) || strings.Contains(l, bobKey) {
		t.Fatal("an API key reached the logs")
	}
	if !strings.Contains(logs.String(), `"route":"/run-task/{project}/{domain}/{name}"`) {
		t.Errorf("no request log line names the run-task route; logs: %s", logs.String())
	}
}

type result struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
}

func do(t *testing.T, method, url, body string, header ...string) result {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
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
