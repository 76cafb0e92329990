package fasthttpview

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"strings"
	"unsafe"

	"github.com/valyala/fasthttp"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
)

// Ctx is what the view needs of a framework's request context. Fiber v2's
// *fiber.Ctx and Fiber v3's fiber.Ctx have these methods.
type Ctx interface {
	Request() *fasthttp.Request
	// Path is the path the framework routes on; the view never passes an
	// override.
	Path(override ...string) string
	Method(override ...string) string
}

// View returns the [extractors.Request] view of the request in c, or
// ok=false when the request must be refused with 400 before any
// credential is read: a header name in the raw header block holds a space
// ("X Bad: y", "Authorization : x"). The fasthttp that Fiber v2 pins
// refuses such a request itself; from v1.69 fasthttp accepts the line and
// keeps it under a name no lookup finds, where net/http (and so Gin and
// Echo) refuse it. Refusing it here gives the same bytes the same answer
// on every adapter, and forwards nothing from a malformed request.
//
// namesKept is the server's DisableHeaderNamesNormalizing.
//
// For a pointer type C (Fiber v2's *fiber.Ctx, Fiber v3's
// *fiber.DefaultCtx) the view is one pointer, which converts to an
// interface without allocating.
func View[C Ctx](c C, namesKept bool) (v extractors.Request, ok bool) {
	h := &c.Request().Header
	block := h.RawHeaders()
	spaced, folded := scan(block)
	if spaced {
		return nil, false
	}
	if len(block) > 0 && (namesKept || folded || mayHaveTrailers(h)) {
		return received[C]{c}, true
	}
	return parsed[C]{c}, true
}

// scan makes one pass over a raw header block, for a header name holding
// a space (spaced) and a line that continues the one before it (folded).
func scan(block []byte) (spaced, folded bool) {
	for len(block) > 0 {
		if block[0] == ' ' || block[0] == '\t' {
			folded = true // obs-fold: the line continues a value
		} else if nameHasSpace(block) {
			return true, folded
		}
		i := bytes.IndexByte(block, '\n')
		if i < 0 {
			break
		}
		block = block[i+1:]
	}
	return false, folded
}

// nameHasSpace reports whether the header line that starts line holds a
// space before its first colon (or before its end, if it has none). It
// runs on every line of every request, so it reads eight bytes at a time:
// in each word it marks the bytes equal to ':', ' ' or '\n', and the
// lowest mark is the first of them. (The marks above a byte found equal
// may be wrong, the lowest never is.)
func nameHasSpace(line []byte) bool {
	const (
		ones     = 0x0101010101010101
		highs    = 0x8080808080808080
		colons   = ':' * ones
		spaces   = ' ' * ones
		newlines = '\n' * ones
	)
	equal := func(x uint64) uint64 { return (x - ones) &^ x & highs }
	for len(line) >= 8 {
		x := binary.LittleEndian.Uint64(line)
		if m := equal(x^colons) | equal(x^spaces) | equal(x^newlines); m != 0 {
			return line[bits.TrailingZeros64(m)/8] == ' '
		}
		line = line[8:]
	}
	for _, b := range line {
		switch b {
		case ':', '\n':
			return false
		case ' ':
			return true
		}
	}
	return false
}

// mayHaveTrailers reports whether fasthttp may have appended a chunked
// body's trailer fields to the header list. It reads a chunked body,
// trailer included, before the handler runs (unless the server streams
// request bodies), and leaves the content length of a chunked request at
// -1, or sets it to 0 after an empty chunked body. A request without a
// body (-2) or with a sized one has no trailer.
func mayHaveTrailers(h *fasthttp.RequestHeader) bool {
	cl := h.ContentLength()
	return cl == -1 || cl == 0
}

// parsed is the view that reads fasthttp's parsed header list: the request
// has no obs-fold and no trailer, and the server normalizes names.
type parsed[C Ctx] struct{ c C }

// received is the view that reads the raw header block, where fasthttp's
// parsed list can differ from what was received: names kept as received
// (looked up case-sensitively), folded values (fasthttp v1.51 keeps the
// white space around the fold), or a chunked body's trailers (appended to
// the list).
type received[C Ctx] struct{ c C }

// Both views alias fasthttp's buffers, so they are [extractors.Volatile]:
// the core copies every value it keeps. Both are [core.HeadNotGet]: Fiber
// v2's app.Add(fiber.MethodGet, ...) and Fiber v3's DisableHeadAutoRegister
// give a GET route no HEAD, and the view cannot tell which was used, so a
// "GET" exclusion covers GET alone.
var (
	_ extractors.Volatile = parsed[Ctx]{}
	_ extractors.Peeker   = parsed[Ctx]{}
	_ core.HeadNotGet     = parsed[Ctx]{}
	_ extractors.Volatile = received[Ctx]{}
	_ extractors.Peeker   = received[Ctx]{}
	_ core.HeadNotGet     = received[Ctx]{}
	_ core.RawQuery       = parsed[Ctx]{}
	_ core.RawQuery       = received[Ctx]{}
)

// Values returns the header's lines as fasthttp parsed them, trimmed of
// spaces and tabs (fasthttp trims spaces only).
func (q parsed[C]) Values(name string) []string {
	h := &q.c.Request().Header
	raw := h.PeekAll(name)
	if len(raw) == 0 {
		return nil
	}
	if len(raw) == 1 && cookiesParsed(h, name, raw[0]) {
		return receivedValues(h.RawHeaders(), name)
	}
	out := make([]string, len(raw))
	for i, b := range raw {
		out[i] = trimOWS(b)
	}
	return out
}

// Peek is the allocation-free fast path the core uses for whole-header
// extractors. The value aliases fasthttp's buffer; the core copies it.
func (q parsed[C]) Peek(name string) (string, int) {
	h := &q.c.Request().Header
	raw := h.PeekAll(name)
	if len(raw) == 0 {
		return "", 0
	}
	if len(raw) == 1 && cookiesParsed(h, name, raw[0]) {
		return receivedPeek(h.RawHeaders(), name)
	}
	return trimOWS(raw[0]), len(raw)
}

// cookiesParsed reports, for the one line PeekAll answered for name,
// whether name is Cookie and fasthttp has parsed the cookies (something
// before the middleware called c.Cookies, for one). It then takes the
// Cookie lines out of its header list and answers one line rebuilt from
// the parsed cookies, an empty one when there were none: that would merge
// two lines into one, rewrite the value and refuse a request without
// cookies as malformed, so the Cookie header is read from the block as
// received. Parsed, PeekAll rebuilds the line into a new buffer on every
// call; unparsed, it answers the same buffer of its header list. A request
// built in memory has no block, and its lines are taken as they are.
func cookiesParsed(h *fasthttp.RequestHeader, name string, first []byte) bool {
	if len(name) != len(fasthttp.HeaderCookie) || !strings.EqualFold(name, fasthttp.HeaderCookie) || len(h.RawHeaders()) == 0 {
		return false
	}
	if len(first) == 0 {
		return true
	}
	again := h.PeekAll(fasthttp.HeaderCookie)
	return len(again) != 1 || unsafe.SliceData(again[0]) != unsafe.SliceData(first)
}

// Values returns the header's lines from the block as received, matching
// the name in any case, each unfolded and trimmed as net/http does.
func (q received[C]) Values(name string) []string {
	return receivedValues(q.c.Request().Header.RawHeaders(), name)
}

// Peek returns the first of Values and their number.
func (q received[C]) Peek(name string) (string, int) {
	return receivedPeek(q.c.Request().Header.RawHeaders(), name)
}

func (q parsed[C]) Path() string               { return q.c.Path() }
func (q parsed[C]) Method() string             { return q.c.Method() }
func (q parsed[C]) Query(name string) []string { return query(q.c.Request().URI().QueryArgs(), name) }
func (q parsed[C]) RawQuery() string           { return rawQuery(q.c.Request().URI()) }
func (parsed[C]) Volatile()                    {}
func (parsed[C]) HeadNotGet()                  {}

func (q received[C]) Path() string               { return q.c.Path() }
func (q received[C]) Method() string             { return q.c.Method() }
func (q received[C]) Query(name string) []string { return query(q.c.Request().URI().QueryArgs(), name) }
func (q received[C]) RawQuery() string           { return rawQuery(q.c.Request().URI()) }
func (received[C]) Volatile()                    {}
func (received[C]) HeadNotGet()                  {}

// rawQuery is the query string as received, in which the core counts
// the copies of a parameter a Func extractor reads ([core.RawQuery]). It
// aliases fasthttp's buffer and is only read.
func rawQuery(u *fasthttp.URI) string {
	b := u.QueryString()
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// query returns the decoded values of the query parameter; they alias
// fasthttp's buffers.
func query(args *fasthttp.Args, name string) []string {
	raw := args.PeekMulti(name)
	if len(raw) == 0 {
		return nil
	}
	out := make([]string, len(raw))
	for i, b := range raw {
		out[i] = unsafe.String(unsafe.SliceData(b), len(b))
	}
	return out
}

// trimOWS returns b as a string, without the spaces and tabs around it.
// strings.Trim would build its set of two bytes on every call.
func trimOWS(b []byte) string {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}
