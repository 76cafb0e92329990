package controlplane_test

import (
	"context"
	"fmt"
	"log"
	"net"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
)

// Ask Flyte 2's identity service who each demo user is, over gRPC, with
// the user's own key: the call carries the credentials of its context.
func ExampleInit() {
	cfg, err := devserver.DemoConfig()
	if err != nil {
		log.Fatal(err)
	}
	srv, err := devserver.New(cfg, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Stop()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()

	c, err := controlplane.Init("http://"+ln.Addr().String(), devserver.DemoProject, devserver.DemoDomain, srv.Org(), forward.WithInsecure())
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	for _, u := range cfg.Users {
		ctx := core.WithMetadata(context.Background(), core.Pair{Key: "authorization", Value: "Bearer " + u.APIKey})
		me, err := c.UserInfo(ctx, &flyte2v1.UserInfoRequest{})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %s <%s>\n", me.GetSubject(), me.GetName(), me.GetEmail())
	}
	// Output:
	// alice: Alice Runner <alice@example.com>
	// bob: Bob Viewer <bob@example.com>
}
