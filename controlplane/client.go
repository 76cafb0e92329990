package controlplane

import (
	"context"
	"errors"
	"io"
	"iter"
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/passthrough-go/passthrough/connectpassthrough"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
	"github.com/passthrough-go/passthrough/forward"
	"github.com/passthrough-go/passthrough/grpcpassthrough"
)

// Client is a connection to a Flyte 2 control plane, over gRPC or Connect,
// whose every call carries the credentials of the context it is made with,
// with the default project and domain, and the org, that identifiers are
// built with.
//
// Whatever the protocol, errors carry gRPC status codes (status.Code works
// on them; Connect's codes are the same numbers).
type Client struct {
	conn    *grpc.ClientConn // gRPC, or
	connect map[string]any   // Connect: *connect.Client by procedure
	close   func() error

	// Project, Domain and Org are the defaults that TaskID, ProjectID and
	// RunID fill in; Init, InitConnect and NewClient set them.
	Project, Domain, Org string
}

// Init connects to the control plane at endpoint over gRPC: the Go form of
// Python's init_passthrough(endpoint, project, domain, org, insecure).
// endpoint is required; it is a target of [grpcpassthrough.NewClient]
// ("host:port", "https://host[:port]", or "http://host[:port]" with
// [forward.WithInsecure]). org is required: Flyte 2's identifiers need a
// non-empty org ([OrgFromEndpoint] derives it as the Python SDK does).
// Connections use TLS with the system roots unless opts say otherwise. opts
// are the options every forwarding client takes, and the gRPC ones
// ([grpcpassthrough.WithTLSConfig], [grpcpassthrough.WithDialOptions]).
func Init(endpoint, project, domain, org string, opts ...forward.Option) (*Client, error) {
	if endpoint == "" {
		return nil, errors.New("passthrough: controlplane.Init: endpoint is required")
	}
	if err := checkOrg("Init", org); err != nil {
		return nil, err
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
	return &Client{conn: conn, close: conn.Close, Project: project, Domain: domain, Org: org}
}

// InitConnect is [Init] over the Connect protocol with binary protobuf, as
// the Python SDK calls Flyte 2: baseURL is the control plane's endpoint
// ("https://host[:port]", or "http://…" with [forward.WithInsecure]), and
// requests go through [connectpassthrough.NewClient] on top of httpClient
// (nil for http.DefaultClient's settings), which is copied, not modified.
// gzip-compressed answers are accepted.
func InitConnect(baseURL, project, domain, org string, httpClient *http.Client, opts ...forward.Option) (*Client, error) {
	if baseURL == "" {
		return nil, errors.New("passthrough: controlplane.InitConnect: base URL is required")
	}
	if err := checkOrg("InitConnect", org); err != nil {
		return nil, err
	}
	hc, err := connectpassthrough.NewClient(baseURL, httpClient, opts...)
	if err != nil {
		return nil, err
	}
	base := strings.TrimRight(baseURL, "/")
	bounded := connect.WithReadMaxBytes(MaxResponseBytes)
	return &Client{
		connect: map[string]any{
			UserInfoProcedure:        connect.NewClient[flyte2v1.UserInfoRequest, flyte2v1.UserInfoResponse](hc, base+UserInfoProcedure, bounded),
			ListTasksProcedure:       connect.NewClient[flyte2v1.ListTasksRequest, flyte2v1.ListTasksResponse](hc, base+ListTasksProcedure, bounded),
			GetTaskDetailsProcedure:  connect.NewClient[flyte2v1.GetTaskDetailsRequest, flyte2v1.GetTaskDetailsResponse](hc, base+GetTaskDetailsProcedure, bounded),
			CreateRunProcedure:       connect.NewClient[flyte2v1.CreateRunRequest, flyte2v1.CreateRunResponse](hc, base+CreateRunProcedure, bounded),
			GetRunDetailsProcedure:   connect.NewClient[flyte2v1.GetRunDetailsRequest, flyte2v1.GetRunDetailsResponse](hc, base+GetRunDetailsProcedure, bounded),
			WatchRunDetailsProcedure: connect.NewClient[flyte2v1.WatchRunDetailsRequest, flyte2v1.WatchRunDetailsResponse](hc, base+WatchRunDetailsProcedure, bounded),
			GetActionDataProcedure:   connect.NewClient[flyte2v1.GetActionDataRequest, flyte2v1.GetActionDataResponse](hc, base+GetActionDataProcedure, bounded),
			AbortRunProcedure:        connect.NewClient[flyte2v1.AbortRunRequest, flyte2v1.AbortRunResponse](hc, base+AbortRunProcedure, bounded),
		},
		close:   func() error { return nil },
		Project: project, Domain: domain, Org: org,
	}, nil
}

// MaxResponseBytes bounds one answer the client reads from a control
// plane, over either protocol: gRPC's default receive limit, which Connect
// clients do not have by default. A larger answer fails with
// ResourceExhausted.
const MaxResponseBytes = 4 << 20

// MaxOrgLength is the longest org Flyte 2's task and run identifiers take.
const MaxOrgLength = 63

func checkOrg(fn, org string) error {
	if org == "" {
		return errors.New("passthrough: controlplane." + fn + ": org is required: Flyte 2 identifiers carry a non-empty org (see OrgFromEndpoint)")
	}
	if utf8.RuneCountInString(org) > MaxOrgLength {
		return errors.New("passthrough: controlplane." + fn + ": org is longer than 63 characters")
	}
	return nil
}

// OrgFromEndpoint derives the org from a control-plane endpoint as the
// Python SDK does: the first label of a host name with more than two
// labels ("tenant.example.cloud" gives "tenant"). It returns "" for a host
// with two labels or fewer, and for an IP address.
func OrgFromEndpoint(endpoint string) string {
	host := endpoint
	if u, err := url.Parse(endpoint); err == nil && u.Host != "" {
		host = u.Host
	} else if i := strings.Index(host, "://"); i >= 0 {
		host = strings.TrimLeft(host[i+3:], "/") // dns:///host:port has an empty authority
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(host, ".")
	if host == "" || net.ParseIP(strings.Trim(host, "[]")) != nil {
		return ""
	}
	if strings.ContainsAny(host, "/\\") || strings.HasPrefix(endpoint, "unix:") {
		return "" // a unix socket, or a path: no host name
	}
	labels := strings.Split(host, ".")
	if len(labels) <= 2 || labels[0] == "" {
		return ""
	}
	return labels[0]
}

// Close closes the connection.
func (c *Client) Close() error { return c.close() }

// TaskID names a task version, filling in the client's defaults for an
// empty project or domain, and its org.
func (c *Client) TaskID(project, domain, name, version string) *flyte2v1.TaskIdentifier {
	project, domain = c.scope(project, domain)
	return &flyte2v1.TaskIdentifier{Org: c.Org, Project: project, Domain: domain, Name: name, Version: version}
}

// ProjectID names a project and domain, with the client's defaults and org.
func (c *Client) ProjectID(project, domain string) *flyte2v1.ProjectIdentifier {
	project, domain = c.scope(project, domain)
	return &flyte2v1.ProjectIdentifier{Organization: c.Org, Name: project, Domain: domain}
}

// RunID names a run, with the client's defaults and org.
func (c *Client) RunID(project, domain, name string) *flyte2v1.RunIdentifier {
	project, domain = c.scope(project, domain)
	return &flyte2v1.RunIdentifier{Org: c.Org, Project: project, Domain: domain, Name: name}
}

func (c *Client) scope(project, domain string) (string, string) {
	if project == "" {
		project = c.Project
	}
	if domain == "" {
		domain = c.Domain
	}
	return project, domain
}

// UserInfo asks who the call's credentials belong to.
func (c *Client) UserInfo(ctx context.Context, req *flyte2v1.UserInfoRequest) (*flyte2v1.UserInfoResponse, error) {
	return unary[flyte2v1.UserInfoRequest, flyte2v1.UserInfoResponse](ctx, c, UserInfoProcedure, req)
}

// ListTasks lists tasks.
func (c *Client) ListTasks(ctx context.Context, req *flyte2v1.ListTasksRequest) (*flyte2v1.ListTasksResponse, error) {
	return unary[flyte2v1.ListTasksRequest, flyte2v1.ListTasksResponse](ctx, c, ListTasksProcedure, req)
}

// GetTaskDetails returns a task version's typed interface and default
// inputs.
func (c *Client) GetTaskDetails(ctx context.Context, req *flyte2v1.GetTaskDetailsRequest) (*flyte2v1.GetTaskDetailsResponse, error) {
	return unary[flyte2v1.GetTaskDetailsRequest, flyte2v1.GetTaskDetailsResponse](ctx, c, GetTaskDetailsProcedure, req)
}

// CreateRun starts a run.
func (c *Client) CreateRun(ctx context.Context, req *flyte2v1.CreateRunRequest) (*flyte2v1.CreateRunResponse, error) {
	return unary[flyte2v1.CreateRunRequest, flyte2v1.CreateRunResponse](ctx, c, CreateRunProcedure, req)
}

// GetRunDetails returns a run's phase and, once it failed, its error.
func (c *Client) GetRunDetails(ctx context.Context, req *flyte2v1.GetRunDetailsRequest) (*flyte2v1.GetRunDetailsResponse, error) {
	return unary[flyte2v1.GetRunDetailsRequest, flyte2v1.GetRunDetailsResponse](ctx, c, GetRunDetailsProcedure, req)
}

// GetActionData returns an action's inputs and outputs; the run's outputs
// are those of its root action, [RootAction].
func (c *Client) GetActionData(ctx context.Context, req *flyte2v1.GetActionDataRequest) (*flyte2v1.GetActionDataResponse, error) {
	return unary[flyte2v1.GetActionDataRequest, flyte2v1.GetActionDataResponse](ctx, c, GetActionDataProcedure, req)
}

// AbortRun aborts a run.
func (c *Client) AbortRun(ctx context.Context, req *flyte2v1.AbortRunRequest) (*flyte2v1.AbortRunResponse, error) {
	return unary[flyte2v1.AbortRunRequest, flyte2v1.AbortRunResponse](ctx, c, AbortRunProcedure, req)
}

// WatchRunDetails streams a run's details as they change, until the run
// ends, ctx is done or the server closes the stream. The stream is closed
// when the loop over it ends.
func (c *Client) WatchRunDetails(ctx context.Context, req *flyte2v1.WatchRunDetailsRequest) iter.Seq2[*flyte2v1.WatchRunDetailsResponse, error] {
	return func(yield func(*flyte2v1.WatchRunDetailsResponse, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		if c.connect != nil {
			cc := c.connect[WatchRunDetailsProcedure].(*connect.Client[flyte2v1.WatchRunDetailsRequest, flyte2v1.WatchRunDetailsResponse])
			stream, err := cc.CallServerStream(ctx, connect.NewRequest(req))
			if err != nil {
				yield(nil, asStatus(err))
				return
			}
			defer stream.Close()
			for stream.Receive() {
				if !yield(stream.Msg(), nil) {
					return
				}
			}
			if err := stream.Err(); err != nil {
				yield(nil, asStatus(err))
			}
			return
		}
		desc := &grpc.StreamDesc{StreamName: "WatchRunDetails", ServerStreams: true}
		stream, err := c.conn.NewStream(ctx, desc, WatchRunDetailsProcedure)
		if err == nil {
			err = stream.SendMsg(req)
		}
		if err == nil {
			err = stream.CloseSend()
		}
		if err != nil {
			yield(nil, err)
			return
		}
		for {
			msg := new(flyte2v1.WatchRunDetailsResponse)
			if err := stream.RecvMsg(msg); err != nil {
				if err != io.EOF {
					yield(nil, err)
				}
				return
			}
			if !yield(msg, nil) {
				return
			}
		}
	}
}

// unary calls procedure over whichever protocol c speaks.
func unary[Req, Res any, PRes interface {
	*Res
	proto.Message
}](ctx context.Context, c *Client, procedure string, req *Req) (*Res, error) {
	if c.connect != nil {
		cc := c.connect[procedure].(*connect.Client[Req, Res])
		resp, err := cc.CallUnary(ctx, connect.NewRequest(req))
		if err != nil {
			return nil, asStatus(err)
		}
		return resp.Msg, nil
	}
	resp := PRes(new(Res))
	if err := c.conn.Invoke(ctx, procedure, req, resp); err != nil {
		return nil, err
	}
	return resp, nil
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
