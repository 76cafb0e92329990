package connectpassthrough_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/passthrough-go/passthrough/connectpassthrough"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
)

const token = "Bearer user-token-1"

type empty = emptypb.Empty

// recorder is a real Connect server (HTTP/2 over TLS, on loopback) with a
// unary, a client-, a server- and a bidi-streaming procedure; it records
// the request headers of every call.
type recorder struct {
	mu    sync.Mutex
	calls []http.Header
	srv   *httptest.Server
}

func (r *recorder) record(h http.Header) {
	r.mu.Lock()
	r.calls = append(r.calls, h.Clone())
	r.mu.Unlock()
}

func (r *recorder) take() []http.Header {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.calls
	r.calls = nil
	return c
}

func startRecorder(t *testing.T, opts ...connect.HandlerOption) *recorder {
	t.Helper()
	rec := &recorder{}
	mux := http.NewServeMux()
	mux.Handle("/test.v1.Echo/Unary", connect.NewUnaryHandler("/test.v1.Echo/Unary",
		func(ctx context.Context, req *connect.Request[empty]) (*connect.Response[empty], error) {
			rec.record(req.Header())
			return connect.NewResponse(&empty{}), nil
		}, opts...))
	mux.Handle("/test.v1.Echo/ClientStream", connect.NewClientStreamHandler("/test.v1.Echo/ClientStream",
		func(ctx context.Context, s *connect.ClientStream[empty]) (*connect.Response[empty], error) {
			rec.record(s.RequestHeader())
			for s.Receive() {
			}
			return connect.NewResponse(&empty{}), s.Err()
		}, opts...))
	mux.Handle("/test.v1.Echo/ServerStream", connect.NewServerStreamHandler("/test.v1.Echo/ServerStream",
		func(ctx context.Context, req *connect.Request[empty], s *connect.ServerStream[empty]) error {
			rec.record(req.Header())
			for range 3 {
				if err := s.Send(&empty{}); err != nil {
					return err
				}
			}
			return nil
		}, opts...))
	mux.Handle("/test.v1.Echo/Bidi", connect.NewBidiStreamHandler("/test.v1.Echo/Bidi",
		func(ctx context.Context, s *connect.BidiStream[empty, empty]) error {
			rec.record(s.RequestHeader())
			for {
				if _, err := s.Receive(); err != nil {
					return nil
				}
				if err := s.Send(&empty{}); err != nil {
					return err
				}
			}
		}, opts...))
	srv := httptest.NewUnstartedServer(mux)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	rec.srv = srv
	return rec
}

// calls makes one call of each kind; set adds headers the caller sets by
// hand on the request or stream.
func calls(base string, hc connect.HTTPClient) map[string]func(ctx context.Context, set http.Header) error {
	unary := connect.NewClient[empty, empty](hc, base+"/test.v1.Echo/Unary")
	client := connect.NewClient[empty, empty](hc, base+"/test.v1.Echo/ClientStream")
	server := connect.NewClient[empty, empty](hc, base+"/test.v1.Echo/ServerStream")
	bidi := connect.NewClient[empty, empty](hc, base+"/test.v1.Echo/Bidi")
	copyInto := func(dst, src http.Header) {
		for k, v := range src {
			dst[k] = append(dst[k], v...)
		}
	}
	return map[string]func(ctx context.Context, set http.Header) error{
		"unary": func(ctx context.Context, set http.Header) error {
			req := connect.NewRequest(&empty{})
			copyInto(req.Header(), set)
			_, err := unary.CallUnary(ctx, req)
			return err
		},
		"client-stream": func(ctx context.Context, set http.Header) error {
			s := client.CallClientStream(ctx)
			copyInto(s.RequestHeader(), set)
			for range 3 {
				if err := s.Send(&empty{}); err != nil {
					break
				}
			}
			_, err := s.CloseAndReceive()
			return err
		},
		"server-stream": func(ctx context.Context, set http.Header) error {
			req := connect.NewRequest(&empty{})
			copyInto(req.Header(), set)
			s, err := server.CallServerStream(ctx, req)
			if err != nil {
				return err
			}
			defer s.Close()
			for s.Receive() {
			}
			return s.Err()
		},
		"bidi": func(ctx context.Context, set http.Header) error {
			s := bidi.CallBidiStream(ctx)
			copyInto(s.RequestHeader(), set)
			if err := s.Send(&empty{}); err != nil {
				// Connect's idiom: a Send that fails with io.EOF leaves
				// the call's error to Receive.
				if errors.Is(err, io.EOF) {
					_, rerr := s.Receive()
					return rerr
				}
				return err
			}
			if _, err := s.Receive(); err != nil {
				return err
			}
			if err := s.CloseRequest(); err != nil {
				return err
			}
			return s.CloseResponse()
		},
	}
}

// forwarding returns the forwarding HTTP client for base, on top of hc.
func forwarding(t *testing.T, base string, hc *http.Client, opts ...forward.Option) connect.HTTPClient {
	t.Helper()
	c, err := connectpassthrough.NewClient(base, hc, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClientForwardsOnEveryCallKind(t *testing.T) {
	t.Parallel()
	rec := startRecorder(t)
	for kind, call := range calls(rec.srv.URL, forwarding(t, rec.srv.URL, rec.srv.Client())) {
		ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: token}, core.Pair{Key: "x-api-key", Value: "k1"})
		// The caller also set the same key, and another header, by hand.
		set := http.Header{"Authorization": {"Bearer stale"}, "X-Trace": {"t1"}}
		if err := call(ctx, set); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		got := rec.take()
		if len(got) != 1 {
			t.Fatalf("%s: server saw %d calls, want 1", kind, len(got))
		}
		h := got[0]
		if v := h.Values("Authorization"); len(v) != 1 || v[0] != token {
			t.Errorf("%s: authorization %q, want exactly [%q]", kind, v, token)
		}
		if v := h.Values("X-Api-Key"); len(v) != 1 || v[0] != "k1" {
			t.Errorf("%s: x-api-key %q", kind, v)
		}
		if v := h.Values("X-Trace"); len(v) != 1 || v[0] != "t1" {
			t.Errorf("%s: the caller's other header was lost: %q", kind, v)
		}
	}
}

func TestClientWithoutCredentialsSendsNothing(t *testing.T) {
	t.Parallel()
	rec := startRecorder(t)
	for kind, call := range calls(rec.srv.URL, forwarding(t, rec.srv.URL, rec.srv.Client())) {
		err := call(t.Context(), nil)
		if connect.CodeOf(err) != connect.CodeUnauthenticated || !strings.Contains(err.Error(), "no caller credentials") {
			t.Errorf("%s: got %v, want Unauthenticated saying what is missing", kind, err)
		}
		ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: "Bearer secret\r\nx"})
		err = call(ctx, nil)
		if connect.CodeOf(err) != connect.CodeInvalidArgument || strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: invalid value: got %v, want InvalidArgument without the value", kind, err)
		}
	}
	if n := len(rec.take()); n != 0 {
		t.Fatalf("server received %d calls that should not have been sent", n)
	}
	anon := calls(rec.srv.URL, forwarding(t, rec.srv.URL, rec.srv.Client(), forward.WithAllowAnonymous()))
	if err := anon["unary"](t.Context(), nil); err != nil {
		t.Fatalf("anonymous call: %v", err)
	}
	if got := rec.take(); len(got) != 1 || got[0].Get("Authorization") != "" {
		t.Fatalf("anonymous call: got %v", got)
	}
}

func TestClientRefusesPlaintextBaseURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		url  string
		opts []forward.Option
		ok   bool
	}{
		{"https://cp.example.com", nil, true},
		{"http://127.0.0.1:8089", nil, false},
		{"http://127.0.0.1:8089", []forward.Option{forward.WithInsecure()}, true},
		{"ftp://cp.example.com", nil, false},
		{"cp.example.com:443", nil, false},
		{"https://user:pw@cp.example.com", nil, false},
	} {
		_, err := connectpassthrough.NewClient(tc.url, nil, tc.opts...)
		if (err == nil) != tc.ok {
			t.Errorf("NewClient(%q): %v, want ok=%v", tc.url, err, tc.ok)
		}
		if err != nil && (!strings.HasPrefix(err.Error(), "passthrough: ") || strings.Contains(err.Error(), "pw")) {
			t.Errorf("NewClient(%q): error %q", tc.url, err)
		}
	}
}

// Rejections reach the caller as they are, once: connect clients never
// retry.
func TestRejectionsAreNotRetried(t *testing.T) {
	t.Parallel()
	var attempts atomic.Int64
	deny := connect.UnaryInterceptorFunc(func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			attempts.Add(1)
			return nil, connect.NewError(connect.CodePermissionDenied, errors.New("no"))
		}
	})
	rec := startRecorder(t, connect.WithInterceptors(deny))
	ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: token})
	err := calls(rec.srv.URL, forwarding(t, rec.srv.URL, rec.srv.Client()))["unary"](ctx, nil)
	if connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Fatalf("got %v, want PermissionDenied", err)
	}
	if n := attempts.Load(); n != 1 {
		t.Fatalf("server saw %d attempts, want 1", n)
	}
}

// A call to another origin than the one the client was built for is
// refused before anything is sent, with both origins named (and never a
// credential), instead of going out without credentials and coming back
// as "authentication required": localhost is not 127.0.0.1.
func TestClientRefusesAnotherOrigin(t *testing.T) {
	t.Parallel()
	var seen atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen.Add(1) }))
	defer srv.Close()
	built := srv.URL // http://127.0.0.1:port
	called := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	for _, anonymous := range []bool{false, true} {
		opts := []forward.Option{forward.WithInsecure()}
		if anonymous {
			opts = append(opts, forward.WithAllowAnonymous())
		}
		c := connect.NewClient[empty, empty](forwarding(t, built, nil, opts...), called+"/test.v1.Echo/Unary")
		ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: "Bearer secret-token"})
		_, err := c.CallUnary(ctx, connect.NewRequest(&empty{}))
		if err == nil || !strings.Contains(err.Error(), "passthrough: ") ||
			!strings.Contains(err.Error(), called) || !strings.Contains(err.Error(), built) || strings.Contains(err.Error(), "secret") {
			t.Errorf("anonymous=%v: call at %s of a client built for %s: %v, want a refusal naming both origins", anonymous, called, built, err)
		}
		if connect.CodeOf(err) == connect.CodeUnauthenticated {
			t.Errorf("anonymous=%v: refused as %v, which hides the mismatch", anonymous, connect.CodeOf(err))
		}
	}
	if n := seen.Load(); n != 0 {
		t.Errorf("the server saw %d requests, want none: a call to another origin is refused before it is sent", n)
	}
}
