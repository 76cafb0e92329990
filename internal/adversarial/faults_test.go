package adversarial_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
)

// Every test here stops what it started; goleak then proves that no
// goroutine outlived the tests. Two fasthttp goroutines are not ours: the
// process-wide one that refreshes its Date header, and its worker pool's
// cleaner, which sleeps out its interval before it sees the pool stopped.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreAnyFunction("github.com/valyala/fasthttp.updateServerDate.func1"),
		goleak.IgnoreAnyFunction("github.com/valyala/fasthttp.(*workerPool).Start.func2"))
}

// A client that disconnects mid-call cancels the downstream call: the
// request context the adapter hands on is the server's own, which net/http
// cancels when the connection goes away.
//
// Fiber is not in this list: fasthttp does not notice a client going away
// while a handler runs, and c.UserContext() is not tied to the connection,
// so a downstream call there ends only by its own deadline (SECURITY.md).
func TestClientDisconnectCancelsDownstream(t *testing.T) {
	for _, fw := range []string{"net/http", "gin", "echo"} {
		t.Run(fw, func(t *testing.T) {
			cp := startControlPlane(t, &controlPlane{block: true})
			addr := startApp(t, fw, nil, handler(dialControlPlane(t, cp)))
			t.Cleanup(func() { close(cp.release) }) // runs before the servers stop
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(conn, "GET /work HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n\r\n")
			select {
			case <-cp.entered:
			case <-time.After(10 * time.Second):
				t.Fatal("the downstream call never started")
			}
			conn.Close()
			select {
			case <-cp.cancelled:
			case <-time.After(10 * time.Second):
				t.Fatal("the downstream call was not cancelled after the client disconnected")
			}
		})
	}
}

// A flood of requests without credentials is answered by the middleware
// alone: the control plane hears nothing, and nothing leaks (TestMain).
func TestFloodWithoutCredentials(t *testing.T) {
	for _, fw := range frameworks {
		t.Run(fw, func(t *testing.T) {
			cp := startControlPlane(t, &controlPlane{})
			addr := startApp(t, fw, []core.Option{core.WithLogger(debugLogger(&syncBuffer{}))}, handler(dialControlPlane(t, cp)))
			client := conformance.HTTPClient(addr)
			const conns, perConn = 8, 100
			var wg sync.WaitGroup
			for c := range conns {
				wg.Add(1)
				go func() {
					defer wg.Done()
					reqs := make([]conformance.Request, perConn)
					for i := range reqs {
						reqs[i] = conformance.Request{Path: fmt.Sprintf("/flood/%d/%d", c, i)}
						if i%3 == 0 { // some with hostile but credential-free headers
							reqs[i].Header = []conformance.Field{{Name: "X-Junk", Value: "x"}, {Name: "Cookie", Value: ""}}
						}
					}
					resps, err := client.Exchange(t.Context(), reqs...)
					if err != nil {
						t.Error(err)
						return
					}
					for _, r := range resps {
						if r.Status != http.StatusUnauthorized && r.Status != http.StatusBadRequest {
							t.Errorf("status %d, want 401 or 400", r.Status)
							return
						}
					}
				}()
			}
			wg.Wait()
			if n := cp.calls.Load(); n != 0 {
				t.Fatalf("the control plane received %d calls during a flood without credentials", n)
			}
		})
	}
}

// A control plane that is down reaches the caller as a plain status.
func TestControlPlaneFaults(t *testing.T) {
	for _, fw := range frameworks {
		t.Run(fw, func(t *testing.T) {
			// A socket path nobody listens on: unlike a closed TCP port, no
			// parallel test can start listening there.
			gone := &controlPlane{addr: "unix://" + filepath.Join(t.TempDir(), "controlplane.sock")}
			addr := startApp(t, fw, nil, handler(dialControlPlane(t, gone)))
			if got := getStatus(t, addr, "Bearer t"); got != "502 Unavailable" {
				t.Fatalf("control plane down: %s, want 502 Unavailable", got)
			}
		})
	}
}

func getStatus(t *testing.T, addr, auth string) string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(20 * time.Second))
	fmt.Fprintf(c, "GET /x HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\nConnection: close\r\n\r\n", auth)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b [64]byte
	n, _ := resp.Body.Read(b[:])
	return fmt.Sprintf("%d %s", resp.StatusCode, b[:n])
}
