package grpcpassthrough_test

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/grpcpassthrough"
)

const conformanceMethod = "/conformance.v1.Client/Call"

// grpcCaller makes unary calls on a connection from NewClient; the header
// fields become outgoing metadata, as a caller appends them.
type grpcCaller struct{ conn *grpc.ClientConn }

func (c grpcCaller) Call(ctx context.Context, header http.Header) error {
	for k, vs := range header {
		for _, v := range vs {
			ctx = metadata.AppendToOutgoingContext(ctx, k, v)
		}
	}
	return c.conn.Invoke(ctx, conformanceMethod, &emptypb.Empty{}, &emptypb.Empty{})
}

// Reusable shares one metadata.MD between calls: gRPC's request object.
func (c grpcCaller) Reusable(header http.Header) func(ctx context.Context) error {
	md := metadata.MD{}
	for k, vs := range header {
		md.Append(k, vs...)
	}
	return func(ctx context.Context) error {
		return c.conn.Invoke(metadata.NewOutgoingContext(ctx, md), conformanceMethod, &emptypb.Empty{}, &emptypb.Empty{})
	}
}

// The gRPC client passes the client conformance suite. gRPC does not
// follow redirects, and a connection is configured by its target, so the
// client is built for the target it calls.
func TestClientConformance(t *testing.T) {
	conformance.RunClient(t, conformance.ClientHarness{
		Serve: func(t *testing.T, tlsConfig *tls.Config, h func(http.Header) bool) string {
			opts := []grpc.ServerOption{grpc.UnknownServiceHandler(func(_ any, ss grpc.ServerStream) error {
				md, _ := metadata.FromIncomingContext(ss.Context())
				header := http.Header{}
				for k, vs := range md {
					header[http.CanonicalHeaderKey(k)] = append(header[http.CanonicalHeaderKey(k)], vs...)
				}
				if !h(header) {
					return status.Error(codes.Unauthenticated, "rejected")
				}
				if err := ss.RecvMsg(&emptypb.Empty{}); err != nil && !errors.Is(err, io.EOF) {
					return err
				}
				return ss.SendMsg(&emptypb.Empty{})
			})}
			scheme := "http://"
			if tlsConfig != nil {
				opts = append(opts, grpc.Creds(credentials.NewTLS(tlsConfig)))
				scheme = "https://"
			}
			srv := grpc.NewServer(opts...)
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			go func() { _ = srv.Serve(ln) }()
			t.Cleanup(srv.Stop)
			return scheme + ln.Addr().String()
		},
		Client: func(t *testing.T, c conformance.ClientConfig) (conformance.Caller, error) {
			opts := append([]grpcpassthrough.ClientOption(nil), c.Options...)
			if c.Adds != nil {
				opts = append(opts, grpcpassthrough.WithDialOptions(grpc.WithPerRPCCredentials(addedCredentials(c.Adds))))
			}
			if strings.HasPrefix(c.Target, "https://") {
				opts = append(opts, grpcpassthrough.WithTLSConfig(&tls.Config{RootCAs: c.Roots}))
			}
			conn, err := grpcpassthrough.NewClient(c.Target, opts...)
			if err != nil {
				return nil, err
			}
			t.Cleanup(func() { _ = conn.Close() })
			return grpcCaller{conn: conn}, nil
		},
		ConcurrentReuse: true,
		// gRPC takes its proxy from the environment only:
		// TestPlaintextConnectionNotThroughProxy checks it.
		Proxies: false,
	})
}

// addedCredentials are per-RPC credentials of the connection, as a
// service account's would be.
type addedCredentials http.Header

func (a addedCredentials) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	out := map[string]string{}
	for k, vs := range a {
		out[k] = vs[0]
	}
	return out, nil
}

func (addedCredentials) RequireTransportSecurity() bool { return false }
