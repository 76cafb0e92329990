package webhook_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
	"github.com/passthrough-go/passthrough/internal/webhook"
)

func simple(t flyte2v1.SimpleType) *flyte2v1.LiteralType {
	return &flyte2v1.LiteralType{Type: &flyte2v1.LiteralType_Simple{Simple: t}}
}

func primitive(p *flyte2v1.Primitive) *flyte2v1.Literal {
	return &flyte2v1.Literal{Value: &flyte2v1.Literal_Scalar{Scalar: &flyte2v1.Scalar{Value: &flyte2v1.Scalar_Primitive{Primitive: p}}}}
}

func integer(i int64) *flyte2v1.Literal {
	return primitive(&flyte2v1.Primitive{Value: &flyte2v1.Primitive_Integer{Integer: i}})
}

func str(s string) *flyte2v1.Literal {
	return primitive(&flyte2v1.Primitive{Value: &flyte2v1.Primitive_StringValue{StringValue: s}})
}

type input struct {
	name string
	typ  *flyte2v1.LiteralType
	def  *flyte2v1.Literal // nil: required
}

// spec is a task's typed interface, its inputs in the order given.
func spec(inputs ...input) *flyte2v1.TaskSpec {
	s := &flyte2v1.TaskSpec{TaskTemplate: &flyte2v1.TaskTemplate{Interface: &flyte2v1.TypedInterface{Inputs: &flyte2v1.VariableMap{}}}}
	for _, in := range inputs {
		vars := s.TaskTemplate.Interface.Inputs
		vars.Variables = append(vars.Variables, &flyte2v1.VariableEntry{Key: in.name, Value: &flyte2v1.Variable{Type: in.typ}})
		p := &flyte2v1.Parameter{Var: &flyte2v1.Variable{Type: in.typ}, Behavior: &flyte2v1.Parameter_Required{Required: true}}
		if in.def != nil {
			p.Behavior = &flyte2v1.Parameter_Default{Default: in.def}
		}
		s.DefaultInputs = append(s.DefaultInputs, &flyte2v1.NamedParameter{Name: in.name, Parameter: p})
	}
	return s
}

// typedFake is a Flyte 2 control plane in org acme with tasks of every
// supported input type, one with defaults, one with an unsupported input,
// and two versions of add.
func typedFake() *fakeFlyte {
	f := &fakeFlyte{org: "acme"}
	add := spec(input{"a", simple(flyte2v1.SimpleType_INTEGER), nil}, input{"b", simple(flyte2v1.SimpleType_INTEGER), nil})
	f.addTask("demo", "development", "add", "v1", add)
	f.addTask("demo", "development", "add", "v2", add) // newer: the latest
	f.addTask("demo", "development", "types", "v1", spec(
		input{"i", simple(flyte2v1.SimpleType_INTEGER), nil},
		input{"f", simple(flyte2v1.SimpleType_FLOAT), nil},
		input{"s", simple(flyte2v1.SimpleType_STRING), nil},
		input{"b", simple(flyte2v1.SimpleType_BOOLEAN), nil},
		input{"t", simple(flyte2v1.SimpleType_DATETIME), nil},
		input{"d", simple(flyte2v1.SimpleType_DURATION), nil},
	))
	f.addTask("demo", "development", "defaults", "v1", spec(
		input{"who", simple(flyte2v1.SimpleType_STRING), nil},
		input{"times", simple(flyte2v1.SimpleType_INTEGER), integer(3)},
		input{"greeting", simple(flyte2v1.SimpleType_STRING), str("hello")},
	))
	f.addTask("demo", "development", "batch", "v1", spec(
		input{"xs", &flyte2v1.LiteralType{Type: &flyte2v1.LiteralType_CollectionType{CollectionType: simple(flyte2v1.SimpleType_INTEGER)}}, nil},
	))
	return f
}

// The runner sends Flyte 2 what the Python SDK would: the latest version
// found with the SDK's query (or the version asked for), the org in every
// identifier, and each input as the primitive the task declares, defaults
// filled in; over gRPC and over Connect.
func TestRunTaskSendsTypedInputs(t *testing.T) {
	t.Parallel()
	ts := time.Date(2026, 3, 1, 12, 30, 0, 500, time.UTC)
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			t.Parallel()
			f := typedFake()
			base := startWebhook(t, webhook.Options{Framework: "gin", Endpoint: startFakeBoth(t, f)[proto], Protocol: proto, Org: "acme"})

			for _, tc := range []struct {
				what, path, body string
				version          string
				want             []*flyte2v1.NamedLiteral
			}{
				{"latest", "/run-task/demo/development/add", `{"a": 2, "b": 40}`, "v2",
					[]*flyte2v1.NamedLiteral{{Name: "a", Value: integer(2)}, {Name: "b", Value: integer(40)}}},
				{"pinned", "/run-task/demo/development/add?version=v1", `{"b": 40, "a": 2}`, "v1",
					[]*flyte2v1.NamedLiteral{{Name: "a", Value: integer(2)}, {Name: "b", Value: integer(40)}}},
				{"default project and domain", "/run/add", `{"a": -1, "b": 9007199254740993}`, "v2",
					[]*flyte2v1.NamedLiteral{{Name: "a", Value: integer(-1)}, {Name: "b", Value: integer(9007199254740993)}}},
				{"every type", "/run-task/demo/development/types",
					`{"i": 7, "f": 1.5, "s": "x", "b": true, "t": "2026-03-01T12:30:00.0000005Z", "d": "1m30s"}`, "v1",
					[]*flyte2v1.NamedLiteral{
						{Name: "i", Value: integer(7)},
						{Name: "f", Value: primitive(&flyte2v1.Primitive{Value: &flyte2v1.Primitive_FloatValue{FloatValue: 1.5}})},
						{Name: "s", Value: str("x")},
						{Name: "b", Value: primitive(&flyte2v1.Primitive{Value: &flyte2v1.Primitive_Boolean{Boolean: true}})},
						{Name: "t", Value: primitive(&flyte2v1.Primitive{Value: &flyte2v1.Primitive_Datetime{Datetime: timestamppb.New(ts)}})},
						{Name: "d", Value: primitive(&flyte2v1.Primitive{Value: &flyte2v1.Primitive_Duration{Duration: durationpb.New(90 * time.Second)}})},
					}},
				{"defaults", "/run-task/demo/development/defaults", `{"who": "Go", "greeting": "hi"}`, "v1",
					[]*flyte2v1.NamedLiteral{{Name: "who", Value: str("Go")}, {Name: "times", Value: integer(3)}, {Name: "greeting", Value: str("hi")}}},
			} {
				r := do(t, "POST", base+tc.path, tc.body, bearer(aliceKey)...)
				expect(t, tc.what, r, 200, "phase", "QUEUED")
				if task, _ := r.body["task"].(map[string]any); task["version"] != tc.version {
					t.Errorf("%s: answered task %v, want version %s", tc.what, task, tc.version)
				}
				got := f.lastCreated()
				name := strings.TrimPrefix(strings.SplitN(tc.path[1:], "?", 2)[0], "run-task/demo/development/")
				name = strings.TrimPrefix(name, "run/")
				want := &flyte2v1.CreateRunRequest{
					Id:           &flyte2v1.CreateRunRequest_ProjectId{ProjectId: &flyte2v1.ProjectIdentifier{Organization: "acme", Name: "demo", Domain: "development"}},
					Task:         &flyte2v1.CreateRunRequest_TaskId{TaskId: &flyte2v1.TaskIdentifier{Org: "acme", Project: "demo", Domain: "development", Name: name, Version: tc.version}},
					InputWrapper: &flyte2v1.CreateRunRequest_Inputs{Inputs: &flyte2v1.Inputs{Literals: tc.want}},
				}
				if !protoEqual(got, want) {
					t.Errorf("%s: the control plane got\n%v\nwant\n%v", tc.what, got, want)
				}
			}
			for _, a := range f.auth {
				if a != "Bearer "+aliceKey {
					t.Fatalf("a call carried %q, want the caller's credentials", a)
				}
			}
		})
	}
}

func protoEqual(a, b proto.Message) bool { return proto.Equal(a, b) }

// A missing input, a value of the wrong type and an input the runner
// cannot convert get 400 naming the input and the type it must have, and
// nothing is run.
func TestRunTaskRefusesBadInputs(t *testing.T) {
	t.Parallel()
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			t.Parallel()
			f := typedFake()
			base := startWebhook(t, webhook.Options{Framework: "echo", Endpoint: startFakeBoth(t, f)[proto], Protocol: proto, Org: "acme"})
			for _, tc := range []struct{ task, body, detail string }{
				{"add", `{"a": "two", "b": 40}`, `input "a" must be an integer`},
				{"add", `{"a": 2}`, `input "b" is required: an integer`},
				{"types", `{"i": 1, "f": "x", "s": "x", "b": true, "t": "2026-03-01T00:00:00Z", "d": "1s"}`, `input "f" must be a float (a JSON number)`},
				{"types", `{"i": 1, "f": 1, "s": 2, "b": true, "t": "2026-03-01T00:00:00Z", "d": "1s"}`, `input "s" must be a string`},
				{"types", `{"i": 1, "f": 1, "s": "x", "b": "yes", "t": "2026-03-01T00:00:00Z", "d": "1s"}`, `input "b" must be a boolean`},
				{"types", `{"i": 1, "f": 1, "s": "x", "b": true, "t": "yesterday", "d": "1s"}`, `input "t" must be a datetime (an RFC 3339 string)`},
				{"types", `{"i": 1, "f": 1, "s": "x", "b": true, "t": "2026-03-01T00:00:00Z", "d": 5}`, `input "d" must be a duration (a string such as "1m30s")`},
				{"defaults", `{"times": 2}`, `input "who" is required: a string`},
				{"batch", `{"xs": [1, 2]}`, `input "xs" is a collection, which the runner cannot convert from JSON`},
			} {
				expect(t, tc.task+" "+tc.body, do(t, "POST", base+"/run-task/demo/development/"+tc.task, tc.body, bearer(aliceKey)...), 400, "detail", tc.detail)
			}
			if got := f.lastCreated(); got != nil {
				t.Fatalf("a run was created from invalid inputs: %v", got)
			}
			expect(t, "unknown version", do(t, "POST", base+"/run-task/demo/development/add?version=v9", `{"a":1,"b":2}`, bearer(aliceKey)...), 404, "detail", "Task not found")
			expect(t, "unknown task", do(t, "POST", base+"/run-task/demo/development/nope", `{}`, bearer(aliceKey)...), 404, "detail", "Task not found")
		})
	}
}

// GET /runs answers the phase, the root action's outputs once the run
// succeeded, and the error once it failed.
func TestGetRunPhasesOutputsAndErrors(t *testing.T) {
	t.Parallel()
	for _, proto := range protocols {
		t.Run(proto, func(t *testing.T) {
			t.Parallel()
			f := typedFake()
			base := startWebhook(t, webhook.Options{Framework: "fiber", Endpoint: startFakeBoth(t, f)[proto], Protocol: proto, Org: "acme"})
			var urls []string
			for range 3 {
				r := do(t, "POST", base+"/run/add", `{"a": 2, "b": 40}`, bearer(aliceKey)...)
				expect(t, "run", r, 200, "triggered_by", "fake")
				u, _ := r.body["url"].(string)
				urls = append(urls, u)
			}
			expect(t, "queued", do(t, "GET", base+urls[0], "", bearer(aliceKey)...), 200, "phase", "QUEUED")

			f.finish("r1", flyte2v1.ActionPhase_ACTION_PHASE_SUCCEEDED, &flyte2v1.Outputs{Literals: []*flyte2v1.NamedLiteral{
				{Name: "sum", Value: integer(42)},
				{Name: "when", Value: primitive(&flyte2v1.Primitive{Value: &flyte2v1.Primitive_Datetime{Datetime: timestamppb.New(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))}})},
				{Name: "blob", Value: &flyte2v1.Literal{Value: &flyte2v1.Literal_Collection{Collection: &flyte2v1.Opaque{}}}},
			}}, "")
			ok := do(t, "GET", base+urls[0], "", bearer(aliceKey)...)
			expect(t, "succeeded", ok, 200, "phase", "SUCCEEDED")
			if got := fmt.Sprint(ok.body["outputs"]); got != "map[blob:<nil> sum:42 when:2026-01-02T03:04:05Z]" {
				t.Errorf("outputs %s, want sum 42, when as RFC 3339 and blob null", got)
			}
			if ok.body["triggered_by"] != "fake" || ok.body["error"] != nil {
				t.Errorf("succeeded run: %s", ok.raw)
			}

			f.finish("r2", flyte2v1.ActionPhase_ACTION_PHASE_FAILED, nil, "ValueError: b must be positive")
			failed := do(t, "GET", base+urls[1], "", bearer(aliceKey)...)
			expect(t, "failed", failed, 200, "error", "ValueError: b must be positive")
			if failed.body["phase"] != "FAILED" || failed.body["outputs"] != nil {
				t.Errorf("failed run: %s", failed.raw)
			}

			f.finish("r3", flyte2v1.ActionPhase_ACTION_PHASE_RUNNING, nil, "")
			expect(t, "running", do(t, "GET", base+urls[2], "", bearer(aliceKey)...), 200, "phase", "RUNNING")
			expect(t, "unknown run", do(t, "GET", base+"/runs/demo/development/r9", "", bearer(aliceKey)...), 404, "detail", "Run not found")
		})
	}
}

// With FLYTE_ENDPOINT set, the org is FLYTE_ORG, else the first label of an
// endpoint host with more than two labels; with neither, the runner
// refuses to start, and says to set FLYTE_ORG.
func TestOrgIsRequiredWithAnEndpoint(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ endpoint, protocol string }{
		{"http://127.0.0.1:8089", "grpc"},
		{"https://example.cloud", "connect"},
		{"dns:///localhost:443", "grpc"},
		{"controlplane.local:443", "grpc"},
	} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		err = webhook.Run(t.Context(), webhook.Options{Framework: "gin", Listener: ln, Endpoint: tc.endpoint, Insecure: true, Protocol: tc.protocol})
		ln.Close()
		if err == nil || !strings.Contains(err.Error(), "FLYTE_ORG") {
			t.Errorf("%s: got %v, want a refusal that names FLYTE_ORG", tc.endpoint, err)
		}
	}

	// The org derived from the host is the one the runner uses (it says so
	// when it starts; a gRPC endpoint is not dialled before the first call).
	for _, tc := range []struct{ endpoint, org, want string }{
		{"tenant.example.cloud:443", "", "tenant"},
		{"dns:///tenant.example.cloud:443", "", "tenant"},
		{"tenant.example.cloud:443", "acme", "acme"},
		{"example.cloud:443", "acme", "acme"},
	} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var logs syncBuffer
		err = webhook.Run(t.Context(), webhook.Options{Framework: "none", Listener: ln, Endpoint: tc.endpoint, Org: tc.org,
			Logger:  slog.New(slog.NewJSONHandler(&logs, nil)),
			Servers: map[string]webhook.Server{"none": func(context.Context, *webhook.Service, net.Listener, time.Duration) error { return nil }}})
		ln.Close()
		if err != nil {
			t.Fatalf("%s: %v", tc.endpoint, err)
		}
		l := findLog(logLines(t, logs.String()), func(l map[string]any) bool { return l["msg"] == "webhook runner listening" })
		if l["org"] != tc.want {
			t.Errorf("%s with org %q: the runner uses org %v, want %q", tc.endpoint, tc.org, l["org"], tc.want)
		}
	}
}
