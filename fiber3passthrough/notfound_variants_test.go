package fiber3passthrough_test

import (
	"testing"

	"github.com/gofiber/fiber/v3"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/fiber3passthrough"
)

// finalUse is a variant whose protected catch-all is a final app.Use, the
// handler Fiber runs when no route matched, and whose method-less public
// routes are registered for GET alone when getOnly: a POST to them then
// falls through to the catch-all, which the adapter must see (issue 18,
// build item 1) although it runs before Fiber matches a route.
func finalUse(getOnly bool) func(*testing.T, []core.Option, []conformance.Public, conformance.RouteHandler) conformance.Client {
	return func(t *testing.T, opts []core.Option, public []conformance.Public, h conformance.RouteHandler) conformance.Client {
		app := fiber.New(fiber3passthrough.Config())
		app.Use(fiber3passthrough.Middleware(opts...))
		for _, p := range public {
			route := func(c fiber.Ctx) error {
				h(c.Context(), p.Pattern())
				return c.SendString("ok")
			}
			paths := []string{p.Path}
			if p.Prefix {
				paths = append(paths, p.Path+"/*")
			}
			for _, path := range paths {
				switch {
				case p.Method != "":
					app.Add([]string{p.Method}, path, route)
				case getOnly:
					app.Get(path, route)
				default:
					app.All(path, route)
				}
			}
		}
		app.Use(func(c fiber.Ctx) error {
			h(c.Context(), conformance.Protected)
			return c.SendString("ok")
		})
		return conformance.HTTPClient(listen(t, app))
	}
}
