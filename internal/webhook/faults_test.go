package webhook_test

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/passthrough-go/passthrough/internal/webhook"
)

// Two users calling at once never see each other's identity.
func TestConcurrentUsersNeverMixed(t *testing.T) {
	t.Parallel()
	for _, fw := range webhook.Frameworks {
		t.Run(fw, func(t *testing.T) {
			t.Parallel()
			_, endpoint := startControlPlane(t, &syncBuffer{})
			base := startWebhook(t, webhook.Options{Framework: fw, Endpoint: endpoint})
			var wg sync.WaitGroup
			for _, u := range []struct{ key, subject string }{{aliceKey, "alice"}, {bobKey, "bob"}} {
				for range 4 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for range 25 {
							r := do(t, "GET", base+"/me", "", bearer(u.key)...)
							if r.status != 200 || r.body["subject"] != u.subject {
								t.Errorf("%s saw %d %s", u.subject, r.status, r.raw)
								return
							}
						}
					}()
				}
			}
			wg.Wait()
		})
	}
}

// rawRequest writes request bytes as given, so that nothing is normalised.
func rawRequest(t *testing.T, base, head string) int {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write([]byte(head)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// A request whose credentials are missing or malformed never reaches the
// control plane.
func TestNoControlPlaneCallWithoutValidCredentials(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ proto, fw string }{
		{"grpc", "gin"}, {"grpc", "echo"}, {"grpc", "fiber"}, {"connect", "gin"}, {"connect", "echo"}, {"connect", "fiber"},
	} {
		t.Run(tc.proto+"/"+tc.fw, func(t *testing.T) {
			t.Parallel()
			cp, endpoints := startControlPlaneBoth(t, &syncBuffer{})
			base := startWebhook(t, webhook.Options{Framework: tc.fw, Endpoint: endpoints[tc.proto], Protocol: tc.proto})
			for _, head := range []string{
				"GET /me HTTP/1.1\r\nHost: x\r\n\r\n",
				"GET /me HTTP/1.1\r\nHost: x\r\nAuthorization: \r\n\r\n",
				"GET /me HTTP/1.1\r\nHost: x\r\nAuthorization:    \r\n\r\n",
				"GET /me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer caf\xc3\xa9\r\n\r\n",
				"GET /me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + aliceKey + "\r\nAuthorization: Bearer " + bobKey + "\r\n\r\n",
				"GET /me HTTP/1.1\r\nHost: x\r\nX-API-Key: " + aliceKey + "\r\nx-api-key: " + aliceKey + "\r\n\r\n",
				"GET /me HTTP/1.1\r\nHost: x\r\nCookie: session=" + aliceKey + "\r\n\r\n",
				"POST /run-task/demo/development/add HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
				"GET /runs/demo/development/x HTTP/1.1\r\nHost: x\r\nX-API-Key: " + strings.Repeat("k", 9000) + "\r\n\r\n",
				"GET /%68ealth/../me HTTP/1.1\r\nHost: x\r\n\r\n",
				"GET /health/ HTTP/1.1\r\nHost: x\r\n\r\n",
			} {
				// 4xx, or Gin's redirect of "/health/" to "/health": never
				// a success, never a server error.
				if status := rawRequest(t, base, head); status < 300 || status >= 500 {
					t.Errorf("%q: status %d, want a refusal", head, status)
				}
			}
			if n := cp.Connections(); n != 0 {
				t.Fatalf("the control plane was reached (%d connections) by requests without valid credentials", n)
			}
			// A good request afterwards does reach it.
			expect(t, "good request", do(t, "GET", base+"/me", "", bearer(aliceKey)...), 200, "subject", "alice")
			if cp.Connections() == 0 {
				t.Fatal("the control plane received nothing for a good request")
			}
		})
	}
}

func TestControlPlaneErrorsMapToHTTP(t *testing.T) {
	t.Parallel()
	const canary = "cp-message-canary"
	for _, fw := range webhook.Frameworks {
		t.Run(fw, func(t *testing.T) {
			t.Parallel()
			for _, tc := range []struct {
				code   codes.Code
				status int
				detail string
			}{
				{codes.Unauthenticated, 401, "Invalid credentials"},
				{codes.PermissionDenied, 403, "Permission denied"},
				{codes.NotFound, 404, "Task not found"},
				{codes.InvalidArgument, 400, "The control plane rejected the request as invalid"},
				{codes.Unavailable, 503, "Control plane unavailable"},
				{codes.DeadlineExceeded, 504, "Control plane timed out"},
				{codes.Internal, 502, "Control plane error"},
			} {
				base := startWebhook(t, webhook.Options{Framework: fw,
					Endpoint: startFake(t, &fakeFlyte{err: status.Error(tc.code, canary+" Bearer "+aliceKey)})})
				r := do(t, "POST", base+"/run-task/demo/development/t", `{}`, bearer(aliceKey)...)
				expect(t, tc.code.String(), r, tc.status, "detail", tc.detail)
				if strings.Contains(r.raw, canary) || strings.Contains(r.raw, aliceKey) {
					t.Fatalf("%v: the control plane's message reached the response: %s", tc.code, r.raw)
				}
			}
		})
	}
}

func TestSlowAndDownControlPlane(t *testing.T) {
	t.Parallel()
	for _, fw := range webhook.Frameworks {
		t.Run(fw, func(t *testing.T) {
			t.Parallel()
			slow := &fakeFlyte{release: make(chan struct{})}
			t.Cleanup(func() { close(slow.release) })
			base := startWebhook(t, webhook.Options{Framework: fw, Endpoint: startFake(t, slow), Timeout: 100 * time.Millisecond})
			expect(t, "slow control plane", do(t, "GET", base+"/me", "", bearer(aliceKey)...), 504, "detail", "Control plane timed out")

			// A socket path nobody listens on: unlike a closed TCP port, no
			// parallel test can start listening there.
			down := "unix://" + filepath.Join(t.TempDir(), "controlplane.sock")
			base = startWebhook(t, webhook.Options{Framework: fw, Endpoint: down, Insecure: true, Timeout: 5 * time.Second})
			expect(t, "control plane down", do(t, "GET", base+"/me", "", bearer(aliceKey)...), 503, "detail", "Control plane unavailable")
		})
	}
}

// On shutdown, a request in flight finishes before Run returns.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	for _, fw := range webhook.Frameworks {
		t.Run(fw, func(t *testing.T) {
			t.Parallel()
			fake := &fakeFlyte{entered: make(chan struct{}, 1), release: make(chan struct{})}
			endpoint := startFake(t, fake)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() {
				done <- webhook.Run(ctx, webhook.Options{Framework: fw, Listener: ln, Endpoint: endpoint, Insecure: true, Project: "demo", Domain: "development", Org: "acme"})
			}()
			resc := make(chan result, 1)
			go func() { resc <- do(t, "GET", "http://"+ln.Addr().String()+"/me", "", bearer(aliceKey)...) }()
			<-fake.entered // the request is now in flight
			cancel()       // SIGINT/SIGTERM in the binary
			select {
			case err := <-done:
				t.Fatalf("Run returned (%v) while a request was in flight", err)
			case <-time.After(100 * time.Millisecond):
			}
			close(fake.release)
			r := <-resc
			expect(t, "in-flight request", r, 200, "subject", "fake")
			if err := <-done; err != nil {
				t.Fatalf("Run after shutdown: %v", err)
			}
			if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
				t.Fatal("still accepting connections after shutdown")
			}
		})
	}
}

func TestUnknownFramework(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = webhook.Run(t.Context(), webhook.Options{Framework: "martini", Listener: ln})
	if err == nil || !strings.Contains(err.Error(), `unknown framework "martini"`) {
		t.Fatalf("got %v, want an unknown framework error", err)
	}
}

// Plaintext to the control plane is declared (FLYTE_INSECURE), never
// inferred from an http:// endpoint.
func TestPlaintextEndpointNeedsInsecure(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = webhook.Run(t.Context(), webhook.Options{Framework: "gin", Listener: ln, Endpoint: "http://127.0.0.1:1", Project: "demo", Domain: "development"})
	if err == nil || !strings.Contains(err.Error(), "FLYTE_INSECURE=true") {
		t.Fatalf("got %v, want an error that asks for FLYTE_INSECURE=true", err)
	}
}
