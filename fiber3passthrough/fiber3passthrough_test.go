package fiber3passthrough_test

import (
	"net"
	"testing"

	"github.com/gofiber/fiber/v3"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/fiber3passthrough"
)

// newApp routes every path and method to a handler that gives h the
// request's standard context, behind the middleware, with the documented
// setup (Config).
func newApp(opts []core.Option, h conformance.Handler) *fiber.App {
	app := fiber.New(fiber3passthrough.Config())
	fiber3passthrough.Install(app, opts...)
	routeAll(app, func(c fiber.Ctx) error {
		h(c.Context())
		return c.SendString("ok")
	})
	return app
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

// listen serves app on loopback until the test ends and returns its address.
func listen(t *testing.T, app *fiber.App) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true}) }()
	t.Cleanup(func() {
		// Shutdown does nothing if Listener has not started serving yet;
		// closing the listener then stops it.
		_ = app.Shutdown()
		_ = ln.Close()
		<-done
	})
	return ln.Addr().String()
}

func serve(t *testing.T, opts []core.Option, h conformance.Handler) conformance.Client {
	return conformance.HTTPClient(listen(t, newApp(opts, h)))
}

func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Harness{Serve: serve, Variants: variants})
}

// customCtx is an application's own context type (fiber.NewWithCustomCtx);
// the middleware takes a slower path for it than for *fiber.DefaultCtx.
type customCtx struct{ fiber.DefaultCtx }

func TestConformanceCustomCtx(t *testing.T) {
	conformance.Run(t, conformance.Harness{Serve: func(t *testing.T, opts []core.Option, h conformance.Handler) conformance.Client {
		app := fiber.NewWithCustomCtx(func(app *fiber.App) fiber.CustomCtx {
			return &customCtx{DefaultCtx: *fiber.NewDefaultCtx(app)}
		}, fiber3passthrough.Config())
		fiber3passthrough.Install(app, opts...)
		routeAll(app, func(c fiber.Ctx) error {
			if _, ok := c.(*customCtx); !ok {
				t.Errorf("handler got a %T, want the custom context", c)
			}
			h(c.Context())
			return c.SendString("ok")
		})
		return conformance.HTTPClient(listen(t, app))
	}})
}

// With DisableHeaderNormalizing, fasthttp keeps header names as received
// and looks them up case-sensitively; the adapter must still match names
// in any case and see every line of a header.
func TestConformanceDisableHeaderNormalizing(t *testing.T) {
	conformance.Run(t, conformance.Harness{Serve: func(t *testing.T, opts []core.Option, h conformance.Handler) conformance.Client {
		cfg := fiber3passthrough.Config()
		cfg.DisableHeaderNormalizing = true
		app := fiber.New(cfg)
		fiber3passthrough.Install(app, opts...)
		routeAll(app, func(c fiber.Ctx) error {
			h(c.Context())
			return c.SendString("ok")
		})
		return conformance.HTTPClient(listen(t, app))
	}})
}
