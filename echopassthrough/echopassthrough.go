package echopassthrough

import (
	"github.com/labstack/echo/v4"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/httppassthrough"
)

// Middleware returns Echo middleware that extracts the caller's credentials
// and puts them, as [core.Metadata], in c.Request().Context(). A refused
// request is answered directly and the next handler does not run.
//
// It panics, with a message starting "passthrough:", if opts are invalid.
func Middleware(opts ...core.Option) echo.MiddlewareFunc {
	engine := core.MustNew(opts...)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			d := engine.Decide(httppassthrough.NewRawPathRequest(r))
			if rej := d.Rejection(); rej != nil {
				// Written directly, as the net/http adapter does: the answer is
				// complete and nothing after this middleware runs.
				httppassthrough.WriteRejection(c.Response(), rej)
				return nil
			}
			if _, ok := d.Metadata(); ok {
				c.SetRequest(r.WithContext(d.Context(r.Context())))
			}
			return next(c)
		}
	}
}
