// Package grpcpassthrough carries the caller's credentials over gRPC.
//
// On the client side, [NewClient] (the Go form of Python's
// init_passthrough) returns a connection whose every call sends the
// [core.Metadata] found in the call's context: put there by an HTTP adapter
// (ginpassthrough, echopassthrough, fiberpassthrough, httppassthrough), by
// this package's server interceptors, or by [core.WithMetadata]. A call
// without credentials fails with codes.Unauthenticated before anything is
// sent; credentials never travel over a plaintext connection unless
// [forward.WithInsecure] was given, nor through a proxy over one; each
// forwarded key carries the caller's value alone, whatever the dial
// options add; rejected calls are not retried. The options are
// those of package [forward], shared with every forwarding client, plus
// [WithTLSConfig] and [WithDialOptions]. To add the same forwarding to a
// connection you build yourself, use [DialOptions] or the client
// interceptors.
//
// On the server side, [UnaryServerInterceptor] and [StreamServerInterceptor]
// are the gRPC adapter: they extract credentials from incoming metadata with
// the same core, so that a gRPC service can pass its caller's credentials on
// to the next hop.
package grpcpassthrough
