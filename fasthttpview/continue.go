package fasthttpview

import (
	"github.com/valyala/fasthttp"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
)

// ContinueHandler returns a fasthttp.Server ContinueHandler that makes
// engine's decision on a request with "Expect: 100-continue" before
// fasthttp answers "100 Continue" and reads the body: fasthttp does that
// before any handler, the middleware included, runs, so that without it a
// request the middleware refuses is first invited to upload its body (up
// to the body limit).
//
// A request engine refuses, or that [View] refuses, gets fasthttp's answer
// to a refused expectation, 417 Expectation Failed with no body, its body
// is never read, no handler runs, and the connection is closed, so that a
// body the client sends anyway is not read as the next request. fasthttp
// sets that status itself; a handler's 401 cannot be sent at that point.
// Every other request is let through to the middleware, which decides as
// always.
//
// The decision is made on the request as received: the path fasthttp
// parsed (decoded when unescapePath is set, as Fiber's UnescapePath
// does), the headers read as [View] reads them (no trailers exist yet).
// It applies when the middleware guards every route of the server and
// nothing before it rewrites the path; an exclusion only a rewritten path
// matches is refused here. namesKept is the server's
// DisableHeaderNamesNormalizing.
func ContinueHandler(engine *core.Engine, unescapePath, namesKept bool) func(*fasthttp.RequestHeader) bool {
	return func(h *fasthttp.RequestHeader) bool {
		v, ok := continueView(h, unescapePath, namesKept)
		if !ok || engine.Decide(v).Rejection() != nil {
			h.SetConnectionClose()
			return false
		}
		return true
	}
}

func continueView(h *fasthttp.RequestHeader, unescapePath, namesKept bool) (extractors.Request, bool) {
	block := h.RawHeaders()
	if spaced, _ := scan(block); spaced {
		return nil, false
	}
	var uri fasthttp.URI
	if err := uri.Parse(h.Host(), h.RequestURI()); err != nil {
		return nil, false
	}
	path := uri.PathOriginal()
	if unescapePath {
		path = fasthttp.AppendUnquotedArg(nil, path)
	}
	return &headerOnly{h: h, path: string(path), method: string(h.Method()), uri: &uri}, true
}

// headerOnly is the view of a request whose body has not been read: its
// headers come from the raw block (there are no trailers yet), or from
// the parsed list when there is no block.
type headerOnly struct {
	h            *fasthttp.RequestHeader
	path, method string
	uri          *fasthttp.URI
}

var (
	_ extractors.Volatile = (*headerOnly)(nil)
	_ core.HeadNotGet     = (*headerOnly)(nil)
	_ core.RawQuery       = (*headerOnly)(nil)
)

func (q *headerOnly) Values(name string) []string {
	if block := q.h.RawHeaders(); len(block) > 0 {
		return receivedValues(block, name)
	}
	raw := q.h.PeekAll(name)
	out := make([]string, len(raw))
	for i, b := range raw {
		out[i] = trimOWS(b)
	}
	return out
}

func (q *headerOnly) Path() string               { return q.path }
func (q *headerOnly) Method() string             { return q.method }
func (q *headerOnly) Query(name string) []string { return query(q.uri.QueryArgs(), name) }
func (q *headerOnly) RawQuery() string           { return rawQuery(q.uri) }
func (*headerOnly) Volatile()                    {}
func (*headerOnly) HeadNotGet()                  {}
