package fiber3_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/fiber/v3/extractors"
	"github.com/gofiber/fiber/v3/middleware/keyauth"
	"github.com/valyala/fasthttp"

	"github.com/passthrough-go/passthrough/bench/internal/benchcase"
	"github.com/passthrough-go/passthrough/fiber3passthrough"
)

// app is the case's Fiber v3 app.
func app(c benchcase.Case) *fiber.App {
	app := fiber.New(fiber.Config{ErrorHandler: fiber3passthrough.ErrorHandler})
	switch c.Name {
	case "minimal":
		app.Use(func(c fiber.Ctx) error {
			v := c.Get("Authorization")
			if v == "" {
				return c.SendStatus(http.StatusUnauthorized)
			}
			// A value kept past the handler must be copied out of
			// fasthttp's buffers, as passthrough does.
			c.SetContext(context.WithValue(c.Context(), benchcase.MinimalKey{}, string([]byte(v))))
			return c.Next()
		})
	case "peer":
		// keyauth also parses the scheme, calls the validator and
		// stores the key in c.Locals (not copied).
		app.Use(keyauth.New(keyauth.Config{
			Extractor: extractors.FromAuthHeader("Bearer"),
			Validator: func(_ fiber.Ctx, key string) (bool, error) { return key != "", nil },
		}))
	case "passthrough", "excluded", "rejected":
		app.Use(fiber3passthrough.Middleware(benchcase.Options()...))
	}
	h := func(c fiber.Ctx) error {
		benchcase.Consume(c.Context())
		return c.SendStatus(http.StatusNoContent)
	}
	app.Get("/work", h)
	app.Get("/health", h)
	return app
}

func BenchmarkFiber3(b *testing.B) {
	for _, c := range benchcase.Cases {
		b.Run(c.Name, func(b *testing.B) {
			handler := app(c).Handler()
			// Parsed from bytes, as a server reads it: the adapter reads
			// the header block as received for some requests.
			var fctx fasthttp.RequestCtx
			if err := fctx.Request.Read(bufio.NewReader(strings.NewReader(benchcase.Raw(c)))); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				fctx.Response.Reset()
				fctx.ResetUserValues()
				handler(&fctx)
			}
		})
	}
}

// BenchmarkFiber3Serve serves the cases through fasthttp's server, b.N
// requests pipelined on one connection: fasthttp's parser reads each
// request, so the view's reading of the raw header block counts as it
// does in production.
func BenchmarkFiber3Serve(b *testing.B) {
	for _, c := range benchcase.Cases {
		b.Run(c.Name, func(b *testing.B) {
			a := app(c)
			_ = a.Handler() // initialises the app's server
			benchcase.Serve(b, c, a.Server().ServeConn)
		})
	}
}
