package devserver_test

// Red-team tests of the development control plane; a failing one is a
// finding for the lead to fix.

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
)

// A request that never finishes arriving is dropped after read_timeout on
// the Connect endpoint (HTTP/1.1 and h2c alike). On the gRPC endpoint only
// the handshake is timed: a client without credentials that opens a
// stream and never sends its message holds it, and its handler goroutine,
// forever (MaxConnectionIdle never fires while a stream is open), 100
// streams a connection, as many connections as it likes. Both endpoints
// must drop it.
func TestRedTeamStalledRequestIsDroppedOnEveryEndpoint(t *testing.T) {
	t.Parallel()
	const short = 300 * time.Millisecond
	e := serve(t, devserver.Config{ReadTimeout: devserver.Duration(short), IdleTimeout: devserver.Duration(short)})
	for name, addr := range map[string]string{"gRPC endpoint": e.grpcAddr, "Connect endpoint (gRPC over h2c)": e.connectAddr} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cc, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
			if err != nil {
				t.Fatal(err)
			}
			defer cc.Close()
			// No credentials, no message, no end of stream: only headers.
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			s, err := cc.NewStream(ctx, &grpc.StreamDesc{ClientStreams: true, ServerStreams: true}, controlplane.UserInfoProcedure)
			if err != nil {
				t.Fatal(err)
			}
			// The safety net only: the test goes on as soon as the server
			// ends the stream.
			safety := time.AfterFunc(20*time.Second, cancel)
			defer safety.Stop()
			err = s.RecvMsg(new(flyte2v1.UserInfoResponse))
			if status.Code(err) == codes.Canceled && ctx.Err() != nil {
				t.Fatalf("%s: the server kept a stalled request without credentials open (read_timeout %v)", name, short)
			}
		})
	}
}

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
