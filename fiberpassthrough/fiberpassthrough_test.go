package fiberpassthrough_test

import (
	"net"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/fiberpassthrough"
)

func serve(t *testing.T, opts []core.Option, h conformance.Handler) conformance.Client {
	cfg := fiberpassthrough.Config()
	cfg.DisableStartupMessage = true
	app := fiber.New(cfg)
	app.Use(fiberpassthrough.Middleware(opts...))
	app.All("/*", func(c *fiber.Ctx) error {
		h(c.UserContext())
		return c.SendString("ok")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Listener(ln) }()
	t.Cleanup(func() {
		// Shutdown does nothing if Listener has not started serving yet;
		// closing the listener then stops it.
		_ = app.Shutdown()
		_ = ln.Close()
		<-done
	})
	return conformance.HTTPClient(ln.Addr().String())
}

func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Harness{Serve: serve, Variants: variants})
}
