package webhook_test

// Red-team tests: what a hostile or buggy control plane, or a caller,
// can make the runner do. Each test states the property it holds the
// runner to; a failing one is a finding for the lead to fix.

import (
	"context"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
	"github.com/passthrough-go/passthrough/internal/webhook"
)

// hostile serves answer for every procedure the fake knows, over gRPC and
// Connect: a control plane that says whatever the test wants.
func hostile(t *testing.T, answer func(req proto.Message) (proto.Message, error)) map[string]string {
	t.Helper()
	return serveAnswers(t, func(_ context.Context, _ string, req proto.Message) (proto.Message, error) { return answer(req) })
}

// A run's outputs are the control plane's to decide, and a Python task may
// well return float('nan') or float('inf'): GET /runs must still answer
// the run (its phase, its other outputs), or fail plainly. (JSON has no
// NaN: the runner once answered 200 with {"detail":"Internal error"}, a
// success status whose body is an error, with no phase.)
func TestNonFiniteFloatOutputKeepsTheAnswerARun(t *testing.T) {
	t.Parallel()
	for _, protocol := range protocols {
		for name, v := range map[string]float64{"NaN": math.NaN(), "+Inf": math.Inf(1), "-Inf": math.Inf(-1)} {
			t.Run(protocol+"/"+name, func(t *testing.T) {
				t.Parallel()
				f := typedFake()
				base := startWebhook(t, webhook.Options{Framework: "gin", Endpoint: startFakeBoth(t, f)[protocol], Protocol: protocol, Org: "acme"})
				r := do(t, "POST", base+"/run/add", `{"a": 1, "b": 2}`, bearer(aliceKey)...)
				expect(t, "run", r, 200, "phase", "QUEUED")
				f.finish("r1", flyte2v1.ActionPhase_ACTION_PHASE_SUCCEEDED, &flyte2v1.Outputs{Literals: []*flyte2v1.NamedLiteral{
					{Name: "sum", Value: integer(3)},
					{Name: "ratio", Value: primitive(&flyte2v1.Primitive{Value: &flyte2v1.Primitive_FloatValue{FloatValue: v}})},
				}}, "")
				got := do(t, "GET", base+r.body["url"].(string), "", bearer(aliceKey)...)
				if got.status == http.StatusOK && got.body["phase"] != "SUCCEEDED" {
					t.Fatalf("a succeeded run with a %s output: 200 with body %s; a 200 must carry the run (phase SUCCEEDED, outputs)", name, got.raw)
				}
			})
		}
	}
}

// The url the runner answers after CreateRun is built from the run
// identifier the control plane returned, path-escaped so that "each stays
// one segment of the runner's own route". url.PathEscape leaves "." and
// ".." as they are, so a control plane answering a run in project ".." can
// make the url leave /runs/ once a client resolves it (RFC 3986 removes
// dot segments): "/runs/../../me" is "/me".
func TestRunURLStaysUnderRuns(t *testing.T) {
	t.Parallel()
	for _, protocol := range protocols {
		for _, run := range []*flyte2v1.RunIdentifier{
			{Org: "acme", Project: "..", Domain: "..", Name: "me"},
			{Org: "acme", Project: "demo", Domain: "..", Name: ".."},
			{Org: "acme", Project: ".", Domain: "development", Name: "r1"},
		} {
			t.Run(protocol+"/"+run.GetProject()+"/"+run.GetDomain()+"/"+run.GetName(), func(t *testing.T) {
				t.Parallel()
				add := spec(input{"a", simple(flyte2v1.SimpleType_INTEGER), nil})
				eps := hostile(t, func(req proto.Message) (proto.Message, error) {
					switch r := req.(type) {
					case *flyte2v1.ListTasksRequest:
						return &flyte2v1.ListTasksResponse{Tasks: []*flyte2v1.Task{{TaskId: &flyte2v1.TaskIdentifier{
							Org: "acme", Project: "demo", Domain: "development", Name: "add", Version: "v1"}}}}, nil
					case *flyte2v1.GetTaskDetailsRequest:
						return &flyte2v1.GetTaskDetailsResponse{Details: &flyte2v1.TaskDetails{TaskId: r.GetTaskId(), Spec: add}}, nil
					case *flyte2v1.CreateRunRequest:
						return &flyte2v1.CreateRunResponse{Run: &flyte2v1.Run{Action: &flyte2v1.Action{
							Id: &flyte2v1.ActionIdentifier{Name: controlplane.RootAction, Run: run}}}}, nil
					}
					return nil, status.Error(codes.Unimplemented, "no")
				})
				base := startWebhook(t, webhook.Options{Framework: "gin", Endpoint: eps[protocol], Protocol: protocol, Org: "acme"})
				r := do(t, "POST", base+"/run/add", `{"a": 1}`, bearer(aliceKey)...)
				if r.status != http.StatusOK {
					return // refusing such an answer is a fine outcome
				}
				ref, err := url.Parse(r.body["url"].(string))
				if err != nil {
					t.Fatalf("url %q: %v", r.body["url"], err)
				}
				resolved := (&url.URL{Scheme: "http", Host: "runner", Path: "/"}).ResolveReference(ref)
				if segs := strings.Split(strings.TrimPrefix(resolved.EscapedPath(), "/"), "/"); len(segs) != 4 || segs[0] != "runs" {
					t.Fatalf("the control plane's run %v gave url %q, which a client resolves to %q: not /runs/{project}/{domain}/{name}",
						run, r.body["url"], resolved.EscapedPath())
				}
			})
		}
	}
}

// A control plane's error message may echo what it was sent, the caller's
// credential included; the runner logs it as the cause "with anything
// that looks like a credential removed". Heuristics alone miss credentials
// that do not look like keys: a key with punctuation that splits it into
// runs shorter than 16 characters, or a long one without digits, echoed
// without a "key=" or "Bearer" before it. The runner knows the exact
// credentials of the request it is serving; they must never reach a log.
func TestEchoedCredentialNeverLogged(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ header, value, echoed string }{
		{"X-API-Key", "p4ss!w0rd@h0me#2024", "p4ss!w0rd@h0me#2024"},
		{"Authorization", "Bearer correct-horse-battery-staple", "correct-horse-battery-staple"},
		{"X-API-Key", "Tr0ub4dor&3", "Tr0ub4dor&3"},
	} {
		t.Run(tc.header+"/"+tc.echoed, func(t *testing.T) {
			t.Parallel()
			msg := "no user has the credential " + tc.echoed + " in org acme"
			var logs syncBuffer
			base := startWebhook(t, webhook.Options{Framework: "gin", Endpoint: startFake(t, &fakeFlyte{err: status.Error(codes.Unauthenticated, msg)}),
				Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
			r := do(t, "GET", base+"/me", "", tc.header, tc.value)
			if r.status != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401 (body %s)", r.status, r.raw)
			}
			if strings.Contains(r.raw, tc.echoed) {
				t.Fatalf("the credential reached the response body: %s", r.raw)
			}
			if strings.Contains(logs.String(), tc.echoed) {
				t.Fatalf("the caller's credential, echoed by the control plane, reached the logs:\n%s", logs.String())
			}
		})
	}
}
