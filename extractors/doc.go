// Package extractors finds credentials in an incoming request.
//
// An [Extractor] reads a framework-neutral [Request] and returns one
// metadata key and value to forward to the control plane. The package
// depends on the standard library only, so that every adapter and the core
// can share it.
//
// Extractors return values exactly as received. Validation (allowed bytes,
// size, a header sent twice) is the core's job, done once for every
// extractor, including custom ones.
package extractors
