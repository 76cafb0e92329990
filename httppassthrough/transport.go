package httppassthrough

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/passthrough-go/passthrough/core"
)

// TransportOption configures [NewTransport].
type TransportOption interface {
	applyTransport(*transportConfig)
}

type transportOptionFunc func(*transportConfig)

func (f transportOptionFunc) applyTransport(c *transportConfig) { f(c) }

type transportConfig struct {
	insecure  bool
	anonymous bool
	maxValue  int
	errs      []error
}

// WithInsecure lets credentials go to the configured hosts over http://.
func WithInsecure() TransportOption {
	return transportOptionFunc(func(c *transportConfig) { c.insecure = true })
}

// WithAllowAnonymous lets requests to the configured hosts whose context
// carries no credentials go out without any, instead of failing.
func WithAllowAnonymous() TransportOption {
	return transportOptionFunc(func(c *transportConfig) { c.anonymous = true })
}

// WithMaxValueSize sets the largest credential value sent (default
// [core.DefaultMaxValueSize]).
func WithMaxValueSize(n int) TransportOption {
	return transportOptionFunc(func(c *transportConfig) {
		if n <= 0 {
			c.errs = append(c.errs, fmt.Errorf("passthrough: WithMaxValueSize: size must be positive, got %d", n))
			return
		}
		c.maxValue = n
	})
}

// Transport is an [http.RoundTripper] that adds the credentials found in
// each request's context ([core.FromContext]) to requests for the hosts it
// was configured for, and to no others.
//
//   - Requests to other hosts go out untouched, so credentials never follow
//     a redirect or a link to somewhere else.
//   - Credentials go only over https:// unless [WithInsecure].
//   - A request for a configured host whose context has no credentials, or
//     invalid ones, fails before it is sent (unless [WithAllowAnonymous]).
//   - The request is cloned, never modified; each credential header gets
//     exactly one value, replacing any the caller set.
//
// Transport does not retry.
type Transport struct {
	base      http.RoundTripper
	hosts     map[string]struct{}
	insecure  bool
	anonymous bool
	maxValue  int
}

// NewTransport returns a Transport sending through base
// (http.DefaultTransport when nil) that forwards credentials to hosts:
// "host" or "host:port", matched case-insensitively; a host without a port
// matches the scheme's default port.
func NewTransport(base http.RoundTripper, hosts []string, opts ...TransportOption) (*Transport, error) {
	c := &transportConfig{maxValue: core.DefaultMaxValueSize}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("passthrough: nil transport option")
		}
		o.applyTransport(c)
	}
	if err := errors.Join(c.errs...); err != nil {
		return nil, err
	}
	if len(hosts) == 0 {
		return nil, errors.New("passthrough: NewTransport: name at least one host the credentials may go to")
	}
	if base == nil {
		base = http.DefaultTransport
	}
	t := &Transport{base: base, hosts: map[string]struct{}{}, insecure: c.insecure, anonymous: c.anonymous, maxValue: c.maxValue}
	for _, h := range hosts {
		if h == "" || strings.ContainsAny(h, "/?#@ ") {
			return nil, fmt.Errorf("passthrough: NewTransport: invalid host %q (want host or host:port)", h)
		}
		t.hosts[strings.ToLower(h)] = struct{}{}
	}
	return t, nil
}

// forHost reports whether credentials may go to the request's host.
func (t *Transport) forHost(r *http.Request) bool {
	host := strings.ToLower(r.URL.Host)
	if _, ok := t.hosts[host]; ok {
		return true
	}
	// "host" in the configuration matches "host:443" for https and
	// "host:80" for http, and the other way round.
	name, port, err := net.SplitHostPort(host)
	if err != nil {
		name, port = host, defaultPort(r.URL.Scheme)
		_, ok := t.hosts[net.JoinHostPort(name, port)]
		return ok
	}
	if port == defaultPort(r.URL.Scheme) {
		_, ok := t.hosts[name]
		return ok
	}
	return false
}

func defaultPort(scheme string) string {
	if strings.EqualFold(scheme, "http") {
		return "80"
	}
	return "443"
}

// RoundTrip implements [http.RoundTripper].
func (t *Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	if !t.forHost(r) {
		return t.base.RoundTrip(r)
	}
	if !strings.EqualFold(r.URL.Scheme, "https") && !t.insecure {
		closeBody(r)
		return nil, errors.New("passthrough: refusing to send credentials over " + r.URL.Scheme + ":// (give WithInsecure to allow it)")
	}
	md, send, err := core.Outgoing(r.Context(), t.anonymous, t.maxValue)
	if err != nil {
		closeBody(r)
		return nil, err
	}
	if !send {
		return t.base.RoundTrip(r)
	}
	clone := r.Clone(r.Context())
	for k, v := range md.All {
		clone.Header[http.CanonicalHeaderKey(k)] = []string{v}
	}
	return t.base.RoundTrip(clone)
}

// closeBody honours the RoundTripper contract: the body is closed even when
// the request is not sent.
func closeBody(r *http.Request) {
	if r.Body != nil {
		_ = r.Body.Close()
	}
}
