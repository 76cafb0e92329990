package grpcpassthrough

import (
	"context"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
)

// UnaryServerInterceptor returns a server interceptor that extracts the
// caller's credentials from the incoming metadata with the same core as the
// HTTP adapters, and puts them, as [core.Metadata], in the handler's
// context. Only what the extractors find is kept, so a client built with
// this package sends the next hop exactly the caller's credentials, never
// the incoming metadata wholesale.
//
// Exclusions ([core.WithExcludedPaths]) match full method names such as
// "/pkg.Service/Method" exactly: info.FullMethod, the request's :path,
// which grpc-go dispatches on (another spelling, such as one without the
// leading "/", reaches the same method but is not excluded). Every call's
// method is POST, so a "GET" pattern never excludes an RPC. Missing credentials fail the call with
// codes.Unauthenticated, malformed or ambiguous ones with
// codes.InvalidArgument, oversized ones with codes.ResourceExhausted; the
// handler does not run.
//
// It panics, with a message starting "passthrough:", if opts are invalid.
func UnaryServerInterceptor(opts ...core.Option) grpc.UnaryServerInterceptor {
	engine := core.MustNew(opts...)
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		ctx, err := decide(engine, ctx, info.FullMethod)
		if err != nil {
			return nil, err
		}
		return handler(ctx, req)
	}
}

// StreamServerInterceptor is [UnaryServerInterceptor] for streaming calls.
func StreamServerInterceptor(opts ...core.Option) grpc.StreamServerInterceptor {
	engine := core.MustNew(opts...)
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		ctx, err := decide(engine, ss.Context(), info.FullMethod)
		if err != nil {
			return err
		}
		if ctx != ss.Context() {
			ss = &serverStream{ServerStream: ss, ctx: ctx}
		}
		return handler(srv, ss)
	}
}

func decide(engine *core.Engine, ctx context.Context, method string) (context.Context, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	d := engine.Decide(request{md: md, method: method})
	if rej := d.Rejection(); rej != nil {
		return nil, status.Error(codes.Code(rej.RPCCode()), rej.Err().Error())
	}
	return d.Context(ctx), nil
}

type serverStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *serverStream) Context() context.Context { return s.ctx }

// request is the [extractors.Request] view of an incoming call: metadata
// for headers, the full method name for the path.
type request struct {
	md     metadata.MD
	method string
}

var _ extractors.Request = request{}

func (q request) Values(name string) []string {
	switch name {
	case "Authorization":
		return q.md[extractors.AuthorizationKey]
	case "Cookie":
		return q.md[extractors.CookieKey]
	}
	return q.md[strings.ToLower(name)]
}

func (q request) Path() string { return q.method }

// Method is "POST": every gRPC call is an HTTP/2 POST.
func (request) Method() string { return "POST" }

// Query is nil: gRPC calls have no query.
func (request) Query(string) []string { return nil }
