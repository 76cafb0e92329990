// Package benchcase holds what every in-memory benchmark in bench shares:
// the cases, the credentials sent, the middleware options and the
// handler's work. The Fiber v3 benchmarks live in their own module
// (bench/fiber3, see docs/modules.md) and import it, so that every
// framework runs exactly the same cases.
package benchcase

import (
	"context"

	"github.com/passthrough-go/passthrough/core"
)

// Credentials the cases send.
const (
	Bearer = "Bearer 3f9c2a7e1b4d8c6f0a5e9d2b7c1f4a8e"
	Basic  = "Basic dXNlcjpwYXNzd29yZA==" // user:password
)

// Case is one benchmark case: the route requested and the Authorization
// sent ("" for none).
type Case struct {
	Name string
	Path string
	Auth string
}

// Cases are the cases every framework runs, with the same route and
// handler. BENCHMARKS.md says what each measures.
var Cases = []Case{
	{"bare", "/work", Bearer},
	{"minimal", "/work", Bearer},
	{"peer", "/work", Bearer},
	{"passthrough", "/work", Bearer},
	{"excluded", "/health", Bearer},
	{"rejected", "/work", ""},
}

// Raw is the case's request as it arrives on a connection, for the
// benchmarks of fasthttp-based frameworks, which read it with
// fasthttp.Request.Read as their server does.
func Raw(c Case) string {
	r := "GET " + c.Path + " HTTP/1.1\r\nHost: bench.test\r\n"
	if c.Auth != "" {
		r += "Authorization: " + c.Auth + "\r\n"
	}
	return r + "\r\n"
}

// Options are the passthrough cases' middleware options.
func Options() []core.Option { return []core.Option{core.WithExcludedPaths("/health")} }

// MinimalKey is the context key of the hand-written minimal middleware.
type MinimalKey struct{}

// Consume is the handler's work in every case: read the credentials the
// middleware left in the context, as a control-plane call would.
func Consume(ctx context.Context) bool {
	if md, ok := core.FromContext(ctx); ok {
		return md.Len() > 0
	}
	_, ok := ctx.Value(MinimalKey{}).(string)
	return ok
}
