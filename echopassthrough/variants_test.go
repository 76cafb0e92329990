package echopassthrough_test

import (
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/echopassthrough"
)

// variant serves the conformance variants: Echo as configured by pre (its
// Pre middleware), the adapter installed with e.Use as documented.
func variant(pre ...echo.MiddlewareFunc) func(*testing.T, []core.Option, []conformance.Public, conformance.RouteHandler) conformance.Client {
	return routing{}.variant(pre...)
}

// routing says how a variant routes beyond its Pre middleware: the
// protected catch-all as e.RouteNotFound("/*") instead of e.Any("/*"),
// method-less public routes registered with e.GET alone, and a protected
// host router for conformance.ProtectedHost.
type routing struct{ notFound, getOnly, host bool }

func (rt routing) variant(pre ...echo.MiddlewareFunc) func(*testing.T, []core.Option, []conformance.Public, conformance.RouteHandler) conformance.Client {
	return func(t *testing.T, opts []core.Option, public []conformance.Public, h conformance.RouteHandler) conformance.Client {
		e := echo.New()
		e.HideBanner, e.HidePort = true, true
		e.Pre(pre...)
		e.Use(echopassthrough.Middleware(opts...))
		for _, p := range public {
			route := func(c echo.Context) error {
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
		protected := func(c echo.Context) error {
			h(c.Request().Context(), conformance.Protected)
			return c.String(200, "ok")
		}
		if rt.notFound {
			e.RouteNotFound("/*", protected)
		} else {
			e.Any("/*", protected)
		}
		if rt.host {
			admin := e.Host(conformance.ProtectedHost)
			admin.Any("/*", protected)
			admin.RouteNotFound("/*", protected)
		}
		srv := httptest.NewServer(e)
		t.Cleanup(srv.Close)
		return conformance.HTTPClient(srv.Listener.Addr().String())
	}
}

var variants = []conformance.Variant{
	{Name: "Default", Serve: variant()},
	{Name: "RemoveTrailingSlash", Serve: variant(middleware.RemoveTrailingSlash())},
	{Name: "AddTrailingSlash", Serve: variant(middleware.AddTrailingSlash())},
	{Name: "RemoveTrailingSlashRedirect", Serve: variant(middleware.RemoveTrailingSlashWithConfig(middleware.TrailingSlashConfig{RedirectCode: 301}))},
	{Name: "RouteNotFound", Serve: routing{notFound: true}.variant()},
	{Name: "RouteNotFoundGETOnly", Serve: routing{notFound: true, getOnly: true}.variant()},
	{Name: "HostRouter", Serve: routing{host: true}.variant(), HostRoute: true},
	{Name: "HostRouterRouteNotFound", Serve: routing{host: true, notFound: true}.variant(middleware.RemoveTrailingSlash()), HostRoute: true},
}

// Echo's Pre rewrites URL.Path but Echo routes on RawPath when it is set:
// with RemoveTrailingSlash, "/health%2F" is routed as "/health%2F" (to the
// protected catch-all) while URL.EscapedPath() re-escapes the rewritten
// Path to "/health". The adapter must check what Echo routes on.
func TestPreRewriteDoesNotOpenExclusions(t *testing.T) {
	t.Parallel()
	e := echo.New()
	e.Pre(middleware.RemoveTrailingSlash())
	e.Use(echopassthrough.Middleware(core.WithExcludedPaths("/health"), core.WithExcludedPrefixes("/public")))
	e.GET("/health", func(c echo.Context) error { return c.String(200, "public") })
	e.GET("/public/*", func(c echo.Context) error { return c.String(200, "public") })
	e.GET("/:a/:b", func(c echo.Context) error { return c.String(200, "protected") })
	e.GET("/*", func(c echo.Context) error { return c.String(200, "protected") })
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	c := conformance.HTTPClient(srv.Listener.Addr().String())
	for _, path := range []string{"/health%2F", "/%70ublic/x/", "/%68ealth/"} {
		r, err := c.Exchange(t.Context(), conformance.Request{Path: path})
		if err != nil {
			t.Fatal(err)
		}
		if string(r[0].Body) == "protected" {
			t.Errorf("GET %s without credentials reached a protected route (status %d)", path, r[0].Status)
		}
	}
	r, err := c.Exchange(t.Context(), conformance.Request{Path: "/health/"}, conformance.Request{Path: "/public/x/"})
	if err != nil {
		t.Fatal(err)
	}
	for i, resp := range r {
		if resp.Status != 200 || string(resp.Body) != "public" {
			t.Errorf("request %d: a trailing slash Echo removes before routing to the public route: status %d body %q, want 200 public", i, resp.Status, resp.Body)
		}
	}
}
