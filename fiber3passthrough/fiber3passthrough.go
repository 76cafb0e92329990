package fiber3passthrough

import (
	"reflect"
	"sync"
	"unsafe"

	"github.com/gofiber/fiber/v3"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
	"github.com/passthrough-go/passthrough/fasthttpview"
)

// Middleware returns Fiber v3 middleware that extracts the caller's
// credentials and puts them, as [core.Metadata], in c.Context(). A refused
// request is answered directly and the next handler does not run. Headers
// are read as net/http reads them (see [fasthttpview]).
//
// fasthttp reuses request buffers once a handler returns; the values put in
// the context are copies, so they stay valid in goroutines the handler
// starts.
//
// At its first request it logs a warning through the configured logger
// ([core.WithLogger]) if the app was not set up as [Config] does: Fiber's
// default error handler, or a read buffer too small for a credential at
// the size limit.
//
// It panics, with a message starting "passthrough:", if opts are invalid.
func Middleware(opts ...core.Option) fiber.Handler {
	return middleware(core.MustNew(opts...))
}

// Install adds the middleware built from opts to app with app.Use, and
// has app's server refuse, before it invites the body, a request with
// "Expect: 100-continue" that the middleware would refuse (see
// [fasthttpview.ContinueHandler]): fasthttp answers "100 Continue" before
// any handler runs, so without it an unauthenticated client is first asked
// to upload its body. Call it on a new app, before adding routes:
//
//	app := fiber.New(fiber3passthrough.Config())
//	fiber3passthrough.Install(app, core.WithExcludedPaths("GET /health"))
//
// It panics, with a message starting "passthrough:", if opts are invalid.
func Install(app *fiber.App, opts ...core.Option) {
	engine := core.MustNew(opts...)
	srv := app.Server()
	srv.ContinueHandler = fasthttpview.ContinueHandler(engine, app.Config().UnescapePath, srv.DisableHeaderNamesNormalizing)
	app.Use(middleware(engine))
}

func middleware(engine *core.Engine) fiber.Handler {
	var (
		setup   sync.Once
		routers fasthttpview.Routers[*fiber.App, *fiber.Route]
		self    uintptr // the code of the handler below
		h       fiber.Handler
	)
	h = func(c fiber.Ctx) error {
		app := c.App()
		setup.Do(func() { warnSetup(engine, app) })
		v, ok := view(c, app.Server().DisableHeaderNamesNormalizing)
		if !ok {
			// The app's ErrorHandler answers it, as fasthttp's own parse
			// errors; Config's answers "Bad Request" and nothing else.
			return fiber.ErrBadRequest
		}
		d := engine.DecideRoute(v, func() (core.Route, bool) {
			return route(c, self, &routers)
		})
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
	self = reflect.ValueOf(h).Pointer()
	return h
}

// route reports the route Fiber runs when the middleware, whose handler's
// code is self, calls c.Next (see [fasthttpview.Router.Route]). A handler
// after the middleware's in its own route (app.Use(mw, other), or two
// app.Use calls in a row, which Fiber merges) runs first and may answer
// itself, so there is then no route to report.
func route(c fiber.Ctx, self uintptr, routers *fasthttpview.Routers[*fiber.App, *fiber.Route]) (core.Route, bool) {
	own := c.Route()
	if n := len(own.Handlers); n == 0 || reflect.ValueOf(own.Handlers[n-1]).Pointer() != self {
		return core.Route{}, false
	}
	app := c.App()
	return routers.Router(app, func() *fasthttpview.Router[*fiber.Route] { return readRouter(app) }).Route(own, c.Method(), c.Path())
}

// readRouter reads app's route stacks, HEAD routes Fiber adds for GET
// routes at start-up included. app.GetRoutes(true) lists, in the order of
// app.Stack(), the routes not registered with Use.
func readRouter(app *fiber.App) *fasthttpview.Router[*fiber.Route] {
	cfg := app.Config()
	return fasthttpview.ReadRouter(cfg.CaseSensitive, cfg.StrictRouting, cfg.RequestMethods, app.Stack(), app.GetRoutes(true),
		sameRoute, func(r *fiber.Route) string { return r.Path })
}

// sameRoute reports whether a is the route b is a copy of.
func sameRoute(a, b *fiber.Route) bool {
	return a.Method == b.Method && a.Path == b.Path && len(a.Handlers) == len(b.Handlers) &&
		(len(a.Handlers) == 0 || &a.Handlers[0] == &b.Handlers[0])
}

var wwwAuthenticate = []byte(fiber.HeaderWWWAuthenticate)

// view returns the [extractors.Request] view of c. For Fiber's own
// *fiber.DefaultCtx the view is a single pointer, which converts to an
// interface without allocating; a custom context (fiber.NewWithCustomCtx)
// gets the general view, which costs one small allocation per request.
func view(c fiber.Ctx, namesKept bool) (extractors.Request, bool) {
	if d, ok := c.(*fiber.DefaultCtx); ok {
		return fasthttpview.View(d, namesKept)
	}
	return fasthttpview.View(c, namesKept)
}

// warnSetup reports, once, what in app's configuration differs from
// Config in a way that weakens the middleware's guarantees.
func warnSetup(engine *core.Engine, app *fiber.App) {
	cfg := app.Config()
	fasthttpview.WarnSetup(engine.Logger(), fasthttpview.Setup{
		Package:             "fiber3passthrough",
		DefaultErrorHandler: reflect.ValueOf(cfg.ErrorHandler).Pointer() == reflect.ValueOf(fiber.DefaultErrorHandler).Pointer(),
		ReadBufferSize:      cfg.ReadBufferSize,
	}, engine.MaxValueSize())
}
