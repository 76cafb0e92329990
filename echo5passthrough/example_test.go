package echo5passthrough_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/labstack/echo/v5"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/echo5passthrough"
)

func ExampleMiddleware() {
	e := echo.New()
	e.Use(echo5passthrough.Middleware(core.WithExcludedPaths("/health")))
	e.GET("/me", func(c *echo.Context) error {
		md, _ := core.FromContext(c.Request().Context()) // pass this context to the control-plane client
		return c.String(200, fmt.Sprint(md))
	})

	req := httptest.NewRequest("GET", "/me", nil)
	req.Header.Set("Authorization", "Bearer token")
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Body.String())
	// Output: 200 Metadata{authorization=[REDACTED]}
}
