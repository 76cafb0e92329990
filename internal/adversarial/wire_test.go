package adversarial_test

import (
	"context"
	"testing"

	"github.com/passthrough-go/passthrough/conformance"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/internal/testapp"
)

// Every HTTP adapter, started as its documentation says, answers one
// corpus of raw requests the same way, and none echoes a credential.
func TestAdaptersAgreeOnTheWire(t *testing.T) {
	t.Parallel()
	var adapters []conformance.Adapter
	for _, fw := range frameworks {
		adapters = append(adapters, conformance.Adapter{Name: fw, Harness: conformance.Harness{
			Serve: func(t *testing.T, opts []core.Option, h conformance.Handler) conformance.Client {
				return conformance.HTTPClient(testapp.Start(t, fw, opts, func(ctx context.Context, _ func(string) string) (int, string) {
					h(ctx)
					return 200, "ok"
				}))
			},
		}})
	}
	conformance.Compare(t, adapters...)
}
