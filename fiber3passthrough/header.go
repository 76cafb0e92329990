package fiber3passthrough

import (
	"bytes"
	"iter"
	"strings"
	"unsafe"

	"github.com/gofiber/fiber/v3"
	"github.com/valyala/fasthttp"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
)

// lines returns the lines of the header called name: fasthttp's parsed
// values (parsed, aliasing its buffers), less any that can differ from
// what the client sent in the header block, or that block as received,
// parsed by fasthttp's own scanner (received, asReceived=true):
//
//   - On a chunked request fasthttp reads the body, trailer included,
//     before the handler runs (unless fiber.Config.StreamRequestBody is
//     set) and appends the trailer fields to its header list, after every
//     header line. A trailer is not a header: it must neither supply a
//     credential nor make one ambiguous, so only as many values are kept as
//     the block has lines of that name. fasthttp leaves the content length
//     of a chunked request at -1, or sets it to 0 after an empty chunked
//     body; other requests (-2 without a body, or a sized one) skip the
//     count.
//   - Once something before the middleware made fasthttp parse the cookies
//     (c.Cookies, or anything that iterates the headers), fasthttp takes the
//     Cookie lines out of its header list and answers one line re-assembled
//     from the parsed cookies, an empty one when there were none. That
//     hides a second line and rewrites the value, so the Cookie header is
//     then read from the block as received: a second parse of the headers
//     (about a microsecond for a browser's), which installing the
//     middleware before anything that reads cookies avoids.
//
// A request fasthttp did not read from a connection has no block as
// received, and is taken as fasthttp holds it.
func lines(h *fasthttp.RequestHeader, name string) (parsed [][]byte, received []string, asReceived bool) {
	parsed = h.PeekAll(name)
	if len(parsed) == 0 || len(h.RawHeaders()) == 0 {
		// No block as received: fasthttp did not read this request from a
		// connection (adaptor.FiberApp sets each header from net/http's
		// request, which has dealt with trailers already).
		return parsed, nil, false
	}
	if len(parsed) == 1 && strings.EqualFold(name, fasthttp.HeaderCookie) && cookiesParsed(h, parsed[0]) {
		return nil, rawValues(h.AllInOrder(), name), true
	}
	if cl := h.ContentLength(); cl == -1 || cl == 0 {
		parsed = parsed[:min(len(parsed), countLines(h.RawHeaders(), name))]
	}
	return parsed, nil, false
}

// countLines counts the header lines named name (in any case) in a raw
// header block. A line that starts with a space or a tab continues the
// previous one (obs-fold) and is not counted. (fiberpassthrough has the
// same function; the two modules share no code beyond the root module's
// public API.)
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
// space ("X Bad: y", "Authorization : x"). fasthttp from v1.69 accepts such
// a line and keeps it under a name no lookup finds; net/http, and so Gin
// and Echo, and Fiber v2's fasthttp refuse the request with 400. The
// middleware refuses it too, so that the same bytes get the same answer
// from every adapter and a malformed request forwards nothing.
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

// cookiesParsed reports whether fasthttp may have parsed the request's
// cookies, given first, the one Cookie line PeekAll answered. Parsed, PeekAll
// re-assembles that line into a new buffer on every call (nil when there
// were no cookies); unparsed, it answers the line from fasthttp's header
// list, the same buffer every time. An empty line is ambiguous, and is read
// as received.
func cookiesParsed(h *fasthttp.RequestHeader, first []byte) bool {
	if len(first) == 0 {
		return true
	}
	again := h.PeekAll(fasthttp.HeaderCookie)
	return len(again) != 1 || unsafe.SliceData(again[0]) != unsafe.SliceData(first)
}

// rawValues collects the values of the header called name from the header
// block as received.
func rawValues(all iter.Seq2[[]byte, []byte], name string) []string {
	var out []string
	for k, v := range all {
		if strings.EqualFold(unsafe.String(unsafe.SliceData(k), len(k)), name) {
			out = append(out, unsafe.String(unsafe.SliceData(v), len(v)))
		}
	}
	return out
}

// namesKept is the view for an app with fiber.Config.DisableHeaderNormalizing:
// fasthttp then keeps header names as received and looks them up
// case-sensitively, so "authorization" is not found as "Authorization",
// and a credential sent as both would be read once. Headers are read from
// the block as received, matching names in any case, at the cost of a
// second parse of the headers per request.
type namesKept struct{ request[fiber.Ctx] }

var (
	_ extractors.Volatile = namesKept{}
	_ extractors.Peeker   = namesKept{}
	_ core.HeadNotGet     = namesKept{}
)

func (q namesKept) Values(name string) []string {
	h := &q.c.Request().Header
	if len(h.RawHeaders()) == 0 { // not read from a connection: see lines
		return q.request.Values(name)
	}
	return rawValues(h.AllInOrder(), name)
}

func (q namesKept) Peek(name string) (string, int) {
	v := q.Values(name)
	if len(v) == 0 {
		return "", 0
	}
	return v[0], len(v)
}
