package adversarial_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/gofiber/fiber/v2"
	"github.com/labstack/echo/v4"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/echopassthrough"
	"github.com/passthrough-go/passthrough/fiberpassthrough"
	"github.com/passthrough-go/passthrough/ginpassthrough"
	"github.com/passthrough-go/passthrough/grpcpassthrough"
	"github.com/passthrough-go/passthrough/httppassthrough"
)

var frameworks = []string{"net/http", "gin", "echo", "fiber"}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func debugLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// controlPlane is a loopback gRPC server accepting any method. Behaviour is
// chosen per test: block until the call is cancelled, or fail.
type controlPlane struct {
	addr      string
	calls     atomic.Int64
	block     bool
	failWith  error
	entered   chan struct{}
	cancelled chan struct{}
	release   chan struct{} // closed to end blocked calls however the test went
}

func startControlPlane(t *testing.T, cp *controlPlane) *controlPlane {
	t.Helper()
	if cp.entered == nil {
		cp.entered = make(chan struct{}, 64)
	}
	if cp.cancelled == nil {
		cp.cancelled = make(chan struct{}, 64)
	}
	cp.release = make(chan struct{})
	srv := grpc.NewServer(grpc.UnknownServiceHandler(func(_ any, ss grpc.ServerStream) error {
		cp.calls.Add(1)
		if err := ss.RecvMsg(&emptypb.Empty{}); err != nil {
			return err
		}
		if cp.block {
			cp.entered <- struct{}{}
			select {
			case <-ss.Context().Done():
				cp.cancelled <- struct{}{}
				return ss.Context().Err()
			case <-cp.release:
				return status.Error(codes.Aborted, "released by the test")
			}
		}
		if cp.failWith != nil {
			return cp.failWith
		}
		return ss.SendMsg(&emptypb.Empty{})
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cp.addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(srv.Stop)
	return cp
}

// handler is what every framework's route does: one call to the control
// plane with the request's context; it answers 200, or 502 with the gRPC
// code (never the message).
func handler(conn *grpc.ClientConn) func(ctx context.Context) (int, string) {
	return func(ctx context.Context) (int, string) {
		err := conn.Invoke(ctx, "/cp.v1.ControlPlane/Call", &emptypb.Empty{}, &emptypb.Empty{})
		if err != nil {
			return http.StatusBadGateway, status.Code(err).String()
		}
		return http.StatusOK, "ok"
	}
}

// startApp runs one framework with the passthrough middleware in front of h
// on loopback and returns its address.
func startApp(t *testing.T, fw string, opts []core.Option, h func(context.Context) (int, string)) string {
	t.Helper()
	switch fw {
	case "net/http":
		srv := httptest.NewServer(httppassthrough.Middleware(opts...)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			code, body := h(r.Context())
			w.WriteHeader(code)
			_, _ = io.WriteString(w, body)
		})))
		t.Cleanup(srv.Close)
		return srv.Listener.Addr().String()
	case "gin":
		gin.SetMode(gin.ReleaseMode)
		r := gin.New()
		r.Use(ginpassthrough.Middleware(opts...))
		r.Any("/*path", func(c *gin.Context) { code, body := h(c.Request.Context()); c.String(code, body) })
		srv := httptest.NewServer(r)
		t.Cleanup(srv.Close)
		return srv.Listener.Addr().String()
	case "echo":
		e := echo.New()
		e.Use(echopassthrough.Middleware(opts...))
		e.Any("/*", func(c echo.Context) error { code, body := h(c.Request().Context()); return c.String(code, body) })
		srv := httptest.NewServer(e)
		t.Cleanup(srv.Close)
		return srv.Listener.Addr().String()
	case "fiber":
		app := fiber.New(fiber.Config{DisableStartupMessage: true})
		app.Use(fiberpassthrough.Middleware(opts...))
		app.All("/*", func(c *fiber.Ctx) error { code, body := h(c.UserContext()); return c.Status(code).SendString(body) })
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- app.Listener(ln) }()
		t.Cleanup(func() {
			_ = app.Shutdown()
			_ = ln.Close()
			if err := <-done; err != nil && !errors.Is(err, net.ErrClosed) {
				t.Errorf("fiber: %v", err)
			}
		})
		return ln.Addr().String()
	}
	t.Fatalf("unknown framework %q", fw)
	return ""
}

func dialControlPlane(t *testing.T, cp *controlPlane) *grpc.ClientConn {
	t.Helper()
	conn, err := grpcpassthrough.NewClient(cp.addr, grpcpassthrough.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}
