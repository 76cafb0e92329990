package devserver_test

import (
	"fmt"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
)

// named asks for a hello run named name in the demo project.
func named(name, greet string) *flyte2v1.CreateRunRequest {
	r := hello(greet)
	r.Id = &flyte2v1.CreateRunRequest_RunId{RunId: &flyte2v1.RunIdentifier{Org: org, Project: "demo", Domain: "development", Name: name}}
	return r
}

// Runs are forgotten once max_runs is reached, and a caller may name its
// run (run_id). A name once used stays refused (AlreadyExists), as
// upstream never reuses a run name: whoever holds a forgotten run's URL
// (the runner's /runs/{project}/{domain}/{name}) must never be shown
// another user's run, its outputs and error, as if it were the one they
// started.
func TestForgottenRunNameIsNotReusedByAnotherUser(t *testing.T) {
	t.Parallel()
	c, _, _ := limited(t, devserver.Config{MaxRuns: 1})
	ada, rue := as(t.Context(), adminKey), as(t.Context(), runKey)
	first, err := c.CreateRun(rue, named("nightly-report", "rue"))
	if err != nil {
		t.Fatal(err)
	}
	finish(t, c, first)
	// Ada pushes rue's run out of the store, then tries to take its name.
	other, err := c.CreateRun(ada, hello("filler"))
	if err != nil {
		t.Fatal(err)
	}
	finish(t, c, other)
	_, err = c.CreateRun(ada, named("nightly-report", "not rue"))
	code(t, "the name of rue's forgotten run", err, codes.AlreadyExists)
	// The name of a forgotten run the server named is never reused either.
	_, err = c.CreateRun(ada, hello("filler"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateRun(ada, named(runID(other).GetName(), "not ada"))
	code(t, "the name the server gave a forgotten run", err, codes.InvalidArgument)
}

// The names a server gives are new, even where callers chose names
// before.
func TestGivenRunNamesAreNew(t *testing.T) {
	t.Parallel()
	c, _, _ := limited(t, devserver.Config{MaxRuns: 3})
	ctx := as(t.Context(), adminKey)
	seen := map[string]bool{}
	for i := range 6 {
		r, err := c.CreateRun(ctx, hello("x"))
		if err != nil {
			t.Fatal(err)
		}
		name := runID(r).GetName()
		if seen[name] || len(name) > 30 {
			t.Fatalf("run %d was named %q: given before, or longer than 30 characters", i, name)
		}
		seen[name] = true
		finish(t, c, r)
	}
}

// A server remembers the names of at most 10 × max_runs runs its callers
// named; beyond that it refuses run_id, and still names runs itself.
func TestChosenRunNamesAreBounded(t *testing.T) {
	t.Parallel()
	c, _, _ := limited(t, devserver.Config{MaxRuns: 1})
	ctx := as(t.Context(), adminKey)
	for i := range 10 {
		r, err := c.CreateRun(ctx, named(fmt.Sprint("run-", i), "x"))
		if err != nil {
			t.Fatalf("named run %d: %v", i, err)
		}
		finish(t, c, r)
	}
	_, err := c.CreateRun(ctx, named("run-10", "x"))
	code(t, "an eleventh named run with max_runs 1", err, codes.ResourceExhausted)
	if _, err := c.CreateRun(ctx, hello("x")); err != nil {
		t.Fatalf("a run the server names, once callers named as many as it remembers: %v", err)
	}
}
