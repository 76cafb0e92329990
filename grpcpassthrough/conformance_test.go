package grpcpassthrough_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/grpcpassthrough"
)

// grpcClient is the conformance client for gRPC: paths are full method
// names, header lines become metadata entries.
type grpcClient struct{ addr string }

func (c grpcClient) Exchange(ctx context.Context, reqs ...conformance.Request) ([]conformance.Response, error) {
	conn, err := grpc.NewClient("passthrough:///"+c.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	out := make([]conformance.Response, 0, len(reqs))
	for _, r := range reqs {
		md := metadata.MD{}
		for _, f := range r.Header {
			md.Append(f.Name, f.Value)
		}
		cs, err := conn.NewStream(metadata.NewOutgoingContext(ctx, md),
			&grpc.StreamDesc{ClientStreams: true, ServerStreams: true}, r.Path)
		if err == nil {
			if err = cs.CloseSend(); err == nil {
				err = cs.RecvMsg(&emptypb.Empty{})
			}
		}
		if errors.Is(err, io.EOF) {
			err = nil
		}
		out = append(out, conformance.Response{Status: httpStatus(status.Code(err))})
	}
	return out, nil
}

func httpStatus(c codes.Code) int {
	switch c {
	case codes.OK:
		return http.StatusOK
	case codes.InvalidArgument:
		return http.StatusBadRequest
	case codes.Unauthenticated:
		return http.StatusUnauthorized
	case codes.ResourceExhausted:
		return http.StatusRequestHeaderFieldsTooLarge
	default:
		return http.StatusInternalServerError
	}
}

// serveGRPC starts a gRPC server whose every method runs the interceptor
// built by wrap.
func serveGRPC(t *testing.T, opt grpc.ServerOption, handler grpc.StreamHandler) conformance.Client {
	srv := grpc.NewServer(opt, grpc.UnknownServiceHandler(handler))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(srv.Stop)
	return grpcClient{addr: ln.Addr().String()}
}

func TestConformanceStream(t *testing.T) {
	conformance.Run(t, conformance.Harness{GRPC: true, Serve: func(t *testing.T, opts []core.Option, h conformance.Handler) conformance.Client {
		return serveGRPC(t, grpc.StreamInterceptor(grpcpassthrough.StreamServerInterceptor(opts...)), func(_ any, ss grpc.ServerStream) error {
			h(ss.Context())
			return nil
		})
	}})
}

// The unary interceptor runs inside an unknown-service handler, so that it
// sees real incoming metadata for arbitrary method names.
func TestConformanceUnary(t *testing.T) {
	conformance.Run(t, conformance.Harness{GRPC: true, Serve: func(t *testing.T, opts []core.Option, h conformance.Handler) conformance.Client {
		unary := grpcpassthrough.UnaryServerInterceptor(opts...)
		return serveGRPC(t, grpc.EmptyServerOption{}, func(_ any, ss grpc.ServerStream) error {
			method, _ := grpc.MethodFromServerStream(ss)
			_, err := unary(ss.Context(), nil, &grpc.UnaryServerInfo{FullMethod: method}, func(ctx context.Context, _ any) (any, error) {
				h(ctx)
				return nil, nil
			})
			return err
		})
	}})
}
