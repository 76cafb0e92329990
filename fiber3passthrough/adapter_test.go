package fiber3passthrough_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/fiber/v3/middleware/adaptor"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
	"github.com/passthrough-go/passthrough/fiber3passthrough"
)

// exchange writes req to addr byte for byte and reads one response.
func exchange(t *testing.T, addr, req string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// seen records what the route handler found in its context.
type seen struct {
	mu   sync.Mutex
	runs []core.Metadata
}

func (s *seen) handle(ctx context.Context) {
	md, _ := core.FromContext(ctx)
	s.mu.Lock()
	s.runs = append(s.runs, md)
	s.mu.Unlock()
}

func (s *seen) take() []core.Metadata {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.runs
	s.runs = nil
	return r
}

func chunked(header, trailer string) string {
	return "POST /protected HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n" + header +
		"\r\n4\r\nbody\r\n0\r\n" + trailer + "\r\n"
}

// fasthttp reads a chunked body, trailer included, before the handler runs
// and adds the trailer fields to the request headers. A trailer is not a
// header: it must neither supply a credential nor make one ambiguous.
func TestTrailersAreNotHeaders(t *testing.T) {
	t.Parallel()
	var s seen
	addr := listen(t, newApp([]core.Option{core.WithExtractors(extractors.Header("X-API-Key"))}, s.handle))

	status, _ := exchange(t, addr, chunked("", "X-API-Key: from-trailer\r\n"))
	if runs := s.take(); status != 401 || len(runs) != 0 {
		t.Errorf("credential only in a trailer: status %d, handler ran %d times; want 401 and never", status, len(runs))
	}

	status, _ = exchange(t, addr, chunked("X-API-Key: from-header\r\n", "X-API-Key: from-trailer\r\n"))
	runs := s.take()
	if status != 200 || len(runs) != 1 {
		t.Fatalf("credential in the header and a trailer of the same name: status %d, handler ran %d times; want 200 and once", status, len(runs))
	}
	if got := runs[0].Get("x-api-key"); got != "from-header" {
		t.Errorf("forwarded x-api-key %q, want the header's value %q", got, "from-header")
	}

	status, _ = exchange(t, addr, chunked("X-API-Key: \tfrom-header\t\r\n", ""))
	runs = s.take()
	if status != 200 || len(runs) != 1 || runs[0].Get("x-api-key") != "from-header" {
		t.Errorf("chunked request, header with tabs around the value: status %d, runs %d; want 200 forwarding %q", status, len(runs), "from-header")
	}

	status, _ = exchange(t, addr, chunked("X-API-Key: one\r\nx-api-key: two\r\n", ""))
	if runs := s.take(); status != 400 || len(runs) != 0 {
		t.Errorf("chunked request, header on two lines: status %d, handler ran %d times; want 400 and never", status, len(runs))
	}
}

// Requests fasthttp cannot parse never reach the middleware; Fiber answers
// them through the app's ErrorHandler with an error whose text quotes the
// request's bytes. With the documented configuration that text, and the
// credential in it, stays out of the response.
func TestUnparsableRequestsDoNotEchoCredentials(t *testing.T) {
	t.Parallel()
	const canary = "canary-9d41e7"
	var s seen
	addr := listen(t, newApp(nil, s.handle))
	for _, tc := range []struct{ name, req string }{
		{"NUL in the credential", "GET /protected HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + canary + "\x00\r\n\r\n"},
		{"CR in the credential", "GET /protected HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + canary + "\rx\r\n\r\n"},
		{"a malformed line after the credential", "GET /protected HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + canary + "\r\nX-Bad\x01: y\r\n\r\n"},
		{"the credential in a forbidden trailer", chunked("", "Authorization: Bearer "+canary+"\r\n")},
		{"the credential in an invalid trailer", chunked("", "X-API-Key\x01: "+canary+"\r\n")},
	} {
		status, body := exchange(t, addr, tc.req)
		if status < 400 || status >= 500 {
			t.Errorf("%s: status %d, want a 4xx refusal", tc.name, status)
		}
		if strings.Contains(body, canary) {
			t.Errorf("%s: the response body echoes the credential: %q", tc.name, body)
		}
		if runs := s.take(); len(runs) != 0 {
			t.Errorf("%s: the handler ran %d times, want never", tc.name, len(runs))
		}
	}
}

// ErrorHandler keeps the status of an error and drops its text, whoever
// returned it.
func TestErrorHandler(t *testing.T) {
	t.Parallel()
	app := fiber.New(fiber3passthrough.Config())
	app.Get("/plain", func(fiber.Ctx) error { return errors.New("lookup failed for Bearer canary-1") })
	app.Get("/fiber", func(fiber.Ctx) error { return fiber.NewError(http.StatusTeapot, "canary-2") })
	app.Get("/odd", func(fiber.Ctx) error { return fiber.NewError(599, "canary-3") })
	for _, tc := range []struct {
		path   string
		status int
		body   string
	}{
		{"/plain", 500, "Internal Server Error"},
		{"/fiber", 418, "I'm a teapot"},
		{"/odd", 500, "Internal Server Error"},
		{"/missing", 404, "Not Found"},
	} {
		resp, err := app.Test(httptest.NewRequest("GET", tc.path, nil))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || string(body) != tc.body {
			t.Errorf("GET %s: got %d %q, want %d %q", tc.path, resp.StatusCode, body, tc.status, tc.body)
		}
	}
}

// fasthttp refuses a header block larger than the app's ReadBufferSize with
// 431 before the middleware runs: Fiber's default refuses a credential at
// the core's default size limit, Config lets it through.
func TestReadBufferSize(t *testing.T) {
	t.Parallel()
	atCap := "Bearer " + strings.Repeat("a", core.DefaultMaxValueSize-len("Bearer "))
	get := "GET /protected HTTP/1.1\r\nHost: x\r\nAuthorization: " + atCap + "\r\n\r\n"

	var s seen
	app := fiber.New(fiber.Config{ErrorHandler: fiber3passthrough.ErrorHandler})
	app.Use(fiber3passthrough.Middleware())
	app.Get("/protected", func(c fiber.Ctx) error {
		s.handle(c.Context())
		return c.SendString("ok")
	})
	status, _ := exchange(t, listen(t, app), get)
	if runs := s.take(); status != 431 || len(runs) != 0 {
		t.Errorf("Fiber's default ReadBufferSize, credential at the 8 KiB limit: status %d, handler ran %d times; want 431 and never", status, len(runs))
	}

	app = fiber.New(fiber3passthrough.Config())
	app.Use(fiber3passthrough.Middleware())
	app.Get("/protected", func(c fiber.Ctx) error {
		s.handle(c.Context())
		return c.SendString("ok")
	})
	status, _ = exchange(t, listen(t, app), get)
	runs := s.take()
	if status != 200 || len(runs) != 1 || runs[0].Get("authorization") != atCap {
		t.Errorf("Config, credential at the 8 KiB limit: status %d, handler ran %d times; want 200 forwarding it", status, len(runs))
	}
}

// A middleware before passthrough that reads a cookie makes fasthttp parse
// the Cookie header; the lines must still be seen as sent.
func TestCookieLinesAfterCookiesWereParsed(t *testing.T) {
	t.Parallel()
	var s seen
	app := fiber.New(fiber3passthrough.Config())
	app.Use(func(c fiber.Ctx) error {
		_ = c.Cookies("theme")
		return c.Next()
	})
	app.Use(fiber3passthrough.Middleware())
	app.Get("/protected", func(c fiber.Ctx) error {
		s.handle(c.Context())
		return c.SendString("ok")
	})
	addr := listen(t, app)
	status, _ := exchange(t, addr, "GET /protected HTTP/1.1\r\nHost: x\r\nCookie: session=a\r\nCookie: session=b\r\n\r\n")
	if runs := s.take(); status != 400 || len(runs) != 0 {
		t.Errorf("Cookie sent on two lines: status %d, handler ran %d times; want 400 and never", status, len(runs))
	}
	const jar = "session=a;theme=dark; x=\"q\""
	status, _ = exchange(t, addr, "GET /protected HTTP/1.1\r\nHost: x\r\nCookie: "+jar+"\r\n\r\n")
	runs := s.take()
	if status != 200 || len(runs) != 1 || runs[0].Get("cookie") != jar {
		t.Errorf("one Cookie line: status %d, runs %d; want 200 forwarding it byte for byte", status, len(runs))
	}
	status, _ = exchange(t, addr, "GET /protected HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n\r\n")
	runs = s.take()
	if status != 200 || len(runs) != 1 || runs[0].Len() != 1 || runs[0].Get("authorization") != "Bearer k" {
		t.Errorf("no Cookie line: status %d, runs %d; want 200 forwarding the Authorization alone", status, len(runs))
	}
}

// Behind adaptor.FiberApp (a Fiber app served by net/http) fasthttp never
// parses the request: its headers are set one by one, with no raw header
// block, and the content length of a body-less GET is 0, as after an empty
// chunked body. The credentials must still be found.
func TestBehindNetHTTPAdaptor(t *testing.T) {
	t.Parallel()
	var s seen
	srv := httptest.NewServer(adaptor.FiberApp(newApp(nil, s.handle)))
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		method, body string
	}{{"GET", ""}, {"POST", "x=1"}} {
		req, err := http.NewRequestWithContext(t.Context(), tc.method, srv.URL+"/protected", strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer through-the-adaptor")
		req.Header.Set("Cookie", "session=1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		runs := s.take()
		if resp.StatusCode != 200 || len(runs) != 1 || runs[0].Get("authorization") != "Bearer through-the-adaptor" || runs[0].Get("cookie") != "session=1" {
			t.Errorf("%s behind the adaptor: status %d, handler saw %v; want 200 forwarding Authorization and Cookie", tc.method, resp.StatusCode, pairs(runs))
		}
	}
}

func pairs(runs []core.Metadata) [][]core.Pair {
	out := make([][]core.Pair, len(runs))
	for i, md := range runs {
		out[i] = md.Pairs()
	}
	return out
}
