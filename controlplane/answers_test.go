package controlplane_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
)

// What the client reads from a control plane is bounded over either
// protocol: an answer larger than MaxResponseBytes is refused, not read
// into memory.
func TestAnswersAreBounded(t *testing.T) {
	t.Parallel()
	huge := &flyte2v1.UserInfoResponse{Subject: "alice", Name: strings.Repeat("n", controlplane.MaxResponseBytes)}
	ctx := core.WithMetadata(context.Background(), core.Pair{Key: "authorization", Value: "Bearer k"})

	mux := http.NewServeMux()
	mux.Handle(controlplane.UserInfoProcedure, connect.NewUnaryHandler(controlplane.UserInfoProcedure,
		func(context.Context, *connect.Request[flyte2v1.UserInfoRequest]) (*connect.Response[flyte2v1.UserInfoResponse], error) {
			return connect.NewResponse(huge), nil
		}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	cp, err := controlplane.InitConnect("http://"+ln.Addr().String(), "p", "d", "o", nil, forward.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cp.UserInfo(ctx, &flyte2v1.UserInfoRequest{}); status.Code(err) != codes.ResourceExhausted {
		t.Errorf("Connect: an answer over MaxResponseBytes: %v, want ResourceExhausted", err)
	}

	gs := grpc.NewServer(grpc.MaxSendMsgSize(2 * controlplane.MaxResponseBytes))
	gs.RegisterService(&grpc.ServiceDesc{
		ServiceName: controlplane.IdentityServiceName,
		HandlerType: (*any)(nil),
		Methods: []grpc.MethodDesc{{MethodName: "UserInfo", Handler: func(_ any, _ context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
			if err := dec(new(flyte2v1.UserInfoRequest)); err != nil {
				return nil, err
			}
			return huge, nil
		}}},
	}, struct{}{})
	gln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = gs.Serve(gln) }()
	t.Cleanup(gs.Stop)
	gcp, err := controlplane.Init("http://"+gln.Addr().String(), "p", "d", "o", forward.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = gcp.Close() })
	if _, err := gcp.UserInfo(ctx, &flyte2v1.UserInfoRequest{}); status.Code(err) != codes.ResourceExhausted {
		t.Errorf("gRPC: an answer over MaxResponseBytes: %v, want ResourceExhausted", err)
	}
}

// LatestTask takes only an answer naming the task it asked for: a server
// that ignores the filter cannot make the caller run another task.
func TestLatestTaskTakesOnlyTheTaskAskedFor(t *testing.T) {
	t.Parallel()
	ctx := core.WithMetadata(context.Background(), core.Pair{Key: "authorization", Value: "Bearer k"})
	for name, answer := range map[string]*flyte2v1.TaskIdentifier{
		"another task":    {Org: "o", Project: "p", Domain: "d", Name: "other", Version: "v9"},
		"another project": {Org: "o", Project: "q", Domain: "d", Name: "add", Version: "v9"},
		"another domain":  {Org: "o", Project: "p", Domain: "e", Name: "add", Version: "v9"},
		"no version":      {Org: "o", Project: "p", Domain: "d", Name: "add"},
	} {
		mux := http.NewServeMux()
		mux.Handle(controlplane.ListTasksProcedure, connect.NewUnaryHandler(controlplane.ListTasksProcedure,
			func(context.Context, *connect.Request[flyte2v1.ListTasksRequest]) (*connect.Response[flyte2v1.ListTasksResponse], error) {
				return connect.NewResponse(&flyte2v1.ListTasksResponse{Tasks: []*flyte2v1.Task{{TaskId: answer}}}), nil
			}))
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: mux}
		go func() { _ = srv.Serve(ln) }()
		t.Cleanup(func() { _ = srv.Close() })
		cp, err := controlplane.InitConnect("http://"+ln.Addr().String(), "p", "d", "o", nil, forward.WithInsecure())
		if err != nil {
			t.Fatal(err)
		}
		if id, err := cp.LatestTask(ctx, "", "", "add"); status.Code(err) != codes.NotFound {
			t.Errorf("%s in the answer: %v %v, want NotFound", name, id, err)
		}
	}
}

// Over Connect the client accepts gzip-compressed answers, as a Flyte 2
// server may send them.
func TestConnectAcceptsGzipAnswers(t *testing.T) {
	t.Parallel()
	ctx := core.WithMetadata(context.Background(), core.Pair{Key: "authorization", Value: "Bearer k"})
	mux := http.NewServeMux()
	mux.Handle(controlplane.UserInfoProcedure, connect.NewUnaryHandler(controlplane.UserInfoProcedure,
		func(context.Context, *connect.Request[flyte2v1.UserInfoRequest]) (*connect.Response[flyte2v1.UserInfoResponse], error) {
			return connect.NewResponse(&flyte2v1.UserInfoResponse{Subject: "alice", Name: strings.Repeat("Alice ", 100)}), nil
		}, connect.WithCompressMinBytes(1)))
	encodings := make(chan string, 1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		encodings <- w.Header().Get("Content-Encoding")
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	cp, err := controlplane.InitConnect("http://"+ln.Addr().String(), "p", "d", "o", nil, forward.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	me, err := cp.UserInfo(ctx, &flyte2v1.UserInfoRequest{})
	if err != nil || me.GetSubject() != "alice" {
		t.Fatalf("UserInfo: %v %v, want alice", me, err)
	}
	if enc := <-encodings; enc != "gzip" {
		t.Errorf("the answer's Content-Encoding was %q, want gzip (the client must have accepted it)", enc)
	}
}
