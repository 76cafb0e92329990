package grpcpassthrough_test

import (
	"context"
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
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/echopassthrough"
	"github.com/passthrough-go/passthrough/fiberpassthrough"
	"github.com/passthrough-go/passthrough/ginpassthrough"
	"github.com/passthrough-go/passthrough/grpcpassthrough"
	"github.com/passthrough-go/passthrough/httppassthrough"
)

// work is what each HTTP handler does: one call of every kind to the
// control plane with the request's context, tagged with the caller id the
// handler read from the request (outgoing metadata the caller sets itself).
func work(ctx context.Context, conn *grpc.ClientConn, caller string) error {
	ctx = metadata.AppendToOutgoingContext(ctx, "x-caller", caller)
	for kind, call := range callKinds {
		if err := call(ctx, conn); err != nil {
			return fmt.Errorf("%s: %w", kind, err)
		}
	}
	return nil
}

// startHTTP starts one framework on loopback with the passthrough middleware
// and a handler that runs work; it returns the base URL.
func startHTTP(t *testing.T, framework string, conn *grpc.ClientConn) string {
	t.Helper()
	switch framework {
	case "net/http":
		h := httppassthrough.Middleware()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := work(r.Context(), conn, r.Header.Get("X-Caller")); err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
			}
		}))
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL
	case "gin":
		gin.SetMode(gin.ReleaseMode)
		r := gin.New()
		r.Use(ginpassthrough.Middleware())
		r.GET("/run", func(c *gin.Context) {
			if err := work(c.Request.Context(), conn, c.GetHeader("X-Caller")); err != nil {
				c.String(http.StatusBadGateway, err.Error())
			}
		})
		srv := httptest.NewServer(r)
		t.Cleanup(srv.Close)
		return srv.URL
	case "echo":
		e := echo.New()
		e.Use(echopassthrough.Middleware())
		e.GET("/run", func(c echo.Context) error {
			if err := work(c.Request().Context(), conn, c.Request().Header.Get("X-Caller")); err != nil {
				return c.String(http.StatusBadGateway, err.Error())
			}
			return c.NoContent(http.StatusOK)
		})
		srv := httptest.NewServer(e)
		t.Cleanup(srv.Close)
		return srv.URL
	case "fiber":
		app := fiber.New(fiber.Config{DisableStartupMessage: true})
		app.Use(fiberpassthrough.Middleware())
		app.Get("/run", func(c *fiber.Ctx) error {
			// c.Get aliases fasthttp's buffer, which is reused once the
			// handler returns; gRPC's HPACK encoder keeps header strings in
			// its dynamic table, so an uncopied value would later match
			// another request's bytes and be sent as the wrong caller.
			if err := work(c.UserContext(), conn, strings.Clone(c.Get("X-Caller"))); err != nil {
				return c.Status(http.StatusBadGateway).SendString(err.Error())
			}
			return nil
		})
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { _ = app.Listener(ln); close(done) }()
		t.Cleanup(func() { _ = app.Shutdown(); _ = ln.Close(); <-done })
		return "http://" + ln.Addr().String()
	}
	t.Fatalf("unknown framework %q", framework)
	return ""
}

func TestHTTPAdaptersToGRPC(t *testing.T) {
	t.Parallel()
	for _, fw := range []string{"net/http", "gin", "echo", "fiber"} {
		t.Run(fw, func(t *testing.T) {
			t.Parallel()
			rec := startRecorder(t, nil, nil)
			conn := dial(t, rec.addr, grpcpassthrough.WithInsecure())
			base := startHTTP(t, fw, conn)

			const callers, perCaller = 6, 10
			var wg sync.WaitGroup
			for i := range callers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range perCaller {
						req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/run", nil)
						req.Header.Set("Authorization", fmt.Sprintf("Bearer token-of-caller-%d", i))
						req.Header.Set("X-Caller", fmt.Sprint(i))
						resp, err := http.DefaultClient.Do(req)
						if err != nil {
							t.Error(err)
							return
						}
						body, _ := io.ReadAll(resp.Body)
						resp.Body.Close()
						if resp.StatusCode != http.StatusOK {
							t.Errorf("caller %d: status %d: %s", i, resp.StatusCode, body)
							return
						}
					}
				}()
			}
			wg.Wait()

			calls := rec.take()
			if want := callers * perCaller * len(callKinds); len(calls) != want {
				t.Fatalf("control plane saw %d calls, want %d", len(calls), want)
			}
			for _, c := range calls {
				caller := c.md.Get("x-caller")
				auth := c.md.Get("authorization")
				if len(caller) != 1 || len(auth) != 1 || auth[0] != "Bearer token-of-caller-"+caller[0] {
					t.Fatalf("%s: caller %v arrived with authorization %v: credentials mixed up or duplicated", c.method, caller, auth)
				}
				if len(c.md.Get("cookie")) != 0 {
					t.Fatalf("%s: a cookie was forwarded that no caller sent", c.method)
				}
			}

			// Without credentials the middleware answers and the control
			// plane hears nothing.
			resp, err := http.Get(base + "/run")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("no credentials: status %d, want 401", resp.StatusCode)
			}
			if n := len(rec.take()); n != 0 {
				t.Fatalf("control plane saw %d calls for a request without credentials", n)
			}
		})
	}
}

// A gRPC service that calls another passes on only what its extractors
// allow, not its incoming metadata wholesale.
func TestGRPCToGRPCHop(t *testing.T) {
	t.Parallel()
	next := startRecorder(t, nil, nil)
	nextConn := dial(t, next.addr, grpcpassthrough.WithInsecure())

	middle := grpc.NewServer(
		grpc.UnaryInterceptor(grpcpassthrough.UnaryServerInterceptor(core.WithExcludedPaths("/test.v1.Echo/Health"))),
		grpc.StreamInterceptor(grpcpassthrough.StreamServerInterceptor(core.WithExcludedPaths("/test.v1.Echo/Health"))),
		grpc.UnknownServiceHandler(func(_ any, ss grpc.ServerStream) error {
			for {
				if err := ss.RecvMsg(&emptypb.Empty{}); err != nil {
					break
				}
			}
			if err := callKinds["bidi"](ss.Context(), nextConn); err != nil {
				return err
			}
			return ss.SendMsg(&emptypb.Empty{})
		}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = middle.Serve(ln) }()
	t.Cleanup(middle.Stop)

	first := dial(t, ln.Addr().String(), grpcpassthrough.WithInsecure())
	ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: token}, core.Pair{Key: "x-internal", Value: "no"})
	ctx = metadata.AppendToOutgoingContext(ctx, "x-request-id", "r1")
	if err := callKinds["unary"](ctx, first); err != nil {
		t.Fatal(err)
	}
	calls := next.take()
	if len(calls) != 1 {
		t.Fatalf("next hop saw %d calls, want 1", len(calls))
	}
	md := calls[0].md
	if got := md.Get("authorization"); len(got) != 1 || got[0] != token {
		t.Errorf("next hop authorization = %q, want [%q]", got, token)
	}
	for _, k := range []string{"x-internal", "x-request-id"} {
		if v := md.Get(k); len(v) != 0 {
			t.Errorf("incoming metadata %q was forwarded wholesale to the next hop", k)
		}
	}
}
