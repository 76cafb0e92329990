package conformance

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/passthrough-go/passthrough/core"
)

// Handler is the route handler the suite installs behind the middleware. The
// adapter under test calls it with the request's standard context (for
// example r.Context() or c.UserContext()) and then answers success.
type Handler func(ctx context.Context)

// Harness connects the suite to one adapter.
type Harness struct {
	// Serve starts a server on loopback in which every path (and, for HTTP,
	// every method) is routed to a handler that runs h with the request's
	// context and answers 200 OK, behind the adapter's middleware built from
	// opts. Serve must build the middleware in the calling goroutine before
	// it returns, so that the suite can check that invalid options panic,
	// stop the server with t.Cleanup, and return a [Client] for it: for an
	// HTTP server, [HTTPClient] of its address. An adapter that asks its
	// router which route it chose also registers [SuiteRoutes].
	Serve func(t *testing.T, opts []core.Option, h Handler) Client

	// GRPC says the transport is gRPC. The suite then puts every path under
	// the service "/conformance.v1.Conformance" (so "/health" is sent, and
	// excluded, as the full method name "/conformance.v1.Conformance/health"),
	// sends no query strings, and sends no header values that gRPC metadata
	// cannot carry (gRPC clients refuse them before sending).
	GRPC bool

	// Procedures says the transport identifies a handler by a two-segment
	// procedure name, "/pkg.Service/Method", as Connect does (it implies
	// GRPC). Excluded paths the suite expects to pass are then of that
	// shape: single names under the service, and prefixes that are whole
	// services.
	Procedures bool

	// Variants are framework configurations under which the suite checks,
	// with real routes, that no spelling of an excluded path under any
	// method reaches a protected route without credentials. They are for
	// HTTP transports; see [Variant].
	Variants []Variant
}

// GRPCService is the service name the suite puts paths under for a
// [Harness] with GRPC set.
const GRPCService = "/conformance.v1.Conformance"

// Field is one header line (or one metadata entry), sent as given.
type Field struct {
	Name, Value string
}

// Request is what the suite sends: a path (a full method name for gRPC)
// and header lines, in order; a name may repeat.
type Request struct {
	// Method is the HTTP method, "GET" when empty. Clients for RPC
	// transports ignore it: every call is a POST.
	Method string
	Path   string
	Header []Field

	// Raw, when set, is the whole request as bytes, sent as given instead
	// of the request built from Method, Path and Header: for the requests
	// that a field list cannot spell (white space around a value, folded
	// lines, trailers, malformed lines). Only [HTTPClient] sends it; Method
	// still says how to read the response.
	Raw string
}

// Response is what came back. Status is an HTTP status code; clients for
// other protocols map theirs onto it (for gRPC: OK 200, InvalidArgument 400,
// Unauthenticated 401, ResourceExhausted 431, others 500). Header is nil when
// the protocol has no HTTP response headers; the suite then checks status
// only.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Client sends requests to the server under test.
type Client interface {
	// Exchange sends reqs one after the other over a single connection
	// (HTTP keep-alive, one gRPC connection) and returns a response for each.
	Exchange(ctx context.Context, reqs ...Request) ([]Response, error)
}

// HTTPClient returns a [Client] that writes HTTP/1.1 requests byte for byte
// to addr, so that nothing (path, header names, repeated lines) is
// normalised on the way.
func HTTPClient(addr string) Client { return rawHTTP{addr: addr} }

type rawHTTP struct{ addr string }

func (c rawHTTP) Exchange(ctx context.Context, reqs ...Request) ([]Response, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", c.addr)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	} else {
		_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	}
	br := bufio.NewReader(conn)
	out := make([]Response, 0, len(reqs))
	for i, r := range reqs {
		var b strings.Builder
		method := r.Method
		if method == "" {
			method = http.MethodGet
		}
		if r.Raw != "" {
			b.WriteString(r.Raw)
		} else {
			fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: conformance.test\r\n", method, r.Path)
			for _, f := range r.Header {
				b.WriteString(f.Name + ": " + f.Value + "\r\n")
			}
			b.WriteString("\r\n")
		}
		if _, err := io.WriteString(conn, b.String()); err != nil {
			return out, fmt.Errorf("request %d: write: %w", i, err)
		}
		resp, err := http.ReadResponse(br, &http.Request{Method: method})
		if err != nil {
			return out, fmt.Errorf("request %d: read response: %w", i, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return out, fmt.Errorf("request %d: read body: %w", i, err)
		}
		out = append(out, Response{Status: resp.StatusCode, Header: resp.Header, Body: body})
		if resp.Close {
			if i < len(reqs)-1 {
				return out, fmt.Errorf("request %d: server closed the connection", i)
			}
		}
	}
	return out, nil
}
