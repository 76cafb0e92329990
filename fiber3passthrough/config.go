package fiber3passthrough

import (
	"errors"
	"net/http"

	"github.com/gofiber/fiber/v3"
)

// ErrorHandler is a [fiber.ErrorHandler] that answers an error with its
// status code (that of a *fiber.Error, else 500) and the status's standard
// text, never with the error's own text. Install it with
// fiber.New(fiber.Config{ErrorHandler: fiber3passthrough.ErrorHandler}).
//
// Fiber's DefaultErrorHandler writes err.Error() into the response. For a
// request fasthttp cannot parse (a control byte in a header value, a
// malformed header line, a forbidden trailer), Fiber builds that error from
// fasthttp's message, which quotes the request's bytes: the caller's
// Authorization header, cookies and API key end up in the response body,
// and in every proxy or client log that records it. Such requests never
// reach the middleware, so only the error handler can keep them out.
//
// A handler that wants its own text in a response writes it
// (c.Status(code).SendString(msg)) instead of returning it as an error.
func ErrorHandler(c fiber.Ctx, err error) error {
	code := fiber.StatusInternalServerError
	var fe *fiber.Error
	if errors.As(err, &fe) {
		code = fe.Code
	}
	text := http.StatusText(code)
	if text == "" {
		text = "Error"
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	return c.Status(code).SendString(text)
}
