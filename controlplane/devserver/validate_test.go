package devserver_test

import (
	"strings"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
)

// Requests that break upstream's validation rules (required fields and
// oneofs, identifier lengths) are InvalidArgument, from a caller who may
// otherwise do what they ask.
func TestUpstreamValidationRules(t *testing.T) {
	t.Parallel()
	c := serve(t, devserver.Config{}).client(t, "grpc")
	ctx := as(t.Context(), adminKey)
	long := func(n int) string { return strings.Repeat("x", n) }
	withTask := func(edit func(*flyte2v1.TaskIdentifier)) *flyte2v1.CreateRunRequest {
		r := hello("x")
		edit(r.GetTaskId())
		return r
	}
	withProject := func(edit func(*flyte2v1.ProjectIdentifier)) *flyte2v1.CreateRunRequest {
		r := hello("x")
		edit(r.GetProjectId())
		return r
	}
	withRun := func(edit func(*flyte2v1.RunIdentifier)) *flyte2v1.CreateRunRequest {
		r := hello("x")
		id := &flyte2v1.RunIdentifier{Org: org, Project: "demo", Domain: "development", Name: "r"}
		edit(id)
		r.Id = &flyte2v1.CreateRunRequest_RunId{RunId: id}
		return r
	}
	runRef := func(edit func(*flyte2v1.RunIdentifier)) *flyte2v1.RunIdentifier {
		id := &flyte2v1.RunIdentifier{Org: org, Project: "demo", Domain: "development", Name: "r"}
		edit(id)
		return id
	}
	createRun := map[string]*flyte2v1.CreateRunRequest{
		"no id":   func() *flyte2v1.CreateRunRequest { r := hello("x"); r.Id = nil; return r }(),
		"no task": func() *flyte2v1.CreateRunRequest { r := hello("x"); r.Task = nil; return r }(),
		"task_spec": func() *flyte2v1.CreateRunRequest {
			r := hello("x")
			r.Task = &flyte2v1.CreateRunRequest_TaskSpec{TaskSpec: &flyte2v1.Opaque{}}
			return r
		}(),
		"offloaded inputs": func() *flyte2v1.CreateRunRequest {
			r := hello("x")
			r.InputWrapper = &flyte2v1.CreateRunRequest_OffloadedInputData{OffloadedInputData: &flyte2v1.Opaque{}}
			return r
		}(),
		"empty task org":         withTask(func(id *flyte2v1.TaskIdentifier) { id.Org = "" }),
		"long task org":          withTask(func(id *flyte2v1.TaskIdentifier) { id.Org = long(64) }),
		"empty task project":     withTask(func(id *flyte2v1.TaskIdentifier) { id.Project = "" }),
		"empty task domain":      withTask(func(id *flyte2v1.TaskIdentifier) { id.Domain = "" }),
		"long task name":         withTask(func(id *flyte2v1.TaskIdentifier) { id.Name = long(256) }),
		"empty task version":     withTask(func(id *flyte2v1.TaskIdentifier) { id.Version = "" }),
		"long task version":      withTask(func(id *flyte2v1.TaskIdentifier) { id.Version = long(64) }),
		"empty organization":     withProject(func(p *flyte2v1.ProjectIdentifier) { p.Organization = "" }),
		"empty project name":     withProject(func(p *flyte2v1.ProjectIdentifier) { p.Name = "" }),
		"empty project domain":   withProject(func(p *flyte2v1.ProjectIdentifier) { p.Domain = "" }),
		"empty run org":          withRun(func(id *flyte2v1.RunIdentifier) { id.Org = "" }),
		"long run project":       withRun(func(id *flyte2v1.RunIdentifier) { id.Project = long(64) }),
		"empty run name":         withRun(func(id *flyte2v1.RunIdentifier) { id.Name = "" }),
		"run name of 31":         withRun(func(id *flyte2v1.RunIdentifier) { id.Name = long(31) }),
		"run name of 31 in utf8": withRun(func(id *flyte2v1.RunIdentifier) { id.Name = strings.Repeat("é", 31) }),
	}
	for name, req := range createRun {
		_, err := c.CreateRun(ctx, req)
		code(t, "CreateRun, "+name, err, codes.InvalidArgument)
	}
	// A run name of 30 characters, two bytes each, is valid.
	if _, err := c.CreateRun(ctx, withRun(func(id *flyte2v1.RunIdentifier) { id.Name = strings.Repeat("é", 30) })); err != nil {
		t.Errorf("a run name of 30 characters: %v", err)
	}

	calls := map[string]func() error{
		"ListTasks without scope_by": func() error {
			_, err := c.ListTasks(ctx, &flyte2v1.ListTasksRequest{})
			return err
		},
		"ListTasks with an empty org": func() error {
			_, err := c.ListTasks(ctx, &flyte2v1.ListTasksRequest{ScopeBy: &flyte2v1.ListTasksRequest_Org{}})
			return err
		},
		"ListTasks with an empty project domain": func() error {
			_, err := c.ListTasks(ctx, &flyte2v1.ListTasksRequest{ScopeBy: &flyte2v1.ListTasksRequest_ProjectId{ProjectId: &flyte2v1.ProjectIdentifier{Organization: org, Name: "demo"}}})
			return err
		},
		"GetTaskDetails without task_id": func() error {
			_, err := c.GetTaskDetails(ctx, &flyte2v1.GetTaskDetailsRequest{})
			return err
		},
		"GetTaskDetails without a version": func() error {
			_, err := c.GetTaskDetails(ctx, &flyte2v1.GetTaskDetailsRequest{TaskId: taskID("add", "")})
			return err
		},
		"GetRunDetails without run_id": func() error {
			_, err := c.GetRunDetails(ctx, &flyte2v1.GetRunDetailsRequest{})
			return err
		},
		"GetRunDetails with a long name": func() error {
			_, err := c.GetRunDetails(ctx, &flyte2v1.GetRunDetailsRequest{RunId: runRef(func(id *flyte2v1.RunIdentifier) { id.Name = long(31) })})
			return err
		},
		"WatchRunDetails without run_id": func() error {
			for _, err := range c.WatchRunDetails(ctx, &flyte2v1.WatchRunDetailsRequest{}) {
				return err
			}
			return nil
		},
		"AbortRun with an empty domain": func() error {
			_, err := c.AbortRun(ctx, &flyte2v1.AbortRunRequest{RunId: runRef(func(id *flyte2v1.RunIdentifier) { id.Domain = "" })})
			return err
		},
		"GetActionData without action_id": func() error {
			_, err := c.GetActionData(ctx, &flyte2v1.GetActionDataRequest{})
			return err
		},
		"GetActionData without a run": func() error {
			_, err := c.GetActionData(ctx, &flyte2v1.GetActionDataRequest{ActionId: &flyte2v1.ActionIdentifier{Name: "a0"}})
			return err
		},
		"GetActionData with an empty action name": func() error {
			_, err := c.GetActionData(ctx, &flyte2v1.GetActionDataRequest{ActionId: &flyte2v1.ActionIdentifier{Run: runRef(func(*flyte2v1.RunIdentifier) {})}})
			return err
		},
		"GetActionData with a long action name": func() error {
			_, err := c.GetActionData(ctx, &flyte2v1.GetActionDataRequest{ActionId: &flyte2v1.ActionIdentifier{Run: runRef(func(*flyte2v1.RunIdentifier) {}), Name: long(31)}})
			return err
		},
	}
	for name, call := range calls {
		code(t, name, call(), codes.InvalidArgument)
	}
}
