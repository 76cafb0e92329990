package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/passthrough-go/passthrough/controlplane/devserver"
)

func runCommand(t *testing.T, args string) (stdout, stderr string, ok bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0])
	cmd.Env = append(os.Environ(), "CONTROLPLANE_AS_MAIN=1", "CONTROLPLANE_ARGS="+args)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%q: still running after 15s; stdout: %s", args, out.String())
	}
	return out.String(), errb.String(), err == nil
}

// Bad flags, or a port already taken, fail before the keys are printed.
func TestFailuresComeBeforeKeys(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { taken.Close() })
	for _, tc := range []struct{ args, want string }{
		{"-listen 127.0.0.1:0 -connect-listen " + taken.Addr().String(), "address already in use"},
		{"-listen " + taken.Addr().String() + " -connect-listen 127.0.0.1:0", "address already in use"},
		{"-listen nonsense -connect-listen 127.0.0.1:0", "-listen"},
		{"-listen 127.0.0.1:0 -connect-listen 127.0.0.1:70000", "-connect-listen"},
		{"-listen 127.0.0.1:0 -config /nonexistent/users.json", "users.json"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, ok := runCommand(t, tc.args)
			if ok {
				t.Fatal("exited successfully")
			}
			if stdout != "" {
				t.Errorf("printed before failing: %q", stdout)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q does not mention %q", stderr, tc.want)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	stdout, stderr, ok := runCommand(t, "-help")
	if !ok {
		t.Fatalf("-help failed: %s", stderr)
	}
	for _, want := range []string{"-listen", "-connect-listen", "-config", "flyteidl2.auth.IdentityService/UserInfo", "flyteidl2.workflow.RunService/CreateRun", "max_runs", "FLYTE_ORG", devserver.DefaultOrg} {
		if !strings.Contains(stdout+stderr, want) {
			t.Errorf("-help does not mention %q:\n%s", want, stdout+stderr)
		}
	}
}
