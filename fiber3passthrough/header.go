package fiber3passthrough

import (
	"iter"
	"strings"
	"unsafe"

	"github.com/valyala/fasthttp"
)

// lines returns the lines of the header called name: fasthttp's parsed
// values (parsed, aliasing its buffers), or, where fasthttp's view can
// differ from what the client sent, the header block as received, parsed by
// fasthttp's own scanner (received, asReceived=true). The view differs:
//
//   - for a chunked request: fasthttp reads the body, trailer included,
//     before the handler runs (unless fiber.Config.StreamRequestBody is
//     set) and adds the trailer fields to the headers. A trailer is not a
//     header: it must neither supply a credential nor make one ambiguous.
//   - for the Cookie header, once something before the middleware made
//     fasthttp parse the cookies (c.Cookies, or anything that iterates the
//     headers): fasthttp then takes the Cookie lines out of its header list
//     and answers one line re-assembled from the parsed cookies, an empty
//     one when there were none. That hides a second line and rewrites the
//     value. Only this case, and an empty Cookie line, costs the second
//     parse; installing the middleware before anything that reads cookies
//     avoids it.
//
// Reading the block as received costs a second parse of the headers
// (about a microsecond for a browser's), so it is done only in those cases.
func lines(h *fasthttp.RequestHeader, name string) (parsed [][]byte, received []string, asReceived bool) {
	if h.ContentLength() == -1 { // chunked: there may be trailers
		return nil, rawValues(h.AllInOrder(), name), true
	}
	parsed = h.PeekAll(name)
	if len(parsed) == 1 && strings.EqualFold(name, fasthttp.HeaderCookie) && cookiesParsed(h, parsed[0]) {
		return nil, rawValues(h.AllInOrder(), name), true
	}
	return parsed, nil, false
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
