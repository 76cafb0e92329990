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
// [WithMaxValueSize] and [WithLogger]. Invalid options make the middleware's
// constructor panic with a message starting "passthrough:".
//
// A handler finds the caller's credentials in its request's standard
// context with [FromContext], as a [Metadata]; the forwarding clients
// (grpcpassthrough, connectpassthrough, httppassthrough.Transport) read them
// from the same context. [WithMetadata] scopes credentials to a context by
// hand, the Go form of Python's auth_metadata(). Metadata never prints its
// values: fmt, slog and String show keys with the values redacted.
//
// The errors [ErrMissingCredentials], [ErrMalformedCredentials],
// [ErrAmbiguousCredentials], [ErrCredentialsTooLarge] and [ErrInvalidKey]
// say why credentials were refused; test for them with errors.Is. They,
// and [PairError], never contain a credential value.
//
// # For adapter authors
//
// An adapter for another framework builds an [Engine] once with [MustNew]
// (or [New]), and for each request builds an extractors.Request view of its
// framework's request and calls [Engine.Decide]. The [Decision] is either a
// [Rejection] to write (a constant status, [ContentType] body and
// challenge; [Rejection.RPCCode] for RPC transports) or credentials to put
// into the request's context with [Decision.Context] (or [NewContext]).
// An adapter whose router says, after routing, which route it chose calls
// [Engine.DecideRoute] with a [Route]: exclusions then apply only to a
// request sent to the excluded route. Otherwise a request view whose
// router sends HEAD only to HEAD routes implements [HeadNotGet], and a
// request the router matched to no route goes to [Engine.DecideNoRoute],
// for which no exclusion applies. A view that can give the raw query
// implements [RawQuery].
// [Outgoing], [ValidateKey] and [ValidateValue] are the checks forwarding
// clients share. The conformance package tests an adapter against the
// same promises as the adapters in this module.
package core
