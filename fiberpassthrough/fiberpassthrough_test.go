package fiberpassthrough_test

import (
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/fiberpassthrough"
)

func serve(t *testing.T, opts []core.Option, h conformance.Handler) conformance.Client {
	return serveBehind()(t, opts, h)
}

// serveBehind is the suite's harness on the recommended Config, with the
// given middleware installed before the adapter.
func serveBehind(before ...fiber.Handler) func(*testing.T, []core.Option, conformance.Handler) conformance.Client {
	return serveWith(func(*fiber.Config) {}, before...)
}

// serveWith is serveBehind on the recommended Config changed by configure.
func serveWith(configure func(*fiber.Config), before ...fiber.Handler) func(*testing.T, []core.Option, conformance.Handler) conformance.Client {
	return func(t *testing.T, opts []core.Option, h conformance.Handler) conformance.Client {
		cfg := fiberpassthrough.Config()
		cfg.DisableStartupMessage = true
		configure(&cfg)
		app := fiber.New(cfg)
		for _, mw := range before {
			app.Use(mw)
		}
		fiberpassthrough.Install(app, opts...)
		routeAll(app, func(c *fiber.Ctx) error {
			h(c.UserContext())
			return c.SendString("ok")
		})
		return listen(t, app)
	}
}

// routeAll routes every path and method to route: the suite's own
// excluded routes ([conformance.SuiteRoutes]) each as a route of its own,
// as the middleware asks Fiber's router which route will answer, then
// app.All("/*").
func routeAll(app *fiber.App, route fiber.Handler) {
	for _, p := range conformance.SuiteRoutes() {
		app.All(p.Path, route)
		if p.Prefix {
			app.All(p.Path+"/*", route)
		}
	}
	app.All("/*", route)
}

func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Harness{Serve: serve, Variants: variants})
}

// With DisableHeaderNormalizing, fasthttp keeps header names as received
// and looks them up case-sensitively; the adapter must still match names
// in any case, see every line of a header, and tell trailers apart.
func TestConformanceDisableHeaderNormalizing(t *testing.T) {
	conformance.Run(t, conformance.Harness{Serve: serveWith(func(c *fiber.Config) { c.DisableHeaderNormalizing = true })})
}
