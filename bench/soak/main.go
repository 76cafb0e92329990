// Command soak runs the webhook runner under bounded mixed load for a
// while, on loopback only, and reports what it cost and what came back:
// peak and late resident memory of each runner process, the status mix
// per kind of request, and identity mismatches (must be 0).
//
// One runner process per framework (gin, echo, fiber), each with its
// embedded development control plane at its default limits but for
// max_runs (300, so that old runs are forgotten during the soak), is
// started by re-running this binary with -serve. The load on each is paced, not as
// fast as it goes:
//
//   - good callers (each with their own key): GET /me, and runs of hello
//     with their own name, checked for their own identity;
//   - wrong keys and missing keys;
//   - oversized bodies (2 MiB) and gzip bodies (2 MiB once decoded);
//   - inputs over the control plane's per-run limit;
//   - slow clients that send their headers a byte every 100ms, and idle
//     connections, which the runner must drop.
//
// Usage:
//
//	go run ./bench/soak [-duration 60s] [-rate 100]
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/internal/webhook"
)

const (
	callers     = 8
	readTimeout = 2 * time.Second
	idleTimeout = 5 * time.Second
)

func main() {
	serve := flag.Bool("serve", false, "internal: be one runner process")
	framework := flag.String("framework", "", "internal: the runner's framework")
	config := flag.String("dev-config", "", "internal: the runner's control-plane configuration")
	duration := flag.Duration("duration", 60*time.Second, "how long to load each runner (at most 10m)")
	rate := flag.Int("rate", 100, "requests per second to each runner (1..1000)")
	flag.Parse()
	var err error
	if *serve {
		err = runServer(*framework, *config)
	} else {
		if *duration <= 0 || *duration > 10*time.Minute || *rate < 1 || *rate > 1000 {
			fmt.Fprintln(os.Stderr, "soak: want a duration up to 10m and a rate of 1..1000")
			os.Exit(2)
		}
		err = run(*duration, *rate)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

// runServer is one runner process: it prints its address, serves until
// SIGTERM, and exits.
func runServer(framework, config string) error {
	cfg, err := devserver.LoadConfig(config)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Println("READY", ln.Addr().String())
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	return webhook.Run(ctx, webhook.Options{Framework: framework, Listener: ln, DevConfig: &cfg,
		Project: devserver.DemoProject, Domain: devserver.DemoDomain,
		ReadTimeout: readTimeout, IdleTimeout: idleTimeout, Timeout: 5 * time.Second})
}

func key(i int) string { return fmt.Sprintf("cp_soak_caller_%02d_0123456789abcdef", i) }

func run(duration time.Duration, rate int) error {
	dir, err := os.MkdirTemp("", "soak")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	// Fewer kept runs than the default, so that the soak also forgets old
	// runs (about 900 are created per runner per minute at 100/s).
	cfg := devserver.Config{MaxRuns: 300}
	for i := range callers {
		cfg.Users = append(cfg.Users, devserver.User{Subject: fmt.Sprintf("caller-%d", i), Name: "Caller", APIKey: key(i),
			Grants: []devserver.Grant{{Project: devserver.DemoProject, Domain: "*", Role: devserver.RoleRun}}})
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	config := filepath.Join(dir, "users.json")
	if err := os.WriteFile(config, b, 0o600); err != nil {
		return err
	}

	fmt.Printf("soak: %v per framework, %d requests/s each, all frameworks at once; %d good callers; runner read timeout %v, idle timeout %v; control plane max_runs %d\n\n",
		duration, rate, callers, readTimeout, idleTimeout, cfg.MaxRuns)
	results := make([]*result, len(webhook.Frameworks))
	var wg sync.WaitGroup
	errs := make([]error, len(webhook.Frameworks))
	for i, fw := range webhook.Frameworks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = soak(fw, config, duration, rate)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	fmt.Println("| framework | requests | peak RSS (VmHWM) | max RSS, first 10 s | max RSS, last 10 s | identity mismatches | unexpected answers | slow/idle clients dropped |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for i, r := range results {
		fmt.Printf("| %s | %d | %s | %s | %s | %d | %d | %d of %d |\n", webhook.Frameworks[i], r.requests.Load(), mib(r.peak), mib(r.early), mib(r.late),
			r.mismatches.Load(), r.unexpected.Load(), r.dropped.Load(), r.slow.Load())
	}
	fmt.Println()
	fmt.Println("| framework | kind | answers |")
	fmt.Println("|---|---|---|")
	for i, r := range results {
		for _, k := range r.kinds() {
			fmt.Printf("| %s | %s | %s |\n", webhook.Frameworks[i], k, r.mix(k))
		}
	}
	for _, r := range results {
		if r.mismatches.Load() != 0 || r.unexpected.Load() != 0 || r.dropped.Load() != r.slow.Load() {
			return errors.New("identity mismatches, unexpected answers or slow clients not dropped")
		}
	}
	return nil
}

func mib(kb int64) string { return fmt.Sprintf("%.1f MiB", float64(kb)/1024) }

// result is what one runner's soak saw.
type result struct {
	requests, mismatches, unexpected, slow, dropped atomic.Int64
	peak, early, late                               int64 // KiB; written by one goroutine, read after it ends

	mu     sync.Mutex
	counts map[string]map[int]int // kind → status → count
}

func (r *result) count(kind string, status int) {
	r.requests.Add(1)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.counts[kind] == nil {
		r.counts[kind] = map[int]int{}
	}
	r.counts[kind][status]++
}

func (r *result) kinds() []string {
	var ks []string
	for k := range r.counts {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func (r *result) mix(kind string) string {
	var parts []string
	for status, n := range r.counts[kind] {
		s := strconv.Itoa(status)
		if status == closedWhileSending {
			s = "connection closed while sending"
		}
		parts = append(parts, fmt.Sprintf("%d × %s", n, s))
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}

// rss reads a field (VmRSS or VmHWM, in KiB) of a process's status.
func rss(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

func soak(fw, config string, duration time.Duration, rate int) (*result, error) {
	cmd := exec.Command(os.Args[0], "-serve", "-framework", fw, "-dev-config", config)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() || !strings.HasPrefix(sc.Text(), "READY ") {
		return nil, fmt.Errorf("%s: runner did not start: %s", fw, stderr.String())
	}
	addr := strings.TrimPrefix(sc.Text(), "READY ")
	go func() { _, _ = io.Copy(io.Discard, stdout) }()

	r := &result{counts: map[string]map[int]int{}}
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	client := &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}
	l := &loader{addr: "http://" + addr, raw: addr, client: client, r: r, bomb: bomb(), big: strings.Repeat("x", 2<<20)}

	var wg sync.WaitGroup
	// Paced requests: a ticker hands out work to a bounded pool.
	work := make(chan struct{}, 64)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range work {
				l.one()
			}
		}()
	}
	// Slow and idle clients: two at a time, all along.
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				l.slowClient(i%2 == 0)
			}
		}()
	}
	// Memory, every second.
	wg.Add(1)
	go func() {
		defer wg.Done()
		start := time.Now()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			v := rss(cmd.Process.Pid, "VmRSS")
			r.peak = max(r.peak, v)
			if time.Since(start) <= 10*time.Second {
				r.early = max(r.early, v)
			}
			if time.Since(start) >= duration-10*time.Second {
				r.late = max(r.late, v)
			}
		}
	}()
	tick := time.NewTicker(time.Second / time.Duration(rate))
pace:
	for {
		select {
		case <-ctx.Done():
			break pace
		case <-tick.C:
			select {
			case work <- struct{}{}:
			default: // the pool is behind: skip rather than queue
			}
		}
	}
	tick.Stop()
	close(work)
	wg.Wait()
	// The kernel updates VmHWM lazily: take the larger of it and the samples.
	r.peak = max(r.peak, rss(cmd.Process.Pid, "VmHWM"))
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return nil, err
	}
	if err := cmd.Wait(); err != nil {
		return nil, fmt.Errorf("%s: runner exit after SIGTERM: %v: %s", fw, err, stderr.String())
	}
	return r, nil
}

func bomb() string {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write([]byte(`{"name": "x"}` + strings.Repeat(" ", 2<<20)))
	_ = zw.Close()
	return b.String()
}

type loader struct {
	addr, raw string
	client    *http.Client
	r         *result
	bomb, big string
}

type answer struct {
	status int
	body   map[string]any
}

func (l *loader) do(method, path, body string, header ...string) (answer, error) {
	req, err := http.NewRequest(method, l.addr+path, strings.NewReader(body))
	if err != nil {
		return answer{}, err
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode}
	_ = json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&a.body)
	_, _ = io.Copy(io.Discard, resp.Body)
	return a, nil
}

// closedWhileSending stands for "the runner answered 413 and closed the
// connection before the client had sent the whole body".
const closedWhileSending = 0

// one sends one request of a random kind and checks its answer.
func (l *loader) one() {
	i := rand.IntN(callers)
	me := fmt.Sprintf("caller-%d", i)
	auth := "Bearer " + key(i)
	var kind string
	var a answer
	var err error
	var want []int
	switch p := rand.IntN(100); {
	case p < 40:
		kind, want = "good GET /me", []int{200}
		a, err = l.do("GET", "/me", "", "Authorization", auth)
		if err == nil && a.status == 200 && a.body["subject"] != me {
			l.r.mismatches.Add(1)
		}
	case p < 55:
		kind, want = "good POST /run/hello", []int{200, 429}
		a, err = l.do("POST", "/run/hello", `{"name":"`+me+`"}`, "X-API-Key", key(i))
		if err == nil && a.status == 200 && a.body["triggered_by"] != me {
			l.r.mismatches.Add(1)
		}
	case p < 70:
		kind, want = "wrong key", []int{401}
		a, err = l.do("GET", "/me", "", "Authorization", "Bearer cp_soak_wrong_key_0123456789")
	case p < 80:
		kind, want = "missing key", []int{401}
		a, err = l.do("POST", "/run/hello", `{"name":"x"}`)
	case p < 87:
		kind, want = "oversized body (2 MiB)", []int{413}
		a, err = l.do("POST", "/run/hello", `{"name":"`+l.big+`"}`, "Authorization", auth)
	case p < 94:
		kind, want = "gzip body (2 MiB decoded)", []int{415}
		a, err = l.do("POST", "/run/hello", l.bomb, "Authorization", auth, "Content-Encoding", "gzip")
	default:
		kind, want = "input over the control plane's limit (100 KiB)", []int{400}
		a, err = l.do("POST", "/run/hello", `{"name":"`+l.big[:100<<10]+`"}`, "Authorization", auth)
	}
	if err != nil {
		// A 413 may close the connection while the body is still being
		// sent; the client then reports a write error.
		if strings.Contains(kind, "oversized") {
			l.r.count(kind, closedWhileSending)
			return
		}
		l.r.count(kind+" (transport error)", 0)
		l.r.unexpected.Add(1)
		return
	}
	l.r.count(kind, a.status)
	if !slices.Contains(want, a.status) {
		l.r.unexpected.Add(1)
	}
}

// slowClient opens a connection that either sends its headers a byte every
// 100ms or sends nothing, and waits for the runner to close it.
func (l *loader) slowClient(trickle bool) {
	l.r.slow.Add(1)
	conn, err := net.Dial("tcp", l.raw)
	if err != nil {
		return
	}
	defer conn.Close()
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		_, err := io.Copy(io.Discard, conn)
		var ne net.Error
		if !(errors.As(err, &ne) && ne.Timeout()) {
			l.r.dropped.Add(1)
		}
	}()
	if trickle {
		head := "GET /me HTTP/1.1\r\nHost: x\r\n" + strings.Repeat("X-Slow: y\r\n", 1000) + "\r\n"
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
	send:
		for i := range len(head) {
			if _, err := conn.Write([]byte{head[i]}); err != nil {
				break
			}
			select {
			case <-closed:
				break send
			case <-tick.C:
			}
		}
	}
	<-closed
}
