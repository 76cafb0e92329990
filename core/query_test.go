package core_test

import (
	"testing"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
)

// rawQueryRequest is a view whose parsed query kept one copy, as Go's
// parser does when it drops a pair it cannot parse.
type rawQueryRequest struct {
	fakeRequest
	raw string
}

func (r rawQueryRequest) RawQuery() string { return r.raw }

func TestFuncQueryAmbiguousInTheRawQuery(t *testing.T) {
	t.Parallel()
	fromQuery := extractors.Func("x-token", func(r extractors.Request) (string, bool) {
		if v := r.Query("access_token"); len(v) > 0 {
			return v[0], true
		}
		return "", false
	})
	e := core.MustNew(quiet(), core.WithExtractors(fromQuery))
	for _, tc := range []struct {
		raw     string
		refused bool
	}{
		{"access_token=good&access_token=evil;x", true},
		{"access_token=good&access_token=ev%zzil", true},
		{"access_token=good&access%5Ftoken=evil", true},
		{"access_token=good&acc%65ss_token", true},
		{"access_token=good&access+token=x&access_token%zz=y&x=1;access_token=z", false},
		{"access_token=good", false},
	} {
		r := rawQueryRequest{fakeRequest{query: map[string][]string{"access_token": {"good"}}}, tc.raw}
		d := e.Decide(r)
		if got := d.Rejection() != nil; got != tc.refused {
			t.Errorf("raw query %q: refused %v, want %v", tc.raw, got, tc.refused)
		}
	}
}
