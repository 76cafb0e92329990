package grpcpassthrough_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"testing"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
)

// connectProxy is a loopback HTTP CONNECT proxy that records the hosts it
// is asked for and tunnels every connection to to.
func connectProxy(t *testing.T, to string) (addr string, asked func() []string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var mu sync.Mutex
	var hosts []string
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				req, err := http.ReadRequest(br)
				if err != nil {
					return
				}
				mu.Lock()
				hosts = append(hosts, req.Host)
				mu.Unlock()
				up, err := net.Dial("tcp", to)
				if err != nil {
					return
				}
				defer up.Close()
				_, _ = io.WriteString(c, "HTTP/1.1 200 OK\r\n\r\n")
				go func() { _, _ = io.Copy(up, br) }()
				_, _ = io.Copy(c, up)
			}()
		}
	}()
	return ln.Addr().String(), func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), hosts...)
	}
}

// A plaintext gRPC connection never goes through the proxy of the
// environment (HTTPS_PROXY, which gRPC reads once per process, hence the
// child process) unless forward.WithPlaintextProxy: the proxy would read
// the credentials. The target is not a loopback address, which the
// environment never proxies; the proxy tunnels it to a loopback server.
func TestPlaintextConnectionNotThroughProxy(t *testing.T) {
	const target = "http://cp.example.test:80"
	if os.Getenv("PASSTHROUGH_GRPC_PROXY_CHILD") != "" {
		opts := []forward.Option{forward.WithInsecure()}
		if os.Getenv("PASSTHROUGH_GRPC_PROXY_CHILD") == "allow" {
			opts = append(opts, forward.WithPlaintextProxy())
		}
		conn := dial(t, target, opts...)
		err := callKinds["unary"](core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: token}), conn)
		if os.Getenv("PASSTHROUGH_GRPC_PROXY_CHILD") == "allow" && err != nil {
			t.Fatalf("call through the proxy with WithPlaintextProxy: %v", err)
		}
		return
	}
	t.Parallel()
	rec := startRecorder(t, nil, nil)
	proxy, asked := connectProxy(t, rec.addr)
	for _, mode := range []string{"refuse", "allow"} {
		cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestPlaintextConnectionNotThroughProxy$")
		cmd.Env = append(os.Environ(), "PASSTHROUGH_GRPC_PROXY_CHILD="+mode, "HTTPS_PROXY=http://"+proxy, "https_proxy=", "NO_PROXY=", "no_proxy=")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("child (%s): %v\n%s", mode, err, out)
		}
		calls := rec.take()
		switch {
		case mode == "refuse" && (len(asked()) != 0 || len(calls) != 0):
			t.Fatalf("without WithPlaintextProxy the proxy was asked for %q and %d calls went through it: credentials in plaintext through a proxy", asked(), len(calls))
		case mode == "allow" && (len(asked()) == 0 || len(calls) != 1 || calls[0].md.Get("authorization")[0] != token):
			t.Fatalf("with WithPlaintextProxy: proxy asked for %q, %d calls, want the call through the proxy", asked(), len(calls))
		}
	}
}
