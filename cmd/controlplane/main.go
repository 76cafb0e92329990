// Command controlplane runs the development control plane alone, so that a
// webhook runner (or anything else) can reach it with
// FLYTE_ENDPOINT=http://127.0.0.1:8089 FLYTE_INSECURE=true.
//
// Usage:
//
//	go run ./cmd/controlplane [-listen 127.0.0.1:8089] [-connect-listen 127.0.0.1:8090] [-config users.json]
//
// It serves a subset of the Flyte 2 API (see controlplane/devserver). Its
// tasks are in the org FLYTE_ORG names, or demo-org. Without -config it
// creates two demo users and prints the org and their keys once. It serves
// plaintext gRPC and Connect and is meant for loopback development only.
// Run it with -help for the flags and the API it serves.
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
	"syscall"

	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/internal/flagcheck"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "controlplane:", err)
		os.Exit(1)
	}
}

func usage(fs *flag.FlagSet) func() {
	return func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: controlplane [flags]\n\nThe in-memory development control plane, a subset of Flyte 2, over gRPC and\nConnect. Plaintext: for loopback development only.\n\nFlags:\n")
		fs.PrintDefaults()
		fmt.Fprintf(w, "\nThe -config file (JSON) sets the users and the limits:\n"+
			"  users, org (default %q), tasks, max_runs (default %d), max_input_bytes (default %d),\n"+
			"  max_active_runs_per_user (default %d), max_watches_per_user (default %d),\n"+
			"  read_timeout (default %q), idle_timeout (default %q)\n",
			devserver.DefaultOrg, devserver.DefaultMaxRuns, devserver.DefaultMaxInputBytes, devserver.DefaultMaxActiveRunsPerUser,
			devserver.DefaultMaxWatchesPerUser,
			devserver.DefaultReadTimeout.String(), devserver.DefaultIdleTimeout.String())
		fmt.Fprintf(w, "\nEnvironment:\n  FLYTE_ORG  the org the tasks are registered in (default %q; a -config file naming\n             another org is refused)\n", devserver.DefaultOrg)
		fmt.Fprintf(w, "\nCalls (authenticated with Authorization: Bearer <key> or X-API-Key: <key>):\n")
		for _, p := range devserver.Procedures() {
			fmt.Fprintf(w, "  %s\n", p)
		}
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("controlplane", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:8089", "address to serve gRPC on")
	connectListen := fs.String("connect-listen", "127.0.0.1:8090", "address to serve Connect (and gRPC, gRPC-Web over HTTP) on; empty to disable")
	config := fs.String("config", "", "configuration file (JSON; see controlplane/devserver); default: two demo users")
	fs.Usage = usage(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if err := flagcheck.Address(*listen); err != nil {
		return fmt.Errorf("-listen: %w", err)
	}
	if *connectListen != "" {
		if err := flagcheck.Address(*connectListen); err != nil {
			return fmt.Errorf("-connect-listen: %w", err)
		}
	}

	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	var cfg devserver.Config
	var err error
	if *config != "" {
		cfg, err = devserver.LoadConfig(*config)
	} else {
		cfg, err = devserver.DemoConfig()
	}
	if err != nil {
		return err
	}
	if org := os.Getenv("FLYTE_ORG"); org != "" {
		if cfg.Org != "" && cfg.Org != org {
			return fmt.Errorf("FLYTE_ORG is %q but %s names the org %q", org, *config, cfg.Org)
		}
		cfg.Org = org
	}
	srv, err := devserver.New(cfg, logger)
	if err != nil {
		return err
	}
	// Bind every listener before printing anything.
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	var cln net.Listener
	if *connectListen != "" {
		if cln, err = net.Listen("tcp", *connectListen); err != nil {
			ln.Close()
			return err
		}
	}
	if *config == "" {
		cfg.WriteExports(os.Stdout)
	}
	logger.Info("development control plane listening", slog.String("grpc", ln.Addr().String()), slog.String("org", srv.Org()))
	if cln != nil {
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
