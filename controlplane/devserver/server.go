package devserver

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/passthrough-go/passthrough/connectpassthrough"
	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/controlplanev1"
	"github.com/passthrough-go/passthrough/controlplane/controlplanev1/controlplanev1connect"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
	"github.com/passthrough-go/passthrough/grpcpassthrough"
)

// Server is an in-memory development control plane: API-key identities,
// per-project roles, built-in tasks that really run, and runs that record
// who triggered them. It is for development and tests, not production.
type Server struct {
	controlplanev1.UnimplementedIdentityServiceServer
	controlplanev1.UnimplementedTaskServiceServer
	controlplanev1.UnimplementedRunServiceServer

	logger *slog.Logger
	cfg    Config                      // with defaults
	users  map[[sha256.Size]byte]*User // by hash of the API key
	grpc   *grpc.Server

	mu           sync.Mutex
	tasks        map[string][]*controlplanev1.Task // by org/project/domain/name, oldest version first
	taskVersions int
	runs         map[string]*controlplanev1.Run // by org/project/domain/name
	order        []string                       // run keys, oldest first
	active       map[string]int                 // queued or running runs, by subject

	https   []*http.Server // Connect endpoints, stopped by Stop
	stopped bool           // Stop was called: ServeConnect serves no more

	ctx    context.Context // cancelled by Stop, ends running tasks
	cancel context.CancelFunc
	wg     sync.WaitGroup

	// queueDelay is how long a run stays queued before it starts.
	queueDelay time.Duration
}

// New returns a server for cfg with the built-in tasks registered in the
// demo project. logger may be nil. Log lines name subjects, never keys.
func New(cfg Config, logger *slog.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, errors.New("devserver: " + err.Error())
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	cfg = cfg.withDefaults()
	s := &Server{
		logger:     logger,
		cfg:        cfg,
		users:      make(map[[sha256.Size]byte]*User, len(cfg.Users)),
		tasks:      map[string][]*controlplanev1.Task{},
		runs:       map[string]*controlplanev1.Run{},
		active:     map[string]int{},
		queueDelay: 100 * time.Millisecond,
	}
	for i := range cfg.Users {
		u := cfg.Users[i]
		s.users[sha256.Sum256([]byte(u.APIKey))] = &u
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	for _, t := range builtinTasks(cfg.Org) {
		t.CreatedAt = timestamppb.Now()
		s.tasks[taskKey(t.GetId())] = []*controlplanev1.Task{t}
		s.taskVersions++
	}
	// The server's own passthrough interceptor extracts the credentials;
	// authenticate then maps them onto a user.
	opts := s.credentialOptions()
	idle := time.Duration(cfg.IdleTimeout)
	s.grpc = grpc.NewServer(
		// The limit holds for the decoded size of a compressed message too.
		grpc.MaxRecvMsgSize(cfg.maxRequestBytes()),
		grpc.MaxConcurrentStreams(100),
		grpc.ConnectionTimeout(time.Duration(cfg.ReadTimeout)),
		grpc.KeepaliveParams(keepalive.ServerParameters{MaxConnectionIdle: idle, Time: max(idle, time.Minute), Timeout: 20 * time.Second}),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: 10 * time.Second}),
		grpc.ChainUnaryInterceptor(grpcpassthrough.UnaryServerInterceptor(opts...), s.authenticate),
	)
	controlplanev1.RegisterIdentityServiceServer(s.grpc, s)
	controlplanev1.RegisterTaskServiceServer(s.grpc, s)
	controlplanev1.RegisterRunServiceServer(s.grpc, s)
	return s, nil
}

func (s *Server) credentialOptions() []core.Option {
	return []core.Option{
		core.WithExtractors(extractors.Authorization(), extractors.Header("X-API-Key")),
		core.WithLogger(s.logger),
	}
}

// Serve accepts gRPC connections on ln until [Server.Stop].
func (s *Server) Serve(ln net.Listener) error { return s.grpc.Serve(ln) }

// ServeConnect serves the same API, with the same handlers, as Connect on
// ln until [Server.Stop]; after Stop it closes ln and returns at once. Connect handlers speak the Connect, gRPC and
// gRPC-Web protocols, over HTTP/1.1 and cleartext HTTP/2.
func (s *Server) ServeConnect(ln net.Listener) error {
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	read := time.Duration(s.cfg.ReadTimeout)
	srv := &http.Server{
		Handler:           s.ConnectHandler(),
		Protocols:         &protocols,
		ReadHeaderTimeout: min(read, 10*time.Second),
		ReadTimeout:       read,
		// The API has no streaming call: a response is written at once.
		WriteTimeout:   2 * read,
		IdleTimeout:    time.Duration(s.cfg.IdleTimeout),
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(s.logger.Handler(), slog.LevelDebug),
	}
	s.mu.Lock()
	if s.stopped {
		// Stop came first: nobody would ever shut this server down.
		s.mu.Unlock()
		ln.Close()
		return nil
	}
	s.https = append(s.https, srv)
	s.mu.Unlock()
	err := srv.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// ConnectHandler returns the Connect handlers of the API, behind the same
// passthrough extraction and authentication as the gRPC endpoint. A
// request is decoded no further than the request limit (see
// [Config.MaxInputBytes]), compressed or not.
func (s *Server) ConnectHandler() http.Handler {
	limit := s.cfg.maxRequestBytes()
	opts := connect.WithHandlerOptions(
		connect.WithInterceptors(
			connectpassthrough.ServerInterceptor(s.credentialOptions()...),
			authInterceptor{s},
		),
		connect.WithReadMaxBytes(limit),
	)
	mux := http.NewServeMux()
	mux.Handle(controlplanev1connect.NewIdentityServiceHandler(s, opts))
	mux.Handle(controlplanev1connect.NewTaskServiceHandler(s, opts))
	mux.Handle(controlplanev1connect.NewRunServiceHandler(s, opts))
	// The bytes on the wire are bounded too, with room for framing.
	return http.MaxBytesHandler(mux, int64(limit)+4<<10)
}

// Stop stops serving, lets in-flight calls finish, cancels running tasks
// and waits for them.
func (s *Server) Stop() {
	s.grpc.GracefulStop()
	s.mu.Lock()
	s.stopped = true
	https := s.https
	s.mu.Unlock()
	for _, srv := range https {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = srv.Shutdown(ctx)
		cancel()
	}
	s.cancel()
	s.wg.Wait()
}

// authInterceptor resolves the user, and turns the handlers' gRPC status
// errors into Connect errors with the same code.
type authInterceptor struct{ s *Server }

func (a authInterceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		ctx, err := a.s.resolve(ctx, req.Spec().Procedure)
		if err != nil {
			return nil, asConnect(err)
		}
		resp, err := next(ctx, req)
		return resp, asConnect(err)
	}
}
func (authInterceptor) WrapStreamingClient(n connect.StreamingClientFunc) connect.StreamingClientFunc {
	return n
}
func (authInterceptor) WrapStreamingHandler(n connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return n
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

type userKey struct{}

func (s *Server) authenticate(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	ctx, err := s.resolve(ctx, info.FullMethod)
	if err != nil {
		return nil, err
	}
	return h(ctx, req)
}

// resolve maps the credentials the passthrough interceptor put in ctx onto
// a user, for the gRPC and the Connect endpoints alike.
func (s *Server) resolve(ctx context.Context, method string) (context.Context, error) {
	md, _ := core.FromContext(ctx)
	key := md.Get("x-api-key")
	if auth := md.Get("authorization"); auth != "" {
		scheme, token, ok := strings.Cut(auth, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return nil, status.Error(codes.Unauthenticated, "authorization must be a Bearer API key")
		}
		if key != "" && key != token {
			return nil, status.Error(codes.Unauthenticated, "authorization and x-api-key disagree")
		}
		key = strings.TrimSpace(token)
	}
	u, ok := s.users[sha256.Sum256([]byte(key))]
	if !ok || key == "" {
		s.logger.Info("devserver: unknown API key", slog.String("method", method))
		return nil, status.Error(codes.Unauthenticated, "unknown API key")
	}
	return context.WithValue(ctx, userKey{}, u), nil
}

func caller(ctx context.Context) *User {
	u, _ := ctx.Value(userKey{}).(*User)
	return u
}

// authorize checks that the caller holds at least role in project/domain.
func authorize(ctx context.Context, project, domain string, role Role) (*User, error) {
	u := caller(ctx)
	if u == nil {
		return nil, status.Error(codes.Unauthenticated, "not authenticated")
	}
	if project == "" || domain == "" {
		return nil, status.Error(codes.InvalidArgument, "project and domain are required")
	}
	for _, g := range u.Grants {
		if (g.Project == "*" || g.Project == project) && (g.Domain == "*" || g.Domain == domain) && g.Role.rank() >= role.rank() {
			return u, nil
		}
	}
	return nil, status.Errorf(codes.PermissionDenied, "%s may not %s in %s/%s", u.Subject, verb(role), project, domain)
}

func verb(r Role) string {
	switch r {
	case RoleView:
		return "view tasks"
	case RoleRun:
		return "run tasks"
	}
	return "register tasks"
}

func taskKey(id *controlplanev1.TaskID) string {
	return id.GetOrg() + "/" + id.GetProject() + "/" + id.GetDomain() + "/" + id.GetName()
}

func runKey(org, project, domain, name string) string {
	return org + "/" + project + "/" + domain + "/" + name
}

// WhoAmI implements [controlplanev1.IdentityServiceServer].
func (s *Server) WhoAmI(ctx context.Context, _ *controlplanev1.WhoAmIRequest) (*controlplanev1.WhoAmIResponse, error) {
	u := caller(ctx)
	return &controlplanev1.WhoAmIResponse{Subject: u.Subject, Name: u.Name}, nil
}

// RegisterTask implements [controlplanev1.TaskServiceServer].
func (s *Server) RegisterTask(ctx context.Context, req *controlplanev1.RegisterTaskRequest) (*controlplanev1.RegisterTaskResponse, error) {
	t := req.GetTask()
	id := t.GetId()
	if _, err := authorize(ctx, id.GetProject(), id.GetDomain(), RoleAdmin); err != nil {
		return nil, err
	}
	if id.GetName() == "" || id.GetVersion() == "" {
		return nil, status.Error(codes.InvalidArgument, "task name and version are required")
	}
	if _, ok := executors[t.GetExecutor()]; !ok {
		return nil, status.Errorf(codes.InvalidArgument, "unknown executor %q", t.GetExecutor())
	}
	seen := map[string]bool{}
	for _, in := range t.GetInputs() {
		if in.GetName() == "" || seen[in.GetName()] || in.GetType() == controlplanev1.InputType_INPUT_TYPE_UNSPECIFIED {
			return nil, status.Error(codes.InvalidArgument, "every input needs a unique name and a type")
		}
		seen[in.GetName()] = true
	}
	if n := proto.Size(t); n > maxTaskBytes {
		return nil, status.Errorf(codes.InvalidArgument, "the task is %d bytes; this control plane keeps tasks of at most %d", n, maxTaskBytes)
	}
	t = proto.Clone(t).(*controlplanev1.Task)
	t.CreatedAt = timestamppb.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.taskVersions >= maxTaskVersions {
		return nil, status.Errorf(codes.ResourceExhausted, "this control plane keeps at most %d task versions", maxTaskVersions)
	}
	k := taskKey(id)
	for _, old := range s.tasks[k] {
		if old.GetId().GetVersion() == id.GetVersion() {
			return nil, status.Errorf(codes.AlreadyExists, "task %s version %s exists", id.GetName(), id.GetVersion())
		}
	}
	s.tasks[k] = append(s.tasks[k], t)
	s.taskVersions++
	return &controlplanev1.RegisterTaskResponse{Task: t}, nil
}

// Bounds on registered tasks: with maxListBytes, they keep the task store
// under 16 MiB and every answer under gRPC's default 4 MiB.
const (
	maxTaskBytes    = 16 << 10
	maxTaskVersions = 1000
)

// GetTask implements [controlplanev1.TaskServiceServer].
func (s *Server) GetTask(ctx context.Context, req *controlplanev1.GetTaskRequest) (*controlplanev1.GetTaskResponse, error) {
	id := req.GetId()
	if _, err := authorize(ctx, id.GetProject(), id.GetDomain(), RoleView); err != nil {
		return nil, err
	}
	t, err := s.findTask(id)
	if err != nil {
		return nil, err
	}
	return &controlplanev1.GetTaskResponse{Task: t}, nil
}

func (s *Server) findTask(id *controlplanev1.TaskID) (*controlplanev1.Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	versions := s.tasks[taskKey(id)]
	if len(versions) == 0 {
		return nil, status.Error(codes.NotFound, "task not found")
	}
	if id.GetVersion() == "" {
		return versions[len(versions)-1], nil
	}
	for _, t := range versions {
		if t.GetId().GetVersion() == id.GetVersion() {
			return t, nil
		}
	}
	return nil, status.Error(codes.NotFound, "task version not found")
}

// ListTasks implements [controlplanev1.TaskServiceServer]. It returns the latest
// version of each task, by name, as many as fit in 3 MiB.
func (s *Server) ListTasks(ctx context.Context, req *controlplanev1.ListTasksRequest) (*controlplanev1.ListTasksResponse, error) {
	if _, err := authorize(ctx, req.GetProject(), req.GetDomain(), RoleView); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	prefix := req.GetOrg() + "/" + req.GetProject() + "/" + req.GetDomain() + "/"
	var out []*controlplanev1.Task
	for k, versions := range s.tasks {
		if strings.HasPrefix(k, prefix) {
			out = append(out, versions[len(versions)-1])
		}
	}
	slices.SortFunc(out, func(a, b *controlplanev1.Task) int { return strings.Compare(a.GetId().GetName(), b.GetId().GetName()) })
	size := 0
	for i, t := range out {
		if size += proto.Size(t) + 8; size > maxListBytes {
			out = out[:i]
			break
		}
	}
	return &controlplanev1.ListTasksResponse{Tasks: out}, nil
}

// CreateRun implements [controlplanev1.RunServiceServer].
func (s *Server) CreateRun(ctx context.Context, req *controlplanev1.CreateRunRequest) (*controlplanev1.CreateRunResponse, error) {
	id := req.GetTask()
	u, err := authorize(ctx, id.GetProject(), id.GetDomain(), RoleRun)
	if err != nil {
		return nil, err
	}
	t, err := s.findTask(id)
	if err != nil {
		return nil, err
	}
	if err := controlplane.ValidateInputs(t.GetInputs(), req.GetInputs()); err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	if n := proto.Size(&controlplanev1.CreateRunRequest{Inputs: req.GetInputs()}); n > s.cfg.MaxInputBytes {
		return nil, status.Errorf(codes.InvalidArgument, "inputs are %d bytes; this control plane keeps at most %d per run", n, s.cfg.MaxInputBytes)
	}
	name, err := runName()
	if err != nil {
		return nil, status.Error(codes.Internal, "could not name the run")
	}
	now := timestamppb.Now()
	run := &controlplanev1.Run{
		Org: id.GetOrg(), Project: id.GetProject(), Domain: id.GetDomain(), Name: name,
		Task: proto.Clone(t.GetId()).(*controlplanev1.TaskID), Inputs: req.GetInputs(),
		Phase: controlplanev1.RunPhase_RUN_PHASE_QUEUED, TriggeredBy: u.Subject, CreatedAt: now, UpdatedAt: now,
	}
	s.mu.Lock()
	if err := s.admit(u.Subject); err != nil {
		s.mu.Unlock()
		s.logger.Info("devserver: run refused", slog.String("task", id.GetName()), slog.String("triggered_by", u.Subject), slog.String("reason", status.Convert(err).Message()))
		return nil, err
	}
	k := runKey(run.Org, run.Project, run.Domain, name)
	s.runs[k] = run
	s.order = append(s.order, k)
	s.active[u.Subject]++
	snapshot := proto.Clone(run).(*controlplanev1.Run)
	delay := s.queueDelay
	s.mu.Unlock()

	s.logger.Info("devserver: run created", slog.String("run", name), slog.String("task", id.GetName()), slog.String("triggered_by", u.Subject))
	s.wg.Add(1)
	go s.execute(k, executors[t.GetExecutor()], delay)
	return &controlplanev1.CreateRunResponse{Run: snapshot}, nil
}

// admit makes room for one more run by subject, or says why there is
// none: the user has too many active runs, or every kept run is active.
// The oldest finished run is forgotten to make room. s.mu is held.
func (s *Server) admit(subject string) error {
	if s.active[subject] >= s.cfg.MaxActiveRunsPerUser {
		return status.Errorf(codes.ResourceExhausted, "%s already has %d active runs, the most this control plane allows", subject, s.active[subject])
	}
	if len(s.order) < s.cfg.MaxRuns {
		return nil
	}
	for i, k := range s.order {
		if p := s.runs[k].GetPhase(); p == controlplanev1.RunPhase_RUN_PHASE_SUCCEEDED || p == controlplanev1.RunPhase_RUN_PHASE_FAILED {
			delete(s.runs, k)
			s.order = slices.Delete(s.order, i, i+1)
			return nil
		}
	}
	return status.Errorf(codes.ResourceExhausted, "all %d runs this control plane keeps are still active", len(s.order))
}

// execute moves a run through queued → running → succeeded or failed.
func (s *Server) execute(k string, run executor, delay time.Duration) {
	defer s.wg.Done()
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-s.ctx.Done():
		s.finish(k, nil, errors.New("cancelled: the control plane stopped"))
		return
	}
	s.mu.Lock()
	r := s.runs[k]
	r.Phase = controlplanev1.RunPhase_RUN_PHASE_RUNNING
	r.UpdatedAt = timestamppb.Now()
	inputs := r.Inputs
	s.mu.Unlock()
	out, err := func() (out map[string]*controlplanev1.Literal, err error) {
		defer func() {
			if recover() != nil {
				err = errors.New("the task crashed")
			}
		}()
		return run(s.ctx, inputs)
	}()
	s.finish(k, out, err)
}

func (s *Server) finish(k string, out map[string]*controlplanev1.Literal, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.runs[k]
	r.UpdatedAt = timestamppb.Now()
	s.active[r.GetTriggeredBy()]--
	if s.active[r.GetTriggeredBy()] == 0 {
		delete(s.active, r.GetTriggeredBy())
	}
	if err != nil {
		r.Phase = controlplanev1.RunPhase_RUN_PHASE_FAILED
		r.Error = err.Error()
		return
	}
	r.Phase = controlplanev1.RunPhase_RUN_PHASE_SUCCEEDED
	r.Outputs = out
}

func runName() (string, error) {
	b := make([]byte, 5)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "r" + hex.EncodeToString(b), nil
}

// GetRun implements [controlplanev1.RunServiceServer].
func (s *Server) GetRun(ctx context.Context, req *controlplanev1.GetRunRequest) (*controlplanev1.GetRunResponse, error) {
	if _, err := authorize(ctx, req.GetProject(), req.GetDomain(), RoleView); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.runs[runKey(req.GetOrg(), req.GetProject(), req.GetDomain(), req.GetName())]
	if !ok {
		return nil, status.Error(codes.NotFound, "run not found")
	}
	return &controlplanev1.GetRunResponse{Run: proto.Clone(r).(*controlplanev1.Run)}, nil
}

// ListRuns implements [controlplanev1.RunServiceServer]. It returns the newest runs,
// as many as fit in 3 MiB.
func (s *Server) ListRuns(ctx context.Context, req *controlplanev1.ListRunsRequest) (*controlplanev1.ListRunsResponse, error) {
	if _, err := authorize(ctx, req.GetProject(), req.GetDomain(), RoleView); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	prefix := req.GetOrg() + "/" + req.GetProject() + "/" + req.GetDomain() + "/"
	var out []*controlplanev1.Run
	size := 0
	for i := len(s.order) - 1; i >= 0; i-- {
		if !strings.HasPrefix(s.order[i], prefix) {
			continue
		}
		r := s.runs[s.order[i]]
		if size += proto.Size(r) + 8; size > maxListBytes && len(out) > 0 {
			break
		}
		out = append(out, proto.Clone(r).(*controlplanev1.Run))
	}
	return &controlplanev1.ListRunsResponse{Runs: out}, nil
}

// maxListBytes bounds a ListRuns response, newest runs first, below the
// 4 MiB that gRPC clients accept by default.
const maxListBytes = 3 << 20
