// Command nethttp is the README's net/http quick start (the same
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

	"github.com/passthrough-go/passthrough/controlplane/controlplanev1"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
	"github.com/passthrough-go/passthrough/grpcpassthrough"
	"github.com/passthrough-go/passthrough/httppassthrough"
)

func main() {
	// The development control plane is plaintext on loopback, hence
	// WithInsecure; a real one is "https://...", without it.
	conn, err := grpcpassthrough.NewClient("http://127.0.0.1:8089", forward.WithInsecure())
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	srv := &http.Server{
		Addr:              "127.0.0.1:8080",
		Handler:           newHandler(controlplanev1.NewIdentityServiceClient(conn)),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
	}
	log.Fatal(srv.ListenAndServe())
}

func newHandler(identity controlplanev1.IdentityServiceClient) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context() // carries the caller's credentials
		me, err := identity.WhoAmI(ctx, &controlplanev1.WhoAmIRequest{})
		if err != nil {
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
