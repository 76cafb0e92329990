package extractors

import (
	"errors"
	"net/textproto"
	"strings"
)

// Request is the read-only view of an incoming request that an [Extractor]
// reads. Service authors meet it in a [Func]; adapter authors implement it
// over their framework's request type.
type Request interface {
	// Values returns every value of the header called name, one element per
	// header line, in the order received, with optional white space (spaces
	// and tabs) trimmed from both ends. Names match case-insensitively. It
	// returns nil when the header is absent. Callers must not modify the
	// returned slice. Trailers are never headers.
	Values(name string) []string
	// Path returns the request path in the form the framework's router
	// dispatches on, after the framework's own rewrites and before any
	// decoding or cleaning the adapter could avoid.
	Path() string
	// Method returns the request method, for example "GET". RPC adapters
	// return "POST".
	Method() string
	// Query returns every value of the query parameter called name (matched
	// exactly), in the order received and decoded, or nil. RPC adapters have
	// no query and return nil.
	//
	// Query strings are written to access logs, proxy logs and browser
	// history far more often than headers are: take a credential from the
	// query only where a client cannot send a header, as browser WebSocket
	// and EventSource clients cannot.
	Query(name string) []string
}

// Extractor finds one credential in a request and says, by how it was
// built, under which metadata key the credential travels. Build one with
// [Authorization], [Cookie], [Header], [Cookies] or [Func]; the zero value is
// invalid and makes a middleware's construction fail.
//
// An Extractor is a small value, safe to copy and to use concurrently.
type Extractor struct {
	kind    kind
	key     string              // forwarded metadata key, lower-case
	header  string              // canonical header read by the built-ins
	cookies map[string]struct{} // names kept by Cookies
	fn      func(Request) (string, bool)
	err     error // construction error
}

type kind uint8

const (
	kindInvalid kind = iota // the zero value
	kindHeader              // one header, forwarded unchanged
	kindCookies             // some cookies of the Cookie header
	kindFunc                // user code
)

// Forwarded metadata keys used by the extractors of this package.
const (
	AuthorizationKey = "authorization"
	CookieKey        = "cookie"
)

// Authorization forwards the whole Authorization header under the key
// "authorization".
func Authorization() Extractor {
	return Extractor{kind: kindHeader, key: AuthorizationKey, header: "Authorization"}
}

// Cookie forwards the whole Cookie header, every cookie the caller sent,
// as one value under the key "cookie", as the Python original does. To
// forward only some cookies, use [Cookies] (with an s) instead.
func Cookie() Extractor {
	return Extractor{kind: kindHeader, key: CookieKey, header: "Cookie"}
}

// Default returns the extractors used when none are configured:
// [Authorization] and [Cookie].
func Default() []Extractor {
	return []Extractor{Authorization(), Cookie()}
}

// Header forwards the custom header called name (for example "X-API-Key")
// under its lower-case name. A name that is not a valid header field name
// makes the middleware's construction fail.
func Header(name string) Extractor {
	if !validToken(name) {
		return invalid(errors.New("passthrough: extractors.Header: invalid header name; use a token such as \"X-API-Key\""))
	}
	return Extractor{kind: kindHeader, key: strings.ToLower(name), header: textproto.CanonicalMIMEHeaderKey(name)}
}

// Cookies forwards only the named cookies, not the whole Cookie header:
// they are joined as "name=value; ..." in the order they appear in the
// request, under the key "cookie", and every other cookie stays behind. To
// forward the whole header, use [Cookie] (no s). Cookie names match exactly
// (they are case-sensitive). It reports nothing when none of the named
// cookies is present.
func Cookies(names ...string) Extractor {
	if len(names) == 0 {
		return invalid(errors.New("passthrough: extractors.Cookies: at least one cookie name is needed"))
	}
	want := make(map[string]struct{}, len(names))
	for _, n := range names {
		if !validToken(n) {
			return invalid(errors.New("passthrough: extractors.Cookies: invalid cookie name; names are tokens such as \"session\""))
		}
		want[n] = struct{}{}
	}
	return Extractor{kind: kindCookies, key: CookieKey, header: "Cookie", cookies: want}
}

// Func returns an extractor that forwards what fn returns, under key. fn is
// called once per request that reaches the extractors (never to learn what
// it does), and the value it returns with ok=true is exactly what is
// forwarded. Use it to filter or transform a built-in extractor's result by
// calling that extractor's [Extractor.Extract] from fn.
//
// Every header and query parameter fn reads through r counts: if any of them
// arrived more than once (two header lines, or a repeated parameter) and fn
// returns ok=true, the request is refused as ambiguous, as it is for the
// built-in extractors. fn must not keep r, or anything derived from it,
// beyond the call. A panic in fn is recovered and treated as "not found";
// the panic value is not logged.
//
// key must be a valid, non-reserved metadata key (lower-case is forwarded);
// fn must not be nil. Otherwise the middleware's construction fails.
func Func(key string, fn func(r Request) (value string, ok bool)) Extractor {
	if fn == nil {
		return invalid(errors.New("passthrough: extractors.Func: nil function"))
	}
	if key == "" {
		return invalid(errors.New("passthrough: extractors.Func: empty key"))
	}
	return Extractor{kind: kindFunc, key: strings.ToLower(key), fn: fn}
}

func invalid(err error) Extractor { return Extractor{err: err} }

// Key returns the metadata key the extractor forwards under, lower-case, or
// "" for an invalid extractor.
func (e Extractor) Key() string { return e.key }

// Err returns why the extractor is invalid, or nil. The zero Extractor is
// invalid.
func (e Extractor) Err() error {
	if e.err != nil {
		return e.err
	}
	if e.kind == kindInvalid {
		return errors.New("passthrough: zero extractors.Extractor; build one with Authorization, Cookie, Header, Cookies or Func")
	}
	return nil
}

// Extract returns the credential e finds in r, and ok=false when r does not
// carry it. For the whole-header extractors it is the first line of the
// header, unchanged; the middleware itself refuses a header sent on more than
// one line before forwarding anything. An invalid extractor finds nothing.
func (e Extractor) Extract(r Request) (value string, ok bool) {
	switch e.kind {
	case kindHeader:
		v := r.Values(e.header)
		if len(v) == 0 {
			return "", false
		}
		return v[0], true
	case kindCookies:
		return e.extractCookies(r.Values("Cookie"))
	case kindFunc:
		return e.fn(r)
	}
	return "", false
}

// Source is for the core, not for service or adapter authors: it reports
// what the extractor reads, as declared by its constructor: the canonical
// name of the one header it reads ("" for a [Func] extractor, whose reads
// are tracked per request), and whole=true when it forwards that header's
// single value unchanged ([Authorization], [Cookie], [Header]). The core
// uses it to read such headers itself, without calling [Extractor.Extract].
func (e Extractor) Source() (header string, whole bool) {
	return e.header, e.kind == kindHeader
}

func (e Extractor) extractCookies(lines []string) (string, bool) {
	if len(lines) == 0 {
		return "", false
	}
	var b strings.Builder
	for _, line := range lines {
		for part := range strings.SplitSeq(line, ";") {
			part = strings.Trim(part, " \t")
			name, _, found := strings.Cut(part, "=")
			if !found {
				continue
			}
			if _, ok := e.cookies[name]; !ok {
				continue
			}
			if b.Len() > 0 {
				b.WriteString("; ")
			}
			b.WriteString(part)
		}
	}
	if b.Len() == 0 {
		return "", false
	}
	return b.String(), true
}

// validToken reports whether s is an RFC 9110 token, the grammar of header
// field and cookie names.
func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return false
		}
	}
	return true
}

func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// Peeker is for adapter authors, and service authors never meet it: an
// optional fast path of a [Request] view. The core uses it, when present,
// to read the header of a whole-header extractor (see [Extractor.Source])
// without building a slice: adapters over fasthttp save an allocation per
// request with it.
type Peeker interface {
	// Peek returns the first value of the header called name and the number
	// of lines it came on (0 when absent). name is in canonical form, as
	// textproto.CanonicalMIMEHeaderKey returns it.
	Peek(name string) (first string, lines int)
}

// Volatile is for adapter authors: a [Request] view implements it when its
// values alias buffers that the framework reuses once the request is over,
// as fasthttp's do, and service authors never meet it. Whoever keeps a
// value from such a request must copy it; the core does so for every
// credential it forwards.
type Volatile interface {
	Request
	// Volatile marks the request; it does nothing.
	Volatile()
}
