// Package webhook is the webhook runner: an HTTP service that runs tasks on
// a control plane as its caller. The logic is written once, framework
// neutral, in [Service]; routers.go wires it into Gin, Echo or Fiber, each
// behind its passthrough middleware.
package webhook

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
)

// MaxBodySize is the largest run-task body accepted.
const MaxBodySize = 1 << 20

// Service answers the webhook's routes. Every control-plane call is made
// with the request's context, so it carries the caller's credentials.
type Service struct {
	cp          *controlplane.Client
	timeout     time.Duration
	logger      *slog.Logger
	passthrough bool

	// Server timeouts; see [Options].
	readTimeout, idleTimeout time.Duration
}

// Default server timeouts.
const (
	defaultReadTimeout = 30 * time.Second
	defaultIdleTimeout = 2 * time.Minute
)

// NewService returns a Service calling cp, giving each control-plane call
// at most timeout.
func NewService(cp *controlplane.Client, timeout time.Duration, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{cp: cp, timeout: timeout, logger: logger, passthrough: true,
		readTimeout: defaultReadTimeout, idleTimeout: defaultIdleTimeout}
}

// NewStaticService is the same service without passthrough: no middleware,
// and cp must carry its own (static, service) credential. It exists for the
// load comparison in bench/loadrun; it is the design this project replaces.
func NewStaticService(cp *controlplane.Client, timeout time.Duration, logger *slog.Logger) *Service {
	s := NewService(cp, timeout, logger)
	s.passthrough = false
	return s
}

// MiddlewareOptions are the passthrough options every framework's router
// uses: /health needs no credentials, and the caller's Authorization or
// X-API-Key header is forwarded.
func (s *Service) MiddlewareOptions() []core.Option {
	return []core.Option{
		core.WithExcludedPaths("/health"),
		core.WithExtractors(extractors.Authorization(), extractors.Header("X-API-Key")),
		core.WithLogger(s.logger),
	}
}

// Reply is a JSON response.
type Reply struct {
	Status int
	Body   any

	reason string // for the log line of a refusal
}

type detail struct {
	Detail string `json:"detail"`
}

func fail(status int, msg string) Reply {
	return Reply{Status: status, Body: detail{msg}, reason: strings.ToLower(msg)}
}

func (s *Service) call(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.timeout)
}

// Health answers GET /health.
func (s *Service) Health() Reply {
	return Reply{Status: http.StatusOK, Body: map[string]string{"status": "ok"}}
}

// Me answers GET /me with the caller's identity as the control plane sees it
// (Flyte 2's UserInfo).
func (s *Service) Me(ctx context.Context) Reply {
	ctx, cancel := s.call(ctx)
	defer cancel()
	me, err := s.cp.UserInfo(ctx, &flyte2v1.UserInfoRequest{})
	if err != nil {
		return s.controlPlaneError(ctx, "user info", err, "Not found")
	}
	return Reply{Status: http.StatusOK, Body: map[string]string{"subject": me.GetSubject(), "name": me.GetName()}}
}

// controlPlaneError maps a control-plane error onto an HTTP answer. The
// control plane's own message is not repeated to the caller: it is not
// ours to vouch for, and could echo a credential. It is logged, as the
// cause, only once redacted and bounded by [redactCause].
func (s *Service) controlPlaneError(ctx context.Context, op string, err error, notFound string) Reply {
	code := status.Code(err)
	if errors.Is(err, context.DeadlineExceeded) {
		code = codes.DeadlineExceeded
	}
	cause := status.Convert(err).Message()
	s.logger.Warn("control-plane call failed", slog.String("op", op), slog.String("code", code.String()),
		slog.String("cause", redactCause(ctx, cause)), slog.String("request_id", requestLogFrom(ctx).id))
	r := s.controlPlaneReply(code, notFound)
	r.reason = "control plane: " + code.String()
	return r
}

func (s *Service) controlPlaneReply(code codes.Code, notFound string) Reply {
	switch code {
	case codes.Unauthenticated:
		return fail(http.StatusUnauthorized, "Invalid credentials")
	case codes.PermissionDenied:
		return fail(http.StatusForbidden, "Permission denied")
	case codes.NotFound:
		return fail(http.StatusNotFound, notFound)
	case codes.InvalidArgument:
		return fail(http.StatusBadRequest, "The control plane rejected the request as invalid")
	case codes.ResourceExhausted:
		return fail(http.StatusTooManyRequests, "Control plane limit reached")
	case codes.Unavailable:
		return fail(http.StatusServiceUnavailable, "Control plane unavailable")
	case codes.DeadlineExceeded:
		return fail(http.StatusGatewayTimeout, "Control plane timed out")
	case codes.Canceled:
		return fail(http.StatusServiceUnavailable, "Request cancelled")
	default:
		return fail(http.StatusBadGateway, "Control plane error")
	}
}

// guard turns a panic in a handler into a plain 500 without a stack trace
// or anything from the request.
func (s *Service) guard(route string, f func() Reply) (r Reply) {
	defer func() {
		if recover() != nil {
			s.logger.Error("handler panicked", slog.String("route", route))
			r = fail(http.StatusInternalServerError, "Internal error")
		}
	}()
	return f()
}
