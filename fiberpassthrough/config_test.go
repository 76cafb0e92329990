package fiberpassthrough_test

import (
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/fiberpassthrough"
)

// With Config, Fiber's own error answers carry the status text only: a
// request fasthttp cannot parse, or an error a handler returns, never
// comes back in the body.
func TestErrorHandlerNeverEchoes(t *testing.T) {
	t.Parallel()
	const canary = "fiber-canary-31d7"
	cfg := fiberpassthrough.Config()
	cfg.DisableStartupMessage = true
	app := fiber.New(cfg)
	app.Use(fiberpassthrough.Middleware())
	app.Get("/teapot", func(c *fiber.Ctx) error { return fiber.NewError(fiber.StatusTeapot, "detail "+canary) })
	app.Get("/fail", func(c *fiber.Ctx) error { return fiber.NewError(599, canary) })
	c := listen(t, app)
	for _, tc := range []struct {
		name   string
		req    conformance.Request
		status int
		body   string
	}{
		{"malformed header line after a credential",
			conformance.Request{Raw: "GET /x HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer " + canary + "\r\nX Bad: y\r\n\r\n"},
			400, "Bad Request"},
		{"space before a colon",
			conformance.Request{Raw: "GET /x HTTP/1.1\r\nHost: h\r\nAuthorization : Bearer " + canary + "\r\n\r\n"},
			400, "Bad Request"},
		{"handler error with a message", conformance.Request{Path: "/teapot", Header: []conformance.Field{{Name: "Authorization", Value: "Bearer t"}}},
			418, "I'm a teapot"},
		{"handler error with an unknown code", conformance.Request{Path: "/fail", Header: []conformance.Field{{Name: "Authorization", Value: "Bearer t"}}},
			500, "Internal Server Error"},
	} {
		r, err := c.Exchange(t.Context(), tc.req)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if r[0].Status != tc.status || string(r[0].Body) != tc.body {
			t.Errorf("%s: %d %q, want %d %q", tc.name, r[0].Status, r[0].Body, tc.status, tc.body)
		}
		if strings.Contains(string(r[0].Body), canary) {
			t.Errorf("%s: the body echoes the request", tc.name)
		}
	}
}

// With Config, credentials at the default size limit fit fasthttp's read
// buffer, as they fit every other adapter's.
func TestConfigFitsCredentialsAtTheLimit(t *testing.T) {
	t.Parallel()
	cfg := fiberpassthrough.Config()
	cfg.DisableStartupMessage = true
	app := fiber.New(cfg)
	app.Use(fiberpassthrough.Middleware())
	app.Get("/", func(c *fiber.Ctx) error {
		md, _ := core.FromContext(c.UserContext())
		var keys []string
		for k := range md.All {
			keys = append(keys, k)
		}
		return c.SendString(strings.Join(keys, ","))
	})
	c := listen(t, app)
	auth := "Bearer " + strings.Repeat("a", core.DefaultMaxValueSize-len("Bearer "))
	jar := "s=" + strings.Repeat("c", core.DefaultMaxValueSize-len("s="))
	r, err := c.Exchange(t.Context(), conformance.Request{Path: "/", Header: []conformance.Field{
		{Name: "Authorization", Value: auth}, {Name: "Cookie", Value: jar}, {Name: "User-Agent", Value: strings.Repeat("u", 2000)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if r[0].Status != 200 || string(r[0].Body) != "authorization,cookie" {
		t.Errorf("two credentials at the limit: %d %q, want 200 with both forwarded", r[0].Status, r[0].Body)
	}
}

// A request built in memory, as fasthttp.RequestCtx in tests and
// benchmarks, has no raw header block; its headers are still headers.
func TestInMemoryRequest(t *testing.T) {
	t.Parallel()
	app := fiber.New(fiberpassthrough.Config())
	app.Use(fiberpassthrough.Middleware())
	app.All("/", func(c *fiber.Ctx) error {
		md, _ := core.FromContext(c.UserContext())
		return c.SendString(md.Get("authorization"))
	})
	handler := app.Handler()
	for _, method := range []string{"GET", "POST"} {
		var fctx fasthttp.RequestCtx
		fctx.Request.Header.SetMethod(method)
		fctx.Request.SetRequestURI("/")
		fctx.Request.Header.Set("Authorization", "Bearer in-memory")
		handler(&fctx)
		if got := string(fctx.Response.Body()); fctx.Response.StatusCode() != 200 || got != "Bearer in-memory" {
			t.Errorf("%s built in memory: %d %q, want 200 with the credential forwarded", method, fctx.Response.StatusCode(), got)
		}
	}
}
