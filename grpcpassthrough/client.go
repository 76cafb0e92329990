package grpcpassthrough

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/passthrough-go/passthrough/core"
)

// ClientOption configures [NewClient], [DialOptions], the client interceptors
// and [PerRPCCredentials].
type ClientOption interface {
	applyClient(*clientConfig)
}

type clientOptionFunc func(*clientConfig)

func (f clientOptionFunc) applyClient(c *clientConfig) { f(c) }

type clientConfig struct {
	insecure  bool
	anonymous bool
	tls       *tls.Config
	dial      []grpc.DialOption
	maxValue  int
	errs      []error
}

// WithInsecure allows plaintext connections, and credentials over them. It
// is meant for loopback development servers; without it, credentials are
// only ever sent over a connection with transport security.
func WithInsecure() ClientOption {
	return clientOptionFunc(func(c *clientConfig) { c.insecure = true })
}

// WithAllowAnonymous lets calls whose context carries no credentials go
// ahead without any, instead of failing with codes.Unauthenticated.
func WithAllowAnonymous() ClientOption {
	return clientOptionFunc(func(c *clientConfig) { c.anonymous = true })
}

// WithTLSConfig sets the TLS configuration [NewClient] uses (default: the
// system roots, TLS 1.2 or later). It is cloned.
func WithTLSConfig(cfg *tls.Config) ClientOption {
	return clientOptionFunc(func(c *clientConfig) {
		if cfg == nil {
			c.errs = append(c.errs, errors.New("passthrough: WithTLSConfig: nil config"))
			return
		}
		c.tls = cfg.Clone()
	})
}

// WithDialOptions passes further options to grpc.NewClient.
func WithDialOptions(opts ...grpc.DialOption) ClientOption {
	return clientOptionFunc(func(c *clientConfig) { c.dial = append(c.dial, opts...) })
}

// WithMaxValueSize sets the largest credential value the client sends
// (default [core.DefaultMaxValueSize]).
func WithMaxValueSize(n int) ClientOption {
	return clientOptionFunc(func(c *clientConfig) {
		if n <= 0 {
			c.errs = append(c.errs, fmt.Errorf("passthrough: WithMaxValueSize: size must be positive, got %d", n))
			return
		}
		c.maxValue = n
	})
}

func newClientConfig(opts []ClientOption) (*clientConfig, error) {
	c := &clientConfig{maxValue: core.DefaultMaxValueSize}
	for _, o := range opts {
		if o == nil {
			c.errs = append(c.errs, errors.New("passthrough: nil client option"))
			continue
		}
		o.applyClient(c)
	}
	if c.insecure && c.tls != nil {
		c.errs = append(c.errs, errors.New("passthrough: WithInsecure and WithTLSConfig contradict each other"))
	}
	return c, errors.Join(c.errs...)
}

// NewClient returns a connection to target whose every call carries the
// credentials found in its context (see [UnaryClientInterceptor]).
//
// target is required; there is no fallback to the environment. It may be
// "host:port", any gRPC target such as "dns:///host:port", or a URL
// "https://host[:port]" (port 443 by default) or "http://host[:port]" (port
// 80 by default, and only with [WithInsecure]). Connections use TLS with the
// system roots unless [WithInsecure] or [WithTLSConfig] says otherwise.
// Retries are disabled, so that a rejected call is never sent again with the
// same credentials.
func NewClient(target string, opts ...ClientOption) (*grpc.ClientConn, error) {
	cfg, err := newClientConfig(opts)
	if err != nil {
		return nil, err
	}
	normalized, err := normalizeTarget(target, cfg.insecure)
	if err != nil {
		return nil, err
	}
	var tc credentials.TransportCredentials
	switch {
	case cfg.insecure:
		tc = insecure.NewCredentials()
	case cfg.tls != nil:
		tc = credentials.NewTLS(cfg.tls)
	default:
		tc = credentials.NewTLS(&tls.Config{MinVersion: tls.VersionTLS12})
	}
	dial := []grpc.DialOption{grpc.WithTransportCredentials(tc), grpc.WithDisableRetry()}
	dial = append(dial, dialOptions(cfg)...)
	dial = append(dial, cfg.dial...)
	return grpc.NewClient(normalized, dial...)
}

// normalizeTarget turns the accepted target forms into a gRPC target.
func normalizeTarget(target string, insecure bool) (string, error) {
	target = strings.TrimSpace(target)
	if target == "" {
		return "", errors.New("passthrough: NewClient: target is required (for example \"controlplane.example.com:443\")")
	}
	scheme, rest, found := strings.Cut(target, "://")
	if !found {
		return target, nil
	}
	var defaultPort string
	switch strings.ToLower(scheme) {
	case "https":
		if insecure {
			return "", errors.New("passthrough: NewClient: an https:// target contradicts WithInsecure")
		}
		defaultPort = "443"
	case "http":
		if !insecure {
			return "", errors.New("passthrough: NewClient: an http:// target is plaintext; give WithInsecure() to allow it")
		}
		defaultPort = "80"
	default:
		return target, nil // a gRPC scheme such as dns:/// or unix://
	}
	u, err := url.Parse(scheme + "://" + rest)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
		return "", errors.New("passthrough: NewClient: a URL target must be scheme://host[:port] with nothing after it")
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = defaultPort
	}
	return "dns:///" + net.JoinHostPort(host, port), nil
}

// DialOptions returns the grpc.DialOptions that install the forwarding
// interceptors on a connection you build yourself with grpc.NewClient. Give
// it transport credentials too: without transport security the calls fail
// (unless [WithInsecure] is among opts) instead of sending credentials in
// plaintext. Options that only concern [NewClient] are ignored here.
//
// It panics, with a message starting "passthrough:", if opts are invalid.
func DialOptions(opts ...ClientOption) []grpc.DialOption {
	cfg, err := newClientConfig(opts)
	if err != nil {
		panic(err.Error())
	}
	return dialOptions(cfg)
}

func dialOptions(cfg *clientConfig) []grpc.DialOption {
	f := newForwarder(cfg)
	return []grpc.DialOption{grpc.WithChainUnaryInterceptor(f.unary), grpc.WithChainStreamInterceptor(f.stream)}
}

// UnaryClientInterceptor returns the interceptor that forwards the
// credentials in each call's context. For every call it
//
//   - fails with codes.Unauthenticated, sending nothing, if the context
//     carries no [core.Metadata] (unless [WithAllowAnonymous]);
//   - fails with codes.InvalidArgument if a credential is not valid gRPC
//     metadata (the error names the key, never the value);
//   - removes the forwarded keys from the context's outgoing metadata, so
//     that each key has exactly one value: the passthrough Metadata wins
//     over metadata appended with metadata.AppendToOutgoingContext, and
//     every other outgoing key is kept;
//   - attaches the credentials as per-call credentials that require
//     transport security (unless [WithInsecure]), so that gRPC refuses to
//     send them over a plaintext connection.
//
// It panics, with a message starting "passthrough:", if opts are invalid.
func UnaryClientInterceptor(opts ...ClientOption) grpc.UnaryClientInterceptor {
	cfg, err := newClientConfig(opts)
	if err != nil {
		panic(err.Error())
	}
	return newForwarder(cfg).unary
}

// StreamClientInterceptor is [UnaryClientInterceptor] for streaming calls.
func StreamClientInterceptor(opts ...ClientOption) grpc.StreamClientInterceptor {
	cfg, err := newClientConfig(opts)
	if err != nil {
		panic(err.Error())
	}
	return newForwarder(cfg).stream
}

// PerRPCCredentials returns credentials that send the Metadata of each
// call's context, for use with grpc.WithPerRPCCredentials where interceptors
// are not wanted. A call without credentials fails with
// codes.Unauthenticated. Unlike the interceptors, it cannot remove the same
// keys from the call's outgoing metadata: prefer [DialOptions].
func PerRPCCredentials(opts ...ClientOption) credentials.PerRPCCredentials {
	cfg, err := newClientConfig(opts)
	if err != nil {
		panic(err.Error())
	}
	return newCallCredentials(cfg)
}

// forwarder is the interceptors' state: the policy to check each call
// against, and the per-call credentials attached to calls that passed.
type forwarder struct {
	policy callCredentials
	creds  grpc.CallOption
}

func newForwarder(cfg *clientConfig) *forwarder {
	policy := newCallCredentials(cfg)
	// The interceptor has checked the call before it attaches these, so
	// they only read the Metadata; gRPC still enforces transport security.
	checked := policy
	checked.checked = true
	return &forwarder{policy: policy, creds: grpc.PerRPCCredentials(checked)}
}

var errNoCredentials = status.Error(codes.Unauthenticated,
	"passthrough: the call's context carries no caller credentials (pass the request's context, or use core.WithMetadata)")

// asStatus gives core.Outgoing's error its gRPC code.
func asStatus(err error) error {
	if errors.Is(err, core.ErrMissingCredentials) {
		return errNoCredentials
	}
	return status.Error(codes.InvalidArgument, err.Error())
}

// prepare checks the call's credentials and returns the context to send it
// with, and whether credentials are attached.
func (f *forwarder) prepare(ctx context.Context) (context.Context, bool, error) {
	md, send, err := f.policy.outgoing(ctx)
	if err != nil {
		return nil, false, err
	}
	if !send {
		return ctx, false, nil
	}
	if out, ok := metadata.FromOutgoingContext(ctx); ok {
		var clean metadata.MD
		for k := range md.All {
			if _, dup := out[k]; dup {
				if clean == nil {
					clean = out.Copy()
				}
				delete(clean, k)
			}
		}
		if clean != nil {
			ctx = metadata.NewOutgoingContext(ctx, clean)
		}
	}
	return ctx, true, nil
}

func (f *forwarder) unary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	ctx, send, err := f.prepare(ctx)
	if err != nil {
		return err
	}
	if send {
		opts = append(opts, f.creds)
	}
	return invoker(ctx, method, req, reply, cc, opts...)
}

func (f *forwarder) stream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	ctx, send, err := f.prepare(ctx)
	if err != nil {
		return nil, err
	}
	if send {
		opts = append(opts, f.creds)
	}
	return streamer(ctx, desc, cc, method, opts...)
}

// callCredentials reads the Metadata from the call's context.
type callCredentials struct {
	requireSecurity bool
	anonymous       bool
	maxValue        int
	checked         bool // attached by the interceptor, which checked the call already
}

func newCallCredentials(cfg *clientConfig) callCredentials {
	return callCredentials{requireSecurity: !cfg.insecure, anonymous: cfg.anonymous, maxValue: cfg.maxValue}
}

// outgoing is [core.Outgoing] with this policy, its error a gRPC status.
func (c callCredentials) outgoing(ctx context.Context) (core.Metadata, bool, error) {
	md, send, err := core.Outgoing(ctx, c.anonymous, c.maxValue)
	if err != nil {
		return md, false, asStatus(err)
	}
	return md, send, nil
}

func (c callCredentials) GetRequestMetadata(ctx context.Context, _ ...string) (map[string]string, error) {
	var md core.Metadata
	if c.checked {
		md, _ = core.FromContext(ctx)
	} else {
		var send bool
		var err error
		if md, send, err = c.outgoing(ctx); err != nil || !send {
			return nil, err
		}
	}
	out := make(map[string]string, md.Len())
	for k, v := range md.All {
		out[k] = v
	}
	return out, nil
}

func (c callCredentials) RequireTransportSecurity() bool { return c.requireSecurity }
