package connectpassthrough

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"connectrpc.com/connect"

	"github.com/passthrough-go/passthrough/core"
)

// ClientOption configures [NewClientInterceptor].
type ClientOption interface {
	apply(*clientConfig)
}

type clientOptionFunc func(*clientConfig)

func (f clientOptionFunc) apply(c *clientConfig) { f(c) }

type clientConfig struct {
	insecure  bool
	anonymous bool
	maxValue  int
	errs      []error
}

// WithInsecure allows a plaintext (http://) base URL, for loopback
// development servers.
func WithInsecure() ClientOption {
	return clientOptionFunc(func(c *clientConfig) { c.insecure = true })
}

// WithAllowAnonymous lets calls whose context carries no credentials go
// ahead without any.
func WithAllowAnonymous() ClientOption {
	return clientOptionFunc(func(c *clientConfig) { c.anonymous = true })
}

// WithMaxValueSize sets the largest credential value sent (default
// [core.DefaultMaxValueSize]).
func WithMaxValueSize(n int) ClientOption {
	return clientOptionFunc(func(c *clientConfig) {
		if n <= 0 {
			c.errs = append(c.errs, fmt.Errorf("passthrough: WithMaxValueSize: size must be positive, got %d", n))
			return
		}
		c.maxValue = n
	})
}

// NewClientInterceptor returns a client interceptor for clients of
// baseURL. baseURL must be https:// (or http:// with [WithInsecure]); give
// the interceptor only to clients of that URL.
//
// For every call it fails with connect.CodeUnauthenticated, sending
// nothing, if the context carries no credentials (unless
// [WithAllowAnonymous]); fails with connect.CodeInvalidArgument if a
// credential is not a valid header value (naming the key, never the value);
// and otherwise sets each credential header, replacing any value the caller
// set on the request, so each key has exactly one value.
func NewClientInterceptor(baseURL string, opts ...ClientOption) (connect.Interceptor, error) {
	c := &clientConfig{maxValue: core.DefaultMaxValueSize}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("passthrough: nil client option")
		}
		o.apply(c)
	}
	if err := errors.Join(c.errs...); err != nil {
		return nil, err
	}
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" || u.User != nil {
		return nil, errors.New("passthrough: NewClientInterceptor: base URL must be scheme://host[:port][/path]")
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !c.insecure {
			return nil, errors.New("passthrough: NewClientInterceptor: an http:// base URL is plaintext; give WithInsecure() to allow it")
		}
	default:
		return nil, fmt.Errorf("passthrough: NewClientInterceptor: unsupported scheme %q", u.Scheme)
	}
	return &clientInterceptor{anonymous: c.anonymous, maxValue: c.maxValue}, nil
}

type clientInterceptor struct {
	anonymous bool
	maxValue  int
}

var errNoCredentials = connect.NewError(connect.CodeUnauthenticated,
	errors.New("passthrough: the call's context carries no caller credentials (pass the request's context, or use core.WithMetadata)"))

// credentials checks the call's context and returns the Metadata to send;
// send is false when there is none and anonymous calls are allowed.
func (i *clientInterceptor) credentials(ctx context.Context) (md core.Metadata, send bool, err error) {
	md, send, err = core.Outgoing(ctx, i.anonymous, i.maxValue)
	switch {
	case errors.Is(err, core.ErrMissingCredentials):
		return md, false, errNoCredentials
	case err != nil:
		return md, false, connect.NewError(connect.CodeInvalidArgument, err)
	}
	return md, send, nil
}

// setHeaders sets each credential header to its one value, replacing any
// the caller set.
func setHeaders(h http.Header, md core.Metadata) {
	for k, v := range md.All {
		h[http.CanonicalHeaderKey(k)] = []string{v}
	}
}

func (i *clientInterceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		if req.Spec().IsClient {
			md, send, err := i.credentials(ctx)
			if err != nil {
				return nil, err
			}
			if send {
				setHeaders(req.Header(), md)
			}
		}
		return next(ctx, req)
	}
}

func (i *clientInterceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return func(ctx context.Context, spec connect.Spec) connect.StreamingClientConn {
		conn := next(ctx, spec)
		md, send, err := i.credentials(ctx)
		if err != nil {
			return &failedConn{StreamingClientConn: conn, err: err}
		}
		if !send {
			return conn
		}
		setHeaders(conn.RequestHeader(), md)
		// The caller may still set headers on the stream before its first
		// message; set ours again just before the request goes out, so they
		// win there too.
		return &credConn{StreamingClientConn: conn, md: md}
	}
}

type credConn struct {
	connect.StreamingClientConn
	once sync.Once
	md   core.Metadata
}

func (c *credConn) reapply() { setHeaders(c.RequestHeader(), c.md) }

func (c *credConn) Send(m any) error {
	c.once.Do(c.reapply)
	return c.StreamingClientConn.Send(m)
}

func (c *credConn) CloseRequest() error {
	c.once.Do(c.reapply)
	return c.StreamingClientConn.CloseRequest()
}

func (i *clientInterceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return next
}

// failedConn is a stream that must not start: it never calls the
// underlying connection's Send or CloseRequest, which would send the
// request, and reports err instead.
type failedConn struct {
	connect.StreamingClientConn
	err error
}

func (f *failedConn) Send(any) error               { return f.err }
func (f *failedConn) CloseRequest() error          { return f.err }
func (f *failedConn) Receive(any) error            { return f.err }
func (f *failedConn) CloseResponse() error         { return nil }
func (f *failedConn) ResponseHeader() http.Header  { return http.Header{} }
func (f *failedConn) ResponseTrailer() http.Header { return http.Header{} }
