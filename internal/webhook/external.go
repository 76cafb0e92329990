package webhook

import (
	"context"
	"net"
	"time"
)

// What a router outside this package needs to serve the webhook as the
// routers here do. The Fiber v3 router lives in the runner's own module
// (cmd/webhook-runner/fiber3.go): fiber3passthrough is a module of its own,
// and importing it here would put Fiber v3's fasthttp into the root module
// and every user's build (docs/modules.md).

// Server serves s on ln until ctx is done, then shuts down, letting
// in-flight requests finish within shutdownTimeout, as [Service.Serve] does
// for [Frameworks].
type Server func(ctx context.Context, s *Service, ln net.Listener, shutdownTimeout time.Duration) error

// Passthrough reports whether the service forwards each caller's
// credentials; a router then installs the adapter's middleware with
// [Service.MiddlewareOptions].
func (s *Service) Passthrough() bool { return s.passthrough }

// Timeouts are the HTTP server's read, write and idle timeouts.
func (s *Service) Timeouts() (read, write, idle time.Duration) {
	return s.readTimeout, s.writeTimeout(), s.idleTimeout
}

// BeginRequest starts a request's log line, as the outermost middleware of
// every router here does: it returns ctx carrying it, and the request id to
// answer with in [RequestIDHeader] (the caller's, if it sent one sane id).
func (s *Service) BeginRequest(ctx context.Context, ids []string) (context.Context, string) {
	rl := &requestLog{id: requestID(ids)}
	return withRequestLog(ctx, rl), rl.id
}

// EndRequest writes the log line of the request begun in ctx.
func (s *Service) EndRequest(ctx context.Context, method, path string, status int, start time.Time) {
	s.logRequest(method, path, status, start, requestLogFrom(ctx))
}

// Respond runs f as the answer to route, guarded and recorded for the log
// line of the request begun in ctx; it sets the answer's extra headers with
// set and returns its status and JSON body.
func (s *Service) Respond(ctx context.Context, route string, f func() Reply, set func(name, value string)) (status int, body []byte) {
	rep := s.respond(requestLogFrom(ctx), route, f)
	headersFor(rep, set)
	return encode(rep)
}

// RefuseEncodedBody returns the answer to a run-task request whose
// Content-Encoding values name a coding (the runner decodes none), and
// ok=false for a body it reads as sent.
func RefuseEncodedBody(contentEncodings []string) (r Reply, ok bool) {
	if encoded(contentEncodings) {
		return unsupportedEncoding, true
	}
	return Reply{}, false
}
