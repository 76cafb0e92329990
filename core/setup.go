package core

import "log/slog"

// Logger returns the logger the engine was built with ([WithLogger]), for
// an adapter's own warnings about its framework's setup.
func (e *Engine) Logger() *slog.Logger { return e.logger }

// MaxValueSize returns the largest credential value, in bytes, that the
// engine accepts ([WithMaxValueSize]).
func (e *Engine) MaxValueSize() int { return e.maxValue }
