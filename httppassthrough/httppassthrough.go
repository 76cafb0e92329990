package httppassthrough

import (
	"net/http"
	"net/textproto"
	"strings"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
)

// Middleware returns net/http middleware that extracts the caller's
// credentials and puts them, as [core.Metadata], in r.Context() for the next
// handler. Requests without credentials are answered 401 unless
// [core.WithOptional] is given; malformed ones 400 or 431.
//
// When next is an [*http.ServeMux], an exclusion applies only to a request
// the mux sends to the excluded route: the middleware asks the mux which
// pattern it chose ([http.ServeMux.Handler]), as [core.Engine.DecideRoute]
// describes. A pattern with a host ("admin.example.com/") is never
// excluded, nor is a request the mux answers with 404 or 405, and a "GET"
// pattern covers HEAD only where the mux sends that HEAD to the GET route
// (a separately registered "HEAD /health" wins, and then needs
// credentials). In front of any other handler, exclusions match the
// request's method and path alone, and "GET" also covers HEAD: that
// handler must not route by host, nor send methods the excluded route
// lacks to a catch-all.
//
// It panics, with a message starting "passthrough:", if opts are invalid.
func Middleware(opts ...core.Option) func(http.Handler) http.Handler {
	engine := core.MustNew(opts...)
	return func(next http.Handler) http.Handler {
		mux, _ := next.(*http.ServeMux)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var d core.Decision
			if mux != nil {
				d = engine.DecideRoute(request{r}, func() (core.Route, bool) {
					_, pattern := mux.Handler(r)
					return muxRoute(pattern)
				})
			} else {
				d = engine.Decide(request{r})
			}
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

// muxRoute reads a pattern (*http.ServeMux).Handler returned:
// "[METHOD ][HOST]/[PATH]", "" when the mux has no route for the request.
func muxRoute(pattern string) (core.Route, bool) {
	if pattern == "" {
		return core.Route{}, false
	}
	var rt core.Route
	rest := pattern
	if i := strings.IndexAny(pattern, " \t"); i >= 0 {
		rt.Method, rest = pattern[:i], strings.TrimLeft(pattern[i+1:], " \t")
	}
	slash := strings.IndexByte(rest, '/')
	if slash < 0 {
		return core.Route{}, false
	}
	rt.Host, rt.Path = rest[:slash], rest[slash:]
	return rt, true
}

// Header values of a refusal, shared by every refused request so that
// refusing allocates nothing; net/http only reads them. (Content-Length is
// set by net/http itself for a body this small.)
var (
	contentTypeJSON = []string{core.ContentType}
	bearerChallenge = []string{"Bearer"}
)

// WriteRejection is for adapter authors: it writes rej as the response.
// Adapters built on net/http share it.
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
	_ core.RawQuery      = request{}
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

// RawQuery is the query as received, in which the core counts a
// parameter's copies: r.URL.Query() drops a pair it cannot parse.
func (q request) RawQuery() string { return q.r.URL.RawQuery }

// NewRequest is for adapter authors: it returns the [extractors.Request]
// view of r, for adapters of frameworks built on net/http whose router,
// like ServeMux, routes on r.URL.EscapedPath() and sends HEAD to GET
// routes.
func NewRequest(r *http.Request) extractors.Request { return request{r} }

// NewRawPathRequest is for adapter authors: it returns the
// [extractors.Request] view of r for routers that route on r.URL.RawPath
// when it is set and on r.URL.Path otherwise, and send HEAD only to HEAD
// routes: Echo (echo.GetPath) and Gin. Its Path is that string, read when
// the middleware runs, so that it sees what a rewrite before routing
// (Echo's Pre middleware) left: a rewrite of Path that leaves a stale
// RawPath is routed, and checked, on the RawPath.
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
	_ core.RawQuery      = rawPathRequest{}
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
