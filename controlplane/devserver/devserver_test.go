package devserver_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
	"github.com/passthrough-go/passthrough/core"
)

// The webhook's story, over gRPC, Connect and gRPC-Web: who am I, the
// latest version of a task, its typed interface, a typed run watched until
// it ends, its outputs, and the 401, 403, 404 and 400 answers.
func TestStory(t *testing.T) {
	t.Parallel()
	e := serve(t, devserver.Config{Tasks: []devserver.Task{helloV2}})
	for _, protocol := range protocols {
		t.Run(protocol, func(t *testing.T) {
			t.Parallel()
			c := e.client(t, protocol)
			ada, vic, rue := as(t.Context(), adminKey), as(t.Context(), viewKey), as(t.Context(), runKey)

			me, err := c.UserInfo(ada, &flyte2v1.UserInfoRequest{})
			if err != nil || me.GetSubject() != "ada" || me.GetName() != "Ada Admin" || me.GetEmail() != "ada@example.com" || me.GetPreferredUsername() != "ada" {
				t.Fatalf("UserInfo as ada: %v, %v", me, err)
			}
			if me, err := c.UserInfo(core.WithMetadata(t.Context(), core.Pair{Key: "x-api-key", Value: viewKey}), &flyte2v1.UserInfoRequest{}); err != nil || me.GetSubject() != "vic" {
				t.Fatalf("UserInfo as vic with X-API-Key: %v, %v", me, err)
			}
			_, err = c.UserInfo(as(t.Context(), "cp_unknown_key_00000000"), &flyte2v1.UserInfoRequest{})
			code(t, "UserInfo with an unknown key", err, codes.Unauthenticated)
			_, err = c.UserInfo(core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: "Basic " + adminKey}), &flyte2v1.UserInfoRequest{})
			code(t, "UserInfo with Basic credentials", err, codes.Unauthenticated)

			latest, err := c.ListTasks(vic, controlplane.LatestTaskRequest(projectID(), "hello"))
			if err != nil || len(latest.GetTasks()) != 1 || !proto.Equal(latest.GetTasks()[0].GetTaskId(), taskID("hello", "v2")) {
				t.Fatalf("latest hello: %v, %v; want v2, registered last", latest, err)
			}
			if got := latest.GetMetadata(); got.GetTotal() != 5 || got.GetFilteredTotal() != 2 {
				t.Errorf("ListTasks metadata: %v, want 5 tasks in the project, 2 named hello", got)
			}

			add, err := c.GetTaskDetails(vic, &flyte2v1.GetTaskDetailsRequest{TaskId: taskID("add", "v1")})
			if err != nil {
				t.Fatal(err)
			}
			spec := add.GetDetails().GetSpec()
			for i, want := range []string{"a", "b"} {
				v := spec.GetTaskTemplate().GetInterface().GetInputs().GetVariables()[i]
				p := spec.GetDefaultInputs()[i]
				if v.GetKey() != want || v.GetValue().GetType().GetSimple() != flyte2v1.SimpleType_INTEGER || p.GetName() != want || !p.GetParameter().GetRequired() {
					t.Errorf("add input %d: %v, default %v; want %s, a required integer", i, v, p, want)
				}
			}
			if out := spec.GetTaskTemplate().GetInterface().GetOutputs().GetVariables(); len(out) != 1 || out[0].GetKey() != "sum" || out[0].GetValue().GetType().GetSimple() != flyte2v1.SimpleType_INTEGER {
				t.Errorf("add outputs: %v, want sum, an integer", out)
			}

			created, err := c.CreateRun(rue, runOf("add", "v1", integer("a", 2), integer("b", 40)))
			if err != nil {
				t.Fatal(err)
			}
			id := runID(created)
			if n := len(id.GetName()); n == 0 || n > 30 || id.GetOrg() != org || id.GetProject() != "demo" {
				t.Fatalf("run id %v: want a name of 1 to 30 characters in %s/demo", id, org)
			}
			if p := created.GetRun().GetAction().GetStatus().GetPhase(); p != flyte2v1.ActionPhase_ACTION_PHASE_QUEUED {
				t.Errorf("new run is %v, want QUEUED", p)
			}
			details, phases := watch(t, c, vic, id)
			if !slices.IsSorted(phases) || phases[len(phases)-1] != flyte2v1.ActionPhase_ACTION_PHASE_SUCCEEDED {
				t.Fatalf("watched phases %v: want them in order, ending SUCCEEDED", phases)
			}
			if by := details.GetAction().GetMetadata().GetExecutedBy().GetUser().GetId().GetSubject(); by != "rue" {
				t.Errorf("executed_by %q, want rue", by)
			}
			got, err := c.GetRunDetails(vic, &flyte2v1.GetRunDetailsRequest{RunId: id})
			if err != nil || got.GetDetails().GetAction().GetStatus().GetPhase() != flyte2v1.ActionPhase_ACTION_PHASE_SUCCEEDED || got.GetDetails().GetAction().GetErrorInfo() != nil {
				t.Fatalf("GetRunDetails: %v, %v", got, err)
			}
			data, err := c.GetActionData(vic, &flyte2v1.GetActionDataRequest{ActionId: &flyte2v1.ActionIdentifier{Run: id, Name: controlplane.RootAction}})
			if err != nil {
				t.Fatal(err)
			}
			if want := (&flyte2v1.Outputs{Literals: []*flyte2v1.NamedLiteral{integer("sum", 42)}}); !proto.Equal(data.GetOutputs(), want) {
				t.Errorf("outputs %v, want %v", data.GetOutputs(), want)
			}
			if want := (&flyte2v1.Inputs{Literals: []*flyte2v1.NamedLiteral{integer("a", 2), integer("b", 40)}}); !proto.Equal(data.GetInputs(), want) {
				t.Errorf("inputs %v, want %v", data.GetInputs(), want)
			}

			failed, err := c.CreateRun(ada, runOf("fail", "v1", str("message", "boom")))
			if err != nil {
				t.Fatal(err)
			}
			if d, _ := watch(t, c, ada, runID(failed)); d.GetAction().GetStatus().GetPhase() != flyte2v1.ActionPhase_ACTION_PHASE_FAILED || d.GetAction().GetErrorInfo().GetMessage() != "boom" {
				t.Errorf("fail run: %v, want FAILED with error_info boom", d)
			}

			_, err = c.CreateRun(vic, runOf("add", "v1", integer("a", 2), integer("b", 40)))
			code(t, "CreateRun as a viewer", err, codes.PermissionDenied)
			if !strings.Contains(messageOf(err), "vic may not run tasks in demo/development") {
				t.Errorf("PermissionDenied message %q does not say who may not do what", messageOf(err))
			}
			_, err = c.GetTaskDetails(vic, &flyte2v1.GetTaskDetailsRequest{TaskId: taskID("nope", "v1")})
			code(t, "GetTaskDetails of a task that does not exist", err, codes.NotFound)
			_, err = c.CreateRun(rue, runOf("add", "v1", str("a", "two"), integer("b", 40)))
			code(t, "CreateRun with a string for an integer", err, codes.InvalidArgument)
			if want := `input "a" must be an integer`; messageOf(err) != want {
				t.Errorf("message %q, want %q", messageOf(err), want)
			}
			_, err = c.GetTaskDetails(ada, &flyte2v1.GetTaskDetailsRequest{TaskId: &flyte2v1.TaskIdentifier{Org: org, Project: "prod", Domain: "development", Name: "add", Version: "v1"}})
			code(t, "admin outside its project", err, codes.PermissionDenied)
		})
	}
}

// Inputs are checked against the task's typed interface, and the defaults
// of those missing are filled in, in the interface's order.
func TestCreateRunInputs(t *testing.T) {
	t.Parallel()
	e := serve(t, devserver.Config{Tasks: []devserver.Task{helloV2}})
	c := e.client(t, "grpc")
	ctx := as(t.Context(), runKey)

	r, err := c.CreateRun(ctx, runOf("hello", "v2", &flyte2v1.NamedLiteral{Name: "loud", Value: lit(&flyte2v1.Primitive{Value: &flyte2v1.Primitive_Boolean{Boolean: true}})}))
	if err != nil {
		t.Fatal(err)
	}
	watch(t, c, ctx, runID(r))
	data, err := c.GetActionData(ctx, &flyte2v1.GetActionDataRequest{ActionId: &flyte2v1.ActionIdentifier{Run: runID(r), Name: controlplane.RootAction}})
	if err != nil {
		t.Fatal(err)
	}
	wantIn := &flyte2v1.Inputs{Literals: []*flyte2v1.NamedLiteral{str("name", "you"),
		{Name: "loud", Value: lit(&flyte2v1.Primitive{Value: &flyte2v1.Primitive_Boolean{Boolean: true}})}}}
	if !proto.Equal(data.GetInputs(), wantIn) || !proto.Equal(data.GetOutputs(), &flyte2v1.Outputs{Literals: []*flyte2v1.NamedLiteral{str("greeting", "Hello, you!")}}) {
		t.Fatalf("hello v2 with loud only: inputs %v outputs %v; want the default name filled in", data.GetInputs(), data.GetOutputs())
	}
	noInputs := runOf("hello", "v1")
	noInputs.InputWrapper = nil
	if _, err := c.CreateRun(ctx, noInputs); err != nil {
		t.Errorf("a run with no inputs of a task whose inputs all have defaults: %v", err)
	}
	_, err = c.GetActionData(ctx, &flyte2v1.GetActionDataRequest{ActionId: &flyte2v1.ActionIdentifier{Run: runID(r), Name: "a1"}})
	code(t, "GetActionData of an action that does not exist", err, codes.NotFound)

	collection := &flyte2v1.NamedLiteral{Name: "a", Value: &flyte2v1.Literal{Value: &flyte2v1.Literal_Collection{Collection: &flyte2v1.Opaque{}}}}
	for _, tc := range []struct {
		name string
		req  *flyte2v1.CreateRunRequest
		want string
	}{
		{"missing required", runOf("add", "v1", integer("a", 1)), `input "b" is required: an integer`},
		{"wrong type", runOf("add", "v1", integer("a", 1), float("b", 2)), `input "b" must be an integer`},
		{"not a primitive", runOf("add", "v1", collection, integer("b", 2)), `input "a" must be an integer`},
		{"unknown input", runOf("add", "v1", integer("a", 1), integer("b", 2), integer("c", 3)), `input "c" is not an input of this task`},
		{"duplicate", runOf("add", "v1", integer("a", 1), integer("a", 1), integer("b", 2)), `input "a" is given more than once`},
	} {
		_, err := c.CreateRun(ctx, tc.req)
		code(t, tc.name, err, codes.InvalidArgument)
		if messageOf(err) != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, messageOf(err), tc.want)
		}
	}
}

// A run named by the caller keeps its name; a second one of that name is
// refused, and a run must be where its task is.
func TestCreateRunWithRunID(t *testing.T) {
	t.Parallel()
	c := serve(t, devserver.Config{}).client(t, "connect")
	ctx := as(t.Context(), adminKey)
	req := hello("Ada")
	id := &flyte2v1.RunIdentifier{Org: org, Project: "demo", Domain: "development", Name: "my-run"}
	req.Id = &flyte2v1.CreateRunRequest_RunId{RunId: id}
	r, err := c.CreateRun(ctx, req)
	if err != nil || !proto.Equal(runID(r), id) {
		t.Fatalf("CreateRun with run_id: %v, %v", r, err)
	}
	_, err = c.CreateRun(ctx, req)
	code(t, "a second run of the same name", err, codes.AlreadyExists)
	req.Id = &flyte2v1.CreateRunRequest_RunId{RunId: &flyte2v1.RunIdentifier{Org: org, Project: "demo", Domain: "staging", Name: "x"}}
	_, err = c.CreateRun(as(t.Context(), runKey), req)
	code(t, "a run in another domain than its task", err, codes.InvalidArgument)
}

// Tasks are in the server's org: a client of another org finds none.
func TestOrg(t *testing.T) {
	t.Parallel()
	e := serve(t, devserver.Config{Org: "acme"})
	if e.srv.Org() != "acme" {
		t.Fatalf("Org() = %q", e.srv.Org())
	}
	c := e.client(t, "grpc")
	ctx := as(t.Context(), viewKey)
	_, err := c.GetTaskDetails(ctx, &flyte2v1.GetTaskDetailsRequest{TaskId: taskID("add", "v1")})
	code(t, "a task of another org", err, codes.NotFound)
	id := taskID("add", "v1")
	id.Org = "acme"
	if _, err := c.GetTaskDetails(ctx, &flyte2v1.GetTaskDetailsRequest{TaskId: id}); err != nil {
		t.Fatalf("the task in the server's org: %v", err)
	}
	d, err := devserver.New(devserver.Config{Users: users()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Stop()
	if d.Org() != devserver.DefaultOrg {
		t.Errorf("default Org() = %q, want %q", d.Org(), devserver.DefaultOrg)
	}
}

// ListTasks is scoped (a project, or an org: what the caller may view),
// filtered by name, sorted and paged.
func TestListTasks(t *testing.T) {
	t.Parallel()
	elsewhere := devserver.Task{Project: "other", Domain: "production", Name: "add", Version: "v9", Executor: "add",
		Inputs: []devserver.Input{{Name: "a", Type: "integer"}, {Name: "b", Type: "integer"}}}
	c := serve(t, devserver.Config{Tasks: []devserver.Task{helloV2, elsewhere}}).client(t, "grpc")
	names := func(r *flyte2v1.ListTasksResponse) []string {
		var out []string
		for _, t := range r.GetTasks() {
			out = append(out, t.GetTaskId().GetProject()+"/"+t.GetTaskId().GetName()+"@"+t.GetTaskId().GetVersion())
		}
		return out
	}
	orgScope := func(lr *flyte2v1.ListRequest) *flyte2v1.ListTasksRequest {
		return &flyte2v1.ListTasksRequest{Request: lr, ScopeBy: &flyte2v1.ListTasksRequest_Org{Org: org}}
	}
	all, err := c.ListTasks(as(t.Context(), viewKey), orgScope(nil))
	if want := []string{"other/add@v9", "demo/hello@v2", "demo/fail@v1", "demo/sleep@v1", "demo/add@v1", "demo/hello@v1"}; err != nil || !slices.Equal(names(all), want) {
		t.Fatalf("org scope as vic: %v, %v; want %v, newest first", names(all), err, want)
	}
	mine, err := c.ListTasks(as(t.Context(), runKey), orgScope(&flyte2v1.ListRequest{SortBy: &flyte2v1.Sort{Key: "name", Direction: flyte2v1.Sort_ASCENDING}}))
	if want := []string{"demo/add@v1", "demo/fail@v1", "demo/hello@v1", "demo/hello@v2", "demo/sleep@v1"}; err != nil || !slices.Equal(names(mine), want) {
		t.Fatalf("org scope as rue, by name: %v, %v; want %v (rue may not view other)", names(mine), err, want)
	}
	var paged []string
	lr := &flyte2v1.ListRequest{Limit: 2}
	for range 5 {
		page, err := c.ListTasks(as(t.Context(), viewKey), orgScope(lr))
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, names(page)...)
		if page.GetToken() == "" {
			break
		}
		lr.Token = page.GetToken()
	}
	if !slices.Equal(paged, names(all)) {
		t.Fatalf("pages of 2: %v, want %v", paged, names(all))
	}
	for what, req := range map[string]*flyte2v1.ListTasksRequest{
		"filter on another field": orgScope(&flyte2v1.ListRequest{Filters: []*flyte2v1.Filter{{Field: "version", Values: []string{"v1"}}}}),
		"another function":        orgScope(&flyte2v1.ListRequest{Filters: []*flyte2v1.Filter{{Field: "name", Function: flyte2v1.Filter_CONTAINS, Values: []string{"a"}}}}),
		"raw filters":             orgScope(&flyte2v1.ListRequest{RawFilters: []string{"eq(name,add)"}}),
		"sort by another key":     orgScope(&flyte2v1.ListRequest{SortBy: &flyte2v1.Sort{Key: "version"}}),
		"bad token":               orgScope(&flyte2v1.ListRequest{Token: "x"}),
	} {
		_, err := c.ListTasks(as(t.Context(), viewKey), req)
		code(t, what, err, codes.InvalidArgument)
	}
	other := &flyte2v1.ProjectIdentifier{Organization: org, Name: "other", Domain: "production"}
	_, err = c.ListTasks(as(t.Context(), runKey), controlplane.LatestTaskRequest(other, "add"))
	code(t, "project scope without a grant", err, codes.PermissionDenied)
}

// A runner aborts its own run, an admin anyone's; the run ends ABORTED,
// saying by whom and why, and no longer counts as active.
func TestAbortRun(t *testing.T) {
	t.Parallel()
	e := serve(t, devserver.Config{MaxActiveRunsPerUser: 1})
	c := e.client(t, "connect")
	ada, vic, rue := as(t.Context(), adminKey), as(t.Context(), viewKey), as(t.Context(), runKey)
	r, err := c.CreateRun(rue, sleep(30))
	if err != nil {
		t.Fatal(err)
	}
	id := runID(r)
	_, err = c.CreateRun(rue, sleep(30))
	code(t, "a second active run", err, codes.ResourceExhausted)
	_, err = c.AbortRun(vic, &flyte2v1.AbortRunRequest{RunId: id})
	code(t, "a viewer aborts", err, codes.PermissionDenied)
	reason := "enough"
	if _, err := c.AbortRun(ada, &flyte2v1.AbortRunRequest{RunId: id, Reason: &reason}); err != nil {
		t.Fatalf("an admin aborts rue's run: %v", err)
	}
	d, _ := watch(t, c, vic, id)
	a := d.GetAction()
	if a.GetStatus().GetPhase() != flyte2v1.ActionPhase_ACTION_PHASE_ABORTED || a.GetAbortInfo().GetReason() != "enough" || a.GetAbortInfo().GetAbortedBy().GetUser().GetId().GetSubject() != "ada" {
		t.Fatalf("aborted run: %v", d)
	}
	_, err = c.AbortRun(ada, &flyte2v1.AbortRunRequest{RunId: id})
	code(t, "aborting an ended run", err, codes.FailedPrecondition)
	r2, err := c.CreateRun(rue, sleep(30))
	if err != nil {
		t.Fatalf("a new run once the aborted one ended: %v", err)
	}
	if _, err := c.AbortRun(rue, &flyte2v1.AbortRunRequest{RunId: runID(r2)}); err != nil {
		t.Fatalf("rue aborts its own run: %v", err)
	}
	theirs, err := c.CreateRun(ada, sleep(30))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.AbortRun(rue, &flyte2v1.AbortRunRequest{RunId: runID(theirs)})
	code(t, "a runner aborts another user's run", err, codes.PermissionDenied)
	_, err = c.AbortRun(rue, &flyte2v1.AbortRunRequest{RunId: &flyte2v1.RunIdentifier{Org: org, Project: "demo", Domain: "development", Name: "nope"}})
	code(t, "aborting a run that does not exist", err, codes.NotFound)
}

// Stop cancels runs still going, ends the streams watching them, and
// leaks no goroutine (checked by goleak in TestMain).
func TestStopCancelsRunsAndWatches(t *testing.T) {
	t.Parallel()
	e := serve(t, devserver.Config{})
	c := e.client(t, "grpc")
	ctx := as(t.Context(), adminKey)
	r, err := c.CreateRun(ctx, sleep(30))
	if err != nil {
		t.Fatal(err)
	}
	watching := make(chan flyte2v1.ActionPhase, 8)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for resp, err := range c.WatchRunDetails(ctx, &flyte2v1.WatchRunDetailsRequest{RunId: runID(r)}) {
			if err != nil {
				return
			}
			watching <- resp.GetDetails().GetAction().GetStatus().GetPhase()
		}
	}()
	<-watching // the stream is open
	done := make(chan struct{})
	go func() { e.srv.Stop(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Stop did not cancel a 30-second run")
	}
	<-watched
}

func TestConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "users.json")
	if err := os.WriteFile(good, []byte(`{"users":[{"subject":"a","name":"A","api_key":"cp_0123456789abcdef","email":"a@example.com","grants":[{"project":"p","domain":"*","role":"run"}]}],
		"org":"acme","tasks":[{"project":"p","domain":"d","name":"t","version":"v1","executor":"sleep","inputs":[{"name":"seconds","type":"float","default":0.5}]}],
		"max_runs":10,"read_timeout":"5s"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := devserver.LoadConfig(good)
	if err != nil || len(cfg.Users) != 1 || cfg.Users[0].Grants[0].Role != devserver.RoleRun || cfg.Users[0].Email != "a@example.com" ||
		cfg.MaxRuns != 10 || cfg.ReadTimeout != devserver.Duration(5*time.Second) || cfg.Org != "acme" || len(cfg.Tasks) != 1 {
		t.Fatalf("LoadConfig: %v %v", cfg, err)
	}
	const user = `{"subject":"a","api_key":"cp_0123456789abcdef"}`
	task := func(s string) string { return `{"users":[` + user + `],"tasks":[` + s + `]}` }
	for name, body := range map[string]string{
		"unknown field":        `{"users":[{"subject":"a","api_key":"cp_0123456789abcdef","role":"x"}]}`,
		"short key":            `{"users":[{"subject":"a","api_key":"short"}]}`,
		"bad role":             `{"users":[{"subject":"a","api_key":"cp_0123456789abcdef","grants":[{"project":"p","domain":"d","role":"root"}]}]}`,
		"shared key":           `{"users":[{"subject":"a","api_key":"cp_0123456789abcdef"},{"subject":"b","api_key":"cp_0123456789abcdef"}]}`,
		"no users":             `{"users":[]}`,
		"negative limit":       `{"users":[` + user + `],"max_runs":-1}`,
		"bad duration":         `{"users":[` + user + `],"idle_timeout":30}`,
		"long org":             `{"users":[` + user + `],"org":"` + strings.Repeat("o", 64) + `"}`,
		"unknown executor":     task(`{"name":"t","version":"v1","executor":"rm -rf /"}`),
		"undeclared input":     task(`{"name":"t","version":"v1","executor":"add","inputs":[{"name":"a","type":"integer"}]}`),
		"input of wrong type":  task(`{"name":"t","version":"v1","executor":"add","inputs":[{"name":"a","type":"integer"},{"name":"b","type":"string"}]}`),
		"unknown input type":   task(`{"name":"t","version":"v1","executor":"fail","inputs":[{"name":"message","type":"string"},{"name":"x","type":"list"}]}`),
		"default of bad type":  task(`{"name":"t","version":"v1","executor":"fail","inputs":[{"name":"message","type":"string","default":3}]}`),
		"input declared twice": task(`{"name":"t","version":"v1","executor":"fail","inputs":[{"name":"message","type":"string"},{"name":"message","type":"string"}]}`),
		"built-in version":     task(`{"name":"fail","version":"v1","executor":"fail","inputs":[{"name":"message","type":"string"}]}`),
		"no version":           task(`{"name":"t","executor":"fail","inputs":[{"name":"message","type":"string"}]}`),
		"long name":            task(`{"name":"` + strings.Repeat("n", 256) + `","version":"v1","executor":"fail","inputs":[{"name":"message","type":"string"}]}`),
		"large task":           task(`{"name":"t","version":"v1","executor":"fail","description":"` + strings.Repeat("d", 20<<10) + `","inputs":[{"name":"message","type":"string"}]}`),
	} {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".json")
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

// At most 1000 task versions are kept, built-in ones included.
func TestTaskVersionsAreBounded(t *testing.T) {
	t.Parallel()
	tasks := func(n int) []devserver.Task {
		var out []devserver.Task
		for i := range n {
			out = append(out, devserver.Task{Name: "t", Version: fmt.Sprint("v", i), Executor: "fail", Inputs: []devserver.Input{{Name: "message", Type: "string"}}})
		}
		return out
	}
	srv, err := devserver.New(devserver.Config{Users: users(), Tasks: tasks(1000 - len(devserver.BuiltinTasks()))}, nil)
	if err != nil {
		t.Fatalf("1000 versions: %v", err)
	}
	srv.Stop()
	if _, err := devserver.New(devserver.Config{Users: users(), Tasks: tasks(1001 - len(devserver.BuiltinTasks()))}, nil); err == nil {
		t.Fatal("1001 versions accepted")
	}
}

// Task identifiers are compared field by field: a name or a version
// containing "/" is never taken for another task's.
func TestTaskIdentifiersAreNotAmbiguous(t *testing.T) {
	t.Parallel()
	fail := func(name, version, message string) devserver.Task {
		return devserver.Task{Name: name, Version: version, Executor: "fail",
			Inputs: []devserver.Input{{Name: "message", Type: "string", Default: []byte(fmt.Sprintf("%q", message))}}}
	}
	c := serve(t, devserver.Config{Tasks: []devserver.Task{fail("a/b", "c", "first"), fail("a", "b/c", "second")}}).client(t, "grpc")
	ctx := as(t.Context(), viewKey)
	for _, tc := range []struct{ name, version, want string }{{"a/b", "c", "first"}, {"a", "b/c", "second"}} {
		d, err := c.GetTaskDetails(ctx, &flyte2v1.GetTaskDetailsRequest{TaskId: taskID(tc.name, tc.version)})
		if err != nil {
			t.Fatalf("task %q version %q: %v", tc.name, tc.version, err)
		}
		id := d.GetDetails().GetTaskId()
		got := d.GetDetails().GetSpec().GetDefaultInputs()[0].GetParameter().GetDefault().GetScalar().GetPrimitive().GetStringValue()
		if id.GetName() != tc.name || id.GetVersion() != tc.version || got != tc.want {
			t.Errorf("task %q version %q: got %q version %q (default %q), want its own (default %q)", tc.name, tc.version, id.GetName(), id.GetVersion(), got, tc.want)
		}
	}
}
