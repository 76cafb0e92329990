// Command fiber is the Fiber quick start linked from the README's adapter table: GET /me asks the
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

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/fiberpassthrough"
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
	log.Fatal(app.Listen("127.0.0.1:8080"))
}

func newApp(cp *controlplane.Client) *fiber.App {
	// readme:begin setup
	// A read buffer that fits 8 KiB credentials, and errors that never echo
	// the request; then the usual timeouts.
	cfg := fiberpassthrough.Config()
	cfg.DisableStartupMessage = true
	cfg.ReadTimeout = 10 * time.Second
	cfg.WriteTimeout = 30 * time.Second
	cfg.IdleTimeout = 60 * time.Second
	app := fiber.New(cfg)
	fiberpassthrough.Install(app, core.WithExcludedPaths("GET /health"))
	// readme:end setup
	app.Get("/health", func(c *fiber.Ctx) error {
		return c.JSON(fiber.Map{"status": "ok"})
	})
	app.Get("/me", func(c *fiber.Ctx) error {
		ctx := c.UserContext() // carries the caller's credentials, copied out of fasthttp's buffers
		me, err := cp.UserInfo(ctx, &flyte2v1.UserInfoRequest{})
		if err != nil {
			log.Printf("/me: %v", err) // the reason, e.g. a context without the caller's credentials
			return c.Status(fiber.StatusBadGateway).JSON(fiber.Map{"detail": status.Code(err).String()})
		}
		return c.JSON(fiber.Map{"subject": me.GetSubject(), "name": me.GetName()})
	})
	return app
}
