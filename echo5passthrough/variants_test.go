package echo5passthrough_test

import (
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/echo5passthrough"
)

// variant serves the conformance variants: Echo v5 with the router rc and
// the Pre middleware pre, the adapter installed with e.Use as documented.
func variant(rc echo.RouterConfig, pre ...echo.MiddlewareFunc) func(*testing.T, []core.Option, []conformance.Public, conformance.RouteHandler) conformance.Client {
	return routing{}.variant(rc, pre...)
}

// routing says how a variant routes beyond its router configuration: the
// protected catch-all as e.RouteNotFound("/*") instead of e.Any("/*"), and
// method-less public routes registered with e.GET alone, as the webhook
// runner registers /health.
type routing struct{ notFound, getOnly bool }

func (rt routing) variant(rc echo.RouterConfig, pre ...echo.MiddlewareFunc) func(*testing.T, []core.Option, []conformance.Public, conformance.RouteHandler) conformance.Client {
	return func(t *testing.T, opts []core.Option, public []conformance.Public, h conformance.RouteHandler) conformance.Client {
		e := echo.NewWithConfig(echo.Config{Router: echo.NewRouter(rc)})
		e.Pre(pre...)
		e.Use(echo5passthrough.Middleware(opts...))
		for _, p := range public {
			route := func(c *echo.Context) error {
				h(c.Request().Context(), p.Pattern())
				return c.String(200, "ok")
			}
			paths := []string{p.Path}
			if p.Prefix {
				paths = append(paths, p.Path+"/*")
			}
			for _, path := range paths {
				switch {
				case p.Method != "":
					e.Add(p.Method, path, route)
				case rt.getOnly:
					e.GET(path, route)
				default:
					e.Any(path, route)
				}
			}
		}
		protected := func(c *echo.Context) error {
			h(c.Request().Context(), conformance.Protected)
			return c.String(200, "ok")
		}
		if rt.notFound {
			e.RouteNotFound("/*", protected)
		} else {
			e.Any("/*", protected)
		}
		srv := httptest.NewServer(e)
		t.Cleanup(srv.Close)
		return conformance.HTTPClient(srv.Listener.Addr().String())
	}
}

var variants = []conformance.Variant{
	{Name: "Default", Serve: variant(echo.RouterConfig{})},
	{Name: "RemoveTrailingSlash", Serve: variant(echo.RouterConfig{}, middleware.RemoveTrailingSlash())},
	{Name: "AddTrailingSlash", Serve: variant(echo.RouterConfig{}, middleware.AddTrailingSlash())},
	{Name: "RemoveTrailingSlashRedirect", Serve: variant(echo.RouterConfig{}, middleware.RemoveTrailingSlashWithConfig(middleware.RemoveTrailingSlashConfig{RedirectCode: 301}))},
	{Name: "UseEscapedPathForMatching", Serve: variant(echo.RouterConfig{UseEscapedPathForMatching: true})},
	{Name: "AutoHandleHEAD", Serve: variant(echo.RouterConfig{AutoHandleHEAD: true})},
	{Name: "RouteNotFound", Serve: routing{notFound: true}.variant(echo.RouterConfig{})},
	{Name: "RouteNotFoundGETOnly", Serve: routing{notFound: true, getOnly: true}.variant(echo.RouterConfig{})},
	{Name: "RouteNotFoundAutoHandleHEAD", Serve: routing{notFound: true, getOnly: true}.variant(echo.RouterConfig{AutoHandleHEAD: true})},
	{Name: "AllRouterOptions", Serve: variant(echo.RouterConfig{UseEscapedPathForMatching: true, AutoHandleHEAD: true}, middleware.RemoveTrailingSlash())},
}
