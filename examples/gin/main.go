// Command gin is the README's Gin quick start: GET /me asks the control
// plane who the caller is, with the caller's own credentials.
//
//	go run ./cmd/controlplane   # one shell: prints ALICE_KEY
//	go run ./examples/gin       # another shell
//	curl -H "Authorization: Bearer $ALICE_KEY" http://127.0.0.1:8080/me
package main

import (
	"log"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"google.golang.org/grpc/status"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
	"github.com/passthrough-go/passthrough/ginpassthrough"
)

func newRouter(cp *controlplane.Client) *gin.Engine {
	r := gin.New()
	r.RedirectTrailingSlash = false // answer /me/ with 401, not a redirect that reveals the route
	r.Use(ginpassthrough.Middleware(core.WithExcludedPaths("GET /health")))
	r.GET("/health", func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"status": "ok"})
	})
	r.GET("/me", func(c *gin.Context) {
		ctx := c.Request.Context() // carries the caller's credentials
		me, err := cp.UserInfo(ctx, &flyte2v1.UserInfoRequest{})
		if err != nil {
			log.Printf("/me: %v", err) // the reason, e.g. a context without the caller's credentials
			c.JSON(http.StatusBadGateway, gin.H{"detail": status.Code(err).String()})
			return
		}
		c.JSON(http.StatusOK, gin.H{"subject": me.GetSubject(), "name": me.GetName()})
	})
	return r
}

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
		Handler:           newRouter(cp),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	log.Fatal(srv.ListenAndServe())
}
