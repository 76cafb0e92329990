package flyte2compat_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/passthrough-go/passthrough/internal/syncbuf"
	"github.com/passthrough-go/passthrough/internal/webhook"
)

const (
	org, project, domain = "acme", "proj", "development"
	bearer               = "Bearer tok-alice-Zq9"
	apiKey               = "key-bob-7Hc"
)

// upstreamServer starts server.ts and returns its Connect and gRPC base
// URLs, and a function that fetches what it saw.
func upstreamServer(t *testing.T) (connectURL, grpcURL string, report func() serverReport) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := tsx(t, ctx, "server.ts", "ORG="+org, "PROJECT="+project, "DOMAIN="+domain, "BEARER="+bearer, "API_KEY="+apiKey)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	var log syncbuf.Buffer
	first := firstLine(t, cmd, &log)
	t.Cleanup(func() {
		cancel()
		if err := cmd.Wait(); err != nil && !isSignal(err) && !errors.Is(err, context.Canceled) {
			t.Errorf("server.ts: %v\n%s", err, &log)
		}
	})
	f := strings.Fields(first)
	if len(f) != 3 || f[0] != "listening" {
		t.Fatalf("server.ts said %q, want \"listening <port> <port>\"\n%s", first, &log)
	}
	connectURL, grpcURL = "http://127.0.0.1:"+f[1], "http://127.0.0.1:"+f[2]
	return connectURL, grpcURL, func() serverReport {
		t.Helper()
		resp, err := http.Get(connectURL + "/__report")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var r serverReport
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
			t.Fatal(err)
		}
		return r
	}
}

func isSignal(err error) bool {
	ee, ok := err.(*exec.ExitError)
	return ok && !ee.Exited()
}

type serverReport struct {
	Violations []string `json:"violations"`
	Calls      []struct {
		Procedure string         `json:"procedure"`
		Subject   string         `json:"subject"`
		Request   map[string]any `json:"request"`
	} `json:"calls"`
}

// TestRunnerAgainstUpstreamServer: everything the webhook runner sends, over
// Connect and over gRPC, is what a strict Flyte 2 server expects, as
// decoded and checked by upstream's own descriptors and validation rules.
func TestRunnerAgainstUpstreamServer(t *testing.T) {
	t.Parallel()
	for _, protocol := range []string{"connect", "grpc"} {
		t.Run(protocol, func(t *testing.T) {
			t.Parallel()
			connectURL, grpcURL, report := upstreamServer(t)
			endpoint := connectURL
			if protocol == "grpc" {
				endpoint = grpcURL
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error, 1)
			go func() {
				done <- webhook.Run(ctx, webhook.Options{
					Framework: "gin", Listener: ln, Endpoint: endpoint, Insecure: true, Protocol: protocol,
					Project: project, Domain: domain, Org: org, Timeout: 10 * time.Second, ShutdownTimeout: 5 * time.Second,
				})
			}()
			t.Cleanup(func() {
				cancel()
				if err := <-done; err != nil {
					t.Errorf("webhook.Run: %v", err)
				}
			})
			base := "http://" + ln.Addr().String()
			call := func(method, path, header, value, body string) (int, map[string]any) {
				t.Helper()
				req, err := http.NewRequestWithContext(t.Context(), method, base+path, strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set(header, value)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				raw, _ := io.ReadAll(resp.Body)
				var doc map[string]any
				if err := json.Unmarshal(raw, &doc); err != nil {
					t.Fatalf("%s %s: answer %q is not a JSON object", method, path, raw)
				}
				return resp.StatusCode, doc
			}

			if code, doc := call("GET", "/me", "Authorization", bearer, ""); code != 200 || doc["subject"] != "alice" {
				t.Errorf("GET /me with Authorization: %d %v, want 200 and subject alice", code, doc)
			}
			if code, doc := call("GET", "/me", "X-API-Key", apiKey, ""); code != 200 || doc["subject"] != "bob" {
				t.Errorf("GET /me with X-API-Key: %d %v, want 200 and subject bob", code, doc)
			}
			inputs := `{"i": 7, "f": 1.5, "s": "text", "b": true, "dt": "2026-01-02T03:04:05Z", "d": "1m30s"}`
			code, doc := call("POST", "/run-task/"+project+"/"+domain+"/typed", "Authorization", bearer, inputs)
			if code != 200 {
				t.Fatalf("POST /run-task/.../typed: %d %v, want 200", code, doc)
			}
			run, _ := doc["run"].(string)
			if code, doc := call("POST", "/run-task/"+project+"/"+domain+"/typed?version=v1", "X-API-Key", apiKey, inputs); code != 200 {
				t.Errorf("POST /run-task/.../typed?version=v1: %d %v, want 200", code, doc)
			}
			if code, doc := call("POST", "/run-task/"+project+"/"+domain+"/unsupported", "X-API-Key", apiKey, `{"xs": [1, 2]}`); code != 400 ||
				!strings.Contains(doc["detail"].(string), "xs") || !strings.Contains(doc["detail"].(string), "collection") {
				t.Errorf("POST /run-task/.../unsupported: %d %v, want 400 naming xs and its type", code, doc)
			}
			if code, doc := call("GET", "/runs/"+project+"/"+domain+"/"+run, "Authorization", bearer, ""); code != 200 || doc["phase"] != "SUCCEEDED" {
				t.Errorf("GET /runs/.../%s: %d %v, want 200 and SUCCEEDED", run, code, doc)
			} else if out, _ := doc["outputs"].(map[string]any); out["echo"] != "done" {
				t.Errorf("GET /runs/.../%s: outputs %v, want echo = done", run, doc["outputs"])
			}

			r := report()
			for _, v := range r.Violations {
				t.Errorf("upstream server: %s", v)
			}
			var creates, details []map[string]any
			var procedures []string
			for _, c := range r.Calls {
				procedures = append(procedures, c.Procedure+" as "+c.Subject)
				switch c.Procedure {
				case "CreateRun":
					creates = append(creates, c.Request)
				case "GetTaskDetails":
					details = append(details, c.Request)
				}
			}
			want := []string{"UserInfo as alice", "UserInfo as bob", "ListTasks as alice", "GetTaskDetails as alice", "CreateRun as alice",
				"GetTaskDetails as bob", "CreateRun as bob", "ListTasks as bob", "GetTaskDetails as bob", "GetRunDetails as alice", "GetActionData as alice"}
			if !slices.Equal(procedures, want) {
				t.Errorf("calls the server saw:\n%v\nwant\n%v", procedures, want)
			}
			if len(details) == 2 {
				if v := details[0]["taskId"].(map[string]any)["version"]; v != "v2" {
					t.Errorf("GetTaskDetails after ListTasks asked for version %v, want the latest, v2", v)
				}
				if v := details[1]["taskId"].(map[string]any)["version"]; v != "v1" {
					t.Errorf("GetTaskDetails with ?version=v1 asked for %v", v)
				}
			}
			if len(creates) != 2 {
				t.Fatalf("the server saw %d CreateRun calls, want 2", len(creates))
			}
			wantInputs := map[string]string{
				"i": `{"integer":"7"}`, "f": `{"floatValue":1.5}`, "s": `{"stringValue":"text"}`, "b": `{"boolean":true}`,
				"dt": `{"datetime":"2026-01-02T03:04:05Z"}`, "d": `{"duration":"90s"}`, "greeting": `{"stringValue":"hello"}`,
			}
			lits := creates[0]["inputs"].(map[string]any)["literals"].([]any)
			if len(lits) != len(wantInputs) {
				t.Errorf("CreateRun sent %d inputs, want %d (with the default)", len(lits), len(wantInputs))
			}
			for _, l := range lits {
				nl := l.(map[string]any)
				prim, _ := json.Marshal(nl["value"].(map[string]any)["scalar"].(map[string]any)["primitive"])
				if got, want := string(prim), wantInputs[nl["name"].(string)]; got != want {
					t.Errorf("CreateRun input %v = %s, want %s", nl["name"], got, want)
				}
			}
		})
	}
}
