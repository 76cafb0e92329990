package httppassthrough_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/httppassthrough"
)

// Issue 11, failure 4: a header the caller set under a non-canonical name
// went out next to the forwarded one, and the server read the caller's
// value first.
func TestTransportOneValuePerKeyWhateverTheCallersCase(t *testing.T) {
	t.Parallel()
	var down seenHeaders
	srv := httptest.NewTLSServer(down.handler(nil))
	defer srv.Close()
	tr, err := httppassthrough.NewTransport(srv.Client().Transport, []string{srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	ctx := core.WithMetadata(t.Context(), core.Pair{Key: "x-api-key", Value: "k1"})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/x", nil)
	req.Header["X-API-Key"] = []string{"stale"}
	req.Header.Set("X-Trace", "t1")
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	h := down.take()[0]
	if v := h.Values("X-Api-Key"); len(v) != 1 || v[0] != "k1" {
		t.Errorf("x-api-key arrived as %q, want exactly [k1]", v)
	}
	if v := h.Values("X-Trace"); len(v) != 1 {
		t.Errorf("the caller's other header was lost: %q", v)
	}
}
