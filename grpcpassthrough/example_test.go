package grpcpassthrough_test

import (
	"context"
	"fmt"
	"net"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
	"github.com/passthrough-go/passthrough/grpcpassthrough"
)

// controlPlane starts a loopback gRPC server that requires credentials
// (with this package's server interceptor) and reports who called.
func controlPlane() (addr string, stop func()) {
	auth := grpcpassthrough.UnaryServerInterceptor()
	srv := grpc.NewServer(grpc.UnaryInterceptor(func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		md, _ := metadata.FromIncomingContext(ctx)
		fmt.Println("control plane received authorization:", md.Get("authorization"))
		return auth(ctx, req, info, h)
	}))
	healthpb.RegisterHealthServer(srv, health.NewServer())
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go func() { _ = srv.Serve(ln) }()
	return ln.Addr().String(), srv.Stop
}

func ExampleNewClient() {
	addr, stop := controlPlane()
	defer stop()

	// Once, at start-up: the Go form of init_passthrough(endpoint, insecure=True).
	conn, err := grpcpassthrough.NewClient("http://"+addr, forward.WithInsecure())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()
	client := healthpb.NewHealthClient(conn)

	// In a handler, ctx is the request's context (r.Context(),
	// c.Request.Context(), c.UserContext()); here we scope a token by hand.
	ctx := core.WithMetadata(context.Background(), core.Pair{Key: "authorization", Value: "Bearer user-token"})
	resp, err := client.Check(ctx, &healthpb.HealthCheckRequest{})
	fmt.Println(resp.GetStatus(), err)

	// Without credentials nothing is sent.
	_, err = client.Check(context.Background(), &healthpb.HealthCheckRequest{})
	fmt.Println(status.Code(err))
	// Output:
	// control plane received authorization: [Bearer user-token]
	// SERVING <nil>
	// Unauthenticated
}

func ExampleDialOptions() {
	addr, stop := controlPlane()
	defer stop()

	// Bring your own connection: add the forwarding to your dial options.
	opts, err := grpcpassthrough.DialOptions(forward.WithInsecure())
	if err != nil {
		fmt.Println(err)
		return
	}
	conn, err := grpc.NewClient(addr, append(opts, grpc.WithTransportCredentials(insecure.NewCredentials()))...)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()

	ctx := core.WithMetadata(context.Background(), core.Pair{Key: "authorization", Value: "Bearer byo-token"})
	_, err = healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	fmt.Println(err)
	// Output:
	// control plane received authorization: [Bearer byo-token]
	// <nil>
}
