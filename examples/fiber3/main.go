// Command fiber3 is the Fiber v3 quick start linked from the README's adapter table: GET /me asks the
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

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/fiber3passthrough"
	"github.com/passthrough-go/passthrough/forward"
)

func main() {
	// The development control plane is plaintext on loopback, hence
	// WithInsecure, and has its tasks in devserver.DefaultOrg; a real one is
	// "https://...", without WithInsecure, in your org (FLYTE_ORG).
	cp, err := controlplane.Init("http://127.0.0.1:8089", "demo", "development", devserver.DefaultOrg, forward.WithInsecure())
	if err != nil {
		log.Fatal(err)
	}
	defer cp.Close()
	app := newApp(cp)
	log.Fatal(app.Listen("127.0.0.1:8080", fiber.ListenConfig{DisableStartupMessage: true}))
}

func newApp(cp *controlplane.Client) *fiber.App {
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
		me, err := cp.UserInfo(ctx, &flyte2v1.UserInfoRequest{})
		if err != nil {
			log.Printf("/me: %v", err) // the reason, e.g. a context without the caller's credentials
			return c.Status(fiber.StatusBadGateway).JSON(fiber.Map{"detail": status.Code(err).String()})
		}
		return c.JSON(fiber.Map{"subject": me.GetSubject(), "name": me.GetName()})
	})
	return app
}
