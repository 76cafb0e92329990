package connectpassthrough_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"connectrpc.com/connect"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/connectpassthrough"
	"github.com/passthrough-go/passthrough/core"
)

// connectClient is the conformance client for Connect: paths are
// procedures, header lines are request headers.
type connectClient struct {
	base string
	hc   *http.Client
}

func (c connectClient) Exchange(ctx context.Context, reqs ...conformance.Request) ([]conformance.Response, error) {
	out := make([]conformance.Response, 0, len(reqs))
	for _, r := range reqs {
		req := connect.NewRequest(&empty{})
		for _, f := range r.Header {
			req.Header().Add(f.Name, f.Value)
		}
		_, err := connect.NewClient[empty, empty](c.hc, c.base+r.Path).CallUnary(ctx, req)
		out = append(out, conformance.Response{Status: statusOf(err)})
	}
	return out, nil
}

func statusOf(err error) int {
	if err == nil {
		return http.StatusOK
	}
	switch connect.CodeOf(err) {
	case connect.CodeInvalidArgument:
		return http.StatusBadRequest
	case connect.CodeUnauthenticated:
		return http.StatusUnauthorized
	case connect.CodeResourceExhausted:
		return http.StatusRequestHeaderFieldsTooLarge
	}
	return http.StatusInternalServerError
}

// The handler interceptor passes the conformance suite. Every path is
// served by a unary handler registered for it (Connect names the procedure
// by the path's last two segments, as a routed handler would be named).
// The server speaks HTTP/1.1, where two Cookie lines stay two lines; over
// HTTP/2, Go joins cookie fields into one, as the protocol allows.
func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Harness{Procedures: true, Serve: func(t *testing.T, opts []core.Option, h conformance.Handler) conformance.Client {
		ic := connectpassthrough.ServerInterceptor(opts...)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			connect.NewUnaryHandler(r.URL.EscapedPath(), func(ctx context.Context, _ *connect.Request[empty]) (*connect.Response[empty], error) {
				h(ctx)
				return connect.NewResponse(&empty{}), nil
			}, connect.WithInterceptors(ic)).ServeHTTP(w, r)
		}))
		t.Cleanup(srv.Close)
		return connectClient{base: srv.URL, hc: srv.Client()}
	}})
}
