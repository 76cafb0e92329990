package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// runCommand runs the command with args until it exits (or, if it does
// not, for 15 seconds) and returns its output and whether it exited
// successfully.
func runCommand(t *testing.T, args string, env ...string) (stdout, stderr string, ok bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0])
	cmd.Env = append(os.Environ(), "WEBHOOK_RUNNER_AS_MAIN=1", "WEBHOOK_RUNNER_ARGS="+args, "FLYTE_ENDPOINT=", "FLYTE_ORG=")
	cmd.Env = append(cmd.Env, env...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%q: still running after 15s; stdout: %s", args, out.String())
	}
	return out.String(), errb.String(), err == nil
}

// Bad flags fail at start, before anything is printed on stdout, where the
// keys go.
func TestBadFlagsFailBeforeKeys(t *testing.T) {
	t.Parallel()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { taken.Close() })
	for _, tc := range []struct{ args, want string }{
		{"-listen 127.0.0.1:0 -timeout 0", "-timeout"},
		{"-listen 127.0.0.1:0 -timeout -1s", "-timeout"},
		{"-listen 127.0.0.1:0 -shutdown-timeout 0", "-shutdown-timeout"},
		{"-listen 127.0.0.1:0 -read-timeout 0", "-read-timeout"},
		{"-listen 127.0.0.1:0 -idle-timeout -5s", "-idle-timeout"},
		{"-listen nonsense", "-listen"},
		{"-listen 127.0.0.1:99999", "-listen"},
		{"-listen " + taken.Addr().String(), "address already in use"},
		{"-listen 127.0.0.1:0 -framework martini", "martini"},
		{"-listen 127.0.0.1:0 -protocol http", "protocol"},
		{"-listen 127.0.0.1:0 -log-level loud", "-log-level"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, ok := runCommand(t, tc.args)
			if ok {
				t.Fatalf("exited successfully")
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

// -help lists the flags, the environment variables and the routes.
func TestHelp(t *testing.T) {
	t.Parallel()
	stdout, stderr, ok := runCommand(t, "-help")
	if !ok {
		t.Fatalf("-help failed: %s", stderr)
	}
	help := stdout + stderr
	for _, want := range []string{"-framework", "-listen", "-timeout", "-read-timeout", "FLYTE_ENDPOINT", "FLYTE_INSECURE", "FLYTE_ORG",
		"FLYTE_INTERNAL_EXECUTION_PROJECT", "GET /health", "POST /run-task/{project}/{domain}/{name}", "GET /runs/{project}/{domain}/{name}"} {
		if !strings.Contains(help, want) {
			t.Errorf("-help does not mention %q:\n%s", want, help)
		}
	}
}

// With FLYTE_ENDPOINT set and no org to be had, the command refuses to
// start, before anything is printed, and says to set FLYTE_ORG.
func TestEndpointWithoutOrgIsRefused(t *testing.T) {
	t.Parallel()
	for _, endpoint := range []string{"https://example.cloud", "10.0.0.8:443"} {
		stdout, stderr, ok := runCommand(t, "-listen 127.0.0.1:0", "FLYTE_ENDPOINT="+endpoint)
		if ok {
			t.Fatalf("%s: started without an org", endpoint)
		}
		if stdout != "" {
			t.Errorf("%s: printed before failing: %q", endpoint, stdout)
		}
		if !strings.Contains(stderr, "set FLYTE_ORG") {
			t.Errorf("%s: stderr %q does not say to set FLYTE_ORG", endpoint, stderr)
		}
	}
}
