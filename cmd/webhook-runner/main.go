// Command webhook-runner is an HTTP webhook that runs tasks on a control
// plane as its caller: the caller's Authorization or X-API-Key header
// travels with every control-plane call, so the control plane authorizes
// and audits the real user.
//
// With no FLYTE_ENDPOINT it starts a development control plane in-process
// on loopback, with two demo users whose keys it prints once.
//
// Usage:
//
//	go run -C cmd/webhook-runner . [-framework gin|echo|echo5|fiber|fiber3] [-listen 127.0.0.1:8080] [-protocol grpc|connect]
//
// It is a module of its own, so that Fiber v3's fasthttp stays out of the
// root module (docs/modules.md); go run -C runs it from the repository root.
//
// Run it with -help for every flag, environment variable and route.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/internal/flagcheck"
	"github.com/passthrough-go/passthrough/internal/webhook"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "webhook-runner:", err)
		os.Exit(1)
	}
}

// environment is what the runner reads from its environment.
var environment = []struct{ name, doc string }{
	{"FLYTE_ENDPOINT", "control plane to call (host:port, dns:///…, https://…, http://… for plaintext with FLYTE_INSECURE=true); empty starts the embedded development control plane"},
	{"FLYTE_INSECURE", `"true" allows plaintext (an http:// or host:port endpoint); never inferred from the URL`},
	{"FLYTE_INTERNAL_EXECUTION_PROJECT", `default project (default "` + devserver.DemoProject + `")`},
	{"FLYTE_INTERNAL_EXECUTION_DOMAIN", `default domain (default "` + devserver.DemoDomain + `")`},
	{"FLYTE_ORG", "org sent in every task, run and project identifier; default: the first label of FLYTE_ENDPOINT's host when it has more than two labels, else required with FLYTE_ENDPOINT (the embedded control plane's is " + devserver.DefaultOrg + ")"},
}

func usage(fs *flag.FlagSet) func() {
	return func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: webhook-runner [flags]\n\nRuns tasks on a control plane as the caller: the caller's Authorization or\nX-API-Key header travels with every control-plane call.\n\nFlags:\n")
		fs.PrintDefaults()
		fmt.Fprintf(w, "\nEnvironment:\n")
		for _, e := range environment {
			fmt.Fprintf(w, "  %-34s %s\n", e.name, e.doc)
		}
		fmt.Fprintf(w, "\nRoutes (request bodies: at most %d bytes, not compressed):\n", webhook.MaxBodySize)
		for _, r := range webhook.Routes {
			fmt.Fprintf(w, "  %-52s %s\n", r.Method+" "+r.Path, r.Doc)
		}
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("webhook-runner", flag.ContinueOnError)
	framework := fs.String("framework", "gin", "web framework: "+strings.Join(frameworks(), ", "))
	listen := fs.String("listen", "127.0.0.1:8080", "address to serve HTTP on (host:port; 0.0.0.0:8080 in a container)")
	protocol := fs.String("protocol", "grpc", "how to call the control plane: grpc, or connect (FLYTE_ENDPOINT is then a base URL)")
	timeout := fs.Duration("timeout", 10*time.Second, "timeout of each request's control-plane calls (> 0)")
	shutdown := fs.Duration("shutdown-timeout", 30*time.Second, "how long in-flight requests may take to finish on SIGINT/SIGTERM (> 0)")
	readTimeout := fs.Duration("read-timeout", 30*time.Second, "how long a client may take to send a request, headers and body (> 0)")
	idleTimeout := fs.Duration("idle-timeout", 2*time.Minute, "how long a keep-alive connection may wait for its next request (> 0)")
	devConfig := fs.String("dev-config", "", "configuration file of the embedded control plane (JSON; see controlplane/devserver); default: two demo users")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	fs.Usage = usage(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}

	// Everything is checked before anything is bound or printed.
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	for _, d := range []struct {
		flag string
		v    time.Duration
	}{{"-timeout", *timeout}, {"-shutdown-timeout", *shutdown}, {"-read-timeout", *readTimeout}, {"-idle-timeout", *idleTimeout}} {
		if d.v <= 0 {
			return fmt.Errorf("%s must be positive, not %v", d.flag, d.v)
		}
	}
	if err := flagcheck.Address(*listen); err != nil {
		return fmt.Errorf("-listen: %w", err)
	}
	if !slices.Contains(frameworks(), *framework) {
		return fmt.Errorf("-framework: unknown framework %q (want one of %s)", *framework, strings.Join(frameworks(), ", "))
	}
	if *protocol != "grpc" && *protocol != "connect" {
		return fmt.Errorf("-protocol: unknown protocol %q (want grpc or connect)", *protocol)
	}
	insecure := false
	if v := os.Getenv("FLYTE_INSECURE"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("FLYTE_INSECURE: want true or false")
		}
		insecure = b
	}
	var cfg *devserver.Config
	if *devConfig != "" {
		c, err := devserver.LoadConfig(*devConfig)
		if err != nil {
			return err
		}
		cfg = &c
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return webhook.Run(ctx, webhook.Options{
		Framework:       *framework,
		Servers:         servers,
		Listener:        ln,
		Endpoint:        os.Getenv("FLYTE_ENDPOINT"),
		Insecure:        insecure,
		Protocol:        *protocol,
		Project:         envOr("FLYTE_INTERNAL_EXECUTION_PROJECT", devserver.DemoProject),
		Domain:          envOr("FLYTE_INTERNAL_EXECUTION_DOMAIN", devserver.DemoDomain),
		Org:             os.Getenv("FLYTE_ORG"),
		Timeout:         *timeout,
		ShutdownTimeout: *shutdown,
		ReadTimeout:     *readTimeout,
		IdleTimeout:     *idleTimeout,
		DevConfig:       cfg,
		Logger:          logger,
		Out:             os.Stdout,
	})
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
