package devserver

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
)

// task is a registered task version. It never changes once registered.
type task struct {
	id      *flyte2v1.TaskIdentifier
	meta    *flyte2v1.TaskMetadata
	spec    *flyte2v1.TaskSpec
	x       executor
	created time.Time
	seq     int // registration order
}

// Bounds on registered tasks: with maxListBytes, they keep the task store
// under 16 MiB and every answer under gRPC's default 4 MiB.
const (
	maxTaskBytes    = 16 << 10
	maxTaskVersions = 1000
	maxListBytes    = 3 << 20
	defaultListSize = 100
)

// registerTasks builds the built-in tasks and then extra, in org. Each
// version's registration time is later than the one before, so that
// "latest" is the last registered.
func registerTasks(org string, extra []Task, now time.Time) ([]*task, error) {
	all := append(BuiltinTasks(), extra...)
	if len(all) > maxTaskVersions {
		return nil, fmt.Errorf("at most %d task versions are kept, built-in ones included", maxTaskVersions)
	}
	seen := map[taskKey]bool{}
	out := make([]*task, 0, len(all))
	for i, t := range all {
		id, spec, x, err := t.spec(org)
		if err != nil {
			return nil, fmt.Errorf("task %q version %q: %w", t.Name, t.Version, err)
		}
		k := keyOfTask(id)
		if seen[k] {
			return nil, fmt.Errorf("task %q version %q in %s/%s is registered twice", t.Name, t.Version, id.GetProject(), id.GetDomain())
		}
		seen[k] = true
		created := now.Add(time.Duration(i) * time.Microsecond)
		meta := &flyte2v1.TaskMetadata{ShortName: t.Name, DeployedAt: timestamppb.New(created), ShortDescription: t.Description}
		if n := proto.Size(spec) + proto.Size(meta); n > maxTaskBytes {
			return nil, fmt.Errorf("task %q version %q is %d bytes; tasks of at most %d are kept", t.Name, t.Version, n, maxTaskBytes)
		}
		out = append(out, &task{id: id, meta: meta, spec: spec, x: x, created: created, seq: i})
	}
	return out, nil
}

// taskKey identifies a task version. A struct, not a joined string: no
// name can pass for another by containing the separator.
type taskKey struct{ org, project, domain, name, version string }

func keyOfTask(id *flyte2v1.TaskIdentifier) taskKey {
	return taskKey{id.GetOrg(), id.GetProject(), id.GetDomain(), id.GetName(), id.GetVersion()}
}

func (s *Server) userInfo(_ context.Context, u *User, _ *flyte2v1.UserInfoRequest) (*flyte2v1.UserInfoResponse, error) {
	return &flyte2v1.UserInfoResponse{
		Subject: u.Subject, Name: u.Name, PreferredUsername: u.PreferredUsername,
		GivenName: u.GivenName, FamilyName: u.FamilyName, Email: u.Email, Picture: u.Picture,
	}, nil
}

func (s *Server) getTaskDetails(_ context.Context, u *User, req *flyte2v1.GetTaskDetailsRequest) (*flyte2v1.GetTaskDetailsResponse, error) {
	id := req.GetTaskId()
	if err := checkTaskID(id); err != nil {
		return nil, err
	}
	if err := authorize(u, id.GetProject(), id.GetDomain(), RoleView); err != nil {
		return nil, err
	}
	t, err := s.findTask(id)
	if err != nil {
		return nil, err
	}
	return &flyte2v1.GetTaskDetailsResponse{Details: &flyte2v1.TaskDetails{
		TaskId:   proto.CloneOf(t.id),
		Metadata: proto.CloneOf(t.meta),
		Spec:     proto.CloneOf(t.spec),
	}}, nil
}

func (s *Server) findTask(id *flyte2v1.TaskIdentifier) (*task, error) {
	t, ok := s.byID[keyOfTask(id)]
	if !ok {
		return nil, status.Error(codes.NotFound, "task not found")
	}
	return t, nil
}

// listTasks answers with task versions, newest first unless the request
// sorts otherwise, as many as the limit (default 100) and 3 MiB allow. It
// filters by name (EQUAL); other filters are refused as unsupported.
func (s *Server) listTasks(_ context.Context, u *User, req *flyte2v1.ListTasksRequest) (*flyte2v1.ListTasksResponse, error) {
	if err := checkListTasks(req); err != nil {
		return nil, err
	}
	var inScope func(*task) bool
	switch scope := req.GetScopeBy().(type) {
	case *flyte2v1.ListTasksRequest_ProjectId:
		p := scope.ProjectId
		if err := authorize(u, p.GetName(), p.GetDomain(), RoleView); err != nil {
			return nil, err
		}
		inScope = func(t *task) bool {
			return t.id.GetOrg() == p.GetOrganization() && t.id.GetProject() == p.GetName() && t.id.GetDomain() == p.GetDomain()
		}
	case *flyte2v1.ListTasksRequest_Org:
		inScope = func(t *task) bool {
			return t.id.GetOrg() == scope.Org && u.may(t.id.GetProject(), t.id.GetDomain(), RoleView)
		}
	}
	lr := req.GetRequest()
	if len(req.GetKnownFilters()) > 0 || len(lr.GetRawFilters()) > 0 || len(lr.GetSortByFields()) > 0 {
		return nil, unsupported("known_filters, raw_filters or sort_by_fields")
	}
	var names []string
	for _, f := range lr.GetFilters() {
		if f.GetField() != "name" || f.GetFunction() != flyte2v1.Filter_EQUAL {
			return nil, unsupported(fmt.Sprintf("the filter %s on %q (only name EQUAL)", f.GetFunction(), f.GetField()))
		}
		names = append(names, f.GetValues()...)
	}
	order, err := taskOrder(lr.GetSortBy())
	if err != nil {
		return nil, err
	}
	offset := 0
	if tok := lr.GetToken(); tok != "" {
		if offset, err = strconv.Atoi(tok); err != nil || offset < 0 {
			return nil, status.Error(codes.InvalidArgument, "invalid token")
		}
	}
	limit := int(lr.GetLimit())
	if limit == 0 {
		limit = defaultListSize
	}

	var total, matched []*task
	for _, t := range s.tasks {
		if !inScope(t) {
			continue
		}
		total = append(total, t)
		if len(lr.GetFilters()) == 0 || slices.Contains(names, t.id.GetName()) {
			matched = append(matched, t)
		}
	}
	slices.SortStableFunc(matched, order)
	resp := &flyte2v1.ListTasksResponse{Metadata: &flyte2v1.ListTasksResponse_ListTasksMetadata{
		Total: uint32(len(total)), FilteredTotal: uint32(len(matched)),
	}}
	size := 0
	for i := offset; i < len(matched); i++ {
		t := matched[i]
		entry := &flyte2v1.Task{TaskId: proto.CloneOf(t.id), Metadata: proto.CloneOf(t.meta)}
		if size += proto.Size(entry) + 8; len(resp.Tasks) == limit || size > maxListBytes {
			resp.Token = strconv.Itoa(i)
			break
		}
		resp.Tasks = append(resp.Tasks, entry)
	}
	return resp, nil
}

// taskOrder is the order a ListRequest's sort_by asks for: created_at
// (default) or name, descending (default) or ascending.
func taskOrder(sort *flyte2v1.Sort) (func(a, b *task) int, error) {
	var asc func(a, b *task) int
	switch sort.GetKey() {
	case "", "created_at":
		asc = func(a, b *task) int { return cmp.Compare(a.seq, b.seq) }
	case "name":
		asc = func(a, b *task) int { return cmp.Compare(a.id.GetName(), b.id.GetName()) }
	default:
		return nil, unsupported(fmt.Sprintf("sorting by %q (only created_at and name)", sort.GetKey()))
	}
	if sort.GetDirection() == flyte2v1.Sort_ASCENDING {
		return asc, nil
	}
	return func(a, b *task) int { return asc(b, a) }, nil
}
