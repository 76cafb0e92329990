package grpcpassthrough_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
	"github.com/passthrough-go/passthrough/grpcpassthrough"
	"github.com/passthrough-go/passthrough/internal/testapp"
)

// work is what each HTTP handler does: one call of every kind to the
// control plane with the request's context, tagged with the caller id the
// handler read from the request (outgoing metadata the caller sets itself).
func work(ctx context.Context, conn *grpc.ClientConn, caller string) error {
	ctx = metadata.AppendToOutgoingContext(ctx, "x-caller", caller)
	for kind, call := range callKinds {
		if err := call(ctx, conn); err != nil {
			return fmt.Errorf("%s: %w", kind, err)
		}
	}
	return nil
}

// startHTTP starts one framework on loopback with the passthrough
// middleware and a handler that runs work; it returns the base URL.
func startHTTP(t *testing.T, framework string, conn *grpc.ClientConn) string {
	t.Helper()
	return "http://" + testapp.Start(t, framework, nil, func(ctx context.Context, header func(string) string) (int, string) {
		if err := work(ctx, conn, header("X-Caller")); err != nil {
			return http.StatusBadGateway, err.Error()
		}
		return http.StatusOK, "ok"
	})
}

func TestHTTPAdaptersToGRPC(t *testing.T) {
	t.Parallel()
	for _, fw := range testapp.Frameworks {
		t.Run(fw, func(t *testing.T) {
			t.Parallel()
			rec := startRecorder(t, nil, nil)
			conn := dial(t, rec.addr, forward.WithInsecure())
			base := startHTTP(t, fw, conn)

			const callers, perCaller = 6, 10
			testapp.Callers(t, base+"/run", callers, perCaller)

			calls := rec.take()
			if want := callers * perCaller * len(callKinds); len(calls) != want {
				t.Fatalf("control plane saw %d calls, want %d", len(calls), want)
			}
			for _, c := range calls {
				caller := c.md.Get("x-caller")
				auth := c.md.Get("authorization")
				if len(caller) != 1 || len(auth) != 1 || auth[0] != "Bearer token-of-caller-"+caller[0] {
					t.Fatalf("%s: caller %v arrived with authorization %v: credentials mixed up or duplicated", c.method, caller, auth)
				}
				if len(c.md.Get("cookie")) != 0 {
					t.Fatalf("%s: a cookie was forwarded that no caller sent", c.method)
				}
			}

			// Without credentials the middleware answers and the control
			// plane hears nothing.
			resp, err := http.Get(base + "/run")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("no credentials: status %d, want 401", resp.StatusCode)
			}
			if n := len(rec.take()); n != 0 {
				t.Fatalf("control plane saw %d calls for a request without credentials", n)
			}
		})
	}
}

// A gRPC service that calls another passes on only what its extractors
// allow, not its incoming metadata wholesale.
func TestGRPCToGRPCHop(t *testing.T) {
	t.Parallel()
	next := startRecorder(t, nil, nil)
	nextConn := dial(t, next.addr, forward.WithInsecure())

	middle := grpc.NewServer(
		grpc.UnaryInterceptor(grpcpassthrough.UnaryServerInterceptor(core.WithExcludedPaths("/test.v1.Echo/Health"))),
		grpc.StreamInterceptor(grpcpassthrough.StreamServerInterceptor(core.WithExcludedPaths("/test.v1.Echo/Health"))),
		grpc.UnknownServiceHandler(func(_ any, ss grpc.ServerStream) error {
			for {
				if err := ss.RecvMsg(&emptypb.Empty{}); err != nil {
					break
				}
			}
			if err := callKinds["bidi"](ss.Context(), nextConn); err != nil {
				return err
			}
			return ss.SendMsg(&emptypb.Empty{})
		}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = middle.Serve(ln) }()
	t.Cleanup(middle.Stop)

	first := dial(t, ln.Addr().String(), forward.WithInsecure())
	ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: token}, core.Pair{Key: "x-internal", Value: "no"})
	ctx = metadata.AppendToOutgoingContext(ctx, "x-request-id", "r1")
	if err := callKinds["unary"](ctx, first); err != nil {
		t.Fatal(err)
	}
	calls := next.take()
	if len(calls) != 1 {
		t.Fatalf("next hop saw %d calls, want 1", len(calls))
	}
	md := calls[0].md
	if got := md.Get("authorization"); len(got) != 1 || got[0] != token {
		t.Errorf("next hop authorization = %q, want [%q]", got, token)
	}
	for _, k := range []string{"x-internal", "x-request-id"} {
		if v := md.Get(k); len(v) != 0 {
			t.Errorf("incoming metadata %q was forwarded wholesale to the next hop", k)
		}
	}
}
