// Package core is the framework-neutral heart of passthrough: the decision
// every adapter makes for every request, written once.
//
// # For service authors
//
// A service puts an adapter's middleware in front of its handlers
// (ginpassthrough, echopassthrough, fiberpassthrough, httppassthrough, or
// the gRPC and Connect server interceptors) and configures it with these
// options, shared by every adapter: [WithExcludedPaths],
// [WithExcludedPrefixes], [WithExtractors], [WithOptional], [WithSkipper],
// [WithMaxValueSize] and [WithLogger] ([Skipper] is WithSkipper's function
// type; [DefaultMaxValueSize] the default size limit). Invalid options make
// the middleware's constructor panic with a message starting
// "passthrough:".
//
// A handler finds the caller's credentials in its request's standard
// context with [FromContext], as a [Metadata]; the forwarding clients
// (grpcpassthrough, connectpassthrough, httppassthrough.Transport) read them
// from the same context. [WithMetadata] scopes credentials, as [Pair]
// values, to a context by hand, the Go form of Python's auth_metadata(). Metadata never prints its
// values: fmt, slog and String show keys with the values redacted.
//
// The errors [ErrMissingCredentials], [ErrMalformedCredentials],
// [ErrAmbiguousCredentials], [ErrCredentialsTooLarge] and [ErrInvalidKey]
// say why credentials were refused; test for them with errors.Is. They,
// and [PairError], never contain a credential value.
//
// Everything else in the package is plumbing for the authors of adapters
// and forwarding clients, listed below; a service does not need it.
//
// # For adapter and client authors
//
// An adapter for another framework builds an [Engine] once with [MustNew]
// (or [New]), and for each request builds an extractors.Request view of its
// framework's request and calls [Engine.Decide]. The [Decision] is either a
// [Rejection] to write (a constant status, [ContentType] body and
// challenge; [Rejection.RPCCode] for RPC transports) or credentials to put
// into the request's context with [Decision.Context] (or [NewContext]).
// [Engine.Excluded] answers for a method and path alone, and
// [Engine.Logger] and [Engine.MaxValueSize] serve an adapter's own warnings
// about its framework's setup.
//
// How an adapter tells the engine what its router did:
//
//   - a router that says, after routing, which route it chose: call
//     [Engine.DecideRoute] with a [Route]; exclusions then apply only to a
//     request sent to the excluded route;
//   - a router that sends HEAD only to HEAD routes: the request view
//     implements [HeadNotGet];
//   - a request the router matched to no route: call
//     [Engine.DecideNoRoute], for which no exclusion applies;
//   - a view that can give the query as received implements [RawQuery].
//
// A forwarding client calls [Outgoing] before each call (package forward
// wraps it); [ValidateKey], [ValidateValue] and [Metadata.Validate] are
// the checks behind it, and [NewMetadata] builds Metadata without a
// request. The conformance package tests an adapter or a client against
// the same promises as the ones in this module.
package core
