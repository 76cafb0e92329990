// Command fiber is the README's Fiber quick start: GET /me asks the
// control plane who the caller is, with the caller's own credentials.
//
//	go run ./cmd/controlplane   # one shell: prints ALICE_KEY
//	go run ./examples/fiber     # another shell
//	curl -H "Authorization: Bearer $ALICE_KEY" http://127.0.0.1:8080/me
package main

import (
	"log"
	"time"

	"github.com/gofiber/fiber/v2"
	"google.golang.org/grpc/status"

	"github.com/passthrough-go/passthrough/controlplane/controlplanev1"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/fiberpassthrough"
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
	log.Fatal(app.Listen("127.0.0.1:8080"))
}

func newApp(identity controlplanev1.IdentityServiceClient) *fiber.App {
	// A read buffer that fits 8 KiB credentials, and errors that never echo
	// the request; then the usual timeouts.
	cfg := fiberpassthrough.Config()
	cfg.DisableStartupMessage = true
	cfg.ReadTimeout = 10 * time.Second
	cfg.WriteTimeout = 30 * time.Second
	cfg.IdleTimeout = 60 * time.Second
	app := fiber.New(cfg)
	fiberpassthrough.Install(app, core.WithExcludedPaths("GET /health"))
	app.Get("/health", func(c *fiber.Ctx) error {
		return c.JSON(fiber.Map{"status": "ok"})
	})
	app.Get("/me", func(c *fiber.Ctx) error {
		ctx := c.UserContext() // carries the caller's credentials, copied out of fasthttp's buffers
		me, err := identity.WhoAmI(ctx, &controlplanev1.WhoAmIRequest{})
		if err != nil {
			return c.Status(fiber.StatusBadGateway).JSON(fiber.Map{"detail": status.Code(err).String()})
		}
		return c.JSON(fiber.Map{"subject": me.GetSubject(), "name": me.GetName()})
	})
	return app
}
