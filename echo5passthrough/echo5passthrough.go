package echo5passthrough

import (
	"github.com/labstack/echo/v5"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/httppassthrough"
)

// Middleware returns Echo v5 middleware that extracts the caller's
// credentials and puts them, as [core.Metadata], in c.Request().Context(). A
// refused request is answered directly and the next handler does not run.
//
// Install it with e.Use, which runs after routing: an exclusion then
// applies only to a request Echo routed to the excluded route
// (c.RouteInfo()), as [core.Engine.DecideRoute] describes. A request Echo
// answers with 404 or 405, or sends to a RouteNotFound handler, needs
// credentials. With RouterConfig.AutoHandleHEAD, Echo sends HEAD to the GET
// route, and a "GET" exclusion covers it.
//
// It panics, with a message starting "passthrough:", if opts are invalid.
func Middleware(opts ...core.Option) echo.MiddlewareFunc {
	engine := core.MustNew(opts...)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error {
			r := c.Request()
			d := engine.DecideRoute(httppassthrough.NewRawPathRequest(r), func() (core.Route, bool) {
				return route(c.RouteInfo())
			})
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

// route reads the route Echo chose. Echo v5 has no host routes within one
// Echo (echo.NewVirtualHostHandler gives each host its own, with its own
// middleware).
func route(ri echo.RouteInfo) (core.Route, bool) {
	switch {
	case ri.Name == echo.NotFoundRouteName, ri.Name == echo.MethodNotAllowedRouteName,
		ri.Method == echo.RouteNotFound, ri.Method == "":
		return core.Route{}, false
	case ri.Method == echo.RouteAny:
		return core.Route{Path: ri.Path}, true
	}
	return core.Route{Method: ri.Method, Path: ri.Path}, true
}
