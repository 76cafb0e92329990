package webhook_test

import (
	"bufio"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/passthrough-go/passthrough/internal/webhook"
)

// logLines parses JSON log lines.
func logLines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

func findLog(lines []map[string]any, match func(map[string]any) bool) map[string]any {
	for _, l := range lines {
		if match(l) {
			return l
		}
	}
	return nil
}

// Every request is logged at info, refusals included, with the path it
// asked for (not the query), a duration in milliseconds, a request id that
// the response carries, and for a refusal the reason.
func TestRequestLogs(t *testing.T) {
	t.Parallel()
	for _, fw := range webhook.Frameworks {
		t.Run(fw, func(t *testing.T) {
			t.Parallel()
			_, endpoint := startControlPlane(t, &syncBuffer{})
			var logs syncBuffer
			base := startWebhook(t, webhook.Options{Framework: fw, Endpoint: endpoint,
				Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))})

			refused := do(t, "GET", base+"/me?token=query-canary", "", "X-Request-Id", "req-refused-1")
			if got := refused.header.Get("X-Request-Id"); got != "req-refused-1" {
				t.Errorf("a sane incoming X-Request-Id is not returned: got %q", got)
			}
			ok := do(t, "POST", base+"/run/add?version=v1", `{"a":1,"b":2}`, "Authorization", "Bearer "+aliceKey, "X-Request-Id", "bad id\twith spaces")
			id := ok.header.Get("X-Request-Id")
			if id == "" || strings.Contains(id, " ") {
				t.Errorf("an insane X-Request-Id must be replaced by a fresh one, got %q", id)
			}
			webhookOnly := logs.String()
			if strings.Contains(webhookOnly, "query-canary") {
				t.Error("the query string reached the logs")
			}
			lines := logLines(t, webhookOnly)
			r := findLog(lines, func(l map[string]any) bool { return l["request_id"] == "req-refused-1" && l["msg"] != "request" })
			if r == nil || r["level"] != "INFO" || r["path"] != "/me" || r["method"] != "GET" || r["reason"] != "missing credentials" || r["status"] != float64(401) {
				t.Errorf("refusal log line: %v; want INFO with method GET, path /me, status 401, reason", r)
			}
			g := findLog(lines, func(l map[string]any) bool { return l["request_id"] == id && l["msg"] == "request" })
			if g == nil || g["path"] != "/run/add" || g["route"] != "/run/{name}" || g["status"] != float64(200) {
				t.Fatalf("request log line: %v; want path /run/add, route /run/{name}, status 200", g)
			}
			if _, isNumber := g["duration_ms"].(float64); !isNumber {
				t.Errorf("duration_ms = %v, want a number of milliseconds", g["duration_ms"])
			}
		})
	}
}

// A control-plane failure is logged with its cause, with anything that
// looks like a credential taken out, and bounded.
func TestControlPlaneFailureCauseIsLoggedRedacted(t *testing.T) {
	t.Parallel()
	for _, fw := range webhook.Frameworks {
		t.Run(fw, func(t *testing.T) {
			t.Parallel()
			msg := "cp-message-canary: user said Bearer " + aliceKey + " and api_key=" + bobKey + ", authorization: Basic " + aliceKey +
				" and raw sk_live_4eC39HqLyjWDarjtT1zdp7dc; the key was wrong " + strings.Repeat("long ", 100)
			var logs syncBuffer
			base := startWebhook(t, webhook.Options{Framework: fw, Endpoint: startFake(t, &fakeFlyte{err: status.Error(codes.Internal, msg)}),
				Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
			expect(t, "internal", do(t, "GET", base+"/me", "", bearer(aliceKey)...), 502, "detail", "Control plane error")
			l := findLog(logLines(t, logs.String()), func(l map[string]any) bool { return l["msg"] == "control-plane call failed" })
			cause, _ := l["cause"].(string)
			if !strings.Contains(cause, "cp-message-canary") || !strings.Contains(cause, "the key was wrong") {
				t.Fatalf("the cause is not logged: %v", l)
			}
			for _, secret := range []string{aliceKey, bobKey, "sk_live_4eC39HqLyjWDarjtT1zdp7dc"} {
				if strings.Contains(logs.String(), secret) {
					t.Errorf("a credential in the control plane's message reached the logs: %q", cause)
				}
			}
			if len(cause) > 250 {
				t.Errorf("cause of %d bytes: want it bounded", len(cause))
			}
		})
	}
}
