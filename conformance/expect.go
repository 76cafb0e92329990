package conformance

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/passthrough-go/passthrough/core"
)

// expectContinue checks that a request asking leave to send its body
// (Expect: 100-continue) that the middleware lets through, with a
// credential or on an excluded route, still gets there: the server may
// invite the body with 100 Continue (fasthttp does, before any handler
// runs) or answer at once without reading it (net/http does, as the
// suite's handler reads no body); either way the final answer is 200. The
// refusals are in the wire corpus.
func (s suite) expectContinue(t *testing.T) {
	rec := &recorder{}
	c := s.h.Serve(t, []core.Option{core.WithLogger(discard), core.WithExcludedPaths("POST /public")}, rec.handle)
	raw, ok := c.(rawHTTP)
	if !ok {
		t.Fatalf("conformance: an HTTP Harness.Serve must return the Client of HTTPClient, got %T", c)
	}
	for _, tc := range []struct {
		what, path, header string
		want               []core.Pair
	}{
		{"Expect: 100-continue with a credential", "/protected", "Authorization: " + token + "\r\n", auth(token)},
		{"Expect: 100-continue on an excluded route", "/public", "", nil},
	} {
		status, err := postExpectingContinue(t, raw.addr, tc.path, tc.header)
		if err != nil {
			t.Errorf("%s: %v", tc.what, err)
			continue
		}
		calls := rec.take()
		if status != 200 || len(calls) != 1 || !equalPairs(calls[0].md.Pairs(), tc.want) {
			var saw []core.Pair
			if len(calls) > 0 {
				saw = calls[0].md.Pairs()
			}
			t.Errorf("%s: final status %d, handler ran %d times and saw %s; want 200, once, with %s: a request the middleware lets through must not be refused before its body", tc.what, status, len(calls), describe(saw), describe(tc.want))
		}
	}
}

// postExpectingContinue sends the head of a POST with a 5-byte body and
// Expect: 100-continue, sends the body if invited, and returns the final
// status.
func postExpectingContinue(t *testing.T, addr, path, header string) (int, error) {
	var d net.Dialer
	conn, err := d.DialContext(t.Context(), "tcp", addr)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	head := "POST " + path + " HTTP/1.1\r\nHost: conformance.test\r\nContent-Length: 5\r\nExpect: 100-continue\r\n" + header + "\r\n"
	if _, err := io.WriteString(conn, head); err != nil {
		return 0, err
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return 0, fmt.Errorf("read the first answer: %w", err)
	}
	if resp.StatusCode == http.StatusContinue {
		if _, err := io.WriteString(conn, "hello"); err != nil {
			return 0, err
		}
		if resp, err = http.ReadResponse(br, nil); err != nil {
			return 0, fmt.Errorf("read the answer after 100 Continue: %w", err)
		}
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}
