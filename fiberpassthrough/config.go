package fiberpassthrough

import (
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/passthrough-go/passthrough/core"
)

// ReadBufferSize is the fiber.Config.ReadBufferSize that [Config] sets: the
// largest request head (request line and headers) fasthttp reads. Fiber's
// default, 4096 bytes, answers 431 to a credential the middleware accepts
// ([core.DefaultMaxValueSize] is 8 KiB); this fits an Authorization and a
// Cookie at that limit with room for the rest of the head. If you raise
// [core.WithMaxValueSize] or forward more headers, raise it to at least
// the sum of their limits plus your other headers.
const ReadBufferSize = 32 << 10

// Config returns the fiber.Config the adapter's guarantees assume: a
// [ReadBufferSize] that fits credentials up to the default size limit, and
// [ErrorHandler], so that Fiber's own error answers never echo request
// bytes. Change other fields as you need:
//
//	cfg := fiberpassthrough.Config()
//	cfg.AppName = "api"
//	app := fiber.New(cfg)
func Config() fiber.Config {
	return fiber.Config{
		ReadBufferSize: ReadBufferSize,
		ErrorHandler:   ErrorHandler,
	}
}

// ErrorHandler is a fiber.ErrorHandler that answers an error with its
// status code and that status's standard text, never with err.Error().
//
// Fiber's default handler sends err.Error() as the body, and Fiber hands
// it fasthttp's request-parsing errors, which quote the raw request: a
// malformed header line after an Authorization line was answered 400 with
// the credential in the body. Errors a handler returns are answered the
// same way; log them yourself if you need their text.
func ErrorHandler(c *fiber.Ctx, err error) error {
	code := fiber.StatusInternalServerError
	var e *fiber.Error
	if errors.As(err, &e) {
		code = e.Code
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
