package webhook

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/passthrough-go/passthrough/core"
)

// requestLog is what a request's log line says beyond its method, path and
// status. The outermost middleware of every framework creates it and puts
// it in the request's context; handlers fill in route and reason.
type requestLog struct {
	id     string
	route  string
	reason string
}

type requestLogKey struct{}

func withRequestLog(ctx context.Context, rl *requestLog) context.Context {
	return context.WithValue(ctx, requestLogKey{}, rl)
}

func requestLogFrom(ctx context.Context) *requestLog {
	rl, _ := ctx.Value(requestLogKey{}).(*requestLog)
	if rl == nil {
		return &requestLog{}
	}
	return rl
}

// RequestIDHeader carries a request's id, in and out.
const RequestIDHeader = "X-Request-Id"

// requestID returns the caller's request id if there is exactly one and it
// is sane (1 to 64 letters, digits, '.', '_', ':' or '-'), else a new one.
func requestID(incoming []string) string {
	if len(incoming) == 1 && saneID(incoming[0]) {
		return strings.Clone(incoming[0])
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func saneID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-') {
			return false
		}
	}
	return true
}

// maxLoggedPath bounds the path in a log line.
const maxLoggedPath = 256

// logRequest writes one line per request, at info level: refusals
// included, with why.
func (s *Service) logRequest(method, path string, status int, start time.Time, rl *requestLog) {
	if len(path) > maxLoggedPath {
		path = path[:maxLoggedPath] + "…"
	}
	attrs := []slog.Attr{
		slog.String("method", method), slog.String("path", path), slog.Int("status", status),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		slog.String("request_id", rl.id),
	}
	if rl.route != "" {
		attrs = append(attrs, slog.String("route", rl.route))
	}
	msg := "request"
	if status >= 400 {
		msg = "request refused"
		if status >= 500 {
			msg = "request failed"
		}
		reason := rl.reason
		if reason == "" {
			reason = refusalReason(status)
		}
		attrs = append(attrs, slog.String("reason", reason))
	}
	s.logger.LogAttrs(context.Background(), slog.LevelInfo, msg, attrs...)
}

// refusalReason says why a request was refused before a handler ran: by
// the passthrough middleware, the router or the server.
func refusalReason(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "missing credentials"
	case http.StatusBadRequest:
		return "malformed or ambiguous credentials"
	case http.StatusRequestHeaderFieldsTooLarge:
		return "credentials too large"
	case http.StatusNotFound:
		return "no such route"
	case http.StatusMethodNotAllowed:
		return "method not allowed"
	case http.StatusRequestEntityTooLarge:
		return "body too large"
	}
	return strings.ToLower(http.StatusText(status))
}

// maxCause bounds a control-plane error message in a log line.
const maxCause = 200

var (
	// A word after an auth scheme: "Bearer x", "Basic x".
	schemeSecret = regexp.MustCompile(`(?i)\b(bearer|basic)(\s+)("[^"]*"|'[^']*'|[^\s,;&]+)`)
	// A value given to a credential-ish name: "api_key=x", "token: x".
	namedSecret = regexp.MustCompile(`(?i)\b(token|api[_-]?key|apikey|key|password|passwd|secret|authorization|cookie|session)(\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;&]+)`)
	// A long run of key-like characters.
	keyLike = regexp.MustCompile(`[A-Za-z0-9_\-+/=.~]{16,}`)
)

// withoutCredentials removes from s, a string the control plane sent, every
// credential of the request being served, exactly as the caller sent it
// and, for an "Authorization: Bearer x" (or Basic), x alone: a control
// plane may echo what it was sent, and the runner knows what that was,
// whatever it looks like.
func withoutCredentials(ctx context.Context, s string) string {
	md, ok := core.FromContext(ctx)
	if !ok {
		return s
	}
	for _, value := range md.All {
		s = strings.ReplaceAll(s, value, "[redacted]")
		if scheme, token, found := strings.Cut(value, " "); found && token != "" &&
			(strings.EqualFold(scheme, "bearer") || strings.EqualFold(scheme, "basic")) {
			s = strings.ReplaceAll(s, strings.TrimSpace(token), "[redacted]")
		}
	}
	return s
}

// redactCause returns a control plane's error message fit for a log line:
// on one line, without the request's credentials ([withoutCredentials]) or
// anything else that looks like one, at most maxCause bytes. The message
// is not ours, and could echo what it was sent.
func redactCause(ctx context.Context, msg string) string {
	msg = withoutCredentials(ctx, msg)
	msg = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, msg)
	msg = schemeSecret.ReplaceAllString(msg, "$1$2[redacted]")
	msg = namedSecret.ReplaceAllString(msg, "$1$2[redacted]")
	msg = keyLike.ReplaceAllStringFunc(msg, func(w string) string {
		if strings.ContainsAny(w, "0123456789") && strings.IndexFunc(w, func(r rune) bool { return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' }) >= 0 {
			return "[redacted]"
		}
		return w
	})
	if len(msg) > maxCause {
		msg = strings.ToValidUTF8(msg[:maxCause], "") + "…"
	}
	return msg
}
