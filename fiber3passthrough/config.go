package fiber3passthrough

import (
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v3"

	"github.com/passthrough-go/passthrough/core"
)

// ReadBufferSize is the fiber.Config.ReadBufferSize that [Config] sets: the
// largest request head (request line and headers) fasthttp reads. Fiber's
// default, 4096 bytes, answers 431 to a credential the middleware accepts
// ([core.DefaultMaxValueSize] is 8 KiB); this fits an Authorization and a
// Cookie at that limit with room for the rest of the head. If you raise
// [core.WithMaxValueSize] or forward more headers, raise it to at least
// the sum of their limits plus your other headers. fasthttp allocates it
// per connection.
const ReadBufferSize = 32 << 10

// Config returns the fiber.Config the adapter's guarantees assume: a
// [ReadBufferSize] that fits credentials up to the default size limit, and
// [ErrorHandler], so that Fiber's own error answers never echo request
// bytes. Change other fields as you need:
//
//	cfg := fiber3passthrough.Config()
//	cfg.AppName = "api"
//	app := fiber.New(cfg)
func Config() fiber.Config {
	return fiber.Config{
		ReadBufferSize: ReadBufferSize,
		ErrorHandler:   ErrorHandler,
	}
}

// ErrorHandler is a [fiber.ErrorHandler] that answers an error with its
// status code (that of a *fiber.Error, else 500) and that status's
// standard text, never with err.Error().
//
// Fiber's DefaultErrorHandler writes err.Error() into the response. For a
// request fasthttp cannot parse (a control byte in a header value, a
// malformed header line, a forbidden trailer), Fiber builds that error from
// fasthttp's message, which quotes the raw request: the caller's
// Authorization header, cookies and API key end up in the response body,
// and in every proxy or client log that records it. Such requests never
// reach the middleware, so only the error handler can keep them out.
// Errors a handler returns are answered the same way; log them yourself
// if you need their text, or write the response instead of returning the
// error.
func ErrorHandler(c fiber.Ctx, err error) error {
	code := fiber.StatusInternalServerError
	var fe *fiber.Error
	if errors.As(err, &fe) {
		code = fe.Code
	}
	text := http.StatusText(code)
	if text == "" {
		code, text = fiber.StatusInternalServerError, http.StatusText(fiber.StatusInternalServerError)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	return c.Status(code).SendString(text)
}

// ReadBufferSize fits an Authorization and a Cookie at the default limit
// and 8 KiB more; this fails to compile if that stops being true.
var _ [ReadBufferSize - 2*core.DefaultMaxValueSize - 8<<10]struct{}
