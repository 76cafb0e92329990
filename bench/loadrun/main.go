// Command loadrun measures the webhook runner end to end under load, on
// loopback only: N concurrent callers, each with its own API key, call
// GET /me on the webhook (gin, echo or fiber), which asks the development
// control plane who they are. It compares passthrough (each call carries
// the caller's key) with the same stack using one static service
// credential, and counts responses whose identity does not match the
// caller (must be 0 for passthrough).
//
// Usage:
//
//	go run ./bench/loadrun [-framework all] [-callers 16] [-duration 5s] [-rounds 3]
//
// Load comes from vegeta's attacker (a closed loop of -callers workers, as
// fast as they go); each run is bounded by -duration.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/forward"
	"github.com/passthrough-go/passthrough/internal/webhook"
)

func main() {
	framework := flag.String("framework", "all", "gin, echo, fiber or all")
	callers := flag.Int("callers", 16, "concurrent callers, each with its own key")
	duration := flag.Duration("duration", 5*time.Second, "length of each run")
	rounds := flag.Int("rounds", 3, "alternating passthrough/static rounds per framework")
	flag.Parse()
	if *callers < 1 || *callers > 512 || *duration <= 0 || *duration > 5*time.Minute || *rounds < 1 {
		fmt.Fprintln(os.Stderr, "loadrun: want 1..512 callers, a duration up to 5m and at least one round")
		os.Exit(2)
	}
	frameworks := webhook.Frameworks
	if *framework != "all" {
		if !slices.Contains(webhook.Frameworks, *framework) {
			fmt.Fprintf(os.Stderr, "loadrun: unknown framework %q (want all, %s)\n", *framework, strings.Join(webhook.Frameworks, ", "))
			os.Exit(2)
		}
		frameworks = []string{*framework}
	}
	if err := run(frameworks, *callers, *duration, *rounds); err != nil {
		fmt.Fprintln(os.Stderr, "loadrun:", err)
		os.Exit(1)
	}
}

const serviceKey = "cp_service_account_key_0001"

func run(frameworks []string, callers int, duration time.Duration, rounds int) error {
	cfg := devserver.Config{Users: []devserver.User{
		{Subject: "service", Name: "Shared service account", APIKey: serviceKey, Grants: []devserver.Grant{{Project: "*", Domain: "*", Role: devserver.RoleRun}}},
	}}
	keys := make([]string, callers)
	for i := range keys {
		keys[i] = fmt.Sprintf("cp_caller_%04d_key_0123456789", i)
		cfg.Users = append(cfg.Users, devserver.User{Subject: fmt.Sprintf("caller-%d", i), Name: "Caller", APIKey: keys[i],
			Grants: []devserver.Grant{{Project: "demo", Domain: "*", Role: devserver.RoleView}}})
	}
	cp, err := devserver.New(cfg, nil)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go func() { _ = cp.Serve(ln) }()
	defer cp.Stop()
	endpoint := ln.Addr().String()

	fmt.Printf("| framework | mode | requests/s | p50 | p99 | success | identity mismatches |\n|---|---|---|---|---|---|---|\n")
	for _, fw := range frameworks {
		var thr = map[string][]float64{}
		for range rounds {
			for _, mode := range []string{"passthrough", "static"} {
				r, err := measure(fw, mode, endpoint, keys, duration)
				if err != nil {
					return fmt.Errorf("%s %s: %w", fw, mode, err)
				}
				thr[mode] = append(thr[mode], r.throughput)
				mismatch := fmt.Sprint(r.mismatches)
				if mode == "static" {
					mismatch = fmt.Sprintf("n/a (all %d answered as the service account)", r.requests)
				}
				fmt.Printf("| %s | %s | %.0f | %s | %s | %.2f%% | %s |\n", fw, mode, r.throughput,
					r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond), r.success*100, mismatch)
			}
		}
		fmt.Printf("| %s | **passthrough/static throughput** | %.3f | | | | |\n", fw, mean(thr["passthrough"])/mean(thr["static"]))
	}
	return nil
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

type result struct {
	throughput, success float64
	p50, p99            time.Duration
	requests            uint64
	mismatches          int
}

// staticCreds sends the service account's key on every call.
type staticCreds struct{}

func (staticCreds) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + serviceKey}, nil
}
func (staticCreds) RequireTransportSecurity() bool { return false }

func measure(fw, mode, endpoint string, keys []string, duration time.Duration) (result, error) {
	logger := slog.New(slog.DiscardHandler)
	var svc *webhook.Service
	if mode == "passthrough" {
		cp, err := controlplane.Init("http://"+endpoint, "demo", "development", devserver.DefaultOrg, forward.WithInsecure())
		if err != nil {
			return result{}, err
		}
		defer cp.Close()
		svc = webhook.NewService(cp, 10*time.Second, logger)
	} else {
		conn, err := grpc.NewClient(endpoint, grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithPerRPCCredentials(staticCreds{}))
		if err != nil {
			return result{}, err
		}
		cp := controlplane.NewClient(conn, "demo", "development", devserver.DefaultOrg)
		defer cp.Close()
		svc = webhook.NewStaticService(cp, 10*time.Second, logger)
	}
	base, stop, err := serve(fw, svc)
	if err != nil {
		return result{}, err
	}
	defer stop()

	targets := make([]vegeta.Target, len(keys))
	for i, k := range keys {
		targets[i] = vegeta.Target{Method: http.MethodGet, URL: fmt.Sprintf("%s/me?caller=%d", base, i),
			Header: http.Header{"Authorization": {"Bearer " + k}}}
	}
	attacker := vegeta.NewAttacker(vegeta.Workers(uint64(len(keys))), vegeta.MaxWorkers(uint64(len(keys))),
		vegeta.KeepAlive(true), vegeta.Connections(len(keys)), vegeta.Timeout(10*time.Second))
	var metrics vegeta.Metrics
	mismatches := 0
	for res := range attacker.Attack(vegeta.NewStaticTargeter(targets...), vegeta.Rate{Freq: 0}, duration, fw+"-"+mode) {
		metrics.Add(res)
		if res.Code != http.StatusOK {
			continue
		}
		var me struct{ Subject string }
		_ = json.Unmarshal(res.Body, &me)
		want := "service"
		if mode == "passthrough" {
			_, q, _ := strings.Cut(res.URL, "?caller=")
			want = "caller-" + q
		}
		if me.Subject != want {
			mismatches++
		}
	}
	metrics.Close()
	if metrics.Requests == 0 {
		return result{}, errors.New("no request completed")
	}
	if mode == "static" && mismatches > 0 {
		return result{}, fmt.Errorf("%d static responses were not the service account", mismatches)
	}
	return result{throughput: metrics.Throughput, success: metrics.Success, p50: metrics.Latencies.P50,
		p99: metrics.Latencies.P99, requests: metrics.Requests, mismatches: mismatches}, nil
}

// serve starts the service on loopback with the chosen framework, through
// the same Service.Serve the webhook runner uses.
func serve(fw string, svc *webhook.Service) (base string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Serve(ctx, fw, ln, 10*time.Second) }()
	return "http://" + ln.Addr().String(), func() { cancel(); <-done }, nil
}
