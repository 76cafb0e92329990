package conformance_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
	"github.com/passthrough-go/passthrough/httppassthrough"
)

// myFrameworkMiddleware stands for the adapter of a framework outside this
// module; here it is the net/http one.
func myFrameworkMiddleware(opts ...core.Option) func(http.Handler) http.Handler {
	return httppassthrough.Middleware(opts...)
}

// A harness for an adapter of another framework: Serve builds the
// middleware from the suite's options (in the calling goroutine, so that a
// construction panic reaches the suite), routes every path and method to a
// handler that hands the request's context to the suite, and returns a
// client for the loopback address. In a _test.go file of the adapter's
// module, call conformance.Run from a test function.
func Example_harness() {
	serve := func(t *testing.T, opts []core.Option, h conformance.Handler) conformance.Client {
		mw := myFrameworkMiddleware(opts...)
		srv := httptest.NewServer(mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h(r.Context())
		})))
		t.Cleanup(srv.Close)
		return conformance.HTTPClient(srv.Listener.Addr().String())
	}
	testAdapter := func(t *testing.T) {
		conformance.Run(t, conformance.Harness{Serve: serve})
	}
	_ = testAdapter // func TestMyFramework(t *testing.T) { testAdapter(t) }
}

// A forwarding http.RoundTripper is held to the client-side promises with
// RunClient and TransportHarness.
func Example_clientHarness() {
	testTransport := func(t *testing.T) {
		conformance.RunClient(t, conformance.TransportHarness(
			func(base http.RoundTripper, origin string, opts []forward.Option) (http.RoundTripper, error) {
				return httppassthrough.NewTransport(base, []string{origin}, opts...)
			}))
	}
	_ = testTransport // func TestMyTransport(t *testing.T) { testTransport(t) }
}
