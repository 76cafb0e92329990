package httppassthrough

import (
	"net/http"
	"strconv"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
)

// Middleware returns net/http middleware that extracts the caller's
// credentials and puts them, as [core.Metadata], in r.Context() for the next
// handler. Requests without credentials are answered 401 unless
// [core.WithOptional] is given; malformed ones 400 or 431.
//
// It panics, with a message starting "passthrough:", if opts are invalid.
func Middleware(opts ...core.Option) func(http.Handler) http.Handler {
	engine := core.MustNew(opts...)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			d := engine.Decide(request{r})
			if rej := d.Rejection(); rej != nil {
				WriteRejection(w, rej)
				return
			}
			if _, ok := d.Metadata(); ok {
				r = r.WithContext(d.Context(r.Context()))
			}
			next.ServeHTTP(w, r)
		})
	}
}

// WriteRejection writes rej as the response. Adapters built on net/http
// share it.
func WriteRejection(w http.ResponseWriter, rej *core.Rejection) {
	h := w.Header()
	h["Content-Type"] = []string{core.ContentType}
	h["Content-Length"] = []string{strconv.Itoa(len(rej.Body()))}
	if c := rej.Challenge(); c != "" {
		h["Www-Authenticate"] = []string{c}
	}
	w.WriteHeader(rej.Status())
	_, _ = w.Write(rej.Body())
}

// request is the [extractors.Request] view of an *http.Request.
type request struct{ r *http.Request }

var _ extractors.Request = request{}

func (q request) Values(name string) []string { return q.r.Header.Values(name) }

// Path is the escaped path: what ServeMux, chi and gorilla route on before
// they clean or decode it.
func (q request) Path() string { return q.r.URL.EscapedPath() }

// NewRequest returns the [extractors.Request] view of r, for adapters of
// frameworks built on net/http.
func NewRequest(r *http.Request) extractors.Request { return request{r} }
