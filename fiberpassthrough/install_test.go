package fiberpassthrough_test

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/fiberpassthrough"
	"github.com/passthrough-go/passthrough/internal/syncbuf"
)

// uploadApp serves POST /upload and POST /public (excluded) behind
// Install, answering the body it read and the credential it saw.
func uploadApp(t *testing.T, ran *atomic.Int32) string {
	cfg := fiberpassthrough.Config()
	cfg.DisableStartupMessage = true
	app := fiber.New(cfg)
	fiberpassthrough.Install(app, core.WithLogger(slog.New(slog.DiscardHandler)), core.WithExcludedPaths("POST /public"))
	route := func(c *fiber.Ctx) error {
		ran.Add(1)
		md, _ := core.FromContext(c.UserContext())
		return c.SendString(string(c.Body()) + "|" + md.Get("authorization"))
	}
	app.Post("/upload", route)
	app.Post("/public", route)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown(); _ = ln.Close(); <-done })
	return ln.Addr().String()
}

// expectContinue sends the head of a POST with a 5-byte body and
// Expect: 100-continue, and returns the first response to it and the
// connection's reader.
func expectContinue(t *testing.T, addr, path, header string) (net.Conn, *bufio.Reader, *http.Response) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	head := "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n" + header + "\r\n"
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	return conn, br, resp
}

// With Install, fasthttp invites the body of a request the middleware
// refuses no more: the answer is final (fasthttp's 417), the handler never
// runs and the connection closes, so a body sent anyway is never read.
// (The suite's Wire checks send the same refusals, and check that
// requests the middleware lets through are still invited.)
func TestInstallRefusesBeforeInvitingTheBody(t *testing.T) {
	t.Parallel()
	var ran atomic.Int32
	addr := uploadApp(t, &ran)

	for _, tc := range []struct{ name, header string }{
		{"no credentials", ""},
		{"a credential on two lines", "Authorization: Bearer a\r\nauthorization: Bearer b\r\n"},
	} {
		_, br, resp := expectContinue(t, addr, "/upload", tc.header)
		resp.Body.Close()
		if resp.StatusCode != http.StatusExpectationFailed || !resp.Close {
			t.Errorf("%s: status %d, Connection: close %v; want a final 417 that closes the connection, not %d Continue", tc.name, resp.StatusCode, resp.Close, http.StatusContinue)
		}
		if resp.StatusCode == http.StatusContinue {
			continue
		}
		if rest, _ := io.ReadAll(br); len(rest) != 0 {
			t.Errorf("%s: the server sent %q after its refusal; want the connection closed", tc.name, rest)
		}
	}
	if n := ran.Load(); n != 0 {
		t.Errorf("refused requests ran the handler %d times, want never", n)
	}

}

// An app not set up as Config does gets one warning per mistake, at the
// first request, through the configured logger; Config's gets none.
func TestSetupWarnings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  fiber.Config
		want []string
	}{
		{"Config", fiberpassthrough.Config(), nil},
		{"fiber.New()", fiber.Config{}, []string{"default error handler", "cannot hold a credential"}},
		{"Config's error handler, Fiber's read buffer", fiber.Config{ErrorHandler: fiberpassthrough.ErrorHandler}, []string{"cannot hold a credential"}},
		{"Config's read buffer, Fiber's error handler", fiber.Config{ReadBufferSize: fiberpassthrough.ReadBufferSize}, []string{"default error handler"}},
	} {
		var logs syncbuf.Buffer
		tc.cfg.DisableStartupMessage = true
		app := fiber.New(tc.cfg)
		app.Use(fiberpassthrough.Middleware(core.WithLogger(slog.New(slog.NewTextHandler(&logs, nil)))))
		app.Get("/", func(c *fiber.Ctx) error { return c.SendString("ok") })
		c := listen(t, app)
		for range 3 {
			if _, err := c.Exchange(t.Context(), conformance.Request{Path: "/", Header: []conformance.Field{{Name: "Authorization", Value: "Bearer t"}}}); err != nil {
				t.Fatal(err)
			}
		}
		out := logs.String()
		if n := strings.Count(out, "level=WARN"); n != len(tc.want) {
			t.Errorf("%s: %d warnings after three requests, want %d:\n%s", tc.name, n, len(tc.want), out)
		}
		for _, w := range tc.want {
			if strings.Count(out, w) != 1 || !strings.Contains(out, "fiberpassthrough.Config()") {
				t.Errorf("%s: want one warning about %q that names fiberpassthrough.Config():\n%s", tc.name, w, out)
			}
		}
	}
}
