package conformance_test

import (
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
	"github.com/passthrough-go/passthrough/httppassthrough"
)

// The client suite passes against the reference forwarder.
func TestClientReference(t *testing.T) {
	conformance.RunClient(t, conformance.TransportHarness(func(base http.RoundTripper, origin string, opts []forward.Option) (http.RoundTripper, error) {
		return httppassthrough.NewTransport(base, []string{origin}, opts...)
	}))
}

// brokenTransport is the classic forwarder: it writes the context's
// credentials into the caller's request and sends it wherever it goes.
type brokenTransport struct{ base http.RoundTripper }

func (b brokenTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if md, ok := core.FromContext(r.Context()); ok {
		for k, v := range md.All {
			r.Header.Set(k, v)
		}
	}
	return b.base.RoundTrip(r)
}

// The client suite fails a deliberately broken forwarder, and says why.
// The broken run happens in a child process, since a failing subtest would
// fail this test too.
func TestClientSuiteCatchesBrokenClient(t *testing.T) {
	if os.Getenv("PASSTHROUGH_CONFORMANCE_BROKEN_CLIENT") == "1" {
		h := conformance.TransportHarness(func(base http.RoundTripper, _ string, opts []forward.Option) (http.RoundTripper, error) {
			return brokenTransport{base: base}, nil
		})
		// Sharing one request between goroutines, the broken transport's
		// writes into it crash the process before the later checks run;
		// reusing it in turn shows the same defect.
		h.ConcurrentReuse = false
		conformance.RunClient(t, h)
		return
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestClientSuiteCatchesBrokenClient$", "-test.v")
	cmd.Env = append(os.Environ(), "PASSTHROUGH_CONFORMANCE_BROKEN_CLIENT=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the client suite passed a broken client; output:\n%s", out)
	}
	for _, want := range []string{
		"--- FAIL: TestClientSuiteCatchesBrokenClient/ExactCredentials",
		"X-Api-Key arrived as",
		"--- FAIL: TestClientSuiteCatchesBrokenClient/NothingWithoutCredentials",
		"--- FAIL: TestClientSuiteCatchesBrokenClient/NeverInPlaintext",
		"call to plaintext from a client configured for https: Authorization arrived as",
		"--- FAIL: TestClientSuiteCatchesBrokenClient/NotAfterRedirect",
		"downgrade to http: redirect target: X-Api-Key arrived as",
		"--- FAIL: TestClientSuiteCatchesBrokenClient/ReusedRequest",
		"second caller's call carried Authorization",
		"--- PASS: TestClientSuiteCatchesBrokenClient/RejectedNotRetried",
		"--- FAIL: TestClientSuiteCatchesBrokenClient/OwnLayerAddingKeys",
		"call through a layer of the client's own that adds the forwarded keys: Authorization arrived as",
		"--- FAIL: TestClientSuiteCatchesBrokenClient/NotThroughPlaintextProxy",
		"plaintext call with a proxy configured: at the proxy: Authorization arrived as",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("broken client run lacks %q; output:\n%s", want, out)
		}
	}
}
