package devserver_test

import (
	"context"
	"errors"
	"iter"
	"net"
	"net/http"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"go.uber.org/goleak"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/passthrough-go/passthrough/connectpassthrough"
	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	adminKey = "cp_admin_0123456789abcdef"
	viewKey  = "cp_view_0123456789abcdef0"
	runKey   = "cp_runner_0123456789abcdef"
	org      = devserver.DefaultOrg
)

// users: ada administers demo/development, vic views everything, rue runs
// in demo.
func users() []devserver.User {
	return []devserver.User{
		{Subject: "ada", Name: "Ada Admin", APIKey: adminKey, Email: "ada@example.com", PreferredUsername: "ada",
			Grants: []devserver.Grant{{Project: "demo", Domain: "development", Role: devserver.RoleAdmin}}},
		{Subject: "vic", Name: "Vic Viewer", APIKey: viewKey, Grants: []devserver.Grant{{Project: "*", Domain: "*", Role: devserver.RoleView}}},
		{Subject: "rue", Name: "Rue Runner", APIKey: runKey, Grants: []devserver.Grant{{Project: "demo", Domain: "*", Role: devserver.RoleRun}}},
	}
}

// helloV2 is a second version of hello, registered after v1: the latest.
var helloV2 = devserver.Task{Name: "hello", Version: "v2", Executor: "hello", Inputs: []devserver.Input{
	{Name: "name", Type: "string", Default: []byte(`"you"`)},
	{Name: "loud", Type: "boolean", Default: []byte(`false`)},
}}

// api is what the tests call, over any protocol.
type api interface {
	UserInfo(context.Context, *flyte2v1.UserInfoRequest) (*flyte2v1.UserInfoResponse, error)
	ListTasks(context.Context, *flyte2v1.ListTasksRequest) (*flyte2v1.ListTasksResponse, error)
	GetTaskDetails(context.Context, *flyte2v1.GetTaskDetailsRequest) (*flyte2v1.GetTaskDetailsResponse, error)
	CreateRun(context.Context, *flyte2v1.CreateRunRequest) (*flyte2v1.CreateRunResponse, error)
	GetRunDetails(context.Context, *flyte2v1.GetRunDetailsRequest) (*flyte2v1.GetRunDetailsResponse, error)
	WatchRunDetails(context.Context, *flyte2v1.WatchRunDetailsRequest) iter.Seq2[*flyte2v1.WatchRunDetailsResponse, error]
	GetActionData(context.Context, *flyte2v1.GetActionDataRequest) (*flyte2v1.GetActionDataResponse, error)
	AbortRun(context.Context, *flyte2v1.AbortRunRequest) (*flyte2v1.AbortRunResponse, error)
}

// endpoints of a running server.
type endpoints struct {
	srv                   *devserver.Server
	grpcAddr, connectAddr string
}

// serve starts a server for cfg (users() unless it has its own) on both
// endpoints, stopped when the test ends.
func serve(t *testing.T, cfg devserver.Config) endpoints {
	t.Helper()
	if cfg.Users == nil {
		cfg.Users = users()
	}
	srv, err := devserver.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return serveWith(t, srv)
}

// serveWith serves srv on both endpoints until the test ends.
func serveWith(t *testing.T, srv *devserver.Server) endpoints {
	t.Helper()
	gln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(gln) }()
	go func() { _ = srv.ServeConnect(cln) }()
	t.Cleanup(srv.Stop)
	return endpoints{srv: srv, grpcAddr: gln.Addr().String(), connectAddr: cln.Addr().String()}
}

// protocols are the ways a client reaches the server: gRPC on the gRPC
// endpoint, Connect and gRPC-Web on the Connect endpoint.
var protocols = []string{"grpc", "connect", "grpcweb"}

// client returns a client of e over protocol, in org.
func (e endpoints) client(t *testing.T, protocol string) api {
	t.Helper()
	var c *controlplane.Client
	var err error
	switch protocol {
	case "grpc":
		c, err = controlplane.Init("http://"+e.grpcAddr, "demo", "development", org, forward.WithInsecure())
	case "connect":
		c, err = controlplane.InitConnect("http://"+e.connectAddr, "demo", "development", org, nil, forward.WithInsecure())
	case "grpcweb":
		return newGRPCWeb(t, "http://"+e.connectAddr)
	default:
		t.Fatalf("unknown protocol %q", protocol)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// grpcWeb calls the server with connect-go's gRPC-Web client.
type grpcWeb struct {
	hc   connect.HTTPClient
	base string
}

func newGRPCWeb(t *testing.T, base string) *grpcWeb {
	hc, err := connectpassthrough.NewClient(base, &http.Client{}, forward.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	return &grpcWeb{hc: hc, base: base}
}

func webUnary[Req, Res any](g *grpcWeb, ctx context.Context, procedure string, req *Req) (*Res, error) {
	resp, err := connect.NewClient[Req, Res](g.hc, g.base+procedure, connect.WithGRPCWeb()).CallUnary(ctx, connect.NewRequest(req))
	if err != nil {
		return nil, err
	}
	return resp.Msg, nil
}

func (g *grpcWeb) UserInfo(ctx context.Context, r *flyte2v1.UserInfoRequest) (*flyte2v1.UserInfoResponse, error) {
	return webUnary[flyte2v1.UserInfoRequest, flyte2v1.UserInfoResponse](g, ctx, controlplane.UserInfoProcedure, r)
}
func (g *grpcWeb) ListTasks(ctx context.Context, r *flyte2v1.ListTasksRequest) (*flyte2v1.ListTasksResponse, error) {
	return webUnary[flyte2v1.ListTasksRequest, flyte2v1.ListTasksResponse](g, ctx, controlplane.ListTasksProcedure, r)
}
func (g *grpcWeb) GetTaskDetails(ctx context.Context, r *flyte2v1.GetTaskDetailsRequest) (*flyte2v1.GetTaskDetailsResponse, error) {
	return webUnary[flyte2v1.GetTaskDetailsRequest, flyte2v1.GetTaskDetailsResponse](g, ctx, controlplane.GetTaskDetailsProcedure, r)
}
func (g *grpcWeb) CreateRun(ctx context.Context, r *flyte2v1.CreateRunRequest) (*flyte2v1.CreateRunResponse, error) {
	return webUnary[flyte2v1.CreateRunRequest, flyte2v1.CreateRunResponse](g, ctx, controlplane.CreateRunProcedure, r)
}
func (g *grpcWeb) GetRunDetails(ctx context.Context, r *flyte2v1.GetRunDetailsRequest) (*flyte2v1.GetRunDetailsResponse, error) {
	return webUnary[flyte2v1.GetRunDetailsRequest, flyte2v1.GetRunDetailsResponse](g, ctx, controlplane.GetRunDetailsProcedure, r)
}
func (g *grpcWeb) GetActionData(ctx context.Context, r *flyte2v1.GetActionDataRequest) (*flyte2v1.GetActionDataResponse, error) {
	return webUnary[flyte2v1.GetActionDataRequest, flyte2v1.GetActionDataResponse](g, ctx, controlplane.GetActionDataProcedure, r)
}
func (g *grpcWeb) AbortRun(ctx context.Context, r *flyte2v1.AbortRunRequest) (*flyte2v1.AbortRunResponse, error) {
	return webUnary[flyte2v1.AbortRunRequest, flyte2v1.AbortRunResponse](g, ctx, controlplane.AbortRunProcedure, r)
}
func (g *grpcWeb) WatchRunDetails(ctx context.Context, r *flyte2v1.WatchRunDetailsRequest) iter.Seq2[*flyte2v1.WatchRunDetailsResponse, error] {
	return func(yield func(*flyte2v1.WatchRunDetailsResponse, error) bool) {
		cc := connect.NewClient[flyte2v1.WatchRunDetailsRequest, flyte2v1.WatchRunDetailsResponse](g.hc, g.base+controlplane.WatchRunDetailsProcedure, connect.WithGRPCWeb())
		stream, err := cc.CallServerStream(ctx, connect.NewRequest(r))
		if err != nil {
			yield(nil, err)
			return
		}
		defer stream.Close()
		for stream.Receive() {
			if !yield(stream.Msg(), nil) {
				return
			}
		}
		if err := stream.Err(); err != nil {
			yield(nil, err)
		}
	}
}

func as(ctx context.Context, key string) context.Context {
	return core.WithMetadata(ctx, core.Pair{Key: "authorization", Value: "Bearer " + key})
}

// codeOf is the status code of a gRPC or a Connect error.
func codeOf(err error) codes.Code {
	var ce *connect.Error
	if errors.As(err, &ce) {
		return codes.Code(ce.Code())
	}
	return status.Code(err)
}

func messageOf(err error) string {
	var ce *connect.Error
	if errors.As(err, &ce) {
		return ce.Message()
	}
	return status.Convert(err).Message()
}

func code(t *testing.T, what string, err error, want codes.Code) {
	t.Helper()
	if got := codeOf(err); got != want {
		t.Fatalf("%s: %v, want %v", what, err, want)
	}
	for _, key := range []string{adminKey, viewKey, runKey} {
		if err != nil && strings.Contains(err.Error(), key) {
			t.Fatalf("%s: the error repeats an API key: %v", what, err)
		}
	}
}

func taskID(name, version string) *flyte2v1.TaskIdentifier {
	return &flyte2v1.TaskIdentifier{Org: org, Project: "demo", Domain: "development", Name: name, Version: version}
}

func projectID() *flyte2v1.ProjectIdentifier {
	return &flyte2v1.ProjectIdentifier{Organization: org, Name: "demo", Domain: "development"}
}

func lit(p *flyte2v1.Primitive) *flyte2v1.Literal {
	return &flyte2v1.Literal{Value: &flyte2v1.Literal_Scalar{Scalar: &flyte2v1.Scalar{Value: &flyte2v1.Scalar_Primitive{Primitive: p}}}}
}

func integer(name string, i int64) *flyte2v1.NamedLiteral {
	return &flyte2v1.NamedLiteral{Name: name, Value: lit(&flyte2v1.Primitive{Value: &flyte2v1.Primitive_Integer{Integer: i}})}
}

func str(name, s string) *flyte2v1.NamedLiteral {
	return &flyte2v1.NamedLiteral{Name: name, Value: lit(&flyte2v1.Primitive{Value: &flyte2v1.Primitive_StringValue{StringValue: s}})}
}

func float(name string, f float64) *flyte2v1.NamedLiteral {
	return &flyte2v1.NamedLiteral{Name: name, Value: lit(&flyte2v1.Primitive{Value: &flyte2v1.Primitive_FloatValue{FloatValue: f}})}
}

// runOf asks for a run of task version with inputs, in the demo project.
func runOf(name, version string, inputs ...*flyte2v1.NamedLiteral) *flyte2v1.CreateRunRequest {
	return &flyte2v1.CreateRunRequest{
		Id:           &flyte2v1.CreateRunRequest_ProjectId{ProjectId: projectID()},
		Task:         &flyte2v1.CreateRunRequest_TaskId{TaskId: taskID(name, version)},
		InputWrapper: &flyte2v1.CreateRunRequest_Inputs{Inputs: &flyte2v1.Inputs{Literals: inputs}},
	}
}

func hello(name string) *flyte2v1.CreateRunRequest { return runOf("hello", "v1", str("name", name)) }
func sleep(s float64) *flyte2v1.CreateRunRequest   { return runOf("sleep", "v1", float("seconds", s)) }

func runID(r *flyte2v1.CreateRunResponse) *flyte2v1.RunIdentifier {
	return r.GetRun().GetAction().GetId().GetRun()
}

// watch follows a run until it ends and returns its last details and the
// phases it went through.
func watch(t *testing.T, c api, ctx context.Context, id *flyte2v1.RunIdentifier) (*flyte2v1.RunDetails, []flyte2v1.ActionPhase) {
	t.Helper()
	var last *flyte2v1.RunDetails
	var phases []flyte2v1.ActionPhase
	for resp, err := range c.WatchRunDetails(ctx, &flyte2v1.WatchRunDetailsRequest{RunId: id}) {
		if err != nil {
			t.Fatalf("WatchRunDetails %s: %v", id.GetName(), err)
		}
		last = resp.GetDetails()
		phases = append(phases, last.GetAction().GetStatus().GetPhase())
	}
	return last, phases
}
