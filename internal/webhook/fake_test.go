package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
)

// fakeFlyte is a Flyte 2 control plane written for the tests, served over
// gRPC and Connect at upstream's procedure paths. It answers every call
// with err, after waiting for release (if set; entered is told when a call
// arrives). Without err, it serves tasks and runs, records every CreateRun
// it is sent, and, when org is set, refuses an identifier in another org:
// what it checks is what the runner sends.
type fakeFlyte struct {
	err     error
	entered chan struct{}
	release chan struct{}
	org     string

	mu      sync.Mutex
	tasks   []fakeTask // in the order they were created
	runs    map[string]*flyte2v1.ActionDetails
	outputs map[string]*flyte2v1.Outputs
	created []*flyte2v1.CreateRunRequest
	auth    []string // the Authorization of each call
}

type fakeTask struct {
	id   *flyte2v1.TaskIdentifier
	spec *flyte2v1.TaskSpec
}

func (f *fakeFlyte) wait(ctx context.Context) error {
	if f.entered != nil {
		f.entered <- struct{}{}
	}
	if f.release != nil {
		select {
		case <-f.release:
		case <-ctx.Done():
			return status.FromContextError(ctx.Err()).Err()
		}
	}
	return f.err
}

// addTask registers a task version, newer than every one before it.
func (f *fakeFlyte) addTask(project, domain, name, version string, spec *flyte2v1.TaskSpec) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tasks = append(f.tasks, fakeTask{&flyte2v1.TaskIdentifier{Org: f.org, Project: project, Domain: domain, Name: name, Version: version}, spec})
}

// finish sets a run's phase, and its outputs or its error.
func (f *fakeFlyte) finish(run string, phase flyte2v1.ActionPhase, outputs *flyte2v1.Outputs, errMsg string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d := f.runs[run]
	d.Status.Phase = phase
	if errMsg != "" {
		d.Result = &flyte2v1.ActionDetails_ErrorInfo{ErrorInfo: &flyte2v1.ErrorInfo{Message: errMsg, Kind: flyte2v1.ErrorInfo_KIND_USER}}
	}
	f.outputs[run] = outputs
}

func (f *fakeFlyte) lastCreated() *flyte2v1.CreateRunRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.created) == 0 {
		return nil
	}
	return f.created[len(f.created)-1]
}

var errWrongOrg = status.Error(codes.InvalidArgument, "an identifier is not in the control plane's org")

func (f *fakeFlyte) checkOrg(orgs ...string) error {
	for _, o := range orgs {
		if f.org != "" && o != f.org {
			return errWrongOrg
		}
	}
	return nil
}

// requestFor is the request message of procedure, nil for one the fake
// does not serve.
func requestFor(procedure string) proto.Message {
	switch procedure {
	case controlplane.UserInfoProcedure:
		return &flyte2v1.UserInfoRequest{}
	case controlplane.ListTasksProcedure:
		return &flyte2v1.ListTasksRequest{}
	case controlplane.GetTaskDetailsProcedure:
		return &flyte2v1.GetTaskDetailsRequest{}
	case controlplane.CreateRunProcedure:
		return &flyte2v1.CreateRunRequest{}
	case controlplane.GetRunDetailsProcedure:
		return &flyte2v1.GetRunDetailsRequest{}
	case controlplane.GetActionDataProcedure:
		return &flyte2v1.GetActionDataRequest{}
	}
	return nil
}

func (f *fakeFlyte) handle(ctx context.Context, auth string, req proto.Message) (proto.Message, error) {
	if err := f.wait(ctx); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.auth = append(f.auth, auth)
	if auth == "" {
		return nil, status.Error(codes.Unauthenticated, "no credentials")
	}
	switch r := req.(type) {
	case *flyte2v1.UserInfoRequest:
		return &flyte2v1.UserInfoResponse{Subject: "fake", Name: "Fake"}, nil
	case *flyte2v1.ListTasksRequest:
		// Only the Python SDK's "latest" query is served.
		want := controlplane.LatestTaskRequest(r.GetProjectId(), nameFilter(r))
		if !proto.Equal(r, want) || r.GetProjectId().GetName() == "" {
			return nil, status.Errorf(codes.InvalidArgument, "not the SDK's latest-version query: %v", r)
		}
		if err := f.checkOrg(r.GetProjectId().GetOrganization()); err != nil {
			return nil, err
		}
		p := r.GetProjectId()
		for i := len(f.tasks) - 1; i >= 0; i-- {
			id := f.tasks[i].id
			if id.GetProject() == p.GetName() && id.GetDomain() == p.GetDomain() && id.GetName() == nameFilter(r) {
				return &flyte2v1.ListTasksResponse{Tasks: []*flyte2v1.Task{{TaskId: id}}}, nil
			}
		}
		return &flyte2v1.ListTasksResponse{}, nil
	case *flyte2v1.GetTaskDetailsRequest:
		if err := f.checkOrg(r.GetTaskId().GetOrg()); err != nil {
			return nil, err
		}
		for _, t := range f.tasks {
			if proto.Equal(t.id, r.GetTaskId()) {
				return &flyte2v1.GetTaskDetailsResponse{Details: &flyte2v1.TaskDetails{TaskId: t.id, Spec: t.spec}}, nil
			}
		}
		return nil, status.Error(codes.NotFound, "no such task version")
	case *flyte2v1.CreateRunRequest:
		if err := f.checkOrg(r.GetProjectId().GetOrganization(), r.GetTaskId().GetOrg()); err != nil {
			return nil, err
		}
		f.created = append(f.created, r)
		name := fmt.Sprintf("r%d", len(f.created))
		id := &flyte2v1.ActionIdentifier{Name: controlplane.RootAction, Run: &flyte2v1.RunIdentifier{
			Org: f.org, Project: r.GetProjectId().GetName(), Domain: r.GetProjectId().GetDomain(), Name: name}}
		meta := &flyte2v1.ActionMetadata{ExecutedBy: &flyte2v1.EnrichedIdentity{Principal: &flyte2v1.EnrichedIdentity_User{
			User: &flyte2v1.User{Id: &flyte2v1.UserIdentifier{Subject: "fake"}}}}}
		f.runs[name] = &flyte2v1.ActionDetails{Id: id, Metadata: meta, Status: &flyte2v1.ActionStatus{Phase: flyte2v1.ActionPhase_ACTION_PHASE_QUEUED}}
		return &flyte2v1.CreateRunResponse{Run: &flyte2v1.Run{Action: &flyte2v1.Action{Id: id, Metadata: meta,
			Status: &flyte2v1.ActionStatus{Phase: flyte2v1.ActionPhase_ACTION_PHASE_QUEUED}}}}, nil
	case *flyte2v1.GetRunDetailsRequest:
		if err := f.checkOrg(r.GetRunId().GetOrg()); err != nil {
			return nil, err
		}
		d, ok := f.runs[r.GetRunId().GetName()]
		if !ok {
			return nil, status.Error(codes.NotFound, "no such run")
		}
		return &flyte2v1.GetRunDetailsResponse{Details: &flyte2v1.RunDetails{Action: proto.Clone(d).(*flyte2v1.ActionDetails)}}, nil
	case *flyte2v1.GetActionDataRequest:
		a := r.GetActionId()
		if err := f.checkOrg(a.GetRun().GetOrg()); err != nil {
			return nil, err
		}
		if a.GetName() != controlplane.RootAction {
			return nil, status.Error(codes.NotFound, "no such action")
		}
		return &flyte2v1.GetActionDataResponse{Outputs: f.outputs[a.GetRun().GetName()]}, nil
	}
	return nil, status.Error(codes.Unimplemented, "not served by the fake")
}

func nameFilter(r *flyte2v1.ListTasksRequest) string {
	for _, fl := range r.GetRequest().GetFilters() {
		if fl.GetField() == "name" && len(fl.GetValues()) == 1 {
			return fl.GetValues()[0]
		}
	}
	return ""
}

// startFake serves f over gRPC and returns its endpoint.
func startFake(t *testing.T, f *fakeFlyte) string {
	return startFakeBoth(t, f)["grpc"]
}

// startFakeBoth serves f over gRPC and over Connect (binary protobuf, as
// the Python SDK calls it) and returns both endpoints.
func startFakeBoth(t *testing.T, f *fakeFlyte) map[string]string {
	t.Helper()
	f.runs, f.outputs = map[string]*flyte2v1.ActionDetails{}, map[string]*flyte2v1.Outputs{}
	return serveAnswers(t, f.handle)
}

// answerFunc answers one call: auth is the call's Authorization.
type answerFunc func(ctx context.Context, auth string, req proto.Message) (proto.Message, error)

// serveAnswers serves handle, for every procedure the fake knows, over
// gRPC and over Connect, and returns both endpoints.
func serveAnswers(t *testing.T, handle answerFunc) map[string]string {
	t.Helper()
	srv := grpc.NewServer(grpc.UnknownServiceHandler(func(_ any, stream grpc.ServerStream) error {
		method, _ := grpc.MethodFromServerStream(stream)
		req := requestFor(method)
		if req == nil {
			return status.Error(codes.Unimplemented, "not served by the fake")
		}
		if err := stream.RecvMsg(req); err != nil {
			return err
		}
		md, _ := metadata.FromIncomingContext(stream.Context())
		resp, err := handle(stream.Context(), strings.Join(md.Get("authorization"), ","), req)
		if err != nil {
			return err
		}
		return stream.SendMsg(resp)
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(srv.Stop)

	mux := http.NewServeMux()
	mux.Handle(connectUnary[flyte2v1.UserInfoRequest, flyte2v1.UserInfoResponse](handle, controlplane.UserInfoProcedure))
	mux.Handle(connectUnary[flyte2v1.ListTasksRequest, flyte2v1.ListTasksResponse](handle, controlplane.ListTasksProcedure))
	mux.Handle(connectUnary[flyte2v1.GetTaskDetailsRequest, flyte2v1.GetTaskDetailsResponse](handle, controlplane.GetTaskDetailsProcedure))
	mux.Handle(connectUnary[flyte2v1.CreateRunRequest, flyte2v1.CreateRunResponse](handle, controlplane.CreateRunProcedure))
	mux.Handle(connectUnary[flyte2v1.GetRunDetailsRequest, flyte2v1.GetRunDetailsResponse](handle, controlplane.GetRunDetailsProcedure))
	mux.Handle(connectUnary[flyte2v1.GetActionDataRequest, flyte2v1.GetActionDataResponse](handle, controlplane.GetActionDataProcedure))
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	return map[string]string{"grpc": "http://" + ln.Addr().String(), "connect": hs.URL}
}

func connectUnary[Req, Res any](handle answerFunc, procedure string) (string, http.Handler) {
	return procedure, connect.NewUnaryHandler(procedure, func(ctx context.Context, r *connect.Request[Req]) (*connect.Response[Res], error) {
		resp, err := handle(ctx, r.Header().Get("Authorization"), any(r.Msg).(proto.Message))
		if err != nil {
			return nil, connect.NewError(connect.Code(status.Code(err)), errors.New(status.Convert(err).Message()))
		}
		return connect.NewResponse(any(resp).(*Res)), nil
	})
}
