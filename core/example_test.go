package core_test

import (
	"context"
	"fmt"

	"github.com/passthrough-go/passthrough/core"
)

// WithMetadata is the Go form of Python's auth_metadata(): it scopes
// credentials to a context, for calls made outside any HTTP request (a
// background job acting for a user, a CLI).
func ExampleWithMetadata() {
	ctx := core.WithMetadata(context.Background(),
		core.Pair{Key: "authorization", Value: "Bearer service-token"},
		core.Pair{Key: "x-org", Value: "acme"},
	)
	// An inner scope overrides per key and keeps the rest.
	inner := core.WithMetadata(ctx, core.Pair{Key: "authorization", Value: "Bearer user-token"})

	md, _ := core.FromContext(inner)
	fmt.Println(md.Get("authorization"), md.Get("x-org"))
	fmt.Println(md) // values are redacted when printed or logged
	// Output:
	// Bearer user-token acme
	// Metadata{authorization=[REDACTED], x-org=[REDACTED]}
}
