// Package extractors finds credentials in an incoming request.
//
// # For service authors
//
// An [Extractor] says which credential to forward and under which metadata
// key. The built-ins are [Authorization], [Cookie], [Header] (for example
// X-API-Key) and [Cookies] (only the named cookies); [Default] is
// Authorization and Cookie. [Func] is for custom logic: it is called on
// every request, and what it returns is what is forwarded, so it can wrap
// a built-in's [Extractor.Extract] to filter or transform its result, or
// read a query parameter with [Request.Query].
//
// Extractors are declared, not discovered: an extractor's key and source
// come from its constructor, and nothing calls an extractor to learn what
// it does. Validation (allowed bytes, size, a header or parameter sent
// twice) is the core's job, done the same way for every extractor,
// including custom ones.
//
// # For adapter authors
//
// An adapter implements [Request] over its framework's request; [Peeker]
// is an optional allocation-free fast path, and [Volatile] marks a request
// whose values alias buffers the framework reuses (fasthttp), so that the
// core copies what it keeps. [Extractor.Source] tells the core which
// header a built-in reads.
//
// The package depends on the standard library only, so that every adapter
// and the core can share it.
package extractors
