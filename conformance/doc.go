// Package conformance is the test suite every passthrough adapter passes.
//
// [Run] drives an adapter through a [Harness] over a real loopback
// connection and checks the behaviour users rely on: which credentials are
// forwarded, the 401 answer, exact path exclusion against hostile path
// spellings and methods, refusal of malformed, duplicated and ambiguous
// values (white space, folded lines, trailers), construction-time
// validation, recovery from panicking extractors, redaction, and isolation
// between concurrent and keep-alive requests. Every adapter in this
// repository is tested with it; httppassthrough's conformance test is a
// complete harness in a few lines.
//
// [Harness.Variants] adds real routing: under each framework
// configuration it lists (Echo's RemoveTrailingSlash, Gin's UseRawPath,
// Fiber's StrictRouting, ...), excluded routes are public routes beside a
// protected catch-all, and no spelling of an excluded path under any
// method may reach the protected route without credentials. [Compare]
// sends one corpus of raw requests to several adapters and fails where
// they answer the same bytes differently or echo a credential.
//
// To prove an adapter for another framework behaves the same, implement
// [Harness.Serve] for it and call Run from a test:
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, conformance.Harness{Serve: serve})
//	}
//
// [RunClient] holds a forwarding client to the client-side promises over
// real loopback servers: exactly the caller's credentials, one value per
// key; nothing without credentials; nothing in plaintext, checked per
// request; nothing after a redirect to another origin or a downgrade; no
// previous caller's credentials on a reused request; no mixing between
// concurrent callers; no retry of a rejected call. [TransportHarness]
// adapts any credential-forwarding http.RoundTripper to it. The gRPC
// client, the Connect client and httppassthrough.Transport all pass it.
//
// The package imports no web framework.
package conformance
