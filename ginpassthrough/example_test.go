package ginpassthrough_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/gin-gonic/gin"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
	"github.com/passthrough-go/passthrough/ginpassthrough"
)

func ExampleMiddleware() {
	r := gin.New()
	r.RedirectTrailingSlash = false // "/me/" gets the middleware's 401, not a redirect
	r.Use(ginpassthrough.Middleware(
		core.WithExcludedPaths("GET /health"),
		core.WithExtractors(extractors.Authorization(), extractors.Header("X-API-Key")),
	))
	r.GET("/me", func(c *gin.Context) {
		md, _ := core.FromContext(c.Request.Context()) // pass this context to the control-plane client
		c.String(200, "key=%s", md.Get("x-api-key"))
	})

	req := httptest.NewRequest("GET", "/me", nil)
	req.Header.Set("X-API-Key", "k-123")
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Body.String())
	// Output: 200 key=k-123
}
