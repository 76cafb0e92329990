package connectpassthrough

import (
	"context"
	"net/http"

	"connectrpc.com/connect"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
)

// ServerInterceptor returns a handler interceptor that extracts the
// caller's credentials from incoming Connect, gRPC and gRPC-Web requests
// and puts them, as [core.Metadata], in the handler's context. Exclusions
// match full procedure names ("/pkg.Service/Method") exactly. Missing
// credentials fail the call with connect.CodeUnauthenticated, malformed or
// ambiguous ones with CodeInvalidArgument, oversized ones with
// CodeResourceExhausted; the handler does not run.
//
// It panics, with a message starting "passthrough:", if opts are invalid.
func ServerInterceptor(opts ...core.Option) connect.Interceptor {
	return &handlerInterceptor{engine: core.MustNew(opts...)}
}

type handlerInterceptor struct{ engine *core.Engine }

func (h *handlerInterceptor) decide(ctx context.Context, header http.Header, procedure string) (context.Context, error) {
	d := h.engine.Decide(request{header: header, procedure: procedure})
	if rej := d.Rejection(); rej != nil {
		return nil, connect.NewError(connect.Code(rej.RPCCode()), rej.Err())
	}
	return d.Context(ctx), nil
}

func (h *handlerInterceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		if req.Spec().IsClient {
			return next(ctx, req)
		}
		ctx, err := h.decide(ctx, req.Header(), req.Spec().Procedure)
		if err != nil {
			return nil, err
		}
		return next(ctx, req)
	}
}

func (h *handlerInterceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (h *handlerInterceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		ctx, err := h.decide(ctx, conn.RequestHeader(), conn.Spec().Procedure)
		if err != nil {
			return err
		}
		return next(ctx, conn)
	}
}

// request is the [extractors.Request] view of an incoming call.
type request struct {
	header    http.Header
	procedure string
}

var (
	_ extractors.Request = request{}
	_ extractors.Peeker  = request{}
)

func (q request) Values(name string) []string { return q.header.Values(name) }

func (q request) Peek(name string) (string, int) {
	v := q.header[name]
	if len(v) == 0 {
		return "", 0
	}
	return v[0], len(v)
}

func (q request) Path() string { return q.procedure }

// Method is "POST", as for gRPC: exclusions name procedures, not HTTP
// methods.
func (request) Method() string { return "POST" }

// Query is nil: the procedure's arguments are not credentials.
func (request) Query(string) []string { return nil }
