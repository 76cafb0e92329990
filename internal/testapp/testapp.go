// Package testapp starts each supported web framework on loopback with its
// passthrough middleware in front of one handler, for the end-to-end and
// adversarial tests. It is test support, not library code.
package testapp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/gofiber/fiber/v2"
	"github.com/labstack/echo/v4"
	echo5 "github.com/labstack/echo/v5"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/echo5passthrough"
	"github.com/passthrough-go/passthrough/echopassthrough"
	"github.com/passthrough-go/passthrough/fiberpassthrough"
	"github.com/passthrough-go/passthrough/ginpassthrough"
	"github.com/passthrough-go/passthrough/httppassthrough"
	"github.com/passthrough-go/passthrough/internal/syncbuf"
)

// Frameworks are the names [Start] accepts.
var Frameworks = []string{"net/http", "gin", "echo", "echo5", "fiber"}

// Handler is what every route runs: the request's standard context (as the
// adapter left it) and a header getter whose values are copies, safe to
// keep. It returns the status and body to answer.
type Handler func(ctx context.Context, header func(name string) string) (status int, body string)

func init() { gin.SetMode(gin.ReleaseMode) }

// Start serves every path and method of framework fw with the passthrough
// middleware (built from opts) in front of h, on loopback, until the test
// ends. It returns the address, host:port.
func Start(t testing.TB, fw string, opts []core.Option, h Handler) string {
	t.Helper()
	switch fw {
	case "net/http":
		srv := httptest.NewServer(httppassthrough.Middleware(opts...)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			code, body := h(r.Context(), r.Header.Get)
			w.WriteHeader(code)
			_, _ = io.WriteString(w, body)
		})))
		t.Cleanup(srv.Close)
		return srv.Listener.Addr().String()
	case "gin":
		r := gin.New()
		r.RedirectTrailingSlash = false // the documented setup
		r.Use(ginpassthrough.Middleware(opts...))
		r.Any("/*path", func(c *gin.Context) {
			code, body := h(c.Request.Context(), c.GetHeader)
			c.String(code, body)
		})
		srv := httptest.NewServer(r)
		t.Cleanup(srv.Close)
		return srv.Listener.Addr().String()
	case "echo":
		e := echo.New()
		e.Use(echopassthrough.Middleware(opts...))
		e.Any("/*", func(c echo.Context) error {
			code, body := h(c.Request().Context(), c.Request().Header.Get)
			return c.String(code, body)
		})
		srv := httptest.NewServer(e)
		t.Cleanup(srv.Close)
		return srv.Listener.Addr().String()
	case "echo5":
		e := echo5.New()
		e.Use(echo5passthrough.Middleware(opts...))
		e.Any("/*", func(c *echo5.Context) error {
			code, body := h(c.Request().Context(), c.Request().Header.Get)
			return c.String(code, body)
		})
		srv := httptest.NewServer(e)
		t.Cleanup(srv.Close)
		return srv.Listener.Addr().String()
	case "fiber":
		cfg := fiberpassthrough.Config() // the documented setup
		cfg.DisableStartupMessage = true
		app := fiber.New(cfg)
		fiberpassthrough.Install(app, opts...)
		app.All("/*", func(c *fiber.Ctx) error {
			// c.Get aliases fasthttp's buffer, reused after the handler.
			code, body := h(c.UserContext(), func(name string) string { return strings.Clone(c.Get(name)) })
			return c.Status(code).SendString(body)
		})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- app.Listener(ln) }()
		t.Cleanup(func() {
			// Shutdown does nothing if Listener has not started serving
			// yet; closing the listener then stops it.
			_ = app.Shutdown()
			_ = ln.Close()
			if err := <-done; err != nil && !errors.Is(err, net.ErrClosed) {
				t.Errorf("fiber: %v", err)
			}
		})
		return ln.Addr().String()
	}
	t.Fatalf("testapp: unknown framework %q", fw)
	return ""
}

// CallerToken is the credential caller i sends in [Callers].
func CallerToken(i int) string { return fmt.Sprintf("Bearer token-of-caller-%d", i) }

// Callers has n concurrent callers each send perCaller GET requests to url,
// caller i with Authorization [CallerToken](i) and X-Caller i, and fails the
// test on any answer but 200.
func Callers(t testing.TB, url string, n, perCaller int) {
	t.Helper()
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perCaller {
				req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
				if err != nil {
					t.Error(err)
					return
				}
				req.Header.Set("Authorization", CallerToken(i))
				req.Header.Set("X-Caller", fmt.Sprint(i))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("caller %d: %d %s", i, resp.StatusCode, body)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// SyncBuffer is a bytes.Buffer safe for the concurrent writers of a logger.
type SyncBuffer = syncbuf.Buffer
