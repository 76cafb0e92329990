package devserver

import (
	"fmt"
	"unicode/utf8"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
)

// The checks below are upstream's buf.validate rules for the requests this
// server answers: required fields and oneofs, and string lengths counted
// in characters. A request that breaks one is InvalidArgument.

func invalid(format string, a ...any) error {
	return status.Errorf(codes.InvalidArgument, format, a...)
}

// length checks that field has min to max characters.
func length(field, v string, min, max int) error {
	n := utf8.RuneCountInString(v)
	if n < min || (max > 0 && n > max) {
		if max == 0 {
			return invalid("%s must not be empty", field)
		}
		return invalid("%s must have %d to %d characters", field, min, max)
	}
	return nil
}

func first(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func checkTaskID(id *flyte2v1.TaskIdentifier) error {
	if id == nil {
		return invalid("task_id is required")
	}
	return first(
		length("task_id.org", id.GetOrg(), 1, 63),
		length("task_id.project", id.GetProject(), 1, 63),
		length("task_id.domain", id.GetDomain(), 1, 63),
		length("task_id.name", id.GetName(), 1, 255),
		length("task_id.version", id.GetVersion(), 1, 63),
	)
}

func checkRunID(field string, id *flyte2v1.RunIdentifier) error {
	if id == nil {
		return invalid("%s is required", field)
	}
	return first(
		length(field+".org", id.GetOrg(), 1, 63),
		length(field+".project", id.GetProject(), 1, 63),
		length(field+".domain", id.GetDomain(), 1, 63),
		length(field+".name", id.GetName(), 1, 30),
	)
}

func checkProjectID(field string, id *flyte2v1.ProjectIdentifier) error {
	if id == nil {
		return invalid("%s is required", field)
	}
	return first(
		length(field+".organization", id.GetOrganization(), 1, 0),
		length(field+".domain", id.GetDomain(), 1, 0),
		length(field+".name", id.GetName(), 1, 0),
	)
}

func checkActionID(id *flyte2v1.ActionIdentifier) error {
	if id == nil {
		return invalid("action_id is required")
	}
	return first(checkRunID("action_id.run", id.GetRun()), length("action_id.name", id.GetName(), 1, 30))
}

func checkListTasks(req *flyte2v1.ListTasksRequest) error {
	switch scope := req.GetScopeBy().(type) {
	case *flyte2v1.ListTasksRequest_Org:
		return length("org", scope.Org, 1, 0)
	case *flyte2v1.ListTasksRequest_ProjectId:
		return checkProjectID("project_id", scope.ProjectId)
	}
	return invalid("scope_by is required: org or project_id")
}

func checkCreateRun(req *flyte2v1.CreateRunRequest) error {
	var err error
	switch id := req.GetId().(type) {
	case *flyte2v1.CreateRunRequest_RunId:
		err = checkRunID("run_id", id.RunId)
	case *flyte2v1.CreateRunRequest_ProjectId:
		err = checkProjectID("project_id", id.ProjectId)
	default:
		err = invalid("id is required: run_id or project_id")
	}
	if err != nil {
		return err
	}
	switch t := req.GetTask().(type) {
	case *flyte2v1.CreateRunRequest_TaskId:
		return checkTaskID(t.TaskId)
	case nil:
		return invalid("task is required: task_id, task_spec or trigger_name")
	}
	return nil
}

// unsupported is what this server does not do of what upstream accepts.
func unsupported(what string) error {
	return status.Error(codes.InvalidArgument, fmt.Sprintf("this development control plane does not support %s", what))
}
