package webhook

import (
	"net/http"
	"time"

	echo5 "github.com/labstack/echo/v5"

	"github.com/passthrough-go/passthrough/echo5passthrough"
)

// Echo5Handler returns the service as an Echo v5 instance: EchoHandler's
// routes, on Echo v5's *echo.Context.
func (s *Service) Echo5Handler() http.Handler {
	e := echo5.New()
	e.Logger = s.logger
	e.Use(func(next echo5.HandlerFunc) echo5.HandlerFunc {
		return func(c *echo5.Context) error {
			start := time.Now()
			req := c.Request()
			rl := &requestLog{id: requestID(req.Header.Values(RequestIDHeader))}
			c.Response().Header().Set(RequestIDHeader, rl.id)
			c.SetRequest(req.WithContext(withRequestLog(req.Context(), rl)))
			if err := next(c); err != nil {
				c.Echo().HTTPErrorHandler(c, err) // writes the answer, so that the status below is the one sent
			}
			status := http.StatusOK
			if r, err := echo5.UnwrapResponse(c.Response()); err == nil {
				status = r.Status
			}
			s.logRequest(req.Method, req.URL.Path, status, start, rl)
			return nil
		}
	})
	if s.passthrough {
		e.Use(echo5passthrough.Middleware(s.MiddlewareOptions()...))
	}
	reply := func(c *echo5.Context, route string, f func() Reply) error {
		rep := s.respond(requestLogFrom(c.Request().Context()), route, f)
		headersFor(rep, c.Response().Header().Set)
		code, body := encode(rep)
		return c.Blob(code, "application/json", body)
	}
	e.GET("/health", func(c *echo5.Context) error { return reply(c, "/health", s.Health) })
	e.GET("/me", func(c *echo5.Context) error {
		return reply(c, "/me", func() Reply { return s.Me(c.Request().Context()) })
	})
	runTask := func(route string) echo5.HandlerFunc {
		return func(c *echo5.Context) error {
			return reply(c, route, func() Reply {
				if encoded(c.Request().Header.Values("Content-Encoding")) {
					return unsupportedEncoding
				}
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
	e.GET("/runs/:project/:domain/:name", func(c *echo5.Context) error {
		return reply(c, "/runs/{project}/{domain}/{name}", func() Reply {
			return s.GetRun(c.Request().Context(), c.Param("project"), c.Param("domain"), c.Param("name"))
		})
	})
	return e
}
