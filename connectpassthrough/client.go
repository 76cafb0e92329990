package connectpassthrough

import (
	"errors"
	"fmt"
	"net/http"

	"connectrpc.com/connect"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
	"github.com/passthrough-go/passthrough/httppassthrough"
	"github.com/passthrough-go/passthrough/internal/origin"
)

// NewClient returns the HTTP client to build Connect clients of baseURL
// with (connect.NewClient, or a generated New…Client given the same
// baseURL). Every request it sends carries the credentials in the call's
// context, through an [httppassthrough.Transport] configured for
// baseURL's origin, so that every check is made per request and per
// redirect hop:
//
//   - credentials go only to baseURL's origin: a call of a Connect client
//     built on another origin fails with connect.CodeInvalidArgument,
//     naming both origins, before anything is sent; a redirect to another
//     origin or down to http:// is followed without credentials;
//   - baseURL must be https:// unless [forward.WithInsecure];
//   - a call whose context carries no credentials fails with
//     connect.CodeUnauthenticated before anything is sent (unless
//     [forward.WithAllowAnonymous]), one with an invalid credential with
//     connect.CodeInvalidArgument (naming the key, never the value);
//   - the caller's request and its headers are never modified; each
//     forwarded key has exactly one value, whatever case the caller set it
//     in, and every other header is kept.
//
// base supplies the timeout, redirect policy, cookie jar and transport
// (http.DefaultTransport when base or its Transport is nil), which is the
// base of an [httppassthrough.Transport] and so an *http.Transport or one
// declared with [httppassthrough.Wire]; base is copied, not modified.
// Connect clients do not retry.
func NewClient(baseURL string, base *http.Client, opts ...forward.Option) (connect.HTTPClient, error) {
	cfg, err := forward.NewConfig(opts...)
	if err == nil {
		err = cfg.RefuseSpecific("connectpassthrough.NewClient")
	}
	if err != nil {
		return nil, err
	}
	if baseURL == "" {
		return nil, errors.New("passthrough: connectpassthrough.NewClient: base URL is required (\"https://host[:port]\")")
	}
	hc := &http.Client{}
	if base != nil {
		*hc = *base
	}
	tr, err := httppassthrough.NewTransport(hc.Transport, []string{baseURL}, opts...)
	if err != nil {
		return nil, err
	}
	o, _ := origin.Parse(baseURL, true) // NewTransport accepted it
	hc.Transport = tr
	return client{hc: hc, origin: o}, nil
}

// client refuses a call to another origin than the one it was built for,
// and gives the Transport's refusals their Connect codes; Connect keeps
// the code of a *connect.Error that HTTPClient.Do returns.
type client struct {
	hc     *http.Client
	origin origin.Origin
}

var errNoCredentials = connect.NewError(connect.CodeUnauthenticated,
	errors.New("passthrough: the call's context carries no caller credentials (pass the request's context, or use core.WithMetadata)"))

func (c client) Do(r *http.Request) (*http.Response, error) {
	if o := origin.Of(r.URL); o != c.origin {
		if r.Body != nil {
			_ = r.Body.Close()
		}
		return nil, connect.NewError(connect.CodeInvalidArgument, fmt.Errorf(
			"passthrough: the call is for %s, but this client was built for %s and sends nothing elsewhere; "+
				"build the Connect client with the same base URL (scheme, host and port as written: localhost is not 127.0.0.1)", o, c.origin))
	}
	resp, err := c.hc.Do(r)
	if err == nil {
		return resp, nil
	}
	var pe *core.PairError
	switch {
	case errors.Is(err, core.ErrMissingCredentials):
		err = errNoCredentials
	case errors.As(err, &pe):
		err = connect.NewError(connect.CodeInvalidArgument, pe)
	}
	return resp, err
}
