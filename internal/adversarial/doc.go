// Package adversarial holds the library's hostile-input and fault tests,
// run across every adapter: client disconnects, floods without
// credentials, and a canary secret pushed through every failure path. It
// has no code of its own; the fuzz targets live beside the code they test
// (core, extractors) and the raw-socket cases in the conformance suite.
package adversarial
