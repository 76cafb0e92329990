package ginpassthrough_test

import (
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/ginpassthrough"
)

// variant serves the conformance variants: a Gin engine configured by
// configure, the adapter installed with r.Use as documented, and NoRoute
// as the protected catch-all.
func variant(configure func(*gin.Engine)) func(*testing.T, []core.Option, []conformance.Public, conformance.RouteHandler) conformance.Client {
	return func(t *testing.T, opts []core.Option, public []conformance.Public, h conformance.RouteHandler) conformance.Client {
		r := gin.New()
		configure(r)
		r.Use(ginpassthrough.Middleware(opts...))
		for _, p := range public {
			route := func(c *gin.Context) {
				h(c.Request.Context(), p.Pattern())
				c.String(200, "ok")
			}
			paths := []string{p.Path}
			if p.Prefix {
				paths = append(paths, p.Path+"/*rest")
			}
			for _, path := range paths {
				if p.Method == "" {
					r.Any(path, route)
				} else {
					r.Handle(p.Method, path, route)
				}
			}
		}
		r.NoRoute(func(c *gin.Context) {
			h(c.Request.Context(), conformance.Protected)
			c.String(200, "ok")
		})
		srv := httptest.NewServer(r)
		t.Cleanup(srv.Close)
		return conformance.HTTPClient(srv.Listener.Addr().String())
	}
}

var variants = []conformance.Variant{
	{Name: "Default", Serve: variant(func(*gin.Engine) {})},
	{Name: "UseRawPath", Serve: variant(func(r *gin.Engine) { r.UseRawPath = true })},
	{Name: "UseRawPathEscapedValues", Serve: variant(func(r *gin.Engine) { r.UseRawPath, r.UnescapePathValues = true, false })},
	{Name: "RemoveExtraSlash", Serve: variant(func(r *gin.Engine) { r.RemoveExtraSlash = true })},
	{Name: "RedirectFixedPath", Serve: variant(func(r *gin.Engine) { r.RedirectFixedPath = true })},
	{Name: "NoRedirectTrailingSlash", Serve: variant(func(r *gin.Engine) { r.RedirectTrailingSlash = false })},
	{Name: "HandleMethodNotAllowed", Serve: variant(func(r *gin.Engine) { r.HandleMethodNotAllowed = true })},
	{Name: "Recommended", Serve: variant(func(r *gin.Engine) {
		r.RedirectTrailingSlash, r.RedirectFixedPath = false, false
	})},
}

// Gin redirects "/me/" to "/me" before any middleware runs, so a caller
// without credentials learns the route exists; with RedirectTrailingSlash
// off, as the package documentation recommends, the middleware answers 401
// as every other adapter does.
func TestTrailingSlashRedirect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		redirect bool
		status   int
	}{
		{"Gin's default", true, 301},
		{"RedirectTrailingSlash off", false, 401},
	} {
		r := gin.New()
		r.RedirectTrailingSlash = tc.redirect
		r.Use(ginpassthrough.Middleware())
		r.GET("/me", func(c *gin.Context) { c.String(200, "me") })
		srv := httptest.NewServer(r)
		t.Cleanup(srv.Close)
		resp, err := conformance.HTTPClient(srv.Listener.Addr().String()).Exchange(t.Context(), conformance.Request{Path: "/me/"})
		if err != nil {
			t.Fatal(err)
		}
		if resp[0].Status != tc.status {
			t.Errorf("%s: GET /me/ without credentials: status %d, want %d", tc.name, resp[0].Status, tc.status)
		}
	}
}
