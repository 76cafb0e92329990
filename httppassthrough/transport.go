package httppassthrough

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/passthrough-go/passthrough/forward"
	"github.com/passthrough-go/passthrough/internal/origin"
)

// Transport is an [http.RoundTripper] that adds the credentials found in
// each request's context ([core.FromContext]) to the requests it sends to
// the origins it was configured for, and to no others. It is the one
// mechanism behind every HTTP forwarder: connectpassthrough.NewClient
// sends through it too.
//
// Every check is made when a request is sent, on that request's own URL,
// so it holds for each hop of a redirect as much as for the first:
//
//   - Credentials go only to a configured origin (scheme, host and port),
//     and an http:// origin can only be configured with
//     [forward.WithInsecure]. A request for any other origin goes out
//     exactly as given.
//   - On a redirect, credentials go only while the hop stays on the origin
//     the first request was sent to: never to another origin, configured
//     or not, and never from https:// down to http://. This holds for
//     every forwarded key, not only the Authorization and Cookie headers
//     that [http.Client] strips itself.
//   - A request for a configured origin whose context has no credentials,
//     or invalid ones, fails before it is sent (unless
//     [forward.WithAllowAnonymous]), with [core.ErrMissingCredentials] or a
//     *[core.PairError].
//   - The request is cloned, never modified. In the clone each forwarded
//     key has exactly one value: whatever the caller set under that name,
//     in any case, is replaced; every other header is kept.
//   - Credentials never go in plaintext through a proxy: a request with
//     credentials for an http:// origin that the base transport would send
//     through a proxy (its Proxy func, such as http.ProxyFromEnvironment,
//     asked about this request) fails before it is sent, unless
//     [forward.WithPlaintextProxy]. The check is per request, as the
//     proxy choice is.
//
// The Transport must be the last layer before the wire: whatever sits
// under it could add, replace or retry what it sends. So its base is an
// *http.Transport (http.DefaultTransport when nil) or a RoundTripper
// declared with [Wire]; other RoundTrippers (OAuth2, tracing, retries) go
// around it, where what they add is replaced or kept by the rules above.
//
// Transport does not retry.
type Transport struct {
	base    http.RoundTripper
	proxy   *http.Transport // base, when it is one: its Proxy is asked
	origins map[origin.Origin]struct{}
	cfg     *forward.Config
}

// Wire declares that rt puts each request on the wire as it is given: it
// adds, replaces and removes none of its header fields, sends it in
// plaintext through no proxy, and does not retry it. It is for a base of
// [NewTransport] (or a Transport of the http.Client given to
// connectpassthrough.NewClient) that is not an *http.Transport: an
// HTTP/2 or HTTP/3 transport, or a test double. Nothing checks the
// declaration; a RoundTripper that adds credentials of its own, such as an
// OAuth2 transport, must not be declared: put it around the Transport.
func Wire(rt http.RoundTripper) http.RoundTripper { return wire{rt} }

type wire struct{ http.RoundTripper }

// wireOf returns the RoundTripper a Transport may send through, and the
// *http.Transport among them whose proxy is asked, or an error for a base
// that could change what the Transport sends.
func wireOf(base http.RoundTripper) (http.RoundTripper, *http.Transport, error) {
	what := "the base RoundTripper"
	if base == nil {
		base, what = http.DefaultTransport, "http.DefaultTransport"
	}
	switch b := base.(type) {
	case *http.Transport:
		return b, b, nil
	case wire:
		if b.RoundTripper == nil {
			return nil, nil, errors.New("passthrough: httppassthrough.Wire: nil RoundTripper")
		}
		return b, nil, nil
	}
	return nil, nil, fmt.Errorf("passthrough: NewTransport: %s is a %T, which could add, replace or retry what the forwarding sends; "+
		"put it around the Transport instead, or, if it sends requests exactly as given, declare it with httppassthrough.Wire", what, base)
}

// NewTransport returns a Transport sending through base, an
// *http.Transport or a RoundTripper declared with [Wire]
// (http.DefaultTransport when nil), that forwards credentials to origins:
// "https://host[:port]", or "http://host[:port]" with
// [forward.WithInsecure]; a URL with a path names its origin. It accepts
// the options of package [forward].
func NewTransport(base http.RoundTripper, origins []string, opts ...forward.Option) (*Transport, error) {
	cfg, err := forward.NewConfig(opts...)
	if err == nil {
		err = cfg.RefuseSpecific("httppassthrough.NewTransport")
	}
	if err != nil {
		return nil, err
	}
	if len(origins) == 0 {
		return nil, errors.New("passthrough: NewTransport: name at least one origin the credentials may go to (\"https://host[:port]\")")
	}
	base, proxy, err := wireOf(base)
	if err != nil {
		return nil, err
	}
	t := &Transport{base: base, proxy: proxy, origins: map[origin.Origin]struct{}{}, cfg: cfg}
	for _, s := range origins {
		o, err := origin.Parse(s, cfg.Insecure)
		if err != nil {
			return nil, err
		}
		t.origins[o] = struct{}{}
	}
	return t, nil
}

// attaches reports whether credentials may go with r: its origin is
// configured, and, if r follows a redirect (http.Client sets its
// Response), the first request of the chain went to the same origin. A
// redirect whose chain cannot be followed back gets nothing.
func (t *Transport) attaches(r *http.Request) bool {
	o := origin.Of(r.URL)
	if _, ok := t.origins[o]; !ok {
		return false
	}
	first := r
	for first.Response != nil {
		if first.Response.Request == nil {
			return false
		}
		first = first.Response.Request
	}
	return origin.Of(first.URL) == o
}

// RoundTrip implements [http.RoundTripper].
func (t *Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	if !t.attaches(r) {
		return t.base.RoundTrip(r)
	}
	md, send, err := t.cfg.Outgoing(r.Context())
	if err != nil {
		closeBody(r)
		return nil, err
	}
	if !send {
		return t.base.RoundTrip(r)
	}
	if err := t.refuseProxy(r); err != nil {
		closeBody(r)
		return nil, err
	}
	clone := r.Clone(r.Context())
	for k, v := range md.All {
		for name := range clone.Header {
			if strings.EqualFold(name, k) {
				delete(clone.Header, name)
			}
		}
		clone.Header[http.CanonicalHeaderKey(k)] = []string{v}
	}
	return t.base.RoundTrip(clone)
}

// refuseProxy returns an error if r, which is to carry credentials, is
// plaintext and the base transport would send it through a proxy.
func (t *Transport) refuseProxy(r *http.Request) error {
	if t.cfg.PlaintextProxy || t.proxy == nil || t.proxy.Proxy == nil || !strings.EqualFold(r.URL.Scheme, "http") {
		return nil
	}
	if u, err := t.proxy.Proxy(r); err != nil || u == nil {
		return nil // direct, or the transport fails the request itself
	}
	return fmt.Errorf("passthrough: %s is plaintext and the transport sends it through a proxy, which would read the credentials; "+
		"use https://, exclude the host from the proxy (NO_PROXY), or give forward.WithPlaintextProxy() to allow it", origin.Of(r.URL))
}

// closeBody honours the RoundTripper contract: the body is closed even when
// the request is not sent.
func closeBody(r *http.Request) {
	if r.Body != nil {
		_ = r.Body.Close()
	}
}
