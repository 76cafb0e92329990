package webhook

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
)

// RunTaskResult is the body of a successful run-task.
type RunTaskResult struct {
	Run         string    `json:"run"`
	URL         string    `json:"url"`
	Phase       string    `json:"phase"`
	TriggeredBy string    `json:"triggered_by"`
	Task        TaskIDDoc `json:"task"`
}

// TaskIDDoc is a task version in JSON.
type TaskIDDoc struct {
	Project string `json:"project"`
	Domain  string `json:"domain"`
	Name    string `json:"name"`
	Version string `json:"version"`
}

// errBadAnswer is a control-plane answer the runner cannot use; it is
// answered as any other control-plane error it has no code for.
var errBadAnswer = status.Error(codes.Unknown, "the control plane's answer lacks a usable run identifier")

// RunTask answers POST /run-task/{project}/{domain}/{name}?version= (and
// POST /run/{name}, in the default project and domain): it finds the task
// version (the latest, as the Python SDK finds it, when none is given),
// converts body by the task's typed interface, filling in its defaults, and
// only then creates the run, of exactly that version, with the inputs
// inline.
func (s *Service) RunTask(ctx context.Context, project, domain, name, version string, body []byte) Reply {
	ctx, cancel := s.call(ctx)
	defer cancel()
	id := s.cp.TaskID(project, domain, name, version)
	if version == "" {
		latest, err := s.cp.LatestTask(ctx, project, domain, name)
		if err != nil {
			return s.controlPlaneError(ctx, "list tasks", err, "Task not found")
		}
		id.Version = latest.GetVersion()
	}
	task, err := s.cp.GetTaskDetails(ctx, &flyte2v1.GetTaskDetailsRequest{TaskId: id})
	if err != nil {
		return s.controlPlaneError(ctx, "get task details", err, "Task not found")
	}
	inputs, err := controlplane.InputsFromJSON(task.GetDetails().GetSpec(), body)
	if err != nil {
		r := fail(http.StatusBadRequest, err.Error())
		r.reason = "invalid inputs"
		return r
	}
	created, err := s.cp.CreateRun(ctx, &flyte2v1.CreateRunRequest{
		Id:           &flyte2v1.CreateRunRequest_ProjectId{ProjectId: s.cp.ProjectID(id.GetProject(), id.GetDomain())},
		Task:         &flyte2v1.CreateRunRequest_TaskId{TaskId: id},
		InputWrapper: &flyte2v1.CreateRunRequest_Inputs{Inputs: inputs},
	})
	if err != nil {
		return s.controlPlaneError(ctx, "create run", err, "Task not found")
	}
	action := created.GetRun().GetAction()
	run := action.GetId().GetRun()
	if !segment(run.GetName()) || !segment(run.GetProject()) || !segment(run.GetDomain()) {
		return s.controlPlaneError(ctx, "create run", errBadAnswer, "Task not found")
	}
	by := subject(action.GetMetadata().GetExecutedBy())
	// The run's name and who it ran as come from the control plane: they
	// are logged only without the request's credentials.
	s.logger.Info("run created", slog.String("run", withoutCredentials(ctx, run.GetName())), slog.String("task", id.GetName()),
		slog.String("version", id.GetVersion()), slog.String("triggered_by", withoutCredentials(ctx, by)),
		slog.String("request_id", requestLogFrom(ctx).id))
	return Reply{Status: http.StatusOK, Body: RunTaskResult{
		Run: run.GetName(),
		// The names come from the control plane: escaped, each stays one
		// segment of the runner's own route.
		URL:         "/runs/" + url.PathEscape(run.GetProject()) + "/" + url.PathEscape(run.GetDomain()) + "/" + url.PathEscape(run.GetName()),
		Phase:       phaseName(action.GetStatus().GetPhase()),
		TriggeredBy: by,
		Task:        TaskIDDoc{Project: id.GetProject(), Domain: id.GetDomain(), Name: id.GetName(), Version: id.GetVersion()},
	}}
}

// segment reports whether s, a name from the control plane, can be one
// segment of the runner's own /runs/ route once path-escaped: not empty,
// and not "." or "..", which url.PathEscape keeps and a client resolves
// away, leaving /runs/.
func segment(s string) bool {
	return s != "" && s != "." && s != ".."
}

// RunDoc is a run in JSON: its phase, its outputs once it succeeded, its
// error once it failed (or the reason it was aborted).
type RunDoc struct {
	Run         string         `json:"run"`
	Phase       string         `json:"phase"`
	Outputs     map[string]any `json:"outputs,omitempty"`
	Error       string         `json:"error,omitempty"`
	TriggeredBy string         `json:"triggered_by"`
}

// GetRun answers GET /runs/{project}/{domain}/{name}: the run's details
// and, once it succeeded, the outputs of its root action.
func (s *Service) GetRun(ctx context.Context, project, domain, name string) Reply {
	ctx, cancel := s.call(ctx)
	defer cancel()
	runID := s.cp.RunID(project, domain, name)
	resp, err := s.cp.GetRunDetails(ctx, &flyte2v1.GetRunDetailsRequest{RunId: runID})
	if err != nil {
		return s.controlPlaneError(ctx, "get run details", err, "Run not found")
	}
	action := resp.GetDetails().GetAction()
	doc := RunDoc{Run: name, Phase: phaseName(action.GetStatus().GetPhase()), TriggeredBy: subject(action.GetMetadata().GetExecutedBy())}
	switch action.GetStatus().GetPhase() {
	case flyte2v1.ActionPhase_ACTION_PHASE_SUCCEEDED:
		data, err := s.cp.GetActionData(ctx, &flyte2v1.GetActionDataRequest{
			ActionId: &flyte2v1.ActionIdentifier{Run: runID, Name: controlplane.RootAction}})
		if err != nil {
			return s.controlPlaneError(ctx, "get action data", err, "Run not found")
		}
		doc.Outputs = literals(data.GetOutputs().GetLiterals())
	case flyte2v1.ActionPhase_ACTION_PHASE_ABORTED:
		doc.Error = action.GetAbortInfo().GetReason()
	}
	if msg := action.GetErrorInfo().GetMessage(); msg != "" {
		doc.Error = msg
	}
	return Reply{Status: http.StatusOK, Body: doc}
}

// literals gives named literals as JSON values; one that is not a scalar
// primitive (the runner converts no other) is null.
func literals(in []*flyte2v1.NamedLiteral) map[string]any {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]any, len(in))
	for _, l := range in {
		v, _ := controlplane.LiteralValue(l.GetValue())
		out[l.GetName()] = v
	}
	return out
}

// subject names who an identity is: a user's subject, or an application's.
func subject(who *flyte2v1.EnrichedIdentity) string {
	if u := who.GetUser(); u != nil {
		return u.GetId().GetSubject()
	}
	return who.GetApplication().GetId().GetSubject()
}

// phaseName is a phase as the README writes it: QUEUED, RUNNING,
// SUCCEEDED, FAILED, ABORTED, TIMED_OUT, …; UNKNOWN for a phase that is
// unset or that this subset does not know.
func phaseName(p flyte2v1.ActionPhase) string {
	if _, known := flyte2v1.ActionPhase_name[int32(p)]; !known || p == flyte2v1.ActionPhase_ACTION_PHASE_UNSPECIFIED {
		return "UNKNOWN"
	}
	return strings.TrimPrefix(p.String(), "ACTION_PHASE_")
}
