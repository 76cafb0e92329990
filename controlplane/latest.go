package controlplane

import (
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
)

// LatestTask finds the newest version of a task as the Python SDK does:
// ListTasks scoped by the project, with limit 1, sorted by created_at
// descending and filtered by name EQUAL. An answer that names another
// task, or none, is NotFound.
func (c *Client) LatestTask(ctx context.Context, project, domain, name string) (*flyte2v1.TaskIdentifier, error) {
	resp, err := c.ListTasks(ctx, LatestTaskRequest(c.ProjectID(project, domain), name))
	if err != nil {
		return nil, err
	}
	want := c.TaskID(project, domain, name, "")
	for _, t := range resp.GetTasks() {
		id := t.GetTaskId()
		if id.GetName() == want.GetName() && id.GetProject() == want.GetProject() && id.GetDomain() == want.GetDomain() && id.GetVersion() != "" {
			return id, nil
		}
	}
	return nil, status.Error(codes.NotFound, "no version of the task was found")
}

// LatestTaskRequest is the ListTasks request that [Client.LatestTask]
// sends.
func LatestTaskRequest(project *flyte2v1.ProjectIdentifier, name string) *flyte2v1.ListTasksRequest {
	return &flyte2v1.ListTasksRequest{
		Request: &flyte2v1.ListRequest{
			Limit:   1,
			SortBy:  &flyte2v1.Sort{Key: "created_at", Direction: flyte2v1.Sort_DESCENDING},
			Filters: []*flyte2v1.Filter{{Function: flyte2v1.Filter_EQUAL, Field: "name", Values: []string{name}}},
		},
		ScopeBy: &flyte2v1.ListTasksRequest_ProjectId{ProjectId: project},
	}
}
