package fiberpassthrough

import (
	"unsafe"

	"github.com/gofiber/fiber/v2"

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

func (q request) Values(name string) []string {
	raw := q.c.Request().Header.PeekAll(name)
	if len(raw) == 0 {
		return nil
	}
	out := make([]string, len(raw))
	for i, b := range raw {
		out[i] = unsafe.String(unsafe.SliceData(b), len(b))
	}
	return out
}

// Peek is the allocation-free fast path the core uses for whole-header
// extractors. The value aliases fasthttp's buffer; the core copies it.
func (q request) Peek(name string) (string, int) {
	raw := q.c.Request().Header.PeekAll(name)
	if len(raw) == 0 {
		return "", 0
	}
	return unsafe.String(unsafe.SliceData(raw[0]), len(raw[0])), len(raw)
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
