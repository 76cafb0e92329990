package adversarial_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
	"github.com/passthrough-go/passthrough/grpcpassthrough"
	"github.com/passthrough-go/passthrough/internal/testapp"
)

var frameworks = testapp.Frameworks

type syncBuffer = testapp.SyncBuffer

func debugLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// controlPlane is a loopback gRPC server accepting any method. Behaviour is
// chosen per test: block until the call is cancelled, or fail.
type controlPlane struct {
	addr      string
	calls     atomic.Int64
	block     bool
	failWith  error
	entered   chan struct{}
	cancelled chan struct{}
	release   chan struct{} // closed to end blocked calls however the test went
}

func startControlPlane(t *testing.T, cp *controlPlane) *controlPlane {
	t.Helper()
	if cp.entered == nil {
		cp.entered = make(chan struct{}, 64)
	}
	if cp.cancelled == nil {
		cp.cancelled = make(chan struct{}, 64)
	}
	cp.release = make(chan struct{})
	srv := grpc.NewServer(grpc.UnknownServiceHandler(func(_ any, ss grpc.ServerStream) error {
		cp.calls.Add(1)
		if err := ss.RecvMsg(&emptypb.Empty{}); err != nil {
			return err
		}
		if cp.block {
			cp.entered <- struct{}{}
			select {
			case <-ss.Context().Done():
				cp.cancelled <- struct{}{}
				return ss.Context().Err()
			case <-cp.release:
				return status.Error(codes.Aborted, "released by the test")
			}
		}
		if cp.failWith != nil {
			return cp.failWith
		}
		return ss.SendMsg(&emptypb.Empty{})
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cp.addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(srv.Stop)
	return cp
}

// handler is what every framework's route does: one call to the control
// plane with the request's context; it answers 200, or 502 with the gRPC
// code (never the message).
func handler(conn *grpc.ClientConn) func(ctx context.Context) (int, string) {
	return func(ctx context.Context) (int, string) {
		err := conn.Invoke(ctx, "/cp.v1.ControlPlane/Call", &emptypb.Empty{}, &emptypb.Empty{})
		if err != nil {
			return http.StatusBadGateway, status.Code(err).String()
		}
		return http.StatusOK, "ok"
	}
}

// startApp runs one framework with the passthrough middleware in front of
// h on loopback and returns its address.
func startApp(t *testing.T, fw string, opts []core.Option, h func(context.Context) (int, string)) string {
	t.Helper()
	return testapp.Start(t, fw, opts, func(ctx context.Context, _ func(string) string) (int, string) { return h(ctx) })
}

func dialControlPlane(t *testing.T, cp *controlPlane) *grpc.ClientConn {
	t.Helper()
	conn, err := grpcpassthrough.NewClient(cp.addr, forward.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}
