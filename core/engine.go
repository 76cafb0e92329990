package core

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"github.com/passthrough-go/passthrough/extractors"
)

// Engine is for adapter authors: it makes the per-request decision every
// adapter shares (is the path excluded or skipped, which credentials does
// the request carry, are they valid, may the request go on). A service
// uses an adapter, which builds its own Engine. It is safe for concurrent
// use.
type Engine struct {
	exactList  []exclusion         // a few exact exclusions: compared in turn
	exact      map[string][]string // many: path to methods ("" for any)
	prefixes   []exclusion
	extractors []source
	logger     *slog.Logger
	optional   bool
	skipper    Skipper
	maxValue   int
}

// New is for adapter authors: it builds an [Engine] from opts. It returns
// an error, prefixed "passthrough:", for any invalid configuration.
func New(opts ...Option) (*Engine, error) {
	c, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	e := &Engine{
		prefixes: c.prefixes,
		logger:   c.logger,
		optional: c.optional,
		skipper:  c.skipper,
		maxValue: c.maxValue,
	}
	for _, ex := range c.extractors {
		header, whole := ex.Source()
		e.extractors = append(e.extractors, source{ex: ex, key: ex.Key(), header: header, whole: whole})
	}
	if len(c.exact) <= 8 {
		e.exactList = c.exact
	} else {
		e.exact = make(map[string][]string, len(c.exact))
		for _, x := range c.exact {
			e.exact[x.path] = append(e.exact[x.path], x.method)
		}
	}
	return e, nil
}

// MustNew is for adapter authors: it is like [New] but panics on invalid
// configuration. Adapters' constructors use it, so that misconfiguration
// fails at start-up.
func MustNew(opts ...Option) *Engine {
	e, err := New(opts...)
	if err != nil {
		panic(err.Error())
	}
	return e
}

// Rejection is for adapter authors: the answer to a request that may not
// go on, which the adapter writes in its framework's idiom. Its values are
// constant and shared; they never contain anything from the request.
type Rejection struct {
	status    int
	err       error
	body      []byte
	challenge string
}

// Status is the HTTP status code.
func (r *Rejection) Status() int { return r.status }

// Err is one of [ErrMissingCredentials], [ErrMalformedCredentials],
// [ErrAmbiguousCredentials] or [ErrCredentialsTooLarge].
func (r *Rejection) Err() error { return r.err }

// Body is the JSON response body. It is shared: do not modify it.
func (r *Rejection) Body() []byte { return r.body }

// RPCCode is the status code to answer an RPC with: Unauthenticated (16),
// InvalidArgument (3) or ResourceExhausted (8). gRPC and Connect share
// these numbers.
func (r *Rejection) RPCCode() uint32 {
	switch r.status {
	case http.StatusUnauthorized:
		return 16
	case http.StatusRequestHeaderFieldsTooLarge:
		return 8
	default:
		return 3
	}
}

// Challenge is the WWW-Authenticate header value to send, or "".
func (r *Rejection) Challenge() string { return r.challenge }

// ContentType is for adapter authors: the Content-Type of
// [Rejection.Body].
const ContentType = "application/json"

var (
	rejectMissing = &Rejection{
		status: http.StatusUnauthorized, err: ErrMissingCredentials, challenge: "Bearer",
		body: []byte(`{"detail":"Authentication credentials required"}`),
	}
	rejectMalformed = &Rejection{
		status: http.StatusBadRequest, err: ErrMalformedCredentials,
		body: []byte(`{"detail":"Malformed credentials"}`),
	}
	rejectAmbiguous = &Rejection{
		status: http.StatusBadRequest, err: ErrAmbiguousCredentials,
		body: []byte(`{"detail":"Credential header sent more than once"}`),
	}
	rejectTooLarge = &Rejection{
		status: http.StatusRequestHeaderFieldsTooLarge, err: ErrCredentialsTooLarge,
		body: []byte(`{"detail":"Credentials too large"}`),
	}
)

// Decision is for adapter authors: the outcome of [Engine.Decide]. When
// Rejection returns nil the request goes on, with the Metadata (possibly
// none) in its context.
type Decision struct {
	md  Metadata
	rej *Rejection
}

// Rejection returns the answer to send, or nil if the request may go on.
func (d Decision) Rejection() *Rejection { return d.rej }

// Metadata returns the credentials found, and whether there are any.
func (d Decision) Metadata() (Metadata, bool) { return d.md, d.md.Len() > 0 }

// Context returns parent carrying the decision's Metadata, or parent itself
// when there is none, so that the request's context stays the framework's
// own and keeps its cancellation and deadline.
func (d Decision) Context(parent context.Context) context.Context {
	if d.md.Len() == 0 {
		return parent
	}
	return NewContext(parent, d.md)
}

// source is one configured extractor and what its constructor declared.
type source struct {
	ex     extractors.Extractor
	key    string
	header string // the one header a built-in reads; "" for a Func
	whole  bool   // forwards header's single value unchanged
}

// Excluded reports whether a request with this method and path is excluded
// by [WithExcludedPaths] or [WithExcludedPrefixes]. As on a
// [net/http.ServeMux], a "GET" pattern also covers HEAD.
func (e *Engine) Excluded(method, path string) bool {
	return e.excluded(method, path, true)
}

// HeadNotGet is for adapter authors: an adapter's request view implements
// it when its router sends a HEAD request only to routes registered for
// HEAD, as Gin's and Echo's do, and Fiber's for a route added with
// app.Add(fiber.MethodGet, ...): a "GET" pattern then does not exclude
// HEAD, which such a router dispatches to whatever route it finds for HEAD
// (a catch-all, or NoRoute), not to the GET route the pattern names.
type HeadNotGet interface {
	// HeadNotGet marks the view; it does nothing.
	HeadNotGet()
}

func (e *Engine) excluded(method, path string, headIsGet bool) bool {
	if e.exact != nil {
		for _, m := range e.exact[path] {
			if methodMatches(m, method, headIsGet) {
				return true
			}
		}
	} else {
		for _, x := range e.exactList {
			if x.path == path && methodMatches(x.method, method, headIsGet) {
				return true
			}
		}
	}
	for _, x := range e.prefixes {
		if methodMatches(x.method, method, headIsGet) && underPrefix(path, x.path) {
			return true
		}
	}
	return false
}

// underPrefix reports whether path is prefix p or a plain path under it.
func underPrefix(path, p string) bool {
	if !strings.HasPrefix(path, p) {
		return false
	}
	rest := path[len(p):]
	return rest == "" || (rest[0] == '/' && plainRest(rest))
}

// plainRest reports whether rest ("/a/b") contains nothing that a router
// could decode or clean into a different path.
func plainRest(rest string) bool {
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if c <= ' ' || c >= 0x7f || c == '%' || c == ';' || c == '\\' || c == '?' || c == '#' {
			return false
		}
	}
	for seg := range strings.SplitSeq(rest[1:], "/") {
		if seg == "." || seg == ".." {
			return false
		}
	}
	// An empty segment ("//") is allowed only as a trailing slash.
	return !strings.Contains(rest, "//")
}

// Decide looks at one request and says what to do with it. It never panics
// because of the request or a custom extractor.
func (e *Engine) Decide(r extractors.Request) Decision {
	return e.decide(r, true)
}

// DecideNoRoute is [Engine.Decide] for a request that the framework's
// router matched to no route: it runs a not-found or method-not-allowed
// handler, or a catch-all such as Gin's NoRoute. Exclusions do not apply
// to it, since no excluded route will answer it; the skipper still does.
// Gin's adapter uses it: r.Any does not register every method, so a
// method-less exclusion would otherwise let PURGE /health reach NoRoute
// without credentials.
func (e *Engine) DecideNoRoute(r extractors.Request) Decision {
	return e.decide(r, false)
}

func (e *Engine) decide(r extractors.Request, routed bool) Decision {
	if routed {
		method, headIsGet := r.Method(), true
		if method == http.MethodHead {
			_, notGet := r.(HeadNotGet)
			headIsGet = !notGet
		}
		if e.excluded(method, r.Path(), headIsGet) {
			return Decision{}
		}
	}
	if e.skipper != nil && e.skip(r) {
		return Decision{}
	}
	_, volatile := r.(extractors.Volatile)
	peeker, _ := r.(extractors.Peeker)
	// Collect on the stack; allocate once, at the end, exactly what is kept.
	var found [4]Pair
	kept := found[:0]
	var tr *tracker // shared by the Func extractors of this request
	for i := range e.extractors {
		src := &e.extractors[i]
		var value string
		switch {
		case src.whole:
			// A whole-header extractor: read the header here, once, which
			// also shows whether it came on more than one line.
			var lines int
			if peeker != nil {
				value, lines = peeker.Peek(src.header)
			} else if vals := r.Values(src.header); len(vals) > 0 {
				value, lines = vals[0], len(vals)
			}
			if lines == 0 {
				continue
			}
			if lines > 1 {
				return e.refuse(src.key, rejectAmbiguous)
			}
		case src.header != "":
			// A built-in that reads one header and derives the value.
			if len(r.Values(src.header)) > 1 {
				return e.refuse(src.key, rejectAmbiguous)
			}
			var ok bool
			if value, ok = src.ex.Extract(r); !ok {
				continue
			}
		default:
			// A Func: user code, run on a view that notes every header or
			// query parameter read that arrived more than once.
			if tr == nil {
				tr = &tracker{r: r}
			}
			tr.ambiguous = false
			var ok bool
			if value, ok = e.run(i, src.ex, tr); !ok {
				continue
			}
			if tr.ambiguous {
				return e.refuse(src.key, rejectAmbiguous)
			}
		}
		if err := ValidateValue(value, e.maxValue); err != nil {
			if err == ErrCredentialsTooLarge {
				return e.refuse(src.key, rejectTooLarge)
			}
			return e.refuse(src.key, rejectMalformed)
		}
		if volatile {
			value = strings.Clone(value)
		}
		kept = append(kept, Pair{Key: src.key, Value: value})
	}
	if len(kept) == 0 {
		if e.optional {
			return Decision{}
		}
		return e.refuse("", rejectMissing)
	}
	if len(kept) == 1 { // the usual case: no slice copy, no write barrier loop
		s := &pairSet{inline: [1]Pair{kept[0]}}
		s.pairs = s.inline[:1]
		return Decision{md: wrap(s)}
	}
	s := newPairSet(len(kept))
	s.pairs = append(s.pairs, kept...)
	return Decision{md: wrap(s)}
}

// tracker is the [extractors.Request] a Func extractor reads: it passes
// every read through and notes whether any header or query parameter read
// arrived more than once.
type tracker struct {
	r         extractors.Request
	ambiguous bool
}

var _ extractors.Request = (*tracker)(nil)

func (t *tracker) Values(name string) []string {
	v := t.r.Values(name)
	if len(v) > 1 {
		t.ambiguous = true
	}
	return v
}

func (t *tracker) Query(name string) []string {
	v := t.r.Query(name)
	if len(v) > 1 {
		t.ambiguous = true
	} else if rq, ok := t.r.(RawQuery); ok && queryCount(rq.RawQuery(), name) > 1 {
		t.ambiguous = true
	}
	return v
}

func (t *tracker) Path() string   { return t.r.Path() }
func (t *tracker) Method() string { return t.r.Method() }

// refuse logs a refusal (the key and the reason, never a value) and returns
// it. Missing credentials are routine and logged at debug level, the rest
// at warn. The level check comes first so that a quiet logger costs
// nothing on this path.
func (e *Engine) refuse(key string, rej *Rejection) Decision {
	level := slog.LevelWarn
	if rej == rejectMissing {
		level = slog.LevelDebug
	}
	if e.logger.Enabled(context.Background(), level) {
		attrs := []slog.Attr{slog.String("reason", rej.err.Error()), slog.Int("status", rej.status)}
		if key != "" {
			attrs = append(attrs, slog.String("key", key))
		}
		e.logger.LogAttrs(context.Background(), level, "passthrough: request refused", attrs...)
	}
	return Decision{rej: rej}
}

// run calls one extractor, turning a panic into "not found". The panic value
// is not logged: it could hold a credential.
func (e *Engine) run(i int, ex extractors.Extractor, r extractors.Request) (value string, ok bool) {
	defer func() {
		if recover() != nil {
			e.logger.Error("passthrough: extractor panicked; treated as absent", slog.Int("extractor", i), slog.String("key", ex.Key()))
			value, ok = "", false
		}
	}()
	return ex.Extract(r)
}

func (e *Engine) skip(r extractors.Request) (skip bool) {
	if e.skipper == nil {
		return false
	}
	defer func() {
		if recover() != nil {
			e.logger.Error("passthrough: skipper panicked; request not skipped")
			skip = false
		}
	}()
	return e.skipper(r)
}
