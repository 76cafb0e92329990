package connectpassthrough_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/passthrough-go/passthrough/connectpassthrough"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
)

func ExampleNewClient() {
	// A Connect service behind the handler adapter, which reports who called.
	handler := connect.NewUnaryHandler("/demo.v1.Demo/WhoAmI",
		func(ctx context.Context, _ *connect.Request[emptypb.Empty]) (*connect.Response[emptypb.Empty], error) {
			md, _ := core.FromContext(ctx)
			fmt.Println("service saw authorization:", md.Get("authorization"))
			return connect.NewResponse(&emptypb.Empty{}), nil
		}, connect.WithInterceptors(connectpassthrough.ServerInterceptor()))
	srv := httptest.NewServer(handler)
	defer srv.Close()

	// The client: credentials come from each call's context. WithInsecure
	// because the test server is plain HTTP.
	hc, err := connectpassthrough.NewClient(srv.URL, nil, forward.WithInsecure())
	if err != nil {
		fmt.Println(err)
		return
	}
	client := connect.NewClient[emptypb.Empty, emptypb.Empty](hc, srv.URL+"/demo.v1.Demo/WhoAmI")

	ctx := core.WithMetadata(context.Background(), core.Pair{Key: "authorization", Value: "Bearer user-token"})
	_, err = client.CallUnary(ctx, connect.NewRequest(&emptypb.Empty{}))
	fmt.Println(err)
	_, err = client.CallUnary(context.Background(), connect.NewRequest(&emptypb.Empty{}))
	fmt.Println(connect.CodeOf(err))
	// Output:
	// service saw authorization: Bearer user-token
	// <nil>
	// unauthenticated
}
