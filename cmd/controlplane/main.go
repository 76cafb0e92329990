// Command controlplane runs the development control plane alone, so that a
// webhook runner (or anything else) can reach it with
// FLYTE_ENDPOINT=http://127.0.0.1:8089.
//
// Usage:
//
//	go run ./cmd/controlplane [-listen 127.0.0.1:8089] [-connect-listen 127.0.0.1:8090] [-config users.json]
//
// Without -config it creates two demo users and prints their keys once.
// It serves plaintext gRPC and is meant for loopback development only.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/passthrough-go/passthrough/controlplane/devserver"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8089", "address to serve gRPC on")
	connectListen := flag.String("connect-listen", "127.0.0.1:8090", "address to serve Connect (and gRPC, gRPC-Web over HTTP) on; empty to disable")
	config := flag.String("config", "", "identities file (JSON; see controlplane/devserver); default: two demo users")
	flag.Parse()
	if err := run(*listen, *connectListen, *config); err != nil {
		fmt.Fprintln(os.Stderr, "controlplane:", err)
		os.Exit(1)
	}
}

func run(listen, connectListen, config string) error {
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	var cfg devserver.Config
	var err error
	if config != "" {
		cfg, err = devserver.LoadConfig(config)
	} else {
		cfg, err = devserver.DemoConfig()
	}
	if err != nil {
		return err
	}
	srv, err := devserver.New(cfg, logger)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	if config == "" {
		cfg.WriteExports(os.Stdout)
	}
	logger.Info("development control plane listening", slog.String("grpc", ln.Addr().String()))
	if connectListen != "" {
		cln, err := net.Listen("tcp", connectListen)
		if err != nil {
			return err
		}
		logger.Info("development control plane listening", slog.String("connect", "http://"+cln.Addr().String()))
		go func() { _ = srv.ServeConnect(cln) }()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		srv.Stop()
	}()
	return srv.Serve(ln)
}
