package httppassthrough

import (
	"net/http"
	"net/textproto"

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

// Header values of a refusal, shared by every refused request so that
// refusing allocates nothing; net/http only reads them. (Content-Length is
// set by net/http itself for a body this small.)
var (
	contentTypeJSON = []string{core.ContentType}
	bearerChallenge = []string{"Bearer"}
)

// WriteRejection writes rej as the response. Adapters built on net/http
// share it.
func WriteRejection(w http.ResponseWriter, rej *core.Rejection) {
	h := w.Header()
	h["Content-Type"] = contentTypeJSON
	switch c := rej.Challenge(); c {
	case "":
	case "Bearer":
		h["Www-Authenticate"] = bearerChallenge
	default:
		h["Www-Authenticate"] = []string{c}
	}
	w.WriteHeader(rej.Status())
	_, _ = w.Write(rej.Body())
}

// request is the [extractors.Request] view of an *http.Request.
type request struct{ r *http.Request }

var (
	_ extractors.Request = request{}
	_ extractors.Peeker  = request{}
)

// Values looks the name up as given first: the extractors and the core
// ask for canonical names, which then need no second lookup.
func (q request) Values(name string) []string {
	if v, ok := q.r.Header[name]; ok {
		return v
	}
	if c := textproto.CanonicalMIMEHeaderKey(name); c != name {
		return q.r.Header[c]
	}
	return nil
}

// Peek is the allocation-free fast path the core uses for whole-header
// extractors; name is canonical.
func (q request) Peek(name string) (string, int) {
	v := q.r.Header[name]
	if len(v) == 0 {
		return "", 0
	}
	return v[0], len(v)
}

// Path is the escaped path, r.URL.EscapedPath(): what ServeMux routes on
// (it redirects a path it would clean) and what chi and gorilla route on
// before they decode it.
func (q request) Path() string { return q.r.URL.EscapedPath() }

// Method is the request method.
func (q request) Method() string { return q.r.Method }

// Query parses the query on each call: only [extractors.Func] extractors
// ask for it.
func (q request) Query(name string) []string { return q.r.URL.Query()[name] }

// NewRequest returns the [extractors.Request] view of r, for adapters of
// frameworks built on net/http whose router, like ServeMux, routes on
// r.URL.EscapedPath() and sends HEAD to GET routes.
func NewRequest(r *http.Request) extractors.Request { return request{r} }

// NewRawPathRequest returns the [extractors.Request] view of r for routers
// that route on r.URL.RawPath when it is set and on r.URL.Path otherwise,
// and send HEAD only to HEAD routes: Echo (echo.GetPath) and Gin. Its Path
// is that string, read when the middleware runs, so that it sees what a
// rewrite before routing (Echo's Pre middleware) left: a rewrite of Path
// that leaves a stale RawPath is routed, and checked, on the RawPath.
//
// Gin without UseRawPath routes on r.URL.Path. Whenever this Path is
// excluded it holds no '%', so RawPath (if set) decodes to itself and
// equals r.URL.Path: both routers dispatch on the excluded string. Encoded
// spellings of an excluded path need credentials (they fail closed).
func NewRawPathRequest(r *http.Request) extractors.Request { return rawPathRequest{request{r}} }

type rawPathRequest struct{ request }

var (
	_ extractors.Request = rawPathRequest{}
	_ extractors.Peeker  = rawPathRequest{}
	_ core.HeadNotGet    = rawPathRequest{}
)

// Path is r.URL.RawPath when set, else r.URL.Path.
func (q rawPathRequest) Path() string {
	if p := q.r.URL.RawPath; p != "" {
		return p
	}
	return q.r.URL.Path
}

// HeadNotGet says the router sends HEAD only to HEAD routes.
func (rawPathRequest) HeadNotGet() {}
