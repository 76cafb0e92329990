// Package conformance is the test suite every passthrough adapter passes.
//
// [Run] drives an adapter through a [Harness] over a real loopback
// connection and checks the behaviour users rely on: which credentials are
// forwarded, the 401 answer, exact path exclusion, refusal of malformed and
// ambiguous values, construction-time validation, recovery from panicking
// extractors, redaction, and isolation between concurrent and keep-alive
// requests.
//
// [Harness.Variants] adds real routing: under each framework
// configuration it lists, excluded routes are public routes beside a
// protected catch-all, and no spelling of an excluded path under any
// method may reach the protected route without credentials. [Compare]
// sends one corpus of raw requests to several adapters and fails where
// they answer the same bytes differently.
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
// adapts any credential-forwarding http.RoundTripper to it.
//
// The package imports no web framework.
package conformance
