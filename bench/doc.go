// Package bench measures what passthrough costs: in-memory benchmarks of
// every adapter against the bare framework, a hand-written minimal
// middleware and the framework's own auth middleware, and (in loadrun) an
// end-to-end load run of the webhook runner. See BENCHMARKS.md. It is a
// module of its own, so that its load tools stay out of the module graph
// of every user of the root module (docs/modules.md).
package bench
