package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"github.com/passthrough-go/passthrough/fiber3passthrough"
	"github.com/passthrough-go/passthrough/internal/webhook"
)

// servers are the frameworks served from this module rather than by
// package webhook: fiber3passthrough is a module of its own, and importing
// it from the root module would put Fiber v3's fasthttp into every user's
// build (docs/modules.md).
var servers = map[string]webhook.Server{"fiber3": serveFiber3}

// frameworks are the values -framework accepts.
func frameworks() []string {
	return append(append([]string(nil), webhook.Frameworks...), "fiber3")
}

// fiber3App is webhook.Service.FiberApp on Fiber v3: the same routes,
// answers and log lines. Route parameters are copied out of fasthttp's
// buffers before use, and the body is read raw (c.Request().Body(), within
// BodyLimit): c.Body() would decompress it without a limit.
func fiber3App(s *webhook.Service) *fiber.App {
	read, write, idle := s.Timeouts()
	cfg := fiber3passthrough.Config() // a read buffer that fits credentials at the size limit
	cfg.BodyLimit = webhook.MaxBodySize
	cfg.ReadTimeout, cfg.WriteTimeout, cfg.IdleTimeout = read, write, idle
	cfg.ErrorHandler = func(c fiber.Ctx, err error) error {
		code := http.StatusInternalServerError
		var fe *fiber.Error
		if errors.As(err, &fe) && http.StatusText(fe.Code) != "" {
			code = fe.Code
		}
		return c.Status(code).JSON(fiber.Map{"detail": http.StatusText(code)}) // never err.Error()
	}
	app := fiber.New(cfg)
	app.Use(func(c fiber.Ctx) error {
		start := time.Now()
		var ids []string
		for _, v := range c.Request().Header.PeekAll(webhook.RequestIDHeader) {
			ids = append(ids, string(v))
		}
		ctx, id := s.BeginRequest(c.Context(), ids)
		c.Set(webhook.RequestIDHeader, id)
		c.SetContext(ctx)
		if err := c.Next(); err != nil {
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				c.Status(http.StatusInternalServerError)
			}
		}
		s.EndRequest(ctx, strings.Clone(c.Method()), strings.Clone(c.Path()), c.Response().StatusCode(), start)
		return nil
	})
	if s.Passthrough() {
		fiber3passthrough.Install(app, s.MiddlewareOptions()...)
	}
	reply := func(c fiber.Ctx, route string, f func() webhook.Reply) error {
		status, body := s.Respond(c.Context(), route, f, func(k, v string) { c.Set(k, v) })
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Status(status).Send(body)
	}
	param := func(c fiber.Ctx, name string) string { return strings.Clone(c.Params(name)) }
	app.Get("/health", func(c fiber.Ctx) error { return reply(c, "/health", s.Health) })
	app.Get("/me", func(c fiber.Ctx) error {
		return reply(c, "/me", func() webhook.Reply { return s.Me(c.Context()) })
	})
	runTask := func(route string) fiber.Handler {
		return func(c fiber.Ctx) error {
			return reply(c, route, func() webhook.Reply {
				var codings []string
				for _, v := range c.Request().Header.PeekAll(fiber.HeaderContentEncoding) {
					codings = append(codings, string(v))
				}
				if r, refused := webhook.RefuseEncodedBody(codings); refused {
					return r
				}
				return s.RunTask(c.Context(), param(c, "project"), param(c, "domain"), param(c, "name"),
					strings.Clone(c.Query("version")), c.Request().Body())
			})
		}
	}
	app.Post("/run-task/:project/:domain/:name", runTask("/run-task/{project}/{domain}/{name}"))
	app.Post("/run/:name", runTask("/run/{name}"))
	app.Get("/runs/:project/:domain/:name", func(c fiber.Ctx) error {
		return reply(c, "/runs/{project}/{domain}/{name}", func() webhook.Reply {
			return s.GetRun(c.Context(), param(c, "project"), param(c, "domain"), param(c, "name"))
		})
	})
	return app
}

// serveFiber3 is a webhook.Server for Fiber v3.
func serveFiber3(ctx context.Context, s *webhook.Service, ln net.Listener, shutdownTimeout time.Duration) error {
	app := fiber3App(s)
	errc := make(chan error, 1)
	go func() { errc <- app.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true}) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	if err := app.ShutdownWithTimeout(shutdownTimeout); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	<-errc
	return nil
}
