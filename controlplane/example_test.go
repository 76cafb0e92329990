package controlplane_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"net"

	"google.golang.org/grpc/status"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/controlplanev1"
	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
)

// Init is the Go form of Python's init_passthrough: every call made with a
// context carries that context's credentials. Here the control plane is the
// development server, plaintext on loopback, hence forward.WithInsecure.
func ExampleInit() {
	cfg, err := devserver.DemoConfig() // two demo users with fresh API keys
	if err != nil {
		log.Fatal(err)
	}
	dev, err := devserver.New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		log.Fatal(err)
	}
	defer dev.Stop()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go func() { _ = dev.Serve(ln) }()

	cp, err := controlplane.Init("http://"+ln.Addr().String(), devserver.DemoProject, "development", "", forward.WithInsecure())
	if err != nil {
		log.Fatal(err)
	}
	defer cp.Close()

	// In a handler the middleware has put the caller's credentials in the
	// request's context; here they are scoped by hand.
	for _, u := range cfg.Users {
		ctx := core.WithMetadata(context.Background(), core.Pair{Key: "authorization", Value: "Bearer " + u.APIKey})
		me, err := cp.WhoAmI(ctx, &controlplanev1.WhoAmIRequest{})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(me.GetSubject())
	}
	// Without credentials nothing is sent.
	_, err = cp.WhoAmI(context.Background(), &controlplanev1.WhoAmIRequest{})
	fmt.Println(status.Code(err))
	// Output:
	// alice
	// bob
	// Unauthenticated
}
