// Command nethttp is the net/http quick start linked from the README's adapter table (the same
// middleware serves chi and gorilla/mux): GET /me asks the control plane
// who the caller is, with the caller's own credentials.
//
//	go run ./cmd/controlplane   # one shell: prints ALICE_KEY
//	go run ./examples/nethttp   # another shell
//	curl -H "Authorization: Bearer $ALICE_KEY" http://127.0.0.1:8080/me
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"time"

	"google.golang.org/grpc/status"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
	"github.com/passthrough-go/passthrough/httppassthrough"
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
		Handler:           newHandler(cp),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	log.Fatal(srv.ListenAndServe())
}

func newHandler(cp *controlplane.Client) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context() // carries the caller's credentials
		me, err := cp.UserInfo(ctx, &flyte2v1.UserInfoRequest{})
		if err != nil {
			log.Printf("/me: %v", err) // the reason, e.g. a context without the caller's credentials
			writeJSON(w, http.StatusBadGateway, map[string]string{"detail": status.Code(err).String()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"subject": me.GetSubject(), "name": me.GetName()})
	})
	return httppassthrough.Middleware(core.WithExcludedPaths("GET /health"))(mux)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
