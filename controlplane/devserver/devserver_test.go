package devserver_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/controlplanev1"
	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	adminKey = "cp_admin_0123456789abcdef"
	viewKey  = "cp_view_0123456789abcdef0"
)

func start(t *testing.T) (*devserver.Server, *controlplane.Client) {
	t.Helper()
	srv, err := devserver.New(devserver.Config{Users: []devserver.User{
		{Subject: "ada", Name: "Ada Admin", APIKey: adminKey, Grants: []devserver.Grant{{Project: "demo", Domain: "development", Role: devserver.RoleAdmin}}},
		{Subject: "vic", Name: "Vic Viewer", APIKey: viewKey, Grants: []devserver.Grant{{Project: "*", Domain: "*", Role: devserver.RoleView}}},
	}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(srv.Stop)
	c, err := controlplane.Init("http://"+ln.Addr().String(), "demo", "development", "", forward.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return srv, c
}

func as(ctx context.Context, key string) context.Context {
	return core.WithMetadata(ctx, core.Pair{Key: "authorization", Value: "Bearer " + key})
}

func code(t *testing.T, what string, err error, want codes.Code) {
	t.Helper()
	if got := status.Code(err); got != want {
		t.Fatalf("%s: %v, want %v", what, err, want)
	}
}

func TestAuthenticationAndRoles(t *testing.T) {
	_, c := start(t)
	ctx := t.Context()
	me, err := c.WhoAmI(as(ctx, viewKey), &controlplanev1.WhoAmIRequest{})
	if err != nil || me.GetSubject() != "vic" {
		t.Fatalf("WhoAmI as vic: %v %v", me, err)
	}
	xkey := core.WithMetadata(ctx, core.Pair{Key: "x-api-key", Value: adminKey})
	if me, err := c.WhoAmI(xkey, &controlplanev1.WhoAmIRequest{}); err != nil || me.GetSubject() != "ada" {
		t.Fatalf("WhoAmI with x-api-key: %v %v", me, err)
	}
	code(t, "unknown key", func() error {
		_, err := c.WhoAmI(as(ctx, "cp_unknown_key_00000000"), &controlplanev1.WhoAmIRequest{})
		return err
	}(), codes.Unauthenticated)
	code(t, "basic auth", func() error {
		_, err := c.WhoAmI(core.WithMetadata(ctx, core.Pair{Key: "authorization", Value: "Basic " + adminKey}), &controlplanev1.WhoAmIRequest{})
		return err
	}(), codes.Unauthenticated)

	run := &controlplanev1.CreateRunRequest{Task: c.TaskID("", "", "add", ""), Inputs: map[string]*controlplanev1.Literal{
		"a": {Value: &controlplanev1.Literal_IntegerValue{IntegerValue: 1}}, "b": {Value: &controlplanev1.Literal_IntegerValue{IntegerValue: 2}}}}
	_, err = c.CreateRun(as(ctx, viewKey), run)
	code(t, "viewer creates a run", err, codes.PermissionDenied)
	if !strings.Contains(status.Convert(err).Message(), "vic may not run tasks in demo/development") {
		t.Errorf("PermissionDenied message %q does not say who may not do what", status.Convert(err).Message())
	}
	if _, err := c.CreateRun(as(ctx, adminKey), run); err != nil {
		t.Fatalf("admin creates a run: %v", err)
	}
	_, err = c.GetTask(as(ctx, adminKey), &controlplanev1.GetTaskRequest{Id: c.TaskID("prod", "development", "add", "")})
	code(t, "admin outside its project", err, codes.PermissionDenied)
}

func TestTasksVersionsAndRuns(t *testing.T) {
	_, c := start(t)
	ctx := as(t.Context(), adminKey)
	_, err := c.RegisterTask(ctx, &controlplanev1.RegisterTaskRequest{Task: &controlplanev1.Task{
		Id: c.TaskID("", "", "hello", "v2"), Executor: "builtin/hello",
		Inputs: []*controlplanev1.InputSpec{{Name: "name", Type: controlplanev1.InputType_INPUT_TYPE_STRING, Required: true}, {Name: "loud", Type: controlplanev1.InputType_INPUT_TYPE_BOOLEAN}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.RegisterTask(as(t.Context(), viewKey), &controlplanev1.RegisterTaskRequest{Task: &controlplanev1.Task{Id: c.TaskID("", "", "x", "v1"), Executor: "builtin/hello"}})
	code(t, "viewer registers", err, codes.PermissionDenied)
	_, err = c.RegisterTask(ctx, &controlplanev1.RegisterTaskRequest{Task: &controlplanev1.Task{Id: c.TaskID("", "", "x", "v1"), Executor: "rm -rf /"}})
	code(t, "unknown executor", err, codes.InvalidArgument)

	latest, err := c.GetTask(ctx, &controlplanev1.GetTaskRequest{Id: c.TaskID("", "", "hello", "")})
	if err != nil || latest.GetTask().GetId().GetVersion() != "v2" {
		t.Fatalf("latest hello: %v %v, want v2", latest, err)
	}
	v1, err := c.GetTask(ctx, &controlplanev1.GetTaskRequest{Id: c.TaskID("", "", "hello", "v1")})
	if err != nil || len(v1.GetTask().GetInputs()) != 1 {
		t.Fatalf("hello v1: %v %v", v1, err)
	}
	_, err = c.GetTask(ctx, &controlplanev1.GetTaskRequest{Id: c.TaskID("", "", "hello", "v3")})
	code(t, "missing version", err, codes.NotFound)
	list, err := c.ListTasks(ctx, &controlplanev1.ListTasksRequest{Project: "demo", Domain: "development"})
	if err != nil || len(list.GetTasks()) != 4 {
		t.Fatalf("ListTasks: %d tasks, %v; want 4", len(list.GetTasks()), err)
	}

	str := func(s string) *controlplanev1.Literal {
		return &controlplanev1.Literal{Value: &controlplanev1.Literal_StringValue{StringValue: s}}
	}
	_, err = c.CreateRun(ctx, &controlplanev1.CreateRunRequest{Task: c.TaskID("", "", "hello", ""), Inputs: map[string]*controlplanev1.Literal{"name": {Value: &controlplanev1.Literal_IntegerValue{IntegerValue: 3}}}})
	code(t, "wrong input type", err, codes.InvalidArgument)

	ok, err := c.CreateRun(ctx, &controlplanev1.CreateRunRequest{Task: c.TaskID("", "", "hello", ""), Inputs: map[string]*controlplanev1.Literal{"name": str("Ada")}})
	if err != nil {
		t.Fatal(err)
	}
	if ok.GetRun().GetPhase() != controlplanev1.RunPhase_RUN_PHASE_QUEUED || ok.GetRun().GetTriggeredBy() != "ada" || ok.GetRun().GetTask().GetVersion() != "v2" {
		t.Fatalf("new run: %v", ok.GetRun())
	}
	bad, err := c.CreateRun(ctx, &controlplanev1.CreateRunRequest{Task: c.TaskID("", "", "fail", ""), Inputs: map[string]*controlplanev1.Literal{"message": str("boom")}})
	if err != nil {
		t.Fatal(err)
	}
	if r := wait(t, c, ok.GetRun().GetName()); r.GetPhase() != controlplanev1.RunPhase_RUN_PHASE_SUCCEEDED || r.GetOutputs()["greeting"].GetStringValue() != "Hello, Ada!" {
		t.Fatalf("hello run: %v", r)
	}
	if r := wait(t, c, bad.GetRun().GetName()); r.GetPhase() != controlplanev1.RunPhase_RUN_PHASE_FAILED || r.GetError() != "boom" {
		t.Fatalf("fail run: %v", r)
	}
	runs, err := c.ListRuns(as(t.Context(), viewKey), &controlplanev1.ListRunsRequest{Project: "demo", Domain: "development"})
	if err != nil || len(runs.GetRuns()) != 2 || runs.GetRuns()[0].GetName() != bad.GetRun().GetName() {
		t.Fatalf("ListRuns: %v %v, want the two runs, newest first", runs, err)
	}
}

func wait(t *testing.T, c *controlplane.Client, name string) *controlplanev1.Run {
	t.Helper()
	ctx := as(t.Context(), viewKey)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		r, err := c.GetRun(ctx, &controlplanev1.GetRunRequest{Project: "demo", Domain: "development", Name: name})
		if err != nil {
			t.Fatal(err)
		}
		if p := r.GetRun().GetPhase(); p == controlplanev1.RunPhase_RUN_PHASE_SUCCEEDED || p == controlplanev1.RunPhase_RUN_PHASE_FAILED {
			return r.GetRun()
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("run %s did not finish", name)
	return nil
}

// Stop cancels runs still going, and leaks no goroutine (checked by goleak
// in TestMain).
func TestStopCancelsRuns(t *testing.T) {
	srv, c := start(t)
	ctx := as(t.Context(), adminKey)
	_, err := c.CreateRun(ctx, &controlplanev1.CreateRunRequest{Task: c.TaskID("", "", "sleep", ""),
		Inputs: map[string]*controlplanev1.Literal{"seconds": {Value: &controlplanev1.Literal_FloatValue{FloatValue: 30}}}})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { srv.Stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Stop did not cancel a 30-second run")
	}
}

func TestConfig(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "users.json")
	if err := os.WriteFile(good, []byte(`{"users":[{"subject":"a","name":"A","api_key":"cp_0123456789abcdef","grants":[{"project":"p","domain":"*","role":"run"}]}],"max_runs":10,"read_timeout":"5s"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := devserver.LoadConfig(good)
	if err != nil || len(cfg.Users) != 1 || cfg.Users[0].Grants[0].Role != devserver.RoleRun || cfg.MaxRuns != 10 || cfg.ReadTimeout != devserver.Duration(5*time.Second) {
		t.Fatalf("LoadConfig: %v %v", cfg, err)
	}
	for name, body := range map[string]string{
		"unknown field":  `{"users":[{"subject":"a","api_key":"cp_0123456789abcdef","role":"x"}]}`,
		"short key":      `{"users":[{"subject":"a","api_key":"short"}]}`,
		"bad role":       `{"users":[{"subject":"a","api_key":"cp_0123456789abcdef","grants":[{"project":"p","domain":"d","role":"root"}]}]}`,
		"shared key":     `{"users":[{"subject":"a","api_key":"cp_0123456789abcdef"},{"subject":"b","api_key":"cp_0123456789abcdef"}]}`,
		"no users":       `{"users":[]}`,
		"negative limit": `{"users":[{"subject":"a","api_key":"cp_0123456789abcdef"}],"max_runs":-1}`,
		"bad duration":   `{"users":[{"subject":"a","api_key":"cp_0123456789abcdef"}],"idle_timeout":30}`,
	} {
		p := filepath.Join(dir, "bad.json")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := devserver.LoadConfig(p)
		if err == nil {
			t.Errorf("%s: LoadConfig accepted it", name)
		} else if strings.Contains(err.Error(), "cp_0123456789abcdef") {
			t.Errorf("%s: the error repeats the API key: %v", name, err)
		}
	}
	demo, err := devserver.DemoConfig()
	if err != nil || len(demo.Users) != 2 || demo.Users[0].APIKey == demo.Users[1].APIKey {
		t.Fatalf("DemoConfig: %v", err)
	}
}
