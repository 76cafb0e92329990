package webhook_test

import (
	"bytes"
	"compress/gzip"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/internal/slowconn"
	"github.com/passthrough-go/passthrough/internal/webhook"
)

func gzipped(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// A compressed body is refused before anything reads it, on every
// framework: none of them may decode it without a bound, and the runner
// bounds only what it reads itself.
func TestCompressedBodiesAreRefused(t *testing.T) {
	t.Parallel()
	// 2 MiB of JSON once decoded, a few KiB on the wire.
	bomb := gzipped(t, `{"name": "x"}`+strings.Repeat(" ", 2<<20))
	for _, fw := range webhook.Frameworks {
		t.Run(fw, func(t *testing.T) {
			t.Parallel()
			cp, endpoint := startControlPlane(t, &syncBuffer{})
			base := startWebhook(t, webhook.Options{Framework: fw, Endpoint: endpoint})

			r := do(t, "POST", base+"/run/hello", bomb, "Authorization", "Bearer cp_not_a_real_key_000000", "Content-Encoding", "gzip, gzip")
			expect(t, "wrong key, gzip twice", r, 415, "detail", "Compressed request bodies are not accepted")
			if r.header.Get("Accept-Encoding") != "identity" {
				t.Errorf("415 without Accept-Encoding: identity (got %q)", r.header.Get("Accept-Encoding"))
			}
			if n := cp.Connections(); n != 0 {
				t.Fatalf("a compressed body reached the control plane (%d connections)", n)
			}
			for _, enc := range []string{"gzip", "deflate", "br", "zstd", "GZIP", "identity, gzip"} {
				expect(t, "good key, "+enc, do(t, "POST", base+"/run/hello", bomb, "Authorization", "Bearer "+aliceKey, "Content-Encoding", enc),
					415, "detail", "Compressed request bodies are not accepted")
			}
			expect(t, "identity", do(t, "POST", base+"/run/hello", `{"name":"x"}`, "Authorization", "Bearer "+aliceKey, "Content-Encoding", "identity"),
				200, "triggered_by", "alice")
		})
	}
}

const carolKey = "cp_carol_0123456789abcdef"

// The control plane's limits reach the caller as 429 and 400, not as a
// generic 502.
func TestControlPlaneLimitsReachTheCaller(t *testing.T) {
	t.Parallel()
	for _, fw := range webhook.Frameworks {
		t.Run(fw, func(t *testing.T) {
			t.Parallel()
			cfg := devConfig()
			cfg.MaxActiveRunsPerUser, cfg.MaxInputBytes = 1, 1024
			cfg.Users = append(cfg.Users, devserver.User{Subject: "carol", Name: "Carol", APIKey: carolKey,
				Grants: []devserver.Grant{{Project: "demo", Domain: "*", Role: devserver.RoleRun}}})
			_, eps := startControlPlaneWith(t, cfg, &syncBuffer{})
			base := startWebhook(t, webhook.Options{Framework: fw, Endpoint: eps["grpc"]})
			expect(t, "first sleep", do(t, "POST", base+"/run/sleep", `{"seconds": 30}`, bearer(aliceKey)...), 200, "phase", "QUEUED")
			expect(t, "second sleep", do(t, "POST", base+"/run/sleep", `{"seconds": 30}`, bearer(aliceKey)...), 429, "detail", "Control plane limit reached")
			expect(t, "large input", do(t, "POST", base+"/run/hello", `{"name":"`+strings.Repeat("x", 2000)+`"}`, bearer(carolKey)...),
				400, "detail", "The control plane rejected the request as invalid")
		})
	}
}

// With FLYTE_ORG set, the embedded control plane has its tasks in that
// org.
func TestOrgWithEmbeddedControlPlane(t *testing.T) {
	t.Parallel()
	for _, fw := range webhook.Frameworks {
		t.Run(fw, func(t *testing.T) {
			t.Parallel()
			cfg := devConfig()
			base := startWebhook(t, webhook.Options{Framework: fw, Org: "acme", DevConfig: &cfg})
			run := do(t, "POST", base+"/run/add", `{"a": 1, "b": 2}`, bearer(aliceKey)...)
			expect(t, "run with an org", run, 200, "triggered_by", "alice")
			url, _ := run.body["url"].(string)
			expect(t, "get the run with an org", do(t, "GET", base+url, "", bearer(bobKey)...), 200, "triggered_by", "alice")
		})
	}
}

// Slow and idle clients are dropped on every framework.
func TestSlowAndIdleClientsAreDropped(t *testing.T) {
	t.Parallel()
	const short = 300 * time.Millisecond
	for _, fw := range webhook.Frameworks {
		t.Run(fw, func(t *testing.T) {
			t.Parallel()
			cfg := devConfig()
			cfg.ReadTimeout = devserver.Duration(time.Minute)
			base := startWebhook(t, webhook.Options{Framework: fw, DevConfig: &cfg, ReadTimeout: short, IdleTimeout: short})
			addr := strings.TrimPrefix(base, "http://")
			dial := func() net.Conn {
				conn, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { conn.Close() })
				return conn
			}

			conn := dial()
			head := "POST /run/hello HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + aliceKey + "\r\nContent-Length: 1000\r\n\r\n"
			if _, err := conn.Write([]byte(head)); err != nil {
				t.Fatal(err)
			}
			sent := slowconn.Trickle(conn, bytes.Repeat([]byte(" "), 1000))
			slowconn.WaitClosed(t, "body a byte at a time", conn)
			if n := <-sent; n == 1000 {
				t.Fatal("the whole slow body was accepted")
			}

			conn = dial()
			sent = slowconn.Trickle(conn, []byte("GET /health HTTP/1.1\r\nHost: x\r\n"+strings.Repeat("X-Pad: y\r\n", 100)+"\r\n"))
			slowconn.WaitClosed(t, "headers a byte at a time", conn)
			if n := <-sent; n == len("GET /health HTTP/1.1\r\nHost: x\r\n"+strings.Repeat("X-Pad: y\r\n", 100)+"\r\n") {
				t.Fatal("the whole slow request was accepted")
			}

			conn = dial()
			if _, err := conn.Write([]byte("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")); err != nil {
				t.Fatal(err)
			}
			slowconn.WaitClosed(t, "idle keep-alive connection", conn)

			slowconn.WaitClosed(t, "silent connection", dial())
		})
	}
}
