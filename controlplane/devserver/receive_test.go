package devserver_test

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
)

// dialGRPC returns a plaintext gRPC connection to addr, closed when the
// test ends.
func dialGRPC(t *testing.T, addr string) *grpc.ClientConn {
	t.Helper()
	cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	return cc
}

// stall opens a call of procedure on cc and sends nothing: only headers.
func stall(t *testing.T, ctx context.Context, cc *grpc.ClientConn, procedure string) grpc.ClientStream {
	t.Helper()
	s, err := cc.NewStream(ctx, &grpc.StreamDesc{ClientStreams: true, ServerStreams: true}, procedure)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A request that never finishes arriving is dropped after read_timeout on
// both endpoints, for unary and streaming procedures, with credentials or
// without: on the gRPC endpoint a client that opens a stream and never
// sends its message (where MaxConnectionIdle never fires, the stream being
// open) is refused DeadlineExceeded, so that it holds none of the 100
// streams a connection allows for longer than read_timeout.
func TestStalledRequestIsDroppedOnEveryEndpoint(t *testing.T) {
	t.Parallel()
	const short = 300 * time.Millisecond
	e := serve(t, devserver.Config{ReadTimeout: devserver.Duration(short), IdleTimeout: devserver.Duration(short)})
	for name, addr := range map[string]string{"gRPC endpoint": e.grpcAddr, "Connect endpoint (gRPC over h2c)": e.connectAddr} {
		for _, procedure := range []string{controlplane.UserInfoProcedure, controlplane.WatchRunDetailsProcedure} {
			for _, key := range []string{"", viewKey} {
				t.Run(name+procedure+map[string]string{"": " without credentials", viewKey: " with credentials"}[key], func(t *testing.T) {
					t.Parallel()
					ctx, cancel := context.WithCancel(t.Context())
					defer cancel()
					if key != "" {
						ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+key)
					}
					s := stall(t, ctx, dialGRPC(t, addr), procedure)
					// The safety net only: the test goes on as soon as the
					// server ends the stream.
					safety := time.AfterFunc(20*time.Second, cancel)
					defer safety.Stop()
					err := s.RecvMsg(new(flyte2v1.UserInfoResponse))
					if status.Code(err) == codes.Canceled && ctx.Err() != nil {
						t.Fatalf("the server kept a stalled request open (read_timeout %v)", short)
					}
					// gRPC refuses a stream without credentials at once,
					// and times the message of every other call.
					c := status.Code(err)
					if c == codes.OK || addr == e.grpcAddr && c != codes.DeadlineExceeded && c != codes.Unauthenticated {
						t.Fatalf("a stalled request: %v, want DeadlineExceeded (or Unauthenticated) on the gRPC endpoint, an error on the other", err)
					}
				})
			}
		}
	}
}

// A unary request whose message arrives but whose stream is never ended
// is dropped too: the call is not answered until its stream ends.
func TestUnaryRequestWithoutEndOfStreamIsDropped(t *testing.T) {
	t.Parallel()
	e := serve(t, devserver.Config{ReadTimeout: devserver.Duration(300 * time.Millisecond)})
	ctx, cancel := context.WithCancel(metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+viewKey))
	defer cancel()
	s := stall(t, ctx, dialGRPC(t, e.grpcAddr), controlplane.UserInfoProcedure)
	if err := s.SendMsg(&flyte2v1.UserInfoRequest{}); err != nil {
		t.Fatal(err)
	}
	safety := time.AfterFunc(20*time.Second, cancel)
	defer safety.Stop()
	err := s.RecvMsg(new(flyte2v1.UserInfoResponse))
	if got := status.Code(err); got != codes.DeadlineExceeded {
		t.Fatalf("a unary call whose stream never ended: %v, want DeadlineExceeded", err)
	}
}

// However many connections a client opens, at most so many calls wait for
// their request message at once on the gRPC endpoint; more are refused
// with ResourceExhausted at once, and a call is counted out as soon as its
// message is in.
func TestCallsWaitingForTheirRequestAreBounded(t *testing.T) {
	t.Parallel()
	srv, err := devserver.New(devserver.Config{Users: users(), ReadTimeout: devserver.Duration(time.Hour)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	devserver.SetMaxReceiving(srv, 2)
	addr := serveWith(t, srv).grpcAddr
	ctx := metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+viewKey)

	// One connection: the server reads the streams' headers in order.
	cc := dialGRPC(t, addr)
	first := stall(t, ctx, cc, controlplane.UserInfoProcedure)
	stall(t, ctx, cc, controlplane.UserInfoProcedure)
	err = cc.Invoke(ctx, controlplane.UserInfoProcedure, &flyte2v1.UserInfoRequest{}, new(flyte2v1.UserInfoResponse))
	code(t, "a third call while two wait for their request", err, codes.ResourceExhausted)

	if err := first.SendMsg(&flyte2v1.UserInfoRequest{}); err != nil {
		t.Fatal(err)
	}
	if err := first.CloseSend(); err != nil {
		t.Fatal(err)
	}
	if err := first.RecvMsg(new(flyte2v1.UserInfoResponse)); err != nil {
		t.Fatalf("the first call, once its request is in: %v", err)
	}
	err = dialGRPC(t, addr).Invoke(ctx, controlplane.UserInfoProcedure, &flyte2v1.UserInfoRequest{}, new(flyte2v1.UserInfoResponse))
	if err != nil {
		t.Fatalf("a call once the first one's request arrived: %v", err)
	}
}
