package bench_test

import (
	"context"
	"net"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
	"github.com/passthrough-go/passthrough/grpcpassthrough"
)

// staticCreds is the usual alternative: one service credential on every
// call, whoever the caller is.
type staticCreds struct{ md map[string]string }

func (s staticCreds) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return s.md, nil
}
func (staticCreds) RequireTransportSecurity() bool { return false }

// BenchmarkGRPC is a unary call over a real loopback connection, with the
// caller's credentials forwarded from the context (passthrough) or a static
// per-RPC credential (static).
func BenchmarkGRPC(b *testing.B) {
	srv := grpc.NewServer()
	healthpb.RegisterHealthServer(srv, health.NewServer())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Stop()

	for _, c := range []struct {
		name string
		dial func() (*grpc.ClientConn, error)
		ctx  context.Context
	}{
		{"static", func() (*grpc.ClientConn, error) {
			return grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()),
				grpc.WithPerRPCCredentials(staticCreds{md: map[string]string{"authorization": bearer}}))
		}, context.Background()},
		{"passthrough", func() (*grpc.ClientConn, error) {
			return grpcpassthrough.NewClient(ln.Addr().String(), forward.WithInsecure())
		}, core.WithMetadata(context.Background(), core.Pair{Key: "authorization", Value: bearer})},
	} {
		b.Run(c.name, func(b *testing.B) {
			conn, err := c.dial()
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close()
			client := healthpb.NewHealthClient(conn)
			req := &healthpb.HealthCheckRequest{}
			if _, err := client.Check(c.ctx, req); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := client.Check(c.ctx, req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
