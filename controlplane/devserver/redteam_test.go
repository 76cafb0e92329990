package devserver_test

// Red-team tests of the development control plane; a failing one is a
// finding for the lead to fix.

import (
	"testing"

	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
)

// Runs are forgotten once max_runs is reached, and a caller may name its
// run (run_id). A name once forgotten can then be taken by another user:
// whoever holds the first run's URL (the runner's /runs/{project}/{domain}/{name})
// is then shown another user's run, outputs and error, as if it were the
// one they started. Upstream never reuses a run name in a project and
// domain; a name used once must stay refused (AlreadyExists), or
// forgotten runs must answer something other than a stranger's run.
func TestRedTeamForgottenRunNameIsNotReusedByAnotherUser(t *testing.T) {
	t.Parallel()
	c, _, _ := limited(t, devserver.Config{MaxRuns: 1})
	ada, rue := as(t.Context(), adminKey), as(t.Context(), runKey)
	named := func(name, greet string) *flyte2v1.CreateRunRequest {
		r := hello(greet)
		r.Id = &flyte2v1.CreateRunRequest_RunId{RunId: &flyte2v1.RunIdentifier{Org: org, Project: "demo", Domain: "development", Name: name}}
		return r
	}
	first, err := c.CreateRun(rue, named("nightly-report", "rue"))
	if err != nil {
		t.Fatal(err)
	}
	finish(t, c, first)
	// Ada pushes rue's run out of the store, then takes its name.
	other, err := c.CreateRun(ada, hello("filler"))
	if err != nil {
		t.Fatal(err)
	}
	finish(t, c, other)
	if _, err := c.CreateRun(ada, named("nightly-report", "not rue")); err == nil {
		d, _ := c.GetRunDetails(rue, &flyte2v1.GetRunDetailsRequest{RunId: runID(first)})
		t.Fatalf("ada took the name of rue's forgotten run: rue now asks for its run and sees one executed by %q",
			d.GetDetails().GetAction().GetMetadata().GetExecutedBy().GetUser().GetId().GetSubject())
	}
}
