package webhook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/forward"
)

// Options configure [Run].
type Options struct {
	// Framework is one of [Frameworks], or a key of Servers.
	Framework string
	// Servers serve the webhook on frameworks this package does not import:
	// Fiber v3, whose adapter is a module of its own (docs/modules.md), is
	// served by the runner's module.
	Servers map[string]Server
	// Listener is where the webhook serves HTTP.
	Listener net.Listener
	// Endpoint is the control plane to call. Empty starts the development
	// control plane in-process on loopback. An http:// endpoint is
	// plaintext; anything else uses TLS unless Insecure is set.
	Endpoint string
	Insecure bool
	// Protocol is how to reach the control plane: "grpc" (the default) or
	// "connect" (then Endpoint is a base URL such as http://127.0.0.1:8090).
	Protocol string
	// Project and Domain are the defaults for calls that name none.
	Project, Domain string
	// Org is sent in every task, run and project identifier (FLYTE_ORG).
	// Empty takes it from Endpoint's host, as the Python SDK does
	// ([controlplane.OrgFromEndpoint]), and Run refuses to start if that
	// gives none; with no Endpoint, the embedded control plane's org is used
	// (its configuration's, else this one, else its default).
	Org string
	// Timeout bounds each control-plane call.
	Timeout time.Duration
	// ShutdownTimeout bounds how long in-flight requests may take to finish
	// once ctx is done.
	ShutdownTimeout time.Duration
	// ReadTimeout bounds how long a client may take to send a request,
	// headers and body (default 30s); IdleTimeout how long a keep-alive
	// connection may wait for its next request (default 2m). Responses must
	// be written within ReadTimeout + Timeout + 5s. The embedded control
	// plane uses them too, unless DevConfig sets its own.
	ReadTimeout, IdleTimeout time.Duration
	// DevConfig configures the embedded control plane; nil means two demo
	// users with fresh keys, printed once to Out.
	DevConfig *devserver.Config
	// Logger receives structured logs; nil discards them.
	Logger *slog.Logger
	// Out receives the start-up banner (the demo keys); nil discards it.
	Out io.Writer
}

// errNoOrg refuses to call a control plane with no org: Flyte 2's task and
// run identifiers need one, and a server that enforces its validation
// rules rejects every request without it.
var errNoOrg = errors.New("passthrough: no org for FLYTE_ENDPOINT: set FLYTE_ORG (Flyte 2's task and run identifiers need a non-empty org; " +
	"it is derived from the endpoint only when its host has more than two labels, as tenant.example.cloud gives tenant)")

// Run serves the webhook until ctx is done, then shuts down gracefully:
// in-flight requests finish (within ShutdownTimeout) before it returns.
func Run(ctx context.Context, o Options) error {
	serve := o.Servers[o.Framework]
	if serve == nil {
		if !slices.Contains(Frameworks, o.Framework) {
			return fmt.Errorf("unknown framework %q (want one of %s)", o.Framework, strings.Join(Frameworks, ", "))
		}
		fw := o.Framework
		serve = func(ctx context.Context, s *Service, ln net.Listener, shutdownTimeout time.Duration) error {
			return s.Serve(ctx, fw, ln, shutdownTimeout)
		}
	}
	if o.Listener == nil {
		return errors.New("no listener")
	}
	switch o.Protocol {
	case "":
		o.Protocol = "grpc"
	case "grpc", "connect":
	default:
		return fmt.Errorf("unknown protocol %q (want grpc or connect)", o.Protocol)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"timeout", o.Timeout}, {"shutdown timeout", o.ShutdownTimeout}, {"read timeout", o.ReadTimeout}, {"idle timeout", o.IdleTimeout}} {
		if d.v < 0 {
			return fmt.Errorf("%s must be positive, not %v", d.name, d.v)
		}
	}
	if o.Timeout == 0 {
		o.Timeout = 10 * time.Second
	}
	if o.ShutdownTimeout == 0 {
		o.ShutdownTimeout = 30 * time.Second
	}
	if o.ReadTimeout == 0 {
		o.ReadTimeout = defaultReadTimeout
	}
	if o.IdleTimeout == 0 {
		o.IdleTimeout = defaultIdleTimeout
	}

	endpoint, insecure := o.Endpoint, o.Insecure
	var devCfg devserver.Config
	if endpoint == "" {
		var stop func()
		var grpcAddr, connectURL string
		var err error
		devCfg, stop, grpcAddr, connectURL, err = startDevServer(o)
		if err != nil {
			return err
		}
		defer stop()
		endpoint, insecure = grpcAddr, true
		if o.Protocol == "connect" {
			endpoint = connectURL
		}
		o.Org = devCfg.Org
	} else {
		if strings.HasPrefix(strings.ToLower(endpoint), "http://") && !insecure {
			// Plaintext is declared, never inferred from the URL.
			return fmt.Errorf("passthrough: FLYTE_ENDPOINT is a plaintext http:// URL; set FLYTE_INSECURE=true to send credentials over it (loopback development only), or use https://")
		}
		if o.Org == "" {
			o.Org = controlplane.OrgFromEndpoint(endpoint)
		}
		if o.Org == "" {
			return errNoOrg
		}
	}
	var cp *controlplane.Client
	var err error
	var fwd []forward.Option
	if insecure {
		fwd = append(fwd, forward.WithInsecure())
	}
	if o.Protocol == "connect" {
		cp, err = controlplane.InitConnect(endpoint, o.Project, o.Domain, o.Org, &http.Client{Timeout: o.Timeout}, fwd...)
	} else {
		cp, err = controlplane.Init(endpoint, o.Project, o.Domain, o.Org, fwd...)
	}
	if err != nil {
		return err
	}
	defer cp.Close()

	svc := NewService(cp, o.Timeout, o.Logger)
	svc.readTimeout, svc.idleTimeout = o.ReadTimeout, o.IdleTimeout
	// Everything is bound and built: only now show the demo keys.
	if o.Endpoint == "" && o.DevConfig == nil {
		PrintDemoKeys(o.Out, devCfg, "http://"+o.Listener.Addr().String())
	}
	o.Logger.Info("webhook runner listening", slog.String("addr", o.Listener.Addr().String()),
		slog.String("framework", o.Framework), slog.String("control_plane", endpoint), slog.String("protocol", o.Protocol), slog.String("org", o.Org))
	return serve(ctx, svc, o.Listener, o.ShutdownTimeout)
}

// Serve serves s on ln with framework (one of [Frameworks]) until ctx
// is done, then shuts down, letting in-flight requests finish within
// shutdownTimeout.
func (s *Service) Serve(ctx context.Context, framework string, ln net.Listener, shutdownTimeout time.Duration) error {
	switch framework {
	case "fiber":
		return s.serveFiber(ctx, ln, shutdownTimeout)
	case "gin":
		return s.serveHTTP(ctx, s.GinHandler(), ln, shutdownTimeout)
	case "echo":
		return s.serveHTTP(ctx, s.EchoHandler(), ln, shutdownTimeout)
	case "echo5":
		return s.serveHTTP(ctx, s.Echo5Handler(), ln, shutdownTimeout)
	}
	return fmt.Errorf("unknown framework %q (want one of %s)", framework, strings.Join(Frameworks, ", "))
}

func (s *Service) serveHTTP(ctx context.Context, h http.Handler, ln net.Listener, shutdownTimeout time.Duration) error {
	srv := s.httpServer(h)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.logger.Info("shutting down: waiting for in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	<-errc
	return nil
}

func (s *Service) serveFiber(ctx context.Context, ln net.Listener, shutdownTimeout time.Duration) error {
	app := s.FiberApp()
	errc := make(chan error, 1)
	go func() { errc <- app.Listener(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.logger.Info("shutting down: waiting for in-flight requests")
	if err := app.ShutdownWithTimeout(shutdownTimeout); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	<-errc
	return nil
}

// startDevServer starts the development control plane on loopback, with a
// gRPC and a Connect endpoint served by the same handlers. Its org is its
// configuration's, else o.Org (FLYTE_ORG), else its default; the
// configuration returned says which.
func startDevServer(o Options) (cfg devserver.Config, stop func(), grpcAddr, connectURL string, err error) {
	if o.DevConfig != nil {
		cfg = *o.DevConfig
	} else {
		if cfg, err = devserver.DemoConfig(); err != nil {
			return cfg, nil, "", "", err
		}
	}
	switch {
	case cfg.Org == "" && o.Org == "":
		cfg.Org = devserver.DefaultOrg
	case cfg.Org == "":
		cfg.Org = o.Org
	case o.Org != "" && cfg.Org != o.Org:
		return cfg, nil, "", "", fmt.Errorf("the org %q (FLYTE_ORG) is not the embedded control plane's org %q", o.Org, cfg.Org)
	}
	if cfg.ReadTimeout == 0 {
		cfg.ReadTimeout = devserver.Duration(o.ReadTimeout)
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = devserver.Duration(o.IdleTimeout)
	}
	srv, err := devserver.New(cfg, o.Logger)
	if err != nil {
		return cfg, nil, "", "", err
	}
	gln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return cfg, nil, "", "", err
	}
	cln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		gln.Close()
		return cfg, nil, "", "", err
	}
	go func() { _ = srv.Serve(gln) }()
	go func() { _ = srv.ServeConnect(cln) }()
	grpcAddr, connectURL = gln.Addr().String(), "http://"+cln.Addr().String()
	o.Logger.Info("no FLYTE_ENDPOINT: started the embedded development control plane",
		slog.String("grpc", grpcAddr), slog.String("connect", connectURL))
	return cfg, srv.Stop, grpcAddr, connectURL, nil
}

// PrintDemoKeys writes the demo users' keys once, for a person starting the
// service, as shell lines ready to paste. It is not a log line.
func PrintDemoKeys(w io.Writer, cfg devserver.Config, base string) {
	cfg.WriteExports(w)
	if strings.ContainsAny(base, "[]'") { // an IPv6 address: brackets are a shell pattern
		base = "'" + strings.ReplaceAll(base, "'", "") + "'"
	}
	fmt.Fprintf(w, "export WEBHOOK=%s\n", base)
}
