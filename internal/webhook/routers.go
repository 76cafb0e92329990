package webhook

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/gofiber/fiber/v2"
	"github.com/labstack/echo/v4"

	"github.com/passthrough-go/passthrough/echopassthrough"
	"github.com/passthrough-go/passthrough/fiberpassthrough"
	"github.com/passthrough-go/passthrough/ginpassthrough"
)

// Gin's debug mode prints every route at start; the runner logs with slog.
func init() { gin.SetMode(gin.ReleaseMode) }

// Frameworks are the values the -framework flag accepts.
var Frameworks = []string{"gin", "echo", "fiber"}

var errBodyTooLarge = errors.New("body too large")

func encode(r Reply) []byte {
	b, err := json.Marshal(r.Body)
	if err != nil {
		return []byte(`{"detail":"Internal error"}`)
	}
	return b
}

func (s *Service) logRequest(method, route string, status int, start time.Time) {
	s.logger.Info("request", slog.String("method", method), slog.String("route", route),
		slog.Int("status", status), slog.Duration("duration", time.Since(start)))
}

func readBody(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBodySize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxBodySize {
		return nil, errBodyTooLarge
	}
	return b, nil
}

func bodyError(err error) Reply {
	if errors.Is(err, errBodyTooLarge) {
		return fail(http.StatusRequestEntityTooLarge, "Body too large")
	}
	return fail(http.StatusBadRequest, "Could not read the body")
}

// GinHandler returns the service as a Gin engine.
func (s *Service) GinHandler() http.Handler {
	r := gin.New()
	if s.passthrough {
		r.Use(ginpassthrough.Middleware(s.MiddlewareOptions()...))
	}
	reply := func(c *gin.Context, route string, start time.Time, f func() Reply) {
		rep := s.guard(route, f)
		if rep.Status == http.StatusUnauthorized {
			c.Header("WWW-Authenticate", "Bearer")
		}
		c.Data(rep.Status, "application/json", encode(rep))
		s.logRequest(c.Request.Method, route, rep.Status, start)
	}
	r.GET("/health", func(c *gin.Context) { reply(c, "/health", time.Now(), s.Health) })
	r.GET("/me", func(c *gin.Context) {
		reply(c, "/me", time.Now(), func() Reply { return s.Me(c.Request.Context()) })
	})
	runTask := func(route string) gin.HandlerFunc {
		return func(c *gin.Context) {
			reply(c, route, time.Now(), func() Reply {
				body, err := readBody(c.Request.Body)
				if err != nil {
					return bodyError(err)
				}
				return s.RunTask(c.Request.Context(), c.Param("project"), c.Param("domain"), c.Param("name"), c.Query("version"), body)
			})
		}
	}
	r.POST("/run-task/:project/:domain/:name", runTask("/run-task/{project}/{domain}/{name}"))
	r.POST("/run/:name", runTask("/run/{name}"))
	r.GET("/runs/:project/:domain/:name", func(c *gin.Context) {
		reply(c, "/runs/{project}/{domain}/{name}", time.Now(), func() Reply {
			return s.GetRun(c.Request.Context(), c.Param("project"), c.Param("domain"), c.Param("name"))
		})
	})
	return r
}

// EchoHandler returns the service as an Echo instance.
func (s *Service) EchoHandler() http.Handler {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	if s.passthrough {
		e.Use(echopassthrough.Middleware(s.MiddlewareOptions()...))
	}
	reply := func(c echo.Context, route string, start time.Time, f func() Reply) error {
		rep := s.guard(route, f)
		if rep.Status == http.StatusUnauthorized {
			c.Response().Header().Set("WWW-Authenticate", "Bearer")
		}
		s.logRequest(c.Request().Method, route, rep.Status, start)
		return c.Blob(rep.Status, "application/json", encode(rep))
	}
	e.GET("/health", func(c echo.Context) error { return reply(c, "/health", time.Now(), s.Health) })
	e.GET("/me", func(c echo.Context) error {
		return reply(c, "/me", time.Now(), func() Reply { return s.Me(c.Request().Context()) })
	})
	runTask := func(route string) echo.HandlerFunc {
		return func(c echo.Context) error {
			return reply(c, route, time.Now(), func() Reply {
				body, err := readBody(c.Request().Body)
				if err != nil {
					return bodyError(err)
				}
				return s.RunTask(c.Request().Context(), c.Param("project"), c.Param("domain"), c.Param("name"), c.QueryParam("version"), body)
			})
		}
	}
	e.POST("/run-task/:project/:domain/:name", runTask("/run-task/{project}/{domain}/{name}"))
	e.POST("/run/:name", runTask("/run/{name}"))
	e.GET("/runs/:project/:domain/:name", func(c echo.Context) error {
		return reply(c, "/runs/{project}/{domain}/{name}", time.Now(), func() Reply {
			return s.GetRun(c.Request().Context(), c.Param("project"), c.Param("domain"), c.Param("name"))
		})
	})
	return e
}

// FiberApp returns the service as a Fiber app. Route parameters are copied
// out of fasthttp's buffers before use.
func (s *Service) FiberApp() *fiber.App {
	app := fiber.New(fiber.Config{
		DisableStartupMessage: true,
		BodyLimit:             MaxBodySize,
		ReadTimeout:           30 * time.Second,
		ErrorHandler: func(c *fiber.Ctx, err error) error {
			code := http.StatusInternalServerError
			var fe *fiber.Error
			if errors.As(err, &fe) {
				code = fe.Code
			}
			return c.Status(code).JSON(detail{http.StatusText(code)})
		},
	})
	if s.passthrough {
		app.Use(fiberpassthrough.Middleware(s.MiddlewareOptions()...))
	}
	reply := func(c *fiber.Ctx, route string, start time.Time, f func() Reply) error {
		rep := s.guard(route, f)
		if rep.Status == http.StatusUnauthorized {
			c.Set("WWW-Authenticate", "Bearer")
		}
		c.Set("Content-Type", "application/json")
		s.logRequest(c.Method(), route, rep.Status, start)
		return c.Status(rep.Status).Send(encode(rep))
	}
	param := func(c *fiber.Ctx, name string) string { return strings.Clone(c.Params(name)) }
	app.Get("/health", func(c *fiber.Ctx) error { return reply(c, "/health", time.Now(), s.Health) })
	app.Get("/me", func(c *fiber.Ctx) error {
		return reply(c, "/me", time.Now(), func() Reply { return s.Me(c.UserContext()) })
	})
	runTask := func(route string) fiber.Handler {
		return func(c *fiber.Ctx) error {
			return reply(c, route, time.Now(), func() Reply {
				return s.RunTask(c.UserContext(), param(c, "project"), param(c, "domain"), param(c, "name"),
					strings.Clone(c.Query("version")), c.Body())
			})
		}
	}
	app.Post("/run-task/:project/:domain/:name", runTask("/run-task/{project}/{domain}/{name}"))
	app.Post("/run/:name", runTask("/run/{name}"))
	app.Get("/runs/:project/:domain/:name", func(c *fiber.Ctx) error {
		return reply(c, "/runs/{project}/{domain}/{name}", time.Now(), func() Reply {
			return s.GetRun(c.UserContext(), param(c, "project"), param(c, "domain"), param(c, "name"))
		})
	})
	return app
}
