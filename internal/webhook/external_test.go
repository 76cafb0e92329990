package webhook_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/internal/webhook"
)

// A framework in Options.Servers is served by its Server, with the
// service Run built, until ctx is done; an unknown one is refused before
// anything is served.
func TestRunServesOptionsServers(t *testing.T) {
	t.Parallel()
	_, endpoint := startControlPlane(t, &syncBuffer{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	served := make(chan *webhook.Service, 1)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- webhook.Run(ctx, webhook.Options{Framework: "custom", Listener: ln, Endpoint: endpoint, Insecure: true, Org: devserver.DefaultOrg,
			Project: "demo", Domain: "development", Timeout: time.Second, ShutdownTimeout: time.Second,
			Servers: map[string]webhook.Server{"custom": func(ctx context.Context, s *webhook.Service, got net.Listener, _ time.Duration) error {
				if got != ln {
					t.Errorf("the Server got listener %v, want the one in Options", got.Addr())
				}
				served <- s
				<-ctx.Done()
				return nil
			}}})
	}()
	select {
	case s := <-served:
		if s == nil || !s.Passthrough() {
			t.Errorf("the Server got service %v, want the passthrough service Run built", s)
		}
	case err := <-done:
		t.Fatalf("Run returned without calling the Server: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}

	err = webhook.Run(t.Context(), webhook.Options{Framework: "martini", Listener: ln,
		Servers: map[string]webhook.Server{"custom": nil}})
	if err == nil {
		t.Error("Run served an unknown framework")
	}
}
