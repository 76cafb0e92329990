package connectpassthrough_test

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"

	"connectrpc.com/connect"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/connectpassthrough"
)

const conformanceProcedure = "/conformance.v1.Client/Call"

// connectCaller calls the conformance procedure through a Connect client
// built on the forwarding HTTP client.
type connectCaller struct {
	client *connect.Client[empty, empty]
}

func (c connectCaller) Call(ctx context.Context, header http.Header) error {
	req := connect.NewRequest(&empty{})
	for k, v := range header {
		req.Header()[k] = append(req.Header()[k], v...)
	}
	_, err := c.client.CallUnary(ctx, req)
	return err
}

func (c connectCaller) Reusable(header http.Header) func(ctx context.Context) error {
	req := connect.NewRequest(&empty{})
	for k, v := range header {
		req.Header()[k] = append(req.Header()[k], v...)
	}
	return func(ctx context.Context) error {
		_, err := c.client.CallUnary(ctx, req)
		return err
	}
}

// The Connect client passes the client conformance suite, over HTTP/2
// where the server offers it.
func TestClientConformance(t *testing.T) {
	conformance.RunClient(t, conformance.ClientHarness{
		Serve: func(t *testing.T, tlsConfig *tls.Config, h func(http.Header) bool) string {
			handler := connect.NewUnaryHandler(conformanceProcedure, func(_ context.Context, req *connect.Request[empty]) (*connect.Response[empty], error) {
				if !h(req.Header()) {
					return nil, connect.NewError(connect.CodeUnauthenticated, nil)
				}
				return connect.NewResponse(&empty{}), nil
			})
			srv := httptest.NewUnstartedServer(handler)
			if tlsConfig != nil {
				srv.EnableHTTP2 = true
				srv.TLS = tlsConfig
				srv.StartTLS()
			} else {
				srv.Start()
			}
			t.Cleanup(srv.Close)
			return srv.URL
		},
		Client: func(t *testing.T, c conformance.ClientConfig) (conformance.Caller, error) {
			base := conformance.BaseTransport(t, c, func(tr *http.Transport) { tr.ForceAttemptHTTP2 = true })
			hc, err := connectpassthrough.NewClient(c.Origin, &http.Client{Transport: base}, c.Options...)
			if err != nil {
				return nil, err
			}
			return connectCaller{client: connect.NewClient[empty, empty](hc, c.Target+conformanceProcedure)}, nil
		},
		Redirects: true,
		// A Connect client writes its own headers into the request it is
		// given, so one request cannot be sent from two goroutines at once.
		ConcurrentReuse: false,
		Proxies:         true,
	})
}
