package fiber3passthrough

import (
	"sync/atomic"
	"unsafe"

	"github.com/gofiber/fiber/v3"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
)

// Middleware returns Fiber v3 middleware that extracts the caller's
// credentials and puts them, as [core.Metadata], in c.Context(). A refused
// request is answered directly and the next handler does not run.
//
// fasthttp reuses request buffers once a handler returns; the values put in
// the context are copies, so they stay valid in goroutines the handler
// starts.
//
// It panics, with a message starting "passthrough:", if opts are invalid.
func Middleware(opts ...core.Option) fiber.Handler {
	engine := core.MustNew(opts...)
	var apps appModes
	return func(c fiber.Ctx) error {
		if spacedName(c.Request().Header.RawHeaders()) {
			// The app's ErrorHandler answers it, as fasthttp's own parse
			// errors; Config's answers "Bad Request" and nothing else.
			return fiber.ErrBadRequest
		}
		d := engine.Decide(apps.view(c))
		if rej := d.Rejection(); rej != nil {
			// The names are canonical already: SetCanonical skips fasthttp's
			// normalization, a third of the cost of a refusal. fasthttp
			// copies the value.
			h := &c.Response().Header
			if ch := rej.Challenge(); ch != "" {
				h.SetCanonical(wwwAuthenticate, unsafe.Slice(unsafe.StringData(ch), len(ch)))
			}
			h.SetContentType(core.ContentType)
			return c.Status(rej.Status()).Send(rej.Body())
		}
		if _, ok := d.Metadata(); ok {
			c.SetContext(d.Context(c.Context()))
		}
		return c.Next()
	}
}

var wwwAuthenticate = []byte(fiber.HeaderWWWAuthenticate)

// view returns the [extractors.Request] view of c. For Fiber's own
// *fiber.DefaultCtx the view is a single pointer, which converts to an
// interface without allocating; a custom context (fiber.NewWithCustomCtx)
// gets the general view, which costs one small allocation per request, as
// does an app that keeps header names as received.
func (m *appModes) view(c fiber.Ctx) extractors.Request {
	if m.namesKept(c.App()) {
		return namesKept{request[fiber.Ctx]{c}}
	}
	if d, ok := c.(*fiber.DefaultCtx); ok {
		return request[*fiber.DefaultCtx]{d}
	}
	return request[fiber.Ctx]{c}
}

// appModes remembers, for one middleware, whether the app it last served
// keeps header names as received (fiber.Config.DisableHeaderNormalizing).
// App.Config copies the whole configuration, too much to do per request.
type appModes struct{ last atomic.Pointer[appMode] }

type appMode struct {
	app       *fiber.App
	namesKept bool
}

func (m *appModes) namesKept(app *fiber.App) bool {
	if l := m.last.Load(); l != nil && l.app == app {
		return l.namesKept
	}
	l := &appMode{app: app, namesKept: app.Config().DisableHeaderNormalizing}
	m.last.Store(l)
	return l.namesKept
}

// request is the [extractors.Request] view of a Fiber request. Its values
// alias fasthttp's buffers, so it is [extractors.Volatile]: the core copies
// every value it keeps.
type request[C fiber.Ctx] struct{ c C }

var (
	_ extractors.Volatile = request[fiber.Ctx]{}
	_ extractors.Peeker   = request[*fiber.DefaultCtx]{}
	_ core.HeadNotGet     = request[*fiber.DefaultCtx]{}
)

// Values returns the header's lines, with optional white space (spaces and
// tabs) trimmed, as fasthttp parsed them or, where that view can differ
// from what was received, as received (see lines).
func (q request[C]) Values(name string) []string {
	parsed, received, asReceived := lines(&q.c.Request().Header, name)
	if asReceived {
		return received
	}
	if len(parsed) == 0 {
		return nil
	}
	out := make([]string, len(parsed))
	for i, b := range parsed {
		out[i] = unsafe.String(unsafe.SliceData(b), len(b))
	}
	return out
}

// Peek is the allocation-free fast path the core uses for whole-header
// extractors. The value aliases fasthttp's buffer; the core copies it.
func (q request[C]) Peek(name string) (string, int) {
	parsed, received, asReceived := lines(&q.c.Request().Header, name)
	if asReceived {
		if len(received) == 0 {
			return "", 0
		}
		return received[0], len(received)
	}
	if len(parsed) == 0 {
		return "", 0
	}
	return unsafe.String(unsafe.SliceData(parsed[0]), len(parsed[0])), len(parsed)
}

// Path is the path Fiber routes on, before its case and trailing-slash
// folding.
func (q request[C]) Path() string { return q.c.Path() }

// Method is the request method.
func (q request[C]) Method() string { return q.c.Method() }

// Query returns the decoded values of the query parameter; they alias
// fasthttp's buffers.
func (q request[C]) Query(name string) []string {
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

func (request[C]) Volatile() {}

// HeadNotGet: a "GET /x" exclusion covers GET alone, since with
// fiber.Config.DisableHeadAutoRegister set a GET route answers no HEAD and
// the middleware does not read the app's configuration per request.
func (request[C]) HeadNotGet() {}
