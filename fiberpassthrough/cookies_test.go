package fiberpassthrough_test

import (
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/passthrough-go/passthrough/conformance"
)

// A middleware before ours that reads a cookie makes fasthttp parse the
// cookies, after which it answers one Cookie line rebuilt from them (an
// empty one when there were none). The whole suite must still pass: no
// request without cookies refused as malformed, no two Cookie lines merged
// into one forwarded value.
func TestConformanceBehindACookieReader(t *testing.T) {
	readsACookie := func(c *fiber.Ctx) error {
		_ = c.Cookies("theme")
		return c.Next()
	}
	conformance.Run(t, conformance.Harness{Serve: serveBehind(readsACookie)})
}
