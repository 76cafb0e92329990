// Command fiber3 is the README's Fiber v3 quick start: GET /me asks the
// control plane who the caller is, with the caller's own credentials.
// fiber3passthrough is a module of its own (see docs/modules.md), and so is
// this example:
//
//	go run ./cmd/controlplane          # one shell: prints ALICE_KEY
//	go run -C examples/fiber3 .        # another shell
//	curl -H "Authorization: Bearer $ALICE_KEY" http://127.0.0.1:8080/me
package main

import (
	"log"
	"time"

	"github.com/gofiber/fiber/v3"
	"google.golang.org/grpc/status"

	"github.com/passthrough-go/passthrough/controlplane/controlplanev1"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/fiber3passthrough"
	"github.com/passthrough-go/passthrough/forward"
	"github.com/passthrough-go/passthrough/grpcpassthrough"
)

func main() {
	// The development control plane is plaintext on loopback, hence
	// WithInsecure; a real one is "https://...", without it.
	conn, err := grpcpassthrough.NewClient("http://127.0.0.1:8089", forward.WithInsecure())
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	app := newApp(controlplanev1.NewIdentityServiceClient(conn))
	log.Fatal(app.Listen("127.0.0.1:8080", fiber.ListenConfig{DisableStartupMessage: true}))
}

func newApp(identity controlplanev1.IdentityServiceClient) *fiber.App {
	// Config: a read buffer that fits 8 KiB credentials, and an error
	// handler that never echoes the request.
	cfg := fiber3passthrough.Config()
	cfg.ReadTimeout = 10 * time.Second
	cfg.WriteTimeout = 30 * time.Second
	cfg.IdleTimeout = 60 * time.Second
	app := fiber.New(cfg)
	fiber3passthrough.Install(app, core.WithExcludedPaths("GET /health"))
	app.Get("/health", func(c fiber.Ctx) error {
		return c.JSON(fiber.Map{"status": "ok"})
	})
	app.Get("/me", func(c fiber.Ctx) error {
		ctx := c.Context() // carries the caller's credentials (pass c.Context(), not c)
		me, err := identity.WhoAmI(ctx, &controlplanev1.WhoAmIRequest{})
		if err != nil {
			return c.Status(fiber.StatusBadGateway).JSON(fiber.Map{"detail": status.Code(err).String()})
		}
		return c.JSON(fiber.Map{"subject": me.GetSubject(), "name": me.GetName()})
	})
	return app
}
