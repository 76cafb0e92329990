package fiberpassthrough_test

import (
	"net"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/fiberpassthrough"
)

// listen serves app on a loopback port until the test ends.
func listen(t *testing.T, app *fiber.App) conformance.Client {
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

// variant serves the conformance variants: a Fiber app configured by
// configure on top of the recommended [fiberpassthrough.Config], the
// adapter installed with app.Use first as documented, the public routes,
// then app.All("/*") as the protected catch-all.
func variant(configure func(*fiber.Config)) func(*testing.T, []core.Option, []conformance.Public, conformance.RouteHandler) conformance.Client {
	return routes(configure, true)
}

// routes is variant, with GET routes added by app.Get (which also routes
// HEAD to them) when viaGet, or by app.Add(fiber.MethodGet, ...) alone.
func routes(configure func(*fiber.Config), viaGet bool) func(*testing.T, []core.Option, []conformance.Public, conformance.RouteHandler) conformance.Client {
	return func(t *testing.T, opts []core.Option, public []conformance.Public, h conformance.RouteHandler) conformance.Client {
		cfg := fiberpassthrough.Config()
		cfg.DisableStartupMessage = true
		configure(&cfg)
		app := fiber.New(cfg)
		fiberpassthrough.Install(app, opts...)
		for _, p := range public {
			route := func(c *fiber.Ctx) error {
				h(c.UserContext(), p.Pattern())
				return c.SendString("ok")
			}
			paths := []string{p.Path}
			if p.Prefix {
				paths = append(paths, p.Path+"/*")
			}
			for _, path := range paths {
				switch p.Method {
				case "":
					app.All(path, route)
				case fiber.MethodGet:
					if viaGet {
						app.Get(path, route) // also routes HEAD
					} else {
						app.Add(fiber.MethodGet, path, route)
					}
				default:
					app.Add(p.Method, path, route)
				}
			}
		}
		app.All("/*", func(c *fiber.Ctx) error {
			h(c.UserContext(), conformance.Protected)
			return c.SendString("ok")
		})
		return listen(t, app)
	}
}

var variants = []conformance.Variant{
	{Name: "Default", Serve: variant(func(*fiber.Config) {})},
	{Name: "CaseSensitive", Serve: variant(func(c *fiber.Config) { c.CaseSensitive = true })},
	{Name: "StrictRouting", Serve: variant(func(c *fiber.Config) { c.StrictRouting = true })},
	{Name: "UnescapePath", Serve: variant(func(c *fiber.Config) { c.UnescapePath = true })},
	{Name: "GETRoutesWithoutHEAD", Serve: routes(func(*fiber.Config) {}, false)},
	{Name: "DisableHeaderNormalizing", Serve: variant(func(c *fiber.Config) { c.DisableHeaderNormalizing = true })},
	{Name: "FinalUseCatchAll", Serve: finalUse(false)},
	{Name: "FinalUseCatchAllGETOnly", Serve: finalUse(true)},
	{Name: "AllPathOptions", Serve: variant(func(c *fiber.Config) {
		c.CaseSensitive, c.StrictRouting, c.UnescapePath = true, true, true
	})},
}
