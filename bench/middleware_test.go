package bench_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/keyauth"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	echo5 "github.com/labstack/echo/v5"
	middleware5 "github.com/labstack/echo/v5/middleware"
	"github.com/valyala/fasthttp"

	"github.com/passthrough-go/passthrough/bench/internal/benchcase"
	"github.com/passthrough-go/passthrough/echo5passthrough"
	"github.com/passthrough-go/passthrough/echopassthrough"
	"github.com/passthrough-go/passthrough/fiberpassthrough"
	"github.com/passthrough-go/passthrough/ginpassthrough"
	"github.com/passthrough-go/passthrough/httppassthrough"
)

const (
	bearer = benchcase.Bearer
	basic  = benchcase.Basic
)

// The cases every framework runs, with the same route and handler
// (shared with bench/fiber3).
type benchCase = benchcase.Case

var cases = benchcase.Cases

func init() { gin.SetMode(gin.ReleaseMode) }

var passthroughOpts = benchcase.Options()

type minimalKey = benchcase.MinimalKey

// consume is the handler's work in every case.
func consume(ctx context.Context) bool { return benchcase.Consume(ctx) }

// discard is a reused ResponseWriter: the benchmarks measure dispatch, not
// httptest.ResponseRecorder's allocations.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(int)             {}

func serve(b *testing.B, h http.Handler, c benchCase) {
	req := httptest.NewRequest(http.MethodGet, c.Path, nil)
	if c.Auth != "" {
		req.Header.Set("Authorization", c.Auth)
	}
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		h.ServeHTTP(w, req)
	}
}

func BenchmarkNetHTTP(b *testing.B) {
	for _, c := range cases {
		if c.Name == "peer" {
			continue // net/http has no auth middleware of its own
		}
		b.Run(c.Name, func(b *testing.B) {
			mux := http.NewServeMux()
			h := func(w http.ResponseWriter, r *http.Request) {
				consume(r.Context())
				w.WriteHeader(http.StatusNoContent)
			}
			mux.HandleFunc("GET /work", h)
			mux.HandleFunc("GET /health", h)
			var handler http.Handler = mux
			switch c.Name {
			case "minimal":
				handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					v := r.Header.Get("Authorization")
					if v == "" {
						w.WriteHeader(http.StatusUnauthorized)
						return
					}
					mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), minimalKey{}, v)))
				})
			case "passthrough", "excluded", "rejected":
				handler = httppassthrough.Middleware(passthroughOpts...)(mux)
			}
			serve(b, handler, c)
		})
	}
}

func BenchmarkGin(b *testing.B) {
	for _, c := range cases {
		b.Run(c.Name, func(b *testing.B) {
			r := gin.New()
			switch c.Name {
			case "minimal":
				r.Use(func(c *gin.Context) {
					v := c.GetHeader("Authorization")
					if v == "" {
						c.AbortWithStatus(http.StatusUnauthorized)
						return
					}
					c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), minimalKey{}, v))
					c.Next()
				})
			case "peer":
				// BasicAuth also decodes and compares the credentials and
				// sets the user in gin's own key store.
				r.Use(gin.BasicAuth(gin.Accounts{"user": "password"}))
				c.Auth = basic
			case "passthrough", "excluded", "rejected":
				r.Use(ginpassthrough.Middleware(passthroughOpts...))
			}
			h := func(c *gin.Context) {
				consume(c.Request.Context())
				c.Status(http.StatusNoContent)
			}
			r.GET("/work", h)
			r.GET("/health", h)
			serve(b, r, c)
		})
	}
}

func BenchmarkEcho(b *testing.B) {
	for _, c := range cases {
		b.Run(c.Name, func(b *testing.B) {
			e := echo.New()
			switch c.Name {
			case "minimal":
				e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
					return func(c echo.Context) error {
						v := c.Request().Header.Get("Authorization")
						if v == "" {
							return c.NoContent(http.StatusUnauthorized)
						}
						c.SetRequest(c.Request().WithContext(context.WithValue(c.Request().Context(), minimalKey{}, v)))
						return next(c)
					}
				})
			case "peer":
				// KeyAuth also parses the scheme, calls the validator and, by
				// default, stores nothing in the request context.
				e.Use(middleware.KeyAuth(func(key string, c echo.Context) (bool, error) { return key != "", nil }))
			case "passthrough", "excluded", "rejected":
				e.Use(echopassthrough.Middleware(passthroughOpts...))
			}
			h := func(c echo.Context) error {
				consume(c.Request().Context())
				return c.NoContent(http.StatusNoContent)
			}
			e.GET("/work", h)
			e.GET("/health", h)
			serve(b, e, c)
		})
	}
}

func BenchmarkEcho5(b *testing.B) {
	for _, c := range cases {
		b.Run(c.Name, func(b *testing.B) {
			e := echo5.New()
			switch c.Name {
			case "minimal":
				e.Use(func(next echo5.HandlerFunc) echo5.HandlerFunc {
					return func(c *echo5.Context) error {
						v := c.Request().Header.Get("Authorization")
						if v == "" {
							return c.NoContent(http.StatusUnauthorized)
						}
						c.SetRequest(c.Request().WithContext(context.WithValue(c.Request().Context(), minimalKey{}, v)))
						return next(c)
					}
				})
			case "peer":
				// As in v4: KeyAuth parses the scheme, calls the validator
				// and stores nothing in the request context.
				e.Use(middleware5.KeyAuth(func(_ *echo5.Context, key string, _ middleware5.ExtractorSource) (bool, error) {
					return key != "", nil
				}))
			case "passthrough", "excluded", "rejected":
				e.Use(echo5passthrough.Middleware(passthroughOpts...))
			}
			h := func(c *echo5.Context) error {
				consume(c.Request().Context())
				return c.NoContent(http.StatusNoContent)
			}
			e.GET("/work", h)
			e.GET("/health", h)
			serve(b, e, c)
		})
	}
}

// fiberApp is the case's Fiber v2 app.
func fiberApp(c benchCase) *fiber.App {
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	switch c.Name {
	case "minimal":
		app.Use(func(c *fiber.Ctx) error {
			v := c.Get("Authorization")
			if v == "" {
				return c.SendStatus(http.StatusUnauthorized)
			}
			// A value kept past the handler must be copied out of
			// fasthttp's buffers, as passthrough does.
			c.SetUserContext(context.WithValue(c.UserContext(), minimalKey{}, string([]byte(v))))
			return c.Next()
		})
	case "peer":
		// keyauth also parses the scheme, calls the validator and
		// stores the key in c.Locals (not copied).
		app.Use(keyauth.New(keyauth.Config{Validator: func(_ *fiber.Ctx, key string) (bool, error) { return key != "", nil }}))
	case "passthrough", "excluded", "rejected":
		app.Use(fiberpassthrough.Middleware(passthroughOpts...))
	}
	h := func(c *fiber.Ctx) error {
		consume(c.UserContext())
		return c.SendStatus(http.StatusNoContent)
	}
	app.Get("/work", h)
	app.Get("/health", h)
	return app
}

func BenchmarkFiber(b *testing.B) {
	for _, c := range cases {
		b.Run(c.Name, func(b *testing.B) {
			handler := fiberApp(c).Handler()
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

// BenchmarkFiberServe serves the cases through fasthttp's server, b.N
// requests pipelined on one connection: fasthttp's parser reads each
// request, so the view's reading of the raw header block counts as it
// does in production.
func BenchmarkFiberServe(b *testing.B) {
	for _, c := range cases {
		b.Run(c.Name, func(b *testing.B) {
			app := fiberApp(c)
			_ = app.Handler() // initialises the app's server
			benchcase.Serve(b, c, app.Server().ServeConn)
		})
	}
}
