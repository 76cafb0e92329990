package fiberpassthrough_test

import (
	"net"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/fiberpassthrough"
)

// A middleware before ours that reads a cookie makes fasthttp parse the
// cookies, after which it answers one Cookie line rebuilt from them (an
// empty one when there were none). The whole suite must still pass: no
// request without cookies refused as malformed, no two Cookie lines merged
// into one forwarded value.
func TestConformanceBehindACookieReader(t *testing.T) {
	conformance.Run(t, conformance.Harness{Serve: func(t *testing.T, opts []core.Option, h conformance.Handler) conformance.Client {
		cfg := fiberpassthrough.Config()
		cfg.DisableStartupMessage = true
		app := fiber.New(cfg)
		app.Use(func(c *fiber.Ctx) error {
			_ = c.Cookies("theme")
			return c.Next()
		})
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
			_ = app.Shutdown()
			_ = ln.Close()
			<-done
		})
		return conformance.HTTPClient(ln.Addr().String())
	}})
}
