package fasthttpview

import "log/slog"

// Setup is what an adapter knows of its app's configuration, for
// [WarnSetup].
type Setup struct {
	// Package is the adapter's package name, such as "fiberpassthrough";
	// the warnings name its Config function.
	Package string
	// DefaultErrorHandler says the app answers errors with the framework's
	// default error handler.
	DefaultErrorHandler bool
	// ReadBufferSize is the app's read buffer size, the largest request
	// head fasthttp reads.
	ReadBufferSize int
}

// WarnSetup logs, through logger, a warning for each setup mistake in s
// that weakens the adapter's guarantees. An adapter calls it once, at its
// first request, with its engine's logger ([core.Engine.Logger]) and size
// limit ([core.Engine.MaxValueSize]):
//
//   - the framework's default error handler answers a request fasthttp
//     cannot parse with the parser's error, which quotes the request's
//     bytes, credentials included;
//   - a read buffer no larger than the credential size limit answers 431
//     to a credential the middleware accepts.
//
// The records carry sizes and names, never anything from a request.
func WarnSetup(logger *slog.Logger, s Setup, maxValueSize int) {
	cfg := s.Package + ".Config()"
	if s.DefaultErrorHandler {
		logger.Warn("passthrough: the app uses Fiber's default error handler, which answers a request fasthttp cannot parse with the parser's error, quoting the request's bytes (credentials included); start the app with "+cfg+", or set its ErrorHandler to "+s.Package+".ErrorHandler",
			slog.String("setup", cfg))
	}
	if s.ReadBufferSize <= maxValueSize {
		logger.Warn("passthrough: the app's ReadBufferSize cannot hold a credential at the middleware's size limit, so fasthttp answers 431 to credentials the middleware accepts; start the app with "+cfg+", or raise ReadBufferSize",
			slog.Int("read_buffer_size", s.ReadBufferSize), slog.Int("max_value_size", maxValueSize), slog.String("setup", cfg))
	}
}
