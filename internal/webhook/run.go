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
	// Framework is "gin", "echo" or "fiber".
	Framework string
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
	// Project, Domain and Org are the defaults for calls that name none.
	Project, Domain, Org string
	// Timeout bounds each control-plane call.
	Timeout time.Duration
	// ShutdownTimeout bounds how long in-flight requests may take to finish
	// once ctx is done.
	ShutdownTimeout time.Duration
	// DevConfig configures the embedded control plane; nil means two demo
	// users with fresh keys, printed once to Out.
	DevConfig *devserver.Config
	// Logger receives structured logs; nil discards them.
	Logger *slog.Logger
	// Out receives the start-up banner (the demo keys); nil discards it.
	Out io.Writer
}

// Run serves the webhook until ctx is done, then shuts down gracefully:
// in-flight requests finish (within ShutdownTimeout) before it returns.
func Run(ctx context.Context, o Options) error {
	if !slices.Contains(Frameworks, o.Framework) {
		return fmt.Errorf("unknown framework %q (want one of %s)", o.Framework, strings.Join(Frameworks, ", "))
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
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = 30 * time.Second
	}

	endpoint, insecure := o.Endpoint, o.Insecure
	if endpoint == "" {
		stop, grpcAddr, connectURL, err := startDevServer(o)
		if err != nil {
			return err
		}
		defer stop()
		endpoint, insecure = grpcAddr, true
		if o.Protocol == "connect" {
			endpoint = connectURL
		}
	} else if strings.HasPrefix(strings.ToLower(endpoint), "http://") {
		insecure = true
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
	o.Logger.Info("webhook runner listening", slog.String("addr", o.Listener.Addr().String()),
		slog.String("framework", o.Framework), slog.String("control_plane", endpoint), slog.String("protocol", o.Protocol))
	return svc.Serve(ctx, o.Framework, o.Listener, o.ShutdownTimeout)
}

// Serve serves s on ln with framework ("gin", "echo" or "fiber") until ctx
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
	}
	return fmt.Errorf("unknown framework %q (want one of %s)", framework, strings.Join(Frameworks, ", "))
}

func (s *Service) serveHTTP(ctx context.Context, h http.Handler, ln net.Listener, shutdownTimeout time.Duration) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
	}
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
// gRPC and a Connect endpoint served by the same handlers.
func startDevServer(o Options) (stop func(), grpcAddr, connectURL string, err error) {
	var cfg devserver.Config
	if o.DevConfig != nil {
		cfg = *o.DevConfig
	} else {
		if cfg, err = devserver.DemoConfig(); err != nil {
			return nil, "", "", err
		}
	}
	srv, err := devserver.New(cfg, o.Logger)
	if err != nil {
		return nil, "", "", err
	}
	gln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", "", err
	}
	cln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		gln.Close()
		return nil, "", "", err
	}
	go func() { _ = srv.Serve(gln) }()
	go func() { _ = srv.ServeConnect(cln) }()
	grpcAddr, connectURL = gln.Addr().String(), "http://"+cln.Addr().String()
	o.Logger.Info("no FLYTE_ENDPOINT: started the embedded development control plane",
		slog.String("grpc", grpcAddr), slog.String("connect", connectURL))
	if o.DevConfig == nil {
		PrintDemoKeys(o.Out, cfg, "http://"+o.Listener.Addr().String())
	}
	return srv.Stop, grpcAddr, connectURL, nil
}

// PrintDemoKeys writes the demo users' keys once, for a person starting the
// service, as shell lines ready to paste. It is not a log line.
func PrintDemoKeys(w io.Writer, cfg devserver.Config, base string) {
	cfg.WriteExports(w)
	fmt.Fprintf(w, "export WEBHOOK=%s\n", base)
}
