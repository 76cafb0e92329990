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
// A service uses the options. [Config], [NewConfig], [Specific] and
// [WithSpecific] are for authors of forwarding clients: how a client reads
// the shared options and finds, or refuses, options meant for one kind of
// client only.
//
// The package imports only the standard library and core.
package forward
