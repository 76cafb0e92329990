package ginpassthrough_test

import (
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/ginpassthrough"
)

func init() { gin.SetMode(gin.ReleaseMode) }

func serve(t *testing.T, opts []core.Option, h conformance.Handler) conformance.Client {
	r := gin.New()
	// As the package documentation recommends: Gin would otherwise answer
	// "/health/" with a redirect before any middleware runs.
	r.RedirectTrailingSlash = false
	r.Use(ginpassthrough.Middleware(opts...))
	route := func(c *gin.Context) {
		h(c.Request.Context())
		c.String(200, "ok")
	}
	for _, p := range conformance.SuiteRoutes() {
		r.Any(p.Path, route)
		if p.Prefix {
			r.Any(p.Path+"/*rest", route)
		}
	}
	r.NoRoute(route)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return conformance.HTTPClient(srv.Listener.Addr().String())
}

func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Harness{Serve: serve, Variants: variants})
}
