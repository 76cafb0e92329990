package conformance

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
)

func (s suite) panickingExtractor(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(&lockedWriter{w: &logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	boom := extractors.Func("x-boom", func(r extractors.Request) (string, bool) {
		if v := r.Values("X-Boom"); len(v) > 0 {
			panic("extractor exploded holding " + v[0])
		}
		return "", false
	})
	rec := &recorder{}
	c := s.h.Serve(t, []core.Option{core.WithLogger(logger), core.WithExtractors(boom, extractors.Authorization())}, rec.handle)
	secret := "Bearer panic-canary-5150"
	r := s.send(t, c, get("/protected", "X-Boom", secret, "Authorization", token))
	expectForwarded(t, "a panicking extractor is treated as absent", r[0], rec, core.Pair{Key: "authorization", Value: token})
	r = s.send(t, c, get("/protected", "X-Boom", secret))
	expectRefused(t, "only a panicking extractor: no credentials", r[0], rec, 401)
	r = s.send(t, c, get("/protected", "Authorization", token))
	expectForwarded(t, "server keeps serving after a panic", r[0], rec, core.Pair{Key: "authorization", Value: token})
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logs.String(), "panicked") {
		t.Errorf("a recovered extractor panic must be logged; logs: %s", logs.String())
	}
	if strings.Contains(logs.String(), "panic-canary-5150") {
		t.Errorf("the panic value held a credential and reached the log")
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (s suite) noSecretInLogsOrBodies(t *testing.T) {
	t.Parallel()
	const canary = "canary-7f3a9c"
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(&lockedWriter{w: &logs, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var printed []string
	var pmu sync.Mutex
	handler := func(ctx context.Context) {
		md, _ := core.FromContext(ctx)
		var b bytes.Buffer
		slog.New(slog.NewTextHandler(&b, nil)).Info("md", "md", md)
		pmu.Lock()
		printed = append(printed, fmt.Sprintf("%v %+v %#v %s", md, md, md, md), md.String(), b.String())
		pmu.Unlock()
	}
	c := s.h.Serve(t, []core.Option{core.WithLogger(logger), core.WithMaxValueSize(64),
		core.WithExtractors(extractors.Authorization(), extractors.Cookie(), extractors.Header("X-API-Key"))}, handler)
	reqs := [][]string{
		{"Authorization", "Bearer " + canary},
		{"Authorization", "Bearer " + canary + s.malformed()},
		{"Authorization", "Bearer " + canary, "Authorization", "Bearer " + canary},
		{"Cookie", "s=" + canary + strings.Repeat("x", 64)},
		{"X-API-Key", canary, "Cookie", "s=" + canary},
	}
	for _, fields := range reqs {
		r := s.send(t, c, get("/protected", fields...))
		if bytes.Contains(r[0].Body, []byte(canary)) {
			t.Errorf("response body %q contains the credential", r[0].Body)
		}
		for name, vs := range r[0].Header {
			for _, v := range vs {
				if strings.Contains(v, canary) {
					t.Errorf("response header %s contains the credential", name)
				}
			}
		}
	}
	pmu.Lock()
	defer pmu.Unlock()
	if len(printed) == 0 {
		t.Fatal("no request with valid credentials reached the handler")
	}
	for _, p := range printed {
		if strings.Contains(p, canary) {
			t.Errorf("formatting Metadata printed a credential: %q", p)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Contains(logs.String(), canary) {
		t.Errorf("a credential reached the log: %s", logs.String())
	}
}

func (s suite) concurrentIsolation(t *testing.T) {
	t.Parallel()
	const callers, perCaller = 8, 25
	c, rec := s.serve(t, core.WithExtractors(extractors.Authorization(), extractors.Header("X-Conformance-Caller")))
	var wg sync.WaitGroup
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reqs := make([]Request, perCaller)
			for j := range reqs {
				reqs[j] = get(s.p("/protected"), "Authorization", fmt.Sprintf("Bearer caller-%02d-token", i), "X-Conformance-Caller", fmt.Sprintf("%02d", i))
			}
			resps, err := c.Exchange(t.Context(), reqs...)
			if err != nil {
				t.Errorf("caller %d: %v", i, err)
				return
			}
			for _, r := range resps {
				if r.Status != 200 {
					t.Errorf("caller %d: status %d, want 200", i, r.Status)
				}
			}
		}()
	}
	wg.Wait()
	calls := rec.take()
	if len(calls) != callers*perCaller {
		t.Fatalf("handler ran %d times, want %d", len(calls), callers*perCaller)
	}
	for _, call := range calls {
		id := call.md.Get("x-conformance-caller")
		if want := "Bearer caller-" + id + "-token"; call.md.Get("authorization") != want {
			t.Errorf("concurrent requests mixed up: caller %q saw authorization %q, want %q", id, call.md.Get("authorization"), want)
		}
	}
}

func (s suite) metadataOutlivesRequest(t *testing.T) {
	t.Parallel()
	type late struct {
		md core.Metadata
		ok bool
	}
	release := make(chan struct{})
	results := make(chan late, 2)
	handler := func(ctx context.Context) {
		go func() {
			<-release
			md, ok := core.FromContext(ctx)
			// Read through Pairs as well: the copy must hold its own bytes.
			_ = md.Pairs()
			results <- late{md, ok}
		}()
	}
	c := s.h.Serve(t, []core.Option{core.WithLogger(slog.New(slog.DiscardHandler))}, handler)
	first, second := "Bearer AAAAAAAAAAAAAAAA", "Bearer BBBBBBBBBBBBBBBB"
	r := send(t, c,
		get("/protected/one", "Authorization", first, "Cookie", "k=AAAA"),
		get("/protected/two", "Authorization", second, "Cookie", "k=BBBB"))
	for i, resp := range r {
		if resp.Status != 200 {
			t.Fatalf("request %d on the keep-alive connection: status %d, want 200", i, resp.Status)
		}
	}
	close(release)
	got := map[string]bool{}
	for range 2 {
		l := <-results
		if !l.ok {
			t.Fatal("a goroutine started by the handler lost the Metadata after the handler returned")
		}
		got[l.md.Get("authorization")+"|"+l.md.Get("cookie")] = true
	}
	for _, want := range []string{first + "|k=AAAA", second + "|k=BBBB"} {
		if !got[want] {
			t.Errorf("after a second request on the same connection, a goroutine of the first saw other values: got %v, want %q among them (values kept from the request must be copies)", got, want)
		}
	}
}
