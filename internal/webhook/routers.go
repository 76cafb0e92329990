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
var Frameworks = []string{"gin", "echo", "echo5", "fiber"}

// Route is one route of the webhook, for help texts.
type Route struct{ Method, Path, Doc string }

// Routes are the webhook's routes.
var Routes = []Route{
	{"GET", "/health", "liveness and readiness; needs no credentials"},
	{"GET", "/me", "the caller as the control plane sees them"},
	{"POST", "/run-task/{project}/{domain}/{name}?version=", "run a task (latest version unless given); body: JSON inputs"},
	{"POST", "/run/{name}", "run a task in the default project and domain"},
	{"GET", "/runs/{project}/{domain}/{name}", "a run's phase, who triggered it, its outputs once it succeeded, its error once it failed"},
}

var errBodyTooLarge = errors.New("body too large")

// encode gives a reply's status and JSON body; a body that cannot be
// encoded is a 500, never the reply's own status over an error body.
func encode(r Reply) (int, []byte) {
	b, err := json.Marshal(r.Body)
	if err != nil {
		return http.StatusInternalServerError, []byte(`{"detail":"Internal error"}`)
	}
	return r.Status, b
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

// encoded reports whether a request's Content-Encoding values name any
// coding but identity. The runner decodes no compressed body: a few KiB of
// gzip can hold gigabytes, and the body limit holds only for what is read.
func encoded(values []string) bool {
	for _, v := range values {
		for coding := range strings.SplitSeq(v, ",") {
			if c := strings.TrimSpace(coding); c != "" && !strings.EqualFold(c, "identity") {
				return true
			}
		}
	}
	return false
}

// unsupportedEncoding answers a compressed body, before it is read.
var unsupportedEncoding = fail(http.StatusUnsupportedMediaType, "Compressed request bodies are not accepted")

// headersFor are the headers a reply needs beyond its body.
func headersFor(rep Reply, set func(k, v string)) {
	switch rep.Status {
	case http.StatusUnauthorized:
		set("WWW-Authenticate", "Bearer")
	case http.StatusUnsupportedMediaType:
		set("Accept-Encoding", "identity")
	}
}

// respond runs f, guarded, and records the route and any refusal reason for
// the request's log line.
func (s *Service) respond(rl *requestLog, route string, f func() Reply) Reply {
	rl.route = route
	rep := s.guard(route, f)
	rl.reason = rep.reason
	return rep
}

// GinHandler returns the service as a Gin engine.
func (s *Service) GinHandler() http.Handler {
	r := gin.New()
	// Answer /me/ with 401 rather than a redirect that tells an
	// unauthenticated caller which routes exist.
	r.RedirectTrailingSlash = false
	r.Use(func(c *gin.Context) {
		start := time.Now()
		rl := &requestLog{id: requestID(c.Request.Header.Values(RequestIDHeader))}
		c.Header(RequestIDHeader, rl.id)
		c.Request = c.Request.WithContext(withRequestLog(c.Request.Context(), rl))
		c.Next()
		s.logRequest(c.Request.Method, c.Request.URL.Path, c.Writer.Status(), start, rl)
	})
	if s.passthrough {
		r.Use(ginpassthrough.Middleware(s.MiddlewareOptions()...))
	}
	reply := func(c *gin.Context, route string, f func() Reply) {
		rep := s.respond(requestLogFrom(c.Request.Context()), route, f)
		headersFor(rep, c.Header)
		code, body := encode(rep)
		c.Data(code, "application/json", body)
	}
	r.GET("/health", func(c *gin.Context) { reply(c, "/health", s.Health) })
	r.GET("/me", func(c *gin.Context) {
		reply(c, "/me", func() Reply { return s.Me(c.Request.Context()) })
	})
	runTask := func(route string) gin.HandlerFunc {
		return func(c *gin.Context) {
			reply(c, route, func() Reply {
				if encoded(c.Request.Header.Values("Content-Encoding")) {
					return unsupportedEncoding
				}
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
		reply(c, "/runs/{project}/{domain}/{name}", func() Reply {
			return s.GetRun(c.Request.Context(), c.Param("project"), c.Param("domain"), c.Param("name"))
		})
	})
	return r
}

// EchoHandler returns the service as an Echo instance.
func (s *Service) EchoHandler() http.Handler {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			req := c.Request()
			rl := &requestLog{id: requestID(req.Header.Values(RequestIDHeader))}
			c.Response().Header().Set(RequestIDHeader, rl.id)
			c.SetRequest(req.WithContext(withRequestLog(req.Context(), rl)))
			if err := next(c); err != nil {
				c.Error(err) // writes the answer, so that the status below is the one sent
			}
			s.logRequest(req.Method, req.URL.Path, c.Response().Status, start, rl)
			return nil
		}
	})
	if s.passthrough {
		e.Use(echopassthrough.Middleware(s.MiddlewareOptions()...))
	}
	reply := func(c echo.Context, route string, f func() Reply) error {
		rep := s.respond(requestLogFrom(c.Request().Context()), route, f)
		headersFor(rep, c.Response().Header().Set)
		code, body := encode(rep)
		return c.Blob(code, "application/json", body)
	}
	e.GET("/health", func(c echo.Context) error { return reply(c, "/health", s.Health) })
	e.GET("/me", func(c echo.Context) error {
		return reply(c, "/me", func() Reply { return s.Me(c.Request().Context()) })
	})
	runTask := func(route string) echo.HandlerFunc {
		return func(c echo.Context) error {
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
	e.GET("/runs/:project/:domain/:name", func(c echo.Context) error {
		return reply(c, "/runs/{project}/{domain}/{name}", func() Reply {
			return s.GetRun(c.Request().Context(), c.Param("project"), c.Param("domain"), c.Param("name"))
		})
	})
	return e
}

// FiberApp returns the service as a Fiber app. Route parameters are copied
// out of fasthttp's buffers before use. The body is read raw, with
// c.Request().Body(): Fiber's c.Body() would decompress it without a limit.
func (s *Service) FiberApp() *fiber.App {
	// The adapter's recommended setup (a read buffer that fits 8 KiB
	// credentials), with the service's own limits and a JSON error body
	// that, like the adapter's ErrorHandler, never echoes the request.
	cfg := fiberpassthrough.Config()
	cfg.DisableStartupMessage = true
	cfg.BodyLimit = MaxBodySize
	cfg.ReadTimeout = s.readTimeout
	cfg.WriteTimeout = s.writeTimeout()
	cfg.IdleTimeout = s.idleTimeout
	cfg.ErrorHandler = func(c *fiber.Ctx, err error) error {
		code := http.StatusInternalServerError
		var fe *fiber.Error
		if errors.As(err, &fe) {
			code = fe.Code
		}
		return c.Status(code).JSON(detail{http.StatusText(code)})
	}
	app := fiber.New(cfg)
	app.Use(func(c *fiber.Ctx) error {
		start := time.Now()
		var ids []string
		for _, v := range c.Request().Header.PeekAll(RequestIDHeader) {
			ids = append(ids, string(v))
		}
		rl := &requestLog{id: requestID(ids)}
		c.Set(RequestIDHeader, rl.id)
		c.SetUserContext(withRequestLog(c.UserContext(), rl))
		if err := c.Next(); err != nil {
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				c.Status(http.StatusInternalServerError)
			}
		}
		s.logRequest(strings.Clone(c.Method()), strings.Clone(c.Path()), c.Response().StatusCode(), start, rl)
		return nil
	})
	if s.passthrough {
		fiberpassthrough.Install(app, s.MiddlewareOptions()...)
	}
	reply := func(c *fiber.Ctx, route string, f func() Reply) error {
		rep := s.respond(requestLogFrom(c.UserContext()), route, f)
		headersFor(rep, func(k, v string) { c.Set(k, v) })
		c.Set("Content-Type", "application/json")
		code, body := encode(rep)
		return c.Status(code).Send(body)
	}
	param := func(c *fiber.Ctx, name string) string { return strings.Clone(c.Params(name)) }
	app.Get("/health", func(c *fiber.Ctx) error { return reply(c, "/health", s.Health) })
	app.Get("/me", func(c *fiber.Ctx) error {
		return reply(c, "/me", func() Reply { return s.Me(c.UserContext()) })
	})
	runTask := func(route string) fiber.Handler {
		return func(c *fiber.Ctx) error {
			return reply(c, route, func() Reply {
				var codings []string
				for _, v := range c.Request().Header.PeekAll(fiber.HeaderContentEncoding) {
					codings = append(codings, string(v))
				}
				if encoded(codings) {
					return unsupportedEncoding
				}
				// fasthttp has read the body already, within BodyLimit.
				return s.RunTask(c.UserContext(), param(c, "project"), param(c, "domain"), param(c, "name"),
					strings.Clone(c.Query("version")), c.Request().Body())
			})
		}
	}
	app.Post("/run-task/:project/:domain/:name", runTask("/run-task/{project}/{domain}/{name}"))
	app.Post("/run/:name", runTask("/run/{name}"))
	app.Get("/runs/:project/:domain/:name", func(c *fiber.Ctx) error {
		return reply(c, "/runs/{project}/{domain}/{name}", func() Reply {
			return s.GetRun(c.UserContext(), param(c, "project"), param(c, "domain"), param(c, "name"))
		})
	})
	return app
}

// writeTimeout bounds writing a response: reading the request, at most
// the control-plane calls' timeout, and a margin.
func (s *Service) writeTimeout() time.Duration { return s.readTimeout + s.timeout + 5*time.Second }

// httpServer is the net/http server for Gin and Echo.
func (s *Service) httpServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: min(s.readTimeout, 10*time.Second),
		ReadTimeout:       s.readTimeout,
		WriteTimeout:      s.writeTimeout(),
		IdleTimeout:       s.idleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
	}
}
