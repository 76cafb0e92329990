package connectpassthrough_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"connectrpc.com/connect"

	"github.com/passthrough-go/passthrough/httppassthrough"
	"github.com/passthrough-go/passthrough/internal/testapp"
)

// downstreams are what every handler calls with the request's context: a
// Connect service and a plain HTTP API, each recording what it received.
type downstreams struct {
	connect *recorder
	rest    *httptest.Server
	restMu  sync.Mutex
	restGot []http.Header

	unary *connect.Client[empty, empty]
	http  *http.Client
}

func startDownstreams(t *testing.T) *downstreams {
	t.Helper()
	d := &downstreams{connect: startRecorder(t)}
	d.rest = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.restMu.Lock()
		d.restGot = append(d.restGot, r.Header.Clone())
		d.restMu.Unlock()
	}))
	t.Cleanup(d.rest.Close)
	d.unary = connect.NewClient[empty, empty](forwarding(t, d.connect.srv.URL, d.connect.srv.Client()), d.connect.srv.URL+"/test.v1.Echo/Unary")
	tr, err := httppassthrough.NewTransport(d.rest.Client().Transport, []string{d.rest.URL})
	if err != nil {
		t.Fatal(err)
	}
	d.http = &http.Client{Transport: tr}
	return d
}

// work calls both downstreams, tagging each call with the caller id the
// handler read.
func (d *downstreams) work(ctx context.Context, caller string) error {
	req := connect.NewRequest(&empty{})
	req.Header().Set("X-Caller", caller)
	if _, err := d.unary.CallUnary(ctx, req); err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	hr, _ := http.NewRequestWithContext(ctx, http.MethodGet, d.rest.URL+"/api", nil)
	hr.Header.Set("X-Caller", caller)
	resp, err := d.http.Do(hr)
	if err != nil {
		return fmt.Errorf("http: %w", err)
	}
	resp.Body.Close()
	return nil
}

func startFramework(t *testing.T, fw string, d *downstreams) string {
	t.Helper()
	return "http://" + testapp.Start(t, fw, nil, func(ctx context.Context, header func(string) string) (int, string) {
		if err := d.work(ctx, header("X-Caller")); err != nil {
			return http.StatusBadGateway, err.Error()
		}
		return http.StatusOK, "ok"
	})
}

// Each HTTP adapter's request reaches a Connect and a plain-HTTP downstream
// with exactly its caller's credentials, under concurrency.
func TestHTTPAdaptersToConnectAndHTTP(t *testing.T) {
	t.Parallel()
	for _, fw := range testapp.Frameworks {
		t.Run(fw, func(t *testing.T) {
			t.Parallel()
			d := startDownstreams(t)
			base := startFramework(t, fw, d)
			const callers, perCaller = 6, 10
			testapp.Callers(t, base+"/run", callers, perCaller)
			d.restMu.Lock()
			rest := d.restGot
			d.restMu.Unlock()
			all := append(d.connect.take(), rest...)
			if len(all) != 2*callers*perCaller {
				t.Fatalf("downstreams saw %d calls, want %d", len(all), 2*callers*perCaller)
			}
			for _, h := range all {
				if v := h.Values("Authorization"); len(v) != 1 || v[0] != "Bearer token-of-caller-"+h.Get("X-Caller") {
					t.Fatalf("caller %q arrived with authorization %q", h.Get("X-Caller"), v)
				}
			}
		})
	}
}
