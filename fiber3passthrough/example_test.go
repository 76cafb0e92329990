package fiber3passthrough_test

import (
	"fmt"
	"io"
	"net/http/httptest"

	"github.com/gofiber/fiber/v3"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/fiber3passthrough"
)

func ExampleMiddleware() {
	// Config sets a read buffer that fits credentials up to the size limit
	// and an error handler that never echoes request bytes.
	app := fiber.New(fiber3passthrough.Config())
	app.Use(fiber3passthrough.Middleware(core.WithExcludedPaths("/health")))
	app.Get("/me", func(c fiber.Ctx) error {
		md, _ := core.FromContext(c.Context()) // pass c.Context(), not c, to the control-plane client
		return c.SendString(fmt.Sprintf("forwarding %d credential(s)", md.Len()))
	})

	req := httptest.NewRequest("GET", "/me", nil)
	req.Header.Set("Cookie", "session=abc")
	resp, err := app.Test(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body))
	// Output: 200 forwarding 1 credential(s)
}

func ExampleInstall() {
	app := fiber.New(fiber3passthrough.Config())
	// The middleware, and a check that refuses an "Expect: 100-continue"
	// request before fasthttp invites its body.
	fiber3passthrough.Install(app, core.WithExcludedPaths("GET /health"))
	app.Get("/me", func(c fiber.Ctx) error {
		md, _ := core.FromContext(c.Context())
		return c.SendString(fmt.Sprintf("forwarding %d credential(s)", md.Len()))
	})

	for _, auth := range []string{"", "Bearer abc"} {
		req := httptest.NewRequest("GET", "/me", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := app.Test(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(resp.StatusCode)
	}
	// Output:
	// 401
	// 200
}
