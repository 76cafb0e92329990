// Package extractors finds credentials in an incoming request.
//
// # For service authors
//
// An [Extractor] says which credential to forward and under which metadata
// key; pass extractors to core.WithExtractors. The built-ins:
//
//   - [Authorization]: the whole Authorization header;
//   - [Cookie] (no s): the whole Cookie header, every cookie in it;
//   - [Cookies] (with an s): only the cookies it names, under the same
//     key "cookie"; the caller's other cookies stay behind;
//   - [Header]: one custom header, for example X-API-Key;
//   - [Default]: Authorization and Cookie, used when none are configured.
//
// [Func] is for custom logic: it is called on every request, and what it
// returns is what is forwarded, so it can wrap a built-in's
// [Extractor.Extract] to filter or transform its result, or read a query
// parameter with [Request.Query].
//
// Extractors are declared, not discovered: an extractor's key and source
// come from its constructor, and nothing calls an extractor to learn what
// it does. Validation (allowed bytes, size, a header or parameter sent
// twice) is the core's job, done the same way for every extractor,
// including custom ones.
//
// # For adapter authors
//
// An adapter implements [Request] over its framework's request. Two
// optional interfaces are plumbing a service never meets: [Peeker] is an
// allocation-free fast path, and [Volatile] marks a request whose values
// alias buffers the framework reuses (fasthttp), so that the core copies
// what it keeps. [Extractor.Source] tells the core which header a
// built-in reads.
//
// The package depends on the standard library only, so that every adapter
// and the core can share it.
package extractors
