package fiber3passthrough_test

import (
	"testing"

	"github.com/gofiber/fiber/v3"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/fiber3passthrough"
)

// variant serves the conformance variants: a Fiber app configured by
// configure on top of the recommended [fiber3passthrough.Config], the
// adapter installed with app.Use first as documented, the public routes,
// then app.All("/*") as the protected catch-all. GET routes are added
// with app.Get, which routes HEAD to them unless DisableHeadAutoRegister
// is set.
func variant(configure func(*fiber.Config)) func(*testing.T, []core.Option, []conformance.Public, conformance.RouteHandler) conformance.Client {
	return func(t *testing.T, opts []core.Option, public []conformance.Public, h conformance.RouteHandler) conformance.Client {
		cfg := fiber3passthrough.Config()
		configure(&cfg)
		app := fiber.New(cfg)
		fiber3passthrough.Install(app, opts...)
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
				switch p.Method {
				case "":
					app.All(path, route)
				case fiber.MethodGet:
					app.Get(path, route)
				default:
					app.Add([]string{p.Method}, path, route)
				}
			}
		}
		app.All("/*", func(c fiber.Ctx) error {
			h(c.Context(), conformance.Protected)
			return c.SendString("ok")
		})
		return conformance.HTTPClient(listen(t, app))
	}
}

var variants = []conformance.Variant{
	{Name: "Default", Serve: variant(func(*fiber.Config) {})},
	{Name: "CaseSensitive", Serve: variant(func(c *fiber.Config) { c.CaseSensitive = true })},
	{Name: "StrictRouting", Serve: variant(func(c *fiber.Config) { c.StrictRouting = true })},
	{Name: "UnescapePath", Serve: variant(func(c *fiber.Config) { c.UnescapePath = true })},
	{Name: "DisableHeadAutoRegister", Serve: variant(func(c *fiber.Config) { c.DisableHeadAutoRegister = true })},
	{Name: "DisableHeaderNormalizing", Serve: variant(func(c *fiber.Config) { c.DisableHeaderNormalizing = true })},
	{Name: "FinalUseCatchAll", Serve: finalUse(false)},
	{Name: "FinalUseCatchAllGETOnly", Serve: finalUse(true)},
	{Name: "AllPathOptions", Serve: variant(func(c *fiber.Config) {
		c.CaseSensitive, c.StrictRouting, c.UnescapePath, c.DisableHeadAutoRegister = true, true, true, true
	})},
}
