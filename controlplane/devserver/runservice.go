package devserver

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
)

// run is a run of a task, with its one action, [controlplane.RootAction].
// Its fields change under Server.mu.
type run struct {
	id      *flyte2v1.RunIdentifier
	task    *task
	inputs  *flyte2v1.Inputs
	outputs *flyte2v1.Outputs
	by      string // subject of who created it

	phase          flyte2v1.ActionPhase
	errorInfo      *flyte2v1.ErrorInfo
	abortInfo      *flyte2v1.AbortInfo
	started, ended time.Time
	changed        chan struct{} // closed at each change, then replaced
	cancel         context.CancelFunc
}

// runKey identifies a run in the store. A struct, not a joined string: no
// name can pass for another by containing the separator.
type runKey struct{ org, project, domain, name string }

func keyOfRun(id *flyte2v1.RunIdentifier) runKey {
	return runKey{id.GetOrg(), id.GetProject(), id.GetDomain(), id.GetName()}
}

func terminal(p flyte2v1.ActionPhase) bool {
	switch p {
	case flyte2v1.ActionPhase_ACTION_PHASE_SUCCEEDED, flyte2v1.ActionPhase_ACTION_PHASE_FAILED,
		flyte2v1.ActionPhase_ACTION_PHASE_ABORTED, flyte2v1.ActionPhase_ACTION_PHASE_TIMED_OUT:
		return true
	}
	return false
}

func user(subject string) *flyte2v1.EnrichedIdentity {
	return &flyte2v1.EnrichedIdentity{Principal: &flyte2v1.EnrichedIdentity_User{User: &flyte2v1.User{Id: &flyte2v1.UserIdentifier{Subject: subject}}}}
}

// details describes r as it is now, sharing nothing with it. s.mu is held.
func (r *run) details() *flyte2v1.RunDetails {
	st := &flyte2v1.ActionStatus{Phase: r.phase, StartTime: timestamppb.New(r.started), Attempts: 1}
	if !r.ended.IsZero() {
		st.EndTime = timestamppb.New(r.ended)
	}
	a := &flyte2v1.ActionDetails{
		Id:       &flyte2v1.ActionIdentifier{Run: proto.CloneOf(r.id), Name: controlplane.RootAction},
		Metadata: &flyte2v1.ActionMetadata{ExecutedBy: user(r.by)},
		Status:   st,
	}
	switch {
	case r.errorInfo != nil:
		a.Result = &flyte2v1.ActionDetails_ErrorInfo{ErrorInfo: proto.CloneOf(r.errorInfo)}
	case r.abortInfo != nil:
		a.Result = &flyte2v1.ActionDetails_AbortInfo{AbortInfo: proto.CloneOf(r.abortInfo)}
	}
	return &flyte2v1.RunDetails{Action: a}
}

// notify wakes whoever watches r. s.mu is held.
func (r *run) notify() {
	close(r.changed)
	r.changed = make(chan struct{})
}

func (s *Server) createRun(_ context.Context, u *User, req *flyte2v1.CreateRunRequest) (*flyte2v1.CreateRunResponse, error) {
	if err := checkCreateRun(req); err != nil {
		return nil, err
	}
	switch {
	case req.GetTaskId() == nil:
		return nil, unsupported("task_spec or trigger_name: send the task_id of a registered task")
	case req.GetOffloadedInputData() != nil:
		return nil, unsupported("offloaded_input_data: send inputs inline")
	}
	id := req.GetRunId()
	if p := req.GetProjectId(); p != nil {
		id = &flyte2v1.RunIdentifier{Org: p.GetOrganization(), Project: p.GetName(), Domain: p.GetDomain()}
	}
	tid := req.GetTaskId()
	if err := authorize(u, id.GetProject(), id.GetDomain(), RoleRun); err != nil {
		return nil, err
	}
	if id.GetOrg() != tid.GetOrg() || id.GetProject() != tid.GetProject() || id.GetDomain() != tid.GetDomain() {
		return nil, status.Error(codes.InvalidArgument, "the run and its task must be in the same org, project and domain")
	}
	t, err := s.findTask(tid)
	if err != nil {
		return nil, err
	}
	inputs, err := checkInputs(t.spec, req.GetInputs())
	if err != nil {
		return nil, err
	}
	if n := proto.Size(inputs); n > s.cfg.MaxInputBytes {
		return nil, status.Errorf(codes.InvalidArgument, "inputs are %d bytes; this control plane keeps at most %d per run", n, s.cfg.MaxInputBytes)
	}
	id = proto.CloneOf(id)
	chosen := id.GetName() != ""
	s.mu.Lock()
	if !chosen {
		id.Name = s.names.give()
	}
	k := keyOfRun(id)
	var refused error
	if chosen {
		refused = s.names.check(k)
	}
	if refused == nil {
		refused = s.admit(u.Subject)
	}
	if refused != nil {
		s.mu.Unlock()
		s.logger.Info("devserver: run refused", slog.String("task", tid.GetName()), slog.String("executed_by", u.Subject), slog.String("reason", status.Convert(refused).Message()))
		return nil, refused
	}
	if chosen {
		s.names.record(k)
	}
	ctx, cancel := context.WithCancel(s.ctx)
	r := &run{id: id, task: t, inputs: inputs, by: u.Subject, phase: flyte2v1.ActionPhase_ACTION_PHASE_QUEUED,
		started: time.Now(), changed: make(chan struct{}), cancel: cancel}
	s.runs[k] = r
	s.order = append(s.order, k)
	s.active[u.Subject]++
	d := r.details()
	delay := s.queueDelay
	s.mu.Unlock()

	s.logger.Info("devserver: run created", slog.String("run", id.GetName()), slog.String("task", tid.GetName()), slog.String("executed_by", u.Subject))
	s.wg.Add(1)
	go s.execute(ctx, r, delay)
	return &flyte2v1.CreateRunResponse{Run: &flyte2v1.Run{Action: &flyte2v1.Action{Id: d.Action.Id, Metadata: d.Action.Metadata, Status: d.Action.Status}}}, nil
}

// checkInputs checks inputs against spec's typed interface, each a scalar
// primitive of the declared simple type, and fills in the defaults of
// those missing, in the order the interface declares them.
func checkInputs(spec *flyte2v1.TaskSpec, inputs *flyte2v1.Inputs) (*flyte2v1.Inputs, error) {
	declared := map[string]*flyte2v1.LiteralType{}
	for _, v := range spec.GetTaskTemplate().GetInterface().GetInputs().GetVariables() {
		declared[v.GetKey()] = v.GetValue().GetType()
	}
	given := map[string]*flyte2v1.Literal{}
	for _, nl := range inputs.GetLiterals() {
		name := nl.GetName()
		t, ok := declared[name]
		switch {
		case !ok:
			return nil, status.Errorf(codes.InvalidArgument, "input %q is not an input of this task", name)
		case given[name] != nil:
			return nil, status.Errorf(codes.InvalidArgument, "input %q is given more than once", name)
		case !isPrimitive(nl.GetValue(), t.GetSimple()) || !controlplane.Supported(t):
			return nil, status.Errorf(codes.InvalidArgument, "input %q must be %s", name, controlplane.TypeName(t))
		}
		given[name] = nl.GetValue()
	}
	out, err := controlplane.FillDefaults(spec, given)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	out.Context = inputs.GetContext()
	return proto.CloneOf(out), nil
}

// isPrimitive reports whether l is a scalar primitive of type t.
func isPrimitive(l *flyte2v1.Literal, t flyte2v1.SimpleType) bool {
	switch v := l.GetScalar().GetPrimitive().GetValue().(type) {
	case *flyte2v1.Primitive_Integer:
		return t == flyte2v1.SimpleType_INTEGER
	case *flyte2v1.Primitive_FloatValue:
		return t == flyte2v1.SimpleType_FLOAT
	case *flyte2v1.Primitive_StringValue:
		return t == flyte2v1.SimpleType_STRING
	case *flyte2v1.Primitive_Boolean:
		return t == flyte2v1.SimpleType_BOOLEAN
	case *flyte2v1.Primitive_Datetime:
		return t == flyte2v1.SimpleType_DATETIME && v.Datetime.IsValid()
	case *flyte2v1.Primitive_Duration:
		return t == flyte2v1.SimpleType_DURATION && v.Duration.IsValid()
	}
	return false
}

// admit makes room for one more run by subject, or says why there is
// none: the user has too many active runs, or every kept run is active.
// The oldest finished run is forgotten to make room. s.mu is held.
func (s *Server) admit(subject string) error {
	if s.active[subject] >= s.cfg.MaxActiveRunsPerUser {
		return status.Errorf(codes.ResourceExhausted, "%s already has %d active runs, the most this control plane allows", subject, s.active[subject])
	}
	if len(s.order) < s.cfg.MaxRuns {
		return nil
	}
	for i, k := range s.order {
		if terminal(s.runs[k].phase) {
			delete(s.runs, k)
			s.order = slices.Delete(s.order, i, i+1)
			return nil
		}
	}
	return status.Errorf(codes.ResourceExhausted, "all %d runs this control plane keeps are still active", len(s.order))
}

// execute moves r through queued → running → succeeded or failed, unless
// it is aborted first.
func (s *Server) execute(ctx context.Context, r *run, delay time.Duration) {
	defer s.wg.Done()
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
		s.settle(r, nil, errors.New("cancelled: the control plane stopped"), flyte2v1.ErrorInfo_KIND_SYSTEM)
		return
	}
	s.mu.Lock()
	if terminal(r.phase) {
		s.mu.Unlock()
		return
	}
	r.phase = flyte2v1.ActionPhase_ACTION_PHASE_RUNNING
	r.notify()
	in := values{}
	for _, nl := range r.inputs.GetLiterals() {
		in[nl.GetName()] = nl.GetValue().GetScalar().GetPrimitive()
	}
	s.mu.Unlock()
	out, err := func() (out values, err error) {
		defer func() {
			if recover() != nil {
				err = errors.New("the task crashed")
			}
		}()
		return r.task.x.run(ctx, in)
	}()
	kind := flyte2v1.ErrorInfo_KIND_USER
	if err != nil && s.ctx.Err() != nil {
		err, kind = errors.New("cancelled: the control plane stopped"), flyte2v1.ErrorInfo_KIND_SYSTEM
	}
	s.settle(r, out, err, kind)
}

// settle ends r, with its outputs or its error, unless it has ended
// already (aborted).
func (s *Server) settle(r *run, out values, err error, kind flyte2v1.ErrorInfo_Kind) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if terminal(r.phase) {
		return
	}
	s.end(r)
	if err != nil {
		r.phase = flyte2v1.ActionPhase_ACTION_PHASE_FAILED
		r.errorInfo = &flyte2v1.ErrorInfo{Message: err.Error(), Kind: kind}
		return
	}
	r.phase = flyte2v1.ActionPhase_ACTION_PHASE_SUCCEEDED
	r.outputs = &flyte2v1.Outputs{}
	for _, name := range sortedKeys(out) {
		r.outputs.Literals = append(r.outputs.Literals, &flyte2v1.NamedLiteral{Name: name, Value: &flyte2v1.Literal{
			Value: &flyte2v1.Literal_Scalar{Scalar: &flyte2v1.Scalar{Value: &flyte2v1.Scalar_Primitive{Primitive: out[name]}}}}})
	}
}

// end records that r ended, for its user's count of active runs and for
// whoever watches it (after the caller sets the phase: s.mu is held until
// then). s.mu is held.
func (s *Server) end(r *run) {
	r.ended = time.Now()
	r.cancel()
	r.notify()
	if s.active[r.by]--; s.active[r.by] <= 0 {
		delete(s.active, r.by)
	}
}

// findRun returns the run id names, once u may see it. s.mu is held.
func (s *Server) findRun(u *User, field string, id *flyte2v1.RunIdentifier, role Role) (*run, error) {
	if err := checkRunID(field, id); err != nil {
		return nil, err
	}
	if err := authorize(u, id.GetProject(), id.GetDomain(), role); err != nil {
		return nil, err
	}
	r, ok := s.runs[keyOfRun(id)]
	if !ok {
		return nil, status.Error(codes.NotFound, "run not found")
	}
	return r, nil
}

func (s *Server) getRunDetails(_ context.Context, u *User, req *flyte2v1.GetRunDetailsRequest) (*flyte2v1.GetRunDetailsResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.findRun(u, "run_id", req.GetRunId(), RoleView)
	if err != nil {
		return nil, err
	}
	return &flyte2v1.GetRunDetailsResponse{Details: r.details()}, nil
}

// watchRunDetails sends the run's details now and at each change, until
// the run ends. A user has at most MaxWatchesPerUser such streams open.
func (s *Server) watchRunDetails(ctx context.Context, u *User, req *flyte2v1.WatchRunDetailsRequest, send func(*flyte2v1.WatchRunDetailsResponse) error) error {
	s.mu.Lock()
	if n := s.watches[u.Subject]; n >= s.cfg.MaxWatchesPerUser {
		s.mu.Unlock()
		return status.Errorf(codes.ResourceExhausted, "%s already watches %d runs, the most this control plane allows", u.Subject, n)
	}
	s.watches[u.Subject]++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		if s.watches[u.Subject]--; s.watches[u.Subject] <= 0 {
			delete(s.watches, u.Subject)
		}
		s.mu.Unlock()
	}()
	for {
		s.mu.Lock()
		r, err := s.findRun(u, "run_id", req.GetRunId(), RoleView)
		if err != nil {
			s.mu.Unlock()
			return err
		}
		d, changed, done := r.details(), r.changed, terminal(r.phase)
		s.mu.Unlock()
		if err := send(&flyte2v1.WatchRunDetailsResponse{Details: d}); err != nil {
			return err
		}
		if done {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return status.FromContextError(ctx.Err()).Err()
		}
	}
}

func (s *Server) getActionData(_ context.Context, u *User, req *flyte2v1.GetActionDataRequest) (*flyte2v1.GetActionDataResponse, error) {
	a := req.GetActionId()
	if err := checkActionID(a); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.findRun(u, "action_id.run", a.GetRun(), RoleView)
	if err != nil {
		return nil, err
	}
	if a.GetName() != controlplane.RootAction {
		return nil, status.Error(codes.NotFound, "action not found")
	}
	return &flyte2v1.GetActionDataResponse{Inputs: proto.CloneOf(r.inputs), Outputs: proto.CloneOf(r.outputs)}, nil
}

// abortRun aborts a run that has not ended: the caller's own run with the
// run role, anyone's with the admin role.
func (s *Server) abortRun(_ context.Context, u *User, req *flyte2v1.AbortRunRequest) (*flyte2v1.AbortRunResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.findRun(u, "run_id", req.GetRunId(), RoleRun)
	if err != nil {
		return nil, err
	}
	if r.by != u.Subject && !u.may(r.id.GetProject(), r.id.GetDomain(), RoleAdmin) {
		return nil, status.Errorf(codes.PermissionDenied, "%s may not abort another user's run in %s/%s", u.Subject, r.id.GetProject(), r.id.GetDomain())
	}
	if terminal(r.phase) {
		return nil, status.Error(codes.FailedPrecondition, "the run has already ended")
	}
	s.end(r)
	r.phase = flyte2v1.ActionPhase_ACTION_PHASE_ABORTED
	r.abortInfo = &flyte2v1.AbortInfo{Reason: req.GetReason(), AbortedBy: user(u.Subject)}
	s.logger.Info("devserver: run aborted", slog.String("run", r.id.GetName()), slog.String("aborted_by", u.Subject))
	return &flyte2v1.AbortRunResponse{}, nil
}
