package grpcpassthrough_test

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// received is what the recording server saw for one call.
type received struct {
	method string
	md     metadata.MD
}

// recorder is a real gRPC server on loopback that accepts every method,
// records its incoming metadata, reads every request message and answers
// with empty messages as the call kind expects (or fails with failWith).
type recorder struct {
	addr     string
	mu       sync.Mutex
	calls    []received
	failWith error
}

func startRecorder(t *testing.T, creds credentials.TransportCredentials, failWith error) *recorder {
	t.Helper()
	rec := &recorder{failWith: failWith}
	opts := []grpc.ServerOption{grpc.UnknownServiceHandler(rec.handle)}
	if creds != nil {
		opts = append(opts, grpc.Creds(creds))
	}
	srv := grpc.NewServer(opts...)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rec.addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(srv.Stop)
	return rec
}

func (r *recorder) handle(_ any, ss grpc.ServerStream) error {
	method, _ := grpc.MethodFromServerStream(ss)
	md, _ := metadata.FromIncomingContext(ss.Context())
	r.mu.Lock()
	r.calls = append(r.calls, received{method: method, md: md.Copy()})
	r.mu.Unlock()
	if r.failWith != nil {
		return r.failWith
	}
	n := 0
	for {
		if err := ss.RecvMsg(&emptypb.Empty{}); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return err
		}
		n++
	}
	replies := 1 // unary and client-streaming
	switch {
	case strings.HasSuffix(method, "/Bidi"):
		replies = n
	case strings.HasSuffix(method, "/ServerStream"):
		replies = 3
	}
	for range replies {
		if err := ss.SendMsg(&emptypb.Empty{}); err != nil {
			return err
		}
	}
	return nil
}

func (r *recorder) take() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.calls
	r.calls = nil
	return c
}

// callKinds makes one call of each kind on conn with ctx.
var callKinds = map[string]func(ctx context.Context, conn *grpc.ClientConn) error{
	"unary": func(ctx context.Context, conn *grpc.ClientConn) error {
		return conn.Invoke(ctx, "/test.v1.Echo/Unary", &emptypb.Empty{}, &emptypb.Empty{})
	},
	"client-stream": func(ctx context.Context, conn *grpc.ClientConn) error {
		return stream(ctx, conn, "/test.v1.Echo/ClientStream", &grpc.StreamDesc{ClientStreams: true}, 3)
	},
	"server-stream": func(ctx context.Context, conn *grpc.ClientConn) error {
		return stream(ctx, conn, "/test.v1.Echo/ServerStream", &grpc.StreamDesc{ServerStreams: true}, 1)
	},
	"bidi": func(ctx context.Context, conn *grpc.ClientConn) error {
		return stream(ctx, conn, "/test.v1.Echo/Bidi", &grpc.StreamDesc{ClientStreams: true, ServerStreams: true}, 3)
	},
}

func stream(ctx context.Context, conn *grpc.ClientConn, method string, desc *grpc.StreamDesc, sends int) error {
	cs, err := conn.NewStream(ctx, desc, method)
	if err != nil {
		return err
	}
	for range sends {
		if err := cs.SendMsg(&emptypb.Empty{}); err != nil {
			break // the real error comes from RecvMsg
		}
	}
	if err := cs.CloseSend(); err != nil {
		return err
	}
	for {
		if err := cs.RecvMsg(&emptypb.Empty{}); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

func wantCode(t *testing.T, what string, err error, code codes.Code) {
	t.Helper()
	if got := status.Code(err); got != code {
		t.Fatalf("%s: got %v (%v), want %v", what, got, err, code)
	}
}
