package devserver_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"net"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
)

// A development control plane with one user of your own, served over
// Connect on loopback, and a call to Flyte 2's identity service made as
// that user.
func ExampleNew() {
	key, err := devserver.NewAPIKey()
	if err != nil {
		log.Fatal(err)
	}
	cfg := devserver.Config{
		Users: []devserver.User{{
			Subject: "carol", Name: "Carol", APIKey: key,
			Grants: []devserver.Grant{{Project: "demo", Domain: "*", Role: devserver.RoleRun}},
		}},
		MaxRuns: 100, // keep at most 100 runs; the oldest finished ones go first
	}
	srv, err := devserver.New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Stop()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go func() { _ = srv.ServeConnect(ln) }()
	base := "http://" + ln.Addr().String()

	c, err := controlplane.InitConnect(base, devserver.DemoProject, devserver.DemoDomain, srv.Org(), nil, forward.WithInsecure())
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx := core.WithMetadata(context.Background(), core.Pair{Key: "x-api-key", Value: key})
	me, err := c.UserInfo(ctx, &flyte2v1.UserInfoRequest{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(me.GetSubject(), me.GetName())
	// Output: carol Carol
}
