package extractors

import (
	"errors"
	"net/textproto"
	"strings"
)

// Request is the read-only view of an incoming request that an [Extractor]
// reads. Each adapter implements it over its framework's request type.
type Request interface {
	// Values returns every value of the header called name, one element per
	// header line, in the order received. Names match case-insensitively.
	// It returns nil when the header is absent. Callers must not modify the
	// returned slice.
	Values(name string) []string
	// Path returns the request path in the form the framework's router
	// dispatches on, before any decoding or cleaning the adapter could
	// avoid.
	Path() string
}

// Extractor finds one credential in a request. It returns the metadata key
// the credential travels under (lower-case), its value exactly as received,
// and ok=false when the request does not carry it.
//
// An Extractor must not keep the Request or any value derived from it
// beyond the call.
type Extractor func(r Request) (key, value string, ok bool)

// Forwarded metadata keys used by the extractors of this package.
const (
	AuthorizationKey = "authorization"
	CookieKey        = "cookie"
)

// Authorization forwards the whole Authorization header under the key
// "authorization".
func Authorization() Extractor {
	return header("Authorization", AuthorizationKey)
}

// Cookie forwards the whole Cookie header under the key "cookie", as the
// Python original does. Use [Cookies] to forward only some cookies.
func Cookie() Extractor {
	return header("Cookie", CookieKey)
}

// Default returns the extractors used when none are configured:
// [Authorization] and [Cookie].
func Default() []Extractor {
	return []Extractor{Authorization(), Cookie()}
}

// Header forwards the custom header called name (for example "X-API-Key")
// under its lower-case name. A name that is not a valid header field name
// is reported by [Check], and so makes the middleware's construction fail.
func Header(name string) Extractor {
	if !validToken(name) {
		return invalid(errors.New("passthrough: invalid header name for extractors.Header"))
	}
	return header(textproto.CanonicalMIMEHeaderKey(name), strings.ToLower(name))
}

func header(canonical, key string) Extractor {
	return func(r Request) (string, string, bool) {
		if p, ok := r.(*probe); ok {
			p.whole = true
		}
		v := r.Values(canonical)
		if len(v) == 0 {
			return "", "", false
		}
		// The core refuses a credential header sent on more than one line,
		// so the first value is the only one that can ever be forwarded.
		return key, v[0], true
	}
}

// Cookies forwards only the named cookies, joined as "name=value; ..." in
// the order they appear in the request, under the key "cookie". Cookie names
// match exactly (they are case-sensitive). It reports nothing when none of
// the named cookies is present.
func Cookies(names ...string) Extractor {
	if len(names) == 0 {
		return invalid(errors.New("passthrough: extractors.Cookies needs at least one cookie name"))
	}
	want := make(map[string]struct{}, len(names))
	for _, n := range names {
		if !validToken(n) {
			return invalid(errors.New("passthrough: invalid cookie name for extractors.Cookies"))
		}
		want[n] = struct{}{}
	}
	return func(r Request) (string, string, bool) {
		if p, ok := r.(*probe); ok {
			p.read("Cookie")
			return CookieKey, "probe", true
		}
		lines := r.Values("Cookie")
		if len(lines) == 0 {
			return "", "", false
		}
		var b strings.Builder
		for _, line := range lines {
			for part := range strings.SplitSeq(line, ";") {
				part = strings.Trim(part, " \t")
				name, _, found := strings.Cut(part, "=")
				if !found {
					continue
				}
				if _, ok := want[name]; !ok {
					continue
				}
				if b.Len() > 0 {
					b.WriteString("; ")
				}
				b.WriteString(part)
			}
		}
		if b.Len() == 0 {
			return "", "", false
		}
		return CookieKey, b.String(), true
	}
}

// invalid returns an extractor that carries a construction error; [Check]
// reports it, and at request time it finds nothing.
func invalid(err error) Extractor {
	return func(r Request) (string, string, bool) {
		if p, ok := r.(*probe); ok {
			p.err = err
		}
		return "", "", false
	}
}

// Info is what [Check] learns about an extractor.
type Info struct {
	// Key is the metadata key the extractor forwards under, or "" when it
	// found nothing in the synthetic request.
	Key string
	// Header is the one header the extractor reads, or "" when it reads
	// none or several. The core uses it to refuse a credential header sent
	// on more than one line without a second lookup by key.
	Header string
	// Whole reports that the extractor is one of this package's
	// whole-header extractors ([Authorization], [Cookie], [Header]): it
	// forwards the single value of Header, unchanged, under Key. The core
	// then reads the header itself instead of calling the extractor.
	Whole bool
}

// Check runs e once against a synthetic request in which every header is
// present, and reports what it learned, or the configuration error the
// extractor was built with. Middleware constructors call it so that bad
// configuration fails when the middleware is built, not per request. A nil
// e is an error.
func Check(e Extractor) (Info, error) {
	if e == nil {
		return Info{}, errors.New("passthrough: nil extractor")
	}
	p := &probe{}
	key, ok := probeRun(e, p)
	if p.err != nil {
		return Info{}, p.err
	}
	var info Info
	if ok {
		info.Key = key
	}
	if len(p.headers) == 1 {
		info.Header = p.headers[0]
		info.Whole = p.whole && ok
	}
	return info, nil
}

// probeRun calls e on the probe. A custom extractor may panic on the
// synthetic input; it is then treated as having found nothing, and the
// core recovers from the same panic per request.
func probeRun(e Extractor, p *probe) (key string, ok bool) {
	defer func() {
		if recover() != nil {
			key, ok = "", false
		}
	}()
	key, _, ok = e(p)
	return key, ok
}

// probe is the synthetic request used by [Check].
type probe struct {
	err     error
	headers []string // distinct names read, in the order first read
	whole   bool     // a whole-header extractor of this package ran
}

var probeValue = []string{"probe=probe"}

// read records a header name a built-in extractor reads.
func (p *probe) read(name string) {
	for _, h := range p.headers {
		if h == name {
			return
		}
	}
	p.headers = append(p.headers, name)
}

func (p *probe) Values(name string) []string {
	p.read(textproto.CanonicalMIMEHeaderKey(name))
	return probeValue
}
func (p *probe) Path() string { return "/" }

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

// Peeker is an optional fast path of a [Request]. The core uses it, when
// present, to read the header of a whole-header extractor (see [Info])
// without building a slice: adapters over fasthttp save an allocation per
// request with it.
type Peeker interface {
	// Peek returns the first value of the header called name and the number
	// of lines it came on (0 when absent). name is in canonical form, as
	// textproto.CanonicalMIMEHeaderKey returns it.
	Peek(name string) (first string, lines int)
}

// Volatile is implemented by a [Request] whose values alias buffers that the
// framework reuses once the request is over, as fasthttp's do. Whoever keeps
// a value from such a request must copy it; the core does so for every
// credential it forwards.
type Volatile interface {
	Request
	// Volatile marks the request; it does nothing.
	Volatile()
}
