package controlplane

import (
	"context"
	"errors"
	"net/http"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/passthrough-go/passthrough/connectpassthrough"
	"github.com/passthrough-go/passthrough/controlplane/controlplanev1"
	"github.com/passthrough-go/passthrough/controlplane/controlplanev1/controlplanev1connect"
	"github.com/passthrough-go/passthrough/forward"
	"github.com/passthrough-go/passthrough/grpcpassthrough"
)

// Client is a connection to a control plane, over gRPC or Connect, whose
// every call carries the credentials of the context it is made with, with
// default project, domain and org for calls that do not name them.
//
// Whatever the protocol, errors carry gRPC status codes (status.Code works
// on them; Connect's codes are the same numbers).
type Client struct {
	api   api
	close func() error

	Project, Domain, Org string
}

// api is the control-plane API without protocol-specific call options.
type api interface {
	WhoAmI(context.Context, *controlplanev1.WhoAmIRequest) (*controlplanev1.WhoAmIResponse, error)
	RegisterTask(context.Context, *controlplanev1.RegisterTaskRequest) (*controlplanev1.RegisterTaskResponse, error)
	GetTask(context.Context, *controlplanev1.GetTaskRequest) (*controlplanev1.GetTaskResponse, error)
	ListTasks(context.Context, *controlplanev1.ListTasksRequest) (*controlplanev1.ListTasksResponse, error)
	CreateRun(context.Context, *controlplanev1.CreateRunRequest) (*controlplanev1.CreateRunResponse, error)
	GetRun(context.Context, *controlplanev1.GetRunRequest) (*controlplanev1.GetRunResponse, error)
	ListRuns(context.Context, *controlplanev1.ListRunsRequest) (*controlplanev1.ListRunsResponse, error)
}

// Init connects to the control plane at endpoint over gRPC: the Go form of
// Python's init_passthrough(endpoint, project, domain, org, insecure).
// endpoint is required; it is a target of [grpcpassthrough.NewClient]
// ("host:port", "https://host[:port]", or "http://host[:port]" with
// [forward.WithInsecure]). Connections use TLS with the system roots
// unless opts say otherwise. opts are the options every forwarding client
// takes, and the gRPC ones ([grpcpassthrough.WithTLSConfig],
// [grpcpassthrough.WithDialOptions]).
func Init(endpoint, project, domain, org string, opts ...forward.Option) (*Client, error) {
	if endpoint == "" {
		return nil, errors.New("passthrough: controlplane.Init: endpoint is required")
	}
	conn, err := grpcpassthrough.NewClient(endpoint, opts...)
	if err != nil {
		return nil, err
	}
	return NewClient(conn, project, domain, org), nil
}

// NewClient wraps a gRPC connection you built yourself, for example with
// [grpcpassthrough.DialOptions]. Close closes conn.
func NewClient(conn *grpc.ClientConn, project, domain, org string) *Client {
	return &Client{
		api: grpcAPI{
			IdentityServiceClient: controlplanev1.NewIdentityServiceClient(conn),
			TaskServiceClient:     controlplanev1.NewTaskServiceClient(conn),
			RunServiceClient:      controlplanev1.NewRunServiceClient(conn),
		},
		close:   conn.Close,
		Project: project, Domain: domain, Org: org,
	}
}

// InitConnect is [Init] over ConnectRPC: baseURL is the control plane's
// Connect endpoint ("https://host[:port]", or "http://…" with
// [forward.WithInsecure]), and requests go through
// [connectpassthrough.NewClient] on top of httpClient (nil for
// http.DefaultClient's settings), which is copied, not modified.
func InitConnect(baseURL, project, domain, org string, httpClient *http.Client, opts ...forward.Option) (*Client, error) {
	if baseURL == "" {
		return nil, errors.New("passthrough: controlplane.InitConnect: base URL is required")
	}
	hc, err := connectpassthrough.NewClient(baseURL, httpClient, opts...)
	if err != nil {
		return nil, err
	}
	return &Client{
		api: connectAPI{
			IdentityServiceClient: controlplanev1connect.NewIdentityServiceClient(hc, baseURL),
			TaskServiceClient:     controlplanev1connect.NewTaskServiceClient(hc, baseURL),
			RunServiceClient:      controlplanev1connect.NewRunServiceClient(hc, baseURL),
		},
		close:   func() error { return nil },
		Project: project, Domain: domain, Org: org,
	}, nil
}

// Close closes the connection.
func (c *Client) Close() error { return c.close() }

// TaskID names a task, filling in the client's defaults for an empty
// project or domain, and its org.
func (c *Client) TaskID(project, domain, name, version string) *controlplanev1.TaskID {
	if project == "" {
		project = c.Project
	}
	if domain == "" {
		domain = c.Domain
	}
	return &controlplanev1.TaskID{Org: c.Org, Project: project, Domain: domain, Name: name, Version: version}
}

// WhoAmI asks who the call's credentials belong to.
func (c *Client) WhoAmI(ctx context.Context, req *controlplanev1.WhoAmIRequest) (*controlplanev1.WhoAmIResponse, error) {
	return c.api.WhoAmI(ctx, req)
}

// RegisterTask registers a task version.
func (c *Client) RegisterTask(ctx context.Context, req *controlplanev1.RegisterTaskRequest) (*controlplanev1.RegisterTaskResponse, error) {
	return c.api.RegisterTask(ctx, req)
}

// GetTask finds a task version, the latest when none is given.
func (c *Client) GetTask(ctx context.Context, req *controlplanev1.GetTaskRequest) (*controlplanev1.GetTaskResponse, error) {
	return c.api.GetTask(ctx, req)
}

// ListTasks lists the tasks of a project and domain.
func (c *Client) ListTasks(ctx context.Context, req *controlplanev1.ListTasksRequest) (*controlplanev1.ListTasksResponse, error) {
	return c.api.ListTasks(ctx, req)
}

// CreateRun starts a run.
func (c *Client) CreateRun(ctx context.Context, req *controlplanev1.CreateRunRequest) (*controlplanev1.CreateRunResponse, error) {
	return c.api.CreateRun(ctx, req)
}

// GetRun returns a run.
func (c *Client) GetRun(ctx context.Context, req *controlplanev1.GetRunRequest) (*controlplanev1.GetRunResponse, error) {
	return c.api.GetRun(ctx, req)
}

// ListRuns lists the runs of a project and domain.
func (c *Client) ListRuns(ctx context.Context, req *controlplanev1.ListRunsRequest) (*controlplanev1.ListRunsResponse, error) {
	return c.api.ListRuns(ctx, req)
}

type grpcAPI struct {
	controlplanev1.IdentityServiceClient
	controlplanev1.TaskServiceClient
	controlplanev1.RunServiceClient
}

func (g grpcAPI) WhoAmI(ctx context.Context, r *controlplanev1.WhoAmIRequest) (*controlplanev1.WhoAmIResponse, error) {
	return g.IdentityServiceClient.WhoAmI(ctx, r)
}
func (g grpcAPI) RegisterTask(ctx context.Context, r *controlplanev1.RegisterTaskRequest) (*controlplanev1.RegisterTaskResponse, error) {
	return g.TaskServiceClient.RegisterTask(ctx, r)
}
func (g grpcAPI) GetTask(ctx context.Context, r *controlplanev1.GetTaskRequest) (*controlplanev1.GetTaskResponse, error) {
	return g.TaskServiceClient.GetTask(ctx, r)
}
func (g grpcAPI) ListTasks(ctx context.Context, r *controlplanev1.ListTasksRequest) (*controlplanev1.ListTasksResponse, error) {
	return g.TaskServiceClient.ListTasks(ctx, r)
}
func (g grpcAPI) CreateRun(ctx context.Context, r *controlplanev1.CreateRunRequest) (*controlplanev1.CreateRunResponse, error) {
	return g.RunServiceClient.CreateRun(ctx, r)
}
func (g grpcAPI) GetRun(ctx context.Context, r *controlplanev1.GetRunRequest) (*controlplanev1.GetRunResponse, error) {
	return g.RunServiceClient.GetRun(ctx, r)
}
func (g grpcAPI) ListRuns(ctx context.Context, r *controlplanev1.ListRunsRequest) (*controlplanev1.ListRunsResponse, error) {
	return g.RunServiceClient.ListRuns(ctx, r)
}

type connectAPI struct {
	controlplanev1connect.IdentityServiceClient
	controlplanev1connect.TaskServiceClient
	controlplanev1connect.RunServiceClient
}

func (c connectAPI) WhoAmI(ctx context.Context, r *controlplanev1.WhoAmIRequest) (*controlplanev1.WhoAmIResponse, error) {
	resp, err := c.IdentityServiceClient.WhoAmI(ctx, r)
	return resp, asStatus(err)
}
func (c connectAPI) RegisterTask(ctx context.Context, r *controlplanev1.RegisterTaskRequest) (*controlplanev1.RegisterTaskResponse, error) {
	resp, err := c.TaskServiceClient.RegisterTask(ctx, r)
	return resp, asStatus(err)
}
func (c connectAPI) GetTask(ctx context.Context, r *controlplanev1.GetTaskRequest) (*controlplanev1.GetTaskResponse, error) {
	resp, err := c.TaskServiceClient.GetTask(ctx, r)
	return resp, asStatus(err)
}
func (c connectAPI) ListTasks(ctx context.Context, r *controlplanev1.ListTasksRequest) (*controlplanev1.ListTasksResponse, error) {
	resp, err := c.TaskServiceClient.ListTasks(ctx, r)
	return resp, asStatus(err)
}
func (c connectAPI) CreateRun(ctx context.Context, r *controlplanev1.CreateRunRequest) (*controlplanev1.CreateRunResponse, error) {
	resp, err := c.RunServiceClient.CreateRun(ctx, r)
	return resp, asStatus(err)
}
func (c connectAPI) GetRun(ctx context.Context, r *controlplanev1.GetRunRequest) (*controlplanev1.GetRunResponse, error) {
	resp, err := c.RunServiceClient.GetRun(ctx, r)
	return resp, asStatus(err)
}
func (c connectAPI) ListRuns(ctx context.Context, r *controlplanev1.ListRunsRequest) (*controlplanev1.ListRunsResponse, error) {
	resp, err := c.RunServiceClient.ListRuns(ctx, r)
	return resp, asStatus(err)
}

// asStatus gives a Connect error the gRPC status code it has the number
// of, so that callers handle one kind of error.
func asStatus(err error) error {
	if err == nil {
		return nil
	}
	var ce *connect.Error
	if errors.As(err, &ce) {
		return status.Error(codes.Code(ce.Code()), ce.Message())
	}
	return status.Error(codes.Unknown, err.Error())
}
