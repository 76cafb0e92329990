package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
)

// TestMain lets the test binary act as the real command.
func TestMain(m *testing.M) {
	if os.Getenv("CONTROLPLANE_AS_MAIN") == "1" {
		os.Args = append([]string{"controlplane"}, strings.Fields(os.Getenv("CONTROLPLANE_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// The command prints its demo keys once, serves them over gRPC and
// Connect, and exits cleanly on SIGTERM.
func TestCommand(t *testing.T) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "CONTROLPLANE_AS_MAIN=1", "CONTROLPLANE_ARGS=-listen 127.0.0.1:0 -connect-listen 127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	keys := map[string]string{}
	sc := bufio.NewScanner(stdout)
	for len(keys) < 3 && sc.Scan() {
		if name, rest, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "="); ok {
			keys[name] = strings.Fields(rest)[0]
		}
	}
	// The listening addresses are in the JSON logs.
	addrs := map[string]string{}
	es := bufio.NewScanner(stderr)
	for len(addrs) < 2 && es.Scan() {
		line := es.Text()
		for _, k := range []string{"grpc", "connect"} {
			if _, rest, ok := strings.Cut(line, `"`+k+`":"`); ok {
				addrs[k], _, _ = strings.Cut(rest, `"`)
			}
		}
	}
	if keys["ALICE_KEY"] == "" || keys["FLYTE_ORG"] != devserver.DefaultOrg || addrs["grpc"] == "" || addrs["connect"] == "" {
		t.Fatalf("banner or logs incomplete: keys %v, addresses %v", len(keys), addrs)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ctx = core.WithMetadata(ctx, core.Pair{Key: "authorization", Value: "Bearer " + keys["ALICE_KEY"]})
	g, err := controlplane.Init(addrs["grpc"], "demo", "development", keys["FLYTE_ORG"], forward.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	c, err := controlplane.InitConnect(addrs["connect"], "demo", "development", keys["FLYTE_ORG"], nil, forward.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	for name, client := range map[string]*controlplane.Client{"grpc": g, "connect": c} {
		me, err := client.UserInfo(ctx, &flyte2v1.UserInfoRequest{})
		if err != nil || me.GetSubject() != "alice" || me.GetEmail() != "alice@example.com" {
			t.Fatalf("%s: UserInfo = %v, %v; want alice", name, me, err)
		}
		latest, err := client.LatestTask(ctx, "", "", "add")
		if err != nil || latest.GetOrg() != devserver.DefaultOrg || latest.GetVersion() != "v1" {
			t.Fatalf("%s: LatestTask(add) = %v, %v; want v1 in %s", name, latest, err, devserver.DefaultOrg)
		}
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
}
