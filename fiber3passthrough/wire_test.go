package fiber3passthrough_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/httppassthrough"
)

// Fiber v3, set up as documented, answers the cross-adapter corpus of raw
// requests as net/http does. (The root module compares its own adapters in
// internal/adversarial; this module cannot be imported there, see
// docs/modules.md, so it compares itself against net/http here.)
func TestAgreesWithNetHTTPOnTheWire(t *testing.T) {
	t.Parallel()
	nethttp := func(t *testing.T, opts []core.Option, h conformance.Handler) conformance.Client {
		srv := httptest.NewServer(httppassthrough.Middleware(opts...)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h(r.Context())
			_, _ = w.Write([]byte("ok"))
		})))
		t.Cleanup(srv.Close)
		return conformance.HTTPClient(srv.Listener.Addr().String())
	}
	conformance.Compare(t,
		conformance.Adapter{Name: "fiber3", Harness: conformance.Harness{Serve: serve}},
		conformance.Adapter{Name: "net/http", Harness: conformance.Harness{Serve: nethttp}},
	)
}
