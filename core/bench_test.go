package core_test

import (
	"net/http"
	"testing"

	"github.com/passthrough-go/passthrough/core"
)

type httpView struct{ h http.Header }

func (v httpView) Values(name string) []string {
	if x, ok := v.h[name]; ok {
		return x
	}
	return v.h.Values(name)
}
func (v httpView) Path() string          { return "/work" }
func (v httpView) Method() string        { return "GET" }
func (v httpView) Query(string) []string { return nil }

// BenchmarkDecide is the core's share of every request, without a
// framework around it.
func BenchmarkDecide(b *testing.B) {
	e := core.MustNew(quiet(), core.WithExcludedPaths("/health"))
	r := httpView{h: http.Header{"Authorization": {"Bearer 3f9c2a7e1b4d8c6f0a5e9d2b7c1f4a8e"}}}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := e.Decide(r).Metadata(); !ok {
			b.Fatal("no metadata")
		}
	}
}
