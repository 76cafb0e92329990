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
//	go run ./cmd/webhook-runner [-framework gin|echo|fiber] [-listen 127.0.0.1:8080] [-protocol grpc|connect]
//
// Environment:
//
//	FLYTE_ENDPOINT                     control plane to call (host:port, dns:///…, https://…, http://… for plaintext)
//	FLYTE_INSECURE                     "true" allows plaintext to a host:port endpoint
//	FLYTE_INTERNAL_EXECUTION_PROJECT   default project (default "demo")
//	FLYTE_INTERNAL_EXECUTION_DOMAIN    default domain (default "development")
//	FLYTE_ORG                          org sent with task and run names
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/internal/webhook"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "webhook-runner:", err)
		os.Exit(1)
	}
}

func run() error {
	framework := flag.String("framework", "gin", "web framework: gin, echo or fiber")
	listen := flag.String("listen", "127.0.0.1:8080", "address to serve HTTP on")
	protocol := flag.String("protocol", "grpc", "how to call the control plane: grpc, or connect (FLYTE_ENDPOINT is then a base URL)")
	timeout := flag.Duration("timeout", 10*time.Second, "timeout of each control-plane call")
	shutdown := flag.Duration("shutdown-timeout", 30*time.Second, "how long in-flight requests may take to finish on SIGINT/SIGTERM")
	devConfig := flag.String("dev-config", "", "identities file for the embedded control plane (JSON; see controlplane/devserver); default: two demo users")
	logLevel := flag.String("log-level", "info", "debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

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

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return webhook.Run(ctx, webhook.Options{
		Framework:       *framework,
		Listener:        ln,
		Endpoint:        os.Getenv("FLYTE_ENDPOINT"),
		Insecure:        insecure,
		Protocol:        *protocol,
		Project:         envOr("FLYTE_INTERNAL_EXECUTION_PROJECT", devserver.DemoProject),
		Domain:          envOr("FLYTE_INTERNAL_EXECUTION_DOMAIN", devserver.DemoDomain),
		Org:             os.Getenv("FLYTE_ORG"),
		Timeout:         *timeout,
		ShutdownTimeout: *shutdown,
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
