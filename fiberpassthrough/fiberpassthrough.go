package fiberpassthrough

import (
	"bytes"
	"strings"
	"unsafe"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
)

// Middleware returns Fiber middleware that extracts the caller's
// credentials and puts them, as [core.Metadata], in c.UserContext(). A
// refused request is answered directly and the next handler does not run.
//
// fasthttp reuses request buffers once a handler returns; the values put in
// the context are copies, so they stay valid in goroutines the handler
// starts.
//
// It panics, with a message starting "passthrough:", if opts are invalid.
func Middleware(opts ...core.Option) fiber.Handler {
	engine := core.MustNew(opts...)
	return func(c *fiber.Ctx) error {
		if spacedName(c.Request().Header.RawHeaders()) {
			// Answered by the app's ErrorHandler, as fasthttp's own parse
			// errors are; Config's says "Bad Request" and nothing else.
			return fiber.ErrBadRequest
		}
		d := engine.Decide(request{c})
		if rej := d.Rejection(); rej != nil {
			if ch := rej.Challenge(); ch != "" {
				c.Set(fiber.HeaderWWWAuthenticate, ch)
			}
			c.Set(fiber.HeaderContentType, core.ContentType)
			return c.Status(rej.Status()).Send(rej.Body())
		}
		if _, ok := d.Metadata(); ok {
			c.SetUserContext(d.Context(c.UserContext()))
		}
		return c.Next()
	}
}

// request is the [extractors.Request] view of a Fiber request. Its values
// alias fasthttp's buffers, so it is [extractors.Volatile]: the core copies
// every value it keeps.
type request struct{ c *fiber.Ctx }

var (
	_ extractors.Volatile = request{}
	_ extractors.Peeker   = request{}
	_ core.HeadNotGet     = request{}
)

// Values returns the header's lines, each trimmed of the spaces and tabs
// around it as net/http trims them, without fields that arrived as
// chunked-body trailers.
func (q request) Values(name string) []string {
	raw := q.lines(name)
	if len(raw) == 0 {
		return nil
	}
	out := make([]string, len(raw))
	for i, b := range raw {
		out[i] = trimOWS(unsafe.String(unsafe.SliceData(b), len(b)))
	}
	return out
}

// Peek is the allocation-free fast path the core uses for whole-header
// extractors. The value aliases fasthttp's buffer; the core copies it.
func (q request) Peek(name string) (string, int) {
	raw := q.lines(name)
	if len(raw) == 0 {
		return "", 0
	}
	return trimOWS(unsafe.String(unsafe.SliceData(raw[0]), len(raw[0]))), len(raw)
}

// lines returns the values fasthttp holds for the header name, less those
// that came as trailers: fasthttp reads a chunked body before the handler
// runs and appends its trailer fields to the header list, where net/http
// keeps them apart in Request.Trailer. The trailer fields follow every
// header line, so counting the header's lines in the raw header block
// tells them apart. Only a chunked request can have trailers; fasthttp
// leaves its content length at -1, or sets it to 0 when the body was empty,
// so a request without a body (-2) or with a sized one skips the count.
// A request built in memory rather than read from a connection has no raw
// header block, and no trailers either.
//
// Once something before the middleware made fasthttp parse the cookies
// (c.Cookies, for one), fasthttp takes the Cookie lines out of its header
// list and answers one line rebuilt from the parsed cookies, an empty one
// when there were none: that would refuse every request without cookies
// as malformed and merge two Cookie lines into one. The Cookie header is
// then read from the header block as received (a second scan of the
// headers, which installing the middleware before anything that reads
// cookies avoids).
func (q request) lines(name string) [][]byte {
	h := &q.c.Request().Header
	raw := h.PeekAll(name)
	if len(raw) == 0 {
		return nil
	}
	block := h.RawHeaders()
	if len(raw) == 1 && len(block) > 0 && strings.EqualFold(name, fiber.HeaderCookie) && cookiesParsed(h, raw[0]) {
		return asReceived(h, name)
	}
	if cl := h.ContentLength(); cl != -1 && cl != 0 {
		return raw
	}
	return withoutTrailers(raw, block, name)
}

// cookiesParsed reports whether fasthttp has parsed the request's cookies,
// given first, the one Cookie line PeekAll answered: parsed, PeekAll
// rebuilds the line into a new buffer on every call (nil when there were
// no cookies); unparsed, it answers the same buffer of its header list.
func cookiesParsed(h *fasthttp.RequestHeader, first []byte) bool {
	if len(first) == 0 {
		return true
	}
	again := h.PeekAll(fiber.HeaderCookie)
	return len(again) != 1 || unsafe.SliceData(again[0]) != unsafe.SliceData(first)
}

// asReceived collects the values of the header called name from the header
// block as received (which holds no trailers), in order.
func asReceived(h *fasthttp.RequestHeader, name string) [][]byte {
	var out [][]byte
	h.VisitAllInOrder(func(k, v []byte) {
		if strings.EqualFold(unsafe.String(unsafe.SliceData(k), len(k)), name) {
			out = append(out, v)
		}
	})
	return out
}

// withoutTrailers keeps the first values of raw, as many as block has
// lines named name. An empty block means the request was built in memory,
// not read from a connection: it has no trailers.
func withoutTrailers(raw [][]byte, block []byte, name string) [][]byte {
	if len(block) == 0 {
		return raw
	}
	return raw[:min(len(raw), countLines(block, name))]
}

// countLines counts the header lines named name (in any case) in a raw
// header block. A line that continues the one before it (obs-fold) starts
// with a space or a tab, so it never counts as a line of its own.
func countLines(block []byte, name string) int {
	n := 0
	for line := range bytes.Lines(block) {
		if len(line) > len(name) && line[len(name)] == ':' && strings.EqualFold(unsafe.String(unsafe.SliceData(line), len(name)), name) {
			n++
		}
	}
	return n
}

// spacedName reports whether a header name in the raw header block holds a
// space ("X Bad: y", "Authorization : x", or a line with no colon). The
// fasthttp that Fiber v2 pins refuses such a request itself; from v1.69,
// which a build that also uses Fiber v3 selects, fasthttp accepts the line
// and keeps it under a name no lookup finds, where net/http (and so Gin and
// Echo) refuse the request with 400. Refusing it here keeps the same bytes
// getting the same answer on either fasthttp. (fiber3passthrough, a module
// of its own, has the same function.)
func spacedName(block []byte) bool {
	for line := range bytes.Lines(block) {
		if len(line) == 0 || line[0] == ' ' || line[0] == '\t' { // obs-fold continues a value
			continue
		}
		for _, b := range line {
			if b == ':' {
				break
			}
			if b == ' ' {
				return true
			}
		}
	}
	return false
}

// trimOWS removes the spaces and tabs around a value. fasthttp trims only
// spaces, and keeps the space an obs-fold leaves before a value that starts
// on a continuation line; net/http trims both, before and after unfolding.
func trimOWS(v string) string {
	return strings.Trim(v, " \t")
}

// Path is the path Fiber routes on, before its case and trailing-slash
// folding.
func (q request) Path() string { return q.c.Path() }

// Method is the request method.
func (q request) Method() string { return q.c.Method() }

// Query returns the decoded values of the query parameter; they alias
// fasthttp's buffers.
func (q request) Query(name string) []string {
	raw := q.c.Request().URI().QueryArgs().PeekMulti(name)
	if len(raw) == 0 {
		return nil
	}
	out := make([]string, len(raw))
	for i, b := range raw {
		out[i] = unsafe.String(unsafe.SliceData(b), len(b))
	}
	return out
}

func (request) Volatile() {}

// HeadNotGet: app.Get routes HEAD to the GET route, but a route added with
// app.Add(fiber.MethodGet, ...) does not, and the middleware cannot tell
// which it was; a "GET" exclusion therefore covers GET alone.
func (request) HeadNotGet() {}
