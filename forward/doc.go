// Package forward is the one vocabulary of the forwarding clients: the
// options that grpcpassthrough.NewClient, connectpassthrough.NewClient,
// httppassthrough.NewTransport and controlplane.Init share, with one
// meaning and one way of failing.
//
//	conn, err := grpcpassthrough.NewClient("https://cp.example.com", forward.WithAllowAnonymous())
//	hc, err := connectpassthrough.NewClient("https://cp.example.com", nil, forward.WithAllowAnonymous())
//	tr, err := httppassthrough.NewTransport(nil, []string{"https://api.example.com"}, forward.WithAllowAnonymous())
//
// Every forwarding client is built by a constructor that returns an error:
// an invalid option, an option meant for another kind of client, or a
// plaintext origin without [WithInsecure] is reported there, never by a
// panic and never at the first call. (The server-side adapters, which
// take core.Option, panic instead, because they are built inside a
// middleware chain where no error can be returned.)
//
// # For service authors
//
// A service passes these options to a forwarding client's constructor:
//
//   - [WithInsecure]: allow plaintext (http://, gRPC without TLS), for
//     loopback development only;
//   - [WithPlaintextProxy]: allow plaintext through a proxy, too;
//   - [WithAllowAnonymous]: let a call without credentials go ahead;
//   - [WithMaxValueSize]: the largest credential value sent.
//
// Options meant for one kind of client only live in that client's package
// (grpcpassthrough.WithTLSConfig, grpcpassthrough.WithDialOptions).
//
// # For client authors
//
// [Config], [NewConfig], [Specific] and [WithSpecific] are plumbing for
// authors of forwarding clients, which a service never calls: how a client
// reads the shared options ([NewConfig]), checks each call
// ([Config.Outgoing]), and finds ([Config.Specific]) or refuses
// ([Config.Refuse], [Config.RefuseSpecific]) options meant for one kind of
// client only.
//
// The package imports only the standard library and core.
package forward
