package flyte2compat_test

import (
	"context"
	"log/slog"
	"net"
	"testing"

	"github.com/passthrough-go/passthrough/controlplane/devserver"
)

// TestUpstreamClientAgainstDevserver runs client.ts, built only from Flyte
// 2's published descriptors, against the development control plane over
// Connect, gRPC and gRPC-Web: identity as each user, the latest of two
// versions, a typed run watched to SUCCEEDED, its outputs, and the 401,
// 403, 404 and 400 cases.
func TestUpstreamClientAgainstDevserver(t *testing.T) {
	t.Parallel()
	alice, err := devserver.NewAPIKey()
	if err != nil {
		t.Fatal(err)
	}
	bob, err := devserver.NewAPIKey()
	if err != nil {
		t.Fatal(err)
	}
	grants := func(r devserver.Role) []devserver.Grant {
		return []devserver.Grant{{Project: devserver.DemoProject, Domain: "*", Role: r}}
	}
	cfg := devserver.Config{
		Users: []devserver.User{
			{Subject: "alice", Name: "Alice Runner", APIKey: alice, Grants: grants(devserver.RoleRun)},
			{Subject: "bob", Name: "Bob Viewer", APIKey: bob, Grants: grants(devserver.RoleView)},
		},
		Org: "compat-org",
		Tasks: []devserver.Task{
			{Name: "greet", Version: "2026.1", Executor: "hello", Inputs: []devserver.Input{{Name: "name", Type: "string"}}},
			{Name: "greet", Version: "2026.2", Executor: "hello", Inputs: []devserver.Input{{Name: "name", Type: "string"}}},
		},
	}
	srv, err := devserver.New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	grpcLn := listen(t)
	connectLn := listen(t)
	go func() { _ = srv.Serve(grpcLn) }()
	go func() { _ = srv.ServeConnect(connectLn) }()

	for _, protocol := range []string{"connect", "grpc", "grpcweb"} {
		t.Run(protocol, func(t *testing.T) {
			t.Parallel()
			cmd := tsx(t, context.Background(), "client.ts",
				"PROTOCOL="+protocol,
				"CP_URL=http://"+connectLn.Addr().String(), "CP_GRPC_URL=http://"+grpcLn.Addr().String(),
				"ORG="+cfg.Org, "PROJECT="+devserver.DemoProject, "DOMAIN="+devserver.DemoDomain,
				"ALICE_KEY="+alice, "BOB_KEY="+bob, "LATEST_TASK=greet", "LATEST_VERSION=2026.2")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("the upstream-typed client over %s: %v\n%s", protocol, err, out)
			}
			t.Logf("%s", out)
		})
	}
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}
