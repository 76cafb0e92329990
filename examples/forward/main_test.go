package main

import (
	"strings"
	"testing"

	"github.com/passthrough-go/passthrough/internal/exampletest"
)

func TestForwardThreeWays(t *testing.T) {
	grpcURL, connectURL, key := exampletest.ControlPlaneURLs(t)
	var out strings.Builder
	if err := run(t.Context(), &out, grpcURL, connectURL, key); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Metadata{authorization=[REDACTED]}\n",
		"gRPC: alice\n",
		"Connect: alice\n",
		`HTTP: 200 {"subject":"alice"`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), key) {
		t.Error("the output shows the key")
	}
	// Without a key the control plane refuses every call.
	if err := run(t.Context(), &out, grpcURL, connectURL, ""); err == nil {
		t.Error("a call with an empty bearer token succeeded")
	}
}
