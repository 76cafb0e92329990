package echopassthrough_test

import (
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/echopassthrough"
)

func serve(t *testing.T, opts []core.Option, h conformance.Handler) conformance.Client {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Use(echopassthrough.Middleware(opts...))
	route := func(c echo.Context) error {
		h(c.Request().Context())
		return c.String(200, "ok")
	}
	for _, p := range conformance.SuiteRoutes() {
		e.Any(p.Path, route)
		if p.Prefix {
			e.Any(p.Path+"/*", route)
		}
	}
	e.Any("/*", route)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return conformance.HTTPClient(srv.Listener.Addr().String())
}

func TestConformance(t *testing.T) {
	conformance.Run(t, conformance.Harness{Serve: serve, Variants: variants})
}
