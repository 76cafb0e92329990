// Package core is the framework-neutral heart of passthrough: the decision
// every adapter makes for every request, written once.
//
// An adapter builds an [extractors.Request] view of its framework's
// request and calls [Engine.Decide]: is the path excluded or skipped, which
// credentials do the extractors find, are they valid (printable ASCII, not
// blank, within the size cap, sent on one line), and may the request go
// on. The answer is either a [Rejection] to write (a constant status and
// body) or a [Metadata] to put into the request's standard context with
// [Decision.Context].
//
// Code that calls a control plane finds the credentials with
// [FromContext]; [WithMetadata] scopes credentials to a context by hand
// (the Go form of Python's auth_metadata()). [Outgoing] is the check every
// forwarding client makes before a call.
//
// Metadata never prints its values. Errors and log records name metadata
// keys, never credential values.
package core
