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
