package echopassthrough

import (
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/httppassthrough"
)

// Middleware returns Echo middleware that extracts the caller's credentials
// and puts them, as [core.Metadata], in c.Request().Context(). A refused
// request is answered directly and the next handler does not run.
//
// Install it with e.Use, which runs after routing: an exclusion then
// applies only to a request Echo routed to the excluded route, as
// [core.Engine.DecideRoute] describes. A request Echo answers with 404 or
// 405, or sends to a RouteNotFound handler, needs credentials, and so does
// one routed by a host router (e.Host): exclusions name no host. Echo v4
// lists its routes but does not say, for a request, whether the method
// found a route; the middleware reads the list of each router once, at the
// first request to an excluded path, so a route registered after that is
// not excluded.
//
// It panics, with a message starting "passthrough:", if opts are invalid.
func Middleware(opts ...core.Option) echo.MiddlewareFunc {
	engine := core.MustNew(opts...)
	var known routeTables
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			d := engine.DecideRoute(httppassthrough.NewRawPathRequest(r), func() (core.Route, bool) {
				return known.route(c)
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

// routeTables holds, per Echo router, the method and path of every route
// registered with it, read from Router.Routes once.
type routeTables struct{ m sync.Map } // *echo.Router -> map[routeKey]struct{}

type routeKey struct{ method, path string }

// route reports the route Echo chose for c: c.Path() is the matched
// route's path, but also the path of the node a 404 or 405 stopped at, so
// the route counts only if one is registered for the request's method and
// that path.
func (t *routeTables) route(c echo.Context) (core.Route, bool) {
	e, r := c.Echo(), c.Request()
	rt := core.Route{Method: r.Method, Path: c.Path()}
	router := e.Router()
	// Echo picks a host's router by the Host header as sent (e.findRouter).
	if hr, ok := e.Routers()[r.Host]; ok {
		router, rt.Host = hr, r.Host
	}
	table, ok := t.m.Load(router)
	if !ok {
		routes := router.Routes()
		m := make(map[routeKey]struct{}, len(routes))
		for _, x := range routes {
			if x.Method != echo.RouteNotFound {
				m[routeKey{x.Method, x.Path}] = struct{}{}
			}
		}
		table, _ = t.m.LoadOrStore(router, m)
	}
	_, found := table.(map[routeKey]struct{})[routeKey{rt.Method, rt.Path}]
	return rt, found
}
