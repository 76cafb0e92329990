// Command echo5 is the Echo v5 quick start linked from the README's adapter table: GET /me asks the
// control plane who the caller is, with the caller's own credentials.
//
//	go run ./cmd/controlplane   # one shell: prints ALICE_KEY
//	go run ./examples/echo5     # another shell
//	curl -H "Authorization: Bearer $ALICE_KEY" http://127.0.0.1:8080/me
package main

import (
	"log"
	"net/http"
	"time"

	"github.com/labstack/echo/v5"
	"google.golang.org/grpc/status"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/echo5passthrough"
	"github.com/passthrough-go/passthrough/forward"
)

func main() {
	// The development control plane is plaintext on loopback, hence
	// WithInsecure, and has its tasks in devserver.DefaultOrg; a real one is
	// "https://...", without WithInsecure, in your org (FLYTE_ORG).
	cp, err := controlplane.Init("http://127.0.0.1:8089", "demo", "development", devserver.DefaultOrg, forward.WithInsecure())
	if err != nil {
		log.Fatal(err)
	}
	defer cp.Close()
	srv := &http.Server{
		Addr:              "127.0.0.1:8080",
		Handler:           newServer(cp),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	log.Fatal(srv.ListenAndServe())
}

func newServer(cp *controlplane.Client) *echo.Echo {
	e := echo.New()
	e.Use(echo5passthrough.Middleware(core.WithExcludedPaths("GET /health")))
	e.GET("/health", func(c *echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
	e.GET("/me", func(c *echo.Context) error {
		ctx := c.Request().Context() // carries the caller's credentials
		me, err := cp.UserInfo(ctx, &flyte2v1.UserInfoRequest{})
		if err != nil {
			log.Printf("/me: %v", err) // the reason, e.g. a context without the caller's credentials
			return c.JSON(http.StatusBadGateway, map[string]string{"detail": status.Code(err).String()})
		}
		return c.JSON(http.StatusOK, map[string]string{"subject": me.GetSubject(), "name": me.GetName()})
	})
	return e
}
