package ginpassthrough

import (
	"github.com/gin-gonic/gin"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/httppassthrough"
)

// Middleware returns Gin middleware that extracts the caller's credentials
// and puts them, as [core.Metadata], in c.Request.Context(). A refused
// request is answered and aborted; the handlers after it do not run.
//
// It panics, with a message starting "passthrough:", if opts are invalid.
func Middleware(opts ...core.Option) gin.HandlerFunc {
	engine := core.MustNew(opts...)
	return func(c *gin.Context) {
		// Gin routes before its middleware runs: c.FullPath() is the
		// matched route's path, "" under NoRoute and NoMethod.
		d := engine.DecideRoute(httppassthrough.NewRawPathRequest(c.Request), func() (core.Route, bool) {
			return core.Route{Method: c.Request.Method, Path: c.FullPath()}, c.FullPath() != ""
		})
		if rej := d.Rejection(); rej != nil {
			httppassthrough.WriteRejection(c.Writer, rej)
			c.Abort()
			return
		}
		if _, ok := d.Metadata(); ok {
			c.Request = c.Request.WithContext(d.Context(c.Request.Context()))
		}
		c.Next()
	}
}
