package devserver

import (
	"context"
	"crypto/sha256"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/core"
)

// method is one procedure of the API, served over gRPC and Connect (which
// also speaks gRPC and gRPC-Web) by the same handler, after the same
// authentication. There are no generated service stubs: the subset's
// messages are this project's own, so each procedure is served by its
// upstream path, and the gRPC service descriptions are written here.
type method struct {
	procedure string
	unary     *grpc.MethodDesc // or
	stream    *grpc.StreamDesc
	connect   func(...connect.HandlerOption) http.Handler
}

// unary serves h at procedure: h gets the authenticated caller, and
// answers with a gRPC status error.
func unary[Req, Res any](s *Server, procedure string, h func(context.Context, *User, *Req) (*Res, error)) method {
	handle := func(ctx context.Context, req *Req) (*Res, error) {
		u, err := s.resolve(ctx, procedure)
		if err != nil {
			return nil, err
		}
		return h(ctx, u, req)
	}
	_, name := splitProcedure(procedure)
	return method{
		procedure: procedure,
		unary: &grpc.MethodDesc{MethodName: name, Handler: func(_ any, ctx context.Context, dec func(any) error, ic grpc.UnaryServerInterceptor) (any, error) {
			req := new(Req)
			if err := receive(ctx, dec, req); err != nil {
				return nil, err
			}
			call := func(ctx context.Context, req any) (any, error) {
				res, err := handle(ctx, req.(*Req))
				if err != nil {
					return nil, err
				}
				return res, nil
			}
			if ic == nil {
				return call(ctx, req)
			}
			return ic(ctx, req, &grpc.UnaryServerInfo{Server: s, FullMethod: procedure}, call)
		}},
		connect: func(opts ...connect.HandlerOption) http.Handler {
			return connect.NewUnaryHandler(procedure, func(ctx context.Context, req *connect.Request[Req]) (*connect.Response[Res], error) {
				res, err := handle(ctx, req.Msg)
				if err != nil {
					return nil, asConnect(err)
				}
				return connect.NewResponse(res), nil
			}, opts...)
		},
	}
}

// serverStream serves h at procedure as a server stream: h sends with
// send until it returns.
func serverStream[Req, Res any](s *Server, procedure string, h func(context.Context, *User, *Req, func(*Res) error) error) method {
	handle := func(ctx context.Context, req *Req, send func(*Res) error) error {
		u, err := s.resolve(ctx, procedure)
		if err != nil {
			return err
		}
		return h(ctx, u, req, send)
	}
	_, name := splitProcedure(procedure)
	return method{
		procedure: procedure,
		stream: &grpc.StreamDesc{StreamName: name, ServerStreams: true, Handler: func(_ any, ss grpc.ServerStream) error {
			req := new(Req)
			if err := receive(ss.Context(), ss.RecvMsg, req); err != nil {
				return err
			}
			return handle(ss.Context(), req, func(res *Res) error { return ss.SendMsg(res) })
		}},
		connect: func(opts ...connect.HandlerOption) http.Handler {
			return connect.NewServerStreamHandler(procedure, func(ctx context.Context, req *connect.Request[Req], stream *connect.ServerStream[Res]) error {
				return asConnect(handle(ctx, req.Msg, stream.Send))
			}, opts...)
		},
	}
}

// splitProcedure splits "/pkg.Service/Method".
func splitProcedure(procedure string) (service, name string) {
	service, name, _ = strings.Cut(strings.TrimPrefix(procedure, "/"), "/")
	return service, name
}

// methods are the procedures the server answers.
func (s *Server) methodList() []method {
	return []method{
		unary(s, controlplane.UserInfoProcedure, s.userInfo),
		unary(s, controlplane.ListTasksProcedure, s.listTasks),
		unary(s, controlplane.GetTaskDetailsProcedure, s.getTaskDetails),
		unary(s, controlplane.CreateRunProcedure, s.createRun),
		unary(s, controlplane.GetRunDetailsProcedure, s.getRunDetails),
		serverStream(s, controlplane.WatchRunDetailsProcedure, s.watchRunDetails),
		unary(s, controlplane.GetActionDataProcedure, s.getActionData),
		unary(s, controlplane.AbortRunProcedure, s.abortRun),
	}
}

// Procedures lists the procedures the server answers, by their upstream
// paths ("/flyteidl2.auth.IdentityService/UserInfo"…), on every endpoint.
func Procedures() []string {
	var out []string
	for _, m := range (&Server{}).methodList() {
		out = append(out, m.procedure)
	}
	return out
}

// serviceDescs groups methods into one gRPC service description per
// upstream service.
func serviceDescs(methods []method) []*grpc.ServiceDesc {
	var descs []*grpc.ServiceDesc
	byName := map[string]*grpc.ServiceDesc{}
	for _, m := range methods {
		service, _ := splitProcedure(m.procedure)
		d := byName[service]
		if d == nil {
			d = &grpc.ServiceDesc{ServiceName: service, HandlerType: (*any)(nil)}
			byName[service] = d
			descs = append(descs, d)
		}
		if m.unary != nil {
			d.Methods = append(d.Methods, *m.unary)
		} else {
			d.Streams = append(d.Streams, *m.stream)
		}
	}
	return descs
}

func asConnect(err error) error {
	if err == nil {
		return nil
	}
	if st, ok := status.FromError(err); ok {
		return connect.NewError(connect.Code(st.Code()), errors.New(st.Message()))
	}
	return err
}

// resolve maps the credentials that the passthrough interceptor put in
// ctx onto a user, for every procedure on every endpoint.
func (s *Server) resolve(ctx context.Context, procedure string) (*User, error) {
	md, _ := core.FromContext(ctx)
	key := md.Get("x-api-key")
	if auth := md.Get("authorization"); auth != "" {
		scheme, token, ok := strings.Cut(auth, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return nil, status.Error(codes.Unauthenticated, "authorization must be a Bearer API key")
		}
		token = strings.TrimSpace(token)
		if key != "" && key != token {
			return nil, status.Error(codes.Unauthenticated, "authorization and x-api-key disagree")
		}
		key = token
	}
	u, ok := s.users[sha256.Sum256([]byte(key))]
	if !ok || key == "" {
		s.logger.Info("devserver: unknown API key", slog.String("method", procedure))
		return nil, status.Error(codes.Unauthenticated, "unknown API key")
	}
	return u, nil
}

// authorize checks that u holds at least role in project/domain.
func authorize(u *User, project, domain string, role Role) error {
	if u.may(project, domain, role) {
		return nil
	}
	return status.Errorf(codes.PermissionDenied, "%s may not %s in %s/%s", u.Subject, verb(role), project, domain)
}

func (u *User) may(project, domain string, role Role) bool {
	for _, g := range u.Grants {
		if (g.Project == "*" || g.Project == project) && (g.Domain == "*" || g.Domain == domain) && g.Role.rank() >= role.rank() {
			return true
		}
	}
	return false
}

func verb(r Role) string {
	if r == RoleView {
		return "view tasks and runs"
	}
	return "run tasks"
}
