package devserver

import (
	"context"
	"crypto/sha256"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/grpc"
	"google.golang.org/grpc/keepalive"

	"github.com/passthrough-go/passthrough/connectpassthrough"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
	"github.com/passthrough-go/passthrough/grpcpassthrough"
)

// Server is an in-memory development control plane speaking a subset of
// Flyte 2: API-key identities, per-project roles, tasks that really run
// in-process, and runs that record who executed them. It is for
// development and tests, not production.
type Server struct {
	logger   *slog.Logger
	cfg      Config                      // with defaults
	users    map[[sha256.Size]byte]*User // by hash of the API key
	grpc     *grpc.Server
	arrivals *receiving // of request messages on the gRPC endpoint
	methods  []method

	tasks []*task // in registration order: later is newer
	byID  map[taskKey]*task

	mu      sync.Mutex
	runs    map[runKey]*run
	order   []runKey       // oldest first
	active  map[string]int // queued or running runs, by subject
	watches map[string]int // open WatchRunDetails streams, by subject
	names   *runNames

	https   []*http.Server // Connect endpoints, stopped by Stop
	stopped bool           // Stop was called: ServeConnect serves no more

	ctx    context.Context // cancelled by Stop, ends running tasks
	cancel context.CancelFunc
	wg     sync.WaitGroup

	// queueDelay is how long a run stays queued before it starts.
	queueDelay time.Duration
}

// New returns a server for cfg, with the built-in tasks ([BuiltinTasks])
// and then cfg's tasks registered in cfg's org. logger may be nil. Log
// lines name subjects, never keys.
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
		byID:       map[taskKey]*task{},
		runs:       map[runKey]*run{},
		active:     map[string]int{},
		watches:    map[string]int{},
		queueDelay: 100 * time.Millisecond,
	}
	for i := range cfg.Users {
		u := cfg.Users[i]
		s.users[sha256.Sum256([]byte(u.APIKey))] = &u
	}
	names, err := newRunNames(cfg.MaxRuns)
	if err != nil {
		return nil, errors.New("devserver: drawing the run names' prefix: " + err.Error())
	}
	s.names = names
	tasks, err := registerTasks(cfg.Org, cfg.Tasks, time.Now())
	if err != nil {
		return nil, errors.New("devserver: " + err.Error())
	}
	s.tasks = tasks
	for _, t := range tasks {
		s.byID[keyOfTask(t.id)] = t
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.methods = s.methodList()

	// The server's own passthrough interceptors extract the credentials;
	// resolve then maps them onto a user.
	opts := s.credentialOptions()
	idle := time.Duration(cfg.IdleTimeout)
	s.arrivals = &receiving{timeout: time.Duration(cfg.ReadTimeout), max: maxReceiving}
	s.grpc = grpc.NewServer(
		// The limit holds for the decoded size of a compressed message too.
		grpc.MaxRecvMsgSize(cfg.maxRequestBytes()),
		grpc.MaxConcurrentStreams(100),
		grpc.ConnectionTimeout(time.Duration(cfg.ReadTimeout)),
		// Every call's request message is timed too (see receiving).
		grpc.InTapHandle(s.arrivals.tap),
		grpc.KeepaliveParams(keepalive.ServerParameters{MaxConnectionIdle: idle, Time: max(idle, time.Minute), Timeout: 20 * time.Second}),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: 10 * time.Second}),
		grpc.ChainUnaryInterceptor(grpcpassthrough.UnaryServerInterceptor(opts...)),
		grpc.ChainStreamInterceptor(grpcpassthrough.StreamServerInterceptor(opts...)),
	)
	for _, d := range serviceDescs(s.methods) {
		s.grpc.RegisterService(d, s)
	}
	return s, nil
}

func (s *Server) credentialOptions() []core.Option {
	return []core.Option{
		core.WithExtractors(extractors.Authorization(), extractors.Header("X-API-Key")),
		core.WithLogger(s.logger),
	}
}

// Org is the org the server's tasks are registered in: the [Config]'s, or
// [DefaultOrg].
func (s *Server) Org() string { return s.cfg.Org }

// Serve accepts gRPC connections on ln until [Server.Stop].
func (s *Server) Serve(ln net.Listener) error { return s.grpc.Serve(ln) }

// ServeConnect serves the same API, with the same handlers, on ln until
// [Server.Stop]; after Stop it closes ln and returns at once. Its handlers
// speak the Connect, gRPC and gRPC-Web protocols, over HTTP/1.1 and
// cleartext HTTP/2.
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
		// A unary answer is written at once; a WatchRunDetails stream
		// lasts no longer than the run it watches.
		WriteTimeout:   2*read + maxRunTime + 10*time.Second,
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

// ConnectHandler returns the API's handlers at their upstream procedure
// paths, for the Connect, gRPC and gRPC-Web protocols, behind the same
// passthrough extraction and authentication as the gRPC endpoint. A
// request is decoded no further than the request limit (see
// [Config.MaxInputBytes]), compressed or not.
func (s *Server) ConnectHandler() http.Handler {
	limit := s.cfg.maxRequestBytes()
	opts := []connect.HandlerOption{
		connect.WithInterceptors(connectpassthrough.ServerInterceptor(s.credentialOptions()...)),
		connect.WithReadMaxBytes(limit),
	}
	mux := http.NewServeMux()
	for _, m := range s.methods {
		mux.Handle(m.procedure, m.connect(opts...))
	}
	// The bytes on the wire are bounded too, with room for framing.
	return http.MaxBytesHandler(mux, int64(limit)+4<<10)
}

// Stop cancels running tasks (their runs fail, which ends the streams
// watching them), stops serving, lets in-flight calls finish, and waits
// for the tasks.
func (s *Server) Stop() {
	s.cancel()
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
	s.wg.Wait()
}
