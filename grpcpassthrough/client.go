package grpcpassthrough

import (
	"context"
	"crypto/tls"
	"errors"
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
	"github.com/passthrough-go/passthrough/forward"
)

// ClientOption configures [NewClient], [DialOptions] and the client
// interceptors. It is [forward.Option]: the options of package forward
// ([forward.WithAllowAnonymous], [forward.WithMaxValueSize], ...) mean the
// same here as for every other forwarding client, and the options below
// that concern gRPC only are refused by the others.
type ClientOption = forward.Option

// WithInsecure returns [forward.WithInsecure], the option every forwarding
// client shares: plaintext connections, and credentials over them.
//
// Deprecated: use forward.WithInsecure, the one name for this option.
func WithInsecure() ClientOption { return forward.WithInsecure() }

// tlsConfig and dialOptions are the options only gRPC understands.
type (
	tlsConfig   struct{ cfg *tls.Config }
	dialOptions []grpc.DialOption
)

func (tlsConfig) OptionName() string   { return "grpcpassthrough.WithTLSConfig" }
func (dialOptions) OptionName() string { return "grpcpassthrough.WithDialOptions" }

// WithTLSConfig sets the TLS configuration [NewClient] uses (default: the
// system roots, TLS 1.2 or later). It is cloned. Only NewClient accepts it.
func WithTLSConfig(cfg *tls.Config) ClientOption {
	if cfg == nil {
		return forward.WithSpecific(tlsConfig{})
	}
	return forward.WithSpecific(tlsConfig{cfg.Clone()})
}

// WithDialOptions passes further options to grpc.NewClient. Only
// [NewClient] accepts it.
func WithDialOptions(opts ...grpc.DialOption) ClientOption {
	return forward.WithSpecific(dialOptions(opts))
}

type clientConfig struct {
	*forward.Config
	tls  *tls.Config
	dial []grpc.DialOption
}

// newClientConfig resolves opts for the constructor named by client;
// only NewClient accepts the gRPC-specific options.
func newClientConfig(opts []ClientOption, client string) (*clientConfig, error) {
	fc, err := forward.NewConfig(opts...)
	if err != nil {
		return nil, err
	}
	c := &clientConfig{Config: fc}
	var errs []error
	for _, s := range fc.Specific() {
		if client != "grpcpassthrough.NewClient" {
			errs = append(errs, fc.Refuse(s, client))
			continue
		}
		switch s := s.(type) {
		case tlsConfig:
			if s.cfg == nil {
				errs = append(errs, errors.New("passthrough: WithTLSConfig: nil config"))
			}
			c.tls = s.cfg
		case dialOptions:
			c.dial = append(c.dial, s...)
		default:
			errs = append(errs, fc.Refuse(s, client))
		}
	}
	if c.Insecure && c.tls != nil {
		errs = append(errs, errors.New("passthrough: WithInsecure and WithTLSConfig contradict each other"))
	}
	return c, errors.Join(errs...)
}

// NewClient returns a connection to target whose every call carries the
// credentials found in its context (see [UnaryClientInterceptor]).
//
// target is required; there is no fallback to the environment. It may be
// "host:port", any gRPC target such as "dns:///host:port", or a URL
// "https://host[:port]" (port 443 by default) or "http://host[:port]" (port
// 80 by default, and only with [forward.WithInsecure]). Connections use TLS
// with the system roots unless [forward.WithInsecure] or [WithTLSConfig]
// says otherwise.
// Retries are disabled, so that a rejected call is never sent again with the
// same credentials. A plaintext connection dials its target directly, never
// through the proxy of the environment (HTTPS_PROXY), which would read the
// credentials, unless [forward.WithPlaintextProxy].
//
// The caller's dial options ([WithDialOptions]) come first; the forwarding
// has the last word on the forwarded keys: per-RPC credentials of the
// connection, or a caller's interceptor appending metadata, cannot put a
// second value beside the caller's credential.
func NewClient(target string, opts ...ClientOption) (*grpc.ClientConn, error) {
	cfg, err := newClientConfig(opts, "grpcpassthrough.NewClient")
	if err != nil {
		return nil, err
	}
	normalized, err := normalizeTarget(target, cfg.Insecure)
	if err != nil {
		return nil, err
	}
	var tc credentials.TransportCredentials
	switch {
	case cfg.Insecure:
		tc = insecure.NewCredentials()
	case cfg.tls != nil:
		tc = credentials.NewTLS(cfg.tls)
	default:
		tc = credentials.NewTLS(&tls.Config{MinVersion: tls.VersionTLS12})
	}
	dial := []grpc.DialOption{grpc.WithTransportCredentials(tc), grpc.WithDisableRetry()}
	// The forwarding options come after the caller's dial options, so that
	// they have the last word on the forwarded keys (see dialOptionsFor).
	dial = append(dial, cfg.dial...)
	dial = append(dial, dialOptionsFor(cfg)...)
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
			return "", errors.New("passthrough: NewClient: an http:// target is plaintext; give forward.WithInsecure() to allow it")
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

// DialOptions returns the grpc.DialOptions that install the forwarding on
// a connection you build yourself with grpc.NewClient. Give them after
// your own dial options, so that they have the last word on the forwarded
// keys, as [NewClient] does; and give transport credentials too: without
// transport security the calls fail (unless [forward.WithInsecure] is
// among opts) instead of sending credentials in plaintext.
func DialOptions(opts ...ClientOption) ([]grpc.DialOption, error) {
	cfg, err := newClientConfig(opts, "grpcpassthrough.DialOptions")
	if err != nil {
		return nil, err
	}
	return dialOptionsFor(cfg), nil
}

// dialOptionsFor is how a connection forwards: the interceptors check each
// call and mark its context with the credentials to send, and the same
// credentials are the connection's last per-RPC credentials. gRPC merges
// the per-RPC credentials of a connection into one map, later ones
// replacing earlier ones key by key, and then adds the call's own: so a
// credential of the connection (grpc.WithPerRPCCredentials among the
// caller's dial options) cannot put a second value beside the caller's,
// as a per-call credential could not prevent. The interceptors come last
// in the chain, nearest the wire, so that metadata a caller's interceptor
// appends under a forwarded key is removed too.
func dialOptionsFor(cfg *clientConfig) []grpc.DialOption {
	f := newForwarder(cfg, false)
	opts := []grpc.DialOption{
		grpc.WithChainUnaryInterceptor(f.unary),
		grpc.WithChainStreamInterceptor(f.stream),
		grpc.WithPerRPCCredentials(f.creds),
	}
	if cfg.Insecure && !cfg.PlaintextProxy {
		// A proxy tunnels a plaintext connection without protecting it,
		// and would read the credentials: dial the target directly.
		opts = append(opts, grpc.WithNoProxy())
	}
	return opts
}

// UnaryClientInterceptor returns the interceptor that forwards the
// credentials in each call's context. For every call it
//
//   - fails with codes.Unauthenticated, sending nothing, if the context
//     carries no [core.Metadata] (unless [forward.WithAllowAnonymous]);
//   - fails with codes.InvalidArgument if a credential is not valid gRPC
//     metadata (the error names the key, never the value);
//   - removes the forwarded keys from the context's outgoing metadata, so
//     that each key has exactly one value: the passthrough Metadata wins
//     over metadata appended with metadata.AppendToOutgoingContext, and
//     every other outgoing key is kept; the caller's metadata is not
//     modified;
//   - attaches the credentials as per-call credentials, sent only over a
//     connection with transport security (unless [forward.WithInsecure]):
//     a call over plaintext fails with codes.Unauthenticated.
//
// A standalone interceptor cannot stop per-RPC credentials of the
// connection (grpc.WithPerRPCCredentials) from adding a second value
// under a forwarded key; [NewClient] and [DialOptions] can, and do.
func UnaryClientInterceptor(opts ...ClientOption) (grpc.UnaryClientInterceptor, error) {
	cfg, err := newClientConfig(opts, "grpcpassthrough.UnaryClientInterceptor")
	if err != nil {
		return nil, err
	}
	return newForwarder(cfg, true).unary, nil
}

// StreamClientInterceptor is [UnaryClientInterceptor] for streaming calls.
func StreamClientInterceptor(opts ...ClientOption) (grpc.StreamClientInterceptor, error) {
	cfg, err := newClientConfig(opts, "grpcpassthrough.StreamClientInterceptor")
	if err != nil {
		return nil, err
	}
	return newForwarder(cfg, true).stream, nil
}

// forwarder is the interceptors' state: the policy to check each call
// against, and the credentials that send what a call's check allowed;
// perCall attaches them to each call, when the interceptor is used without
// the connection's per-RPC credentials.
type forwarder struct {
	cfg     *forward.Config
	creds   callCredentials
	perCall grpc.CallOption
}

func newForwarder(cfg *clientConfig, perCall bool) *forwarder {
	f := &forwarder{cfg: cfg.Config, creds: callCredentials{requireSecurity: !cfg.Insecure}}
	if perCall {
		f.perCall = grpc.PerRPCCredentials(f.creds)
	}
	return f
}

// checkedKey marks a call's context with the Metadata its interceptor
// checked: what the credentials send, and all they send.
type checkedKey struct{}

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
	md, send, err := f.cfg.Outgoing(ctx)
	if err != nil {
		return nil, false, asStatus(err)
	}
	// Marked even when nothing is sent, so that a context marked by an
	// earlier call sends nothing now.
	ctx = context.WithValue(ctx, checkedKey{}, md)
	if !send {
		return ctx, false, nil
	}
	// out is a copy with lower-case keys, so the caller's metadata is
	// never touched; the forwarded keys are lower-case too.
	if out, ok := metadata.FromOutgoingContext(ctx); ok {
		dup := false
		for k := range md.All {
			if _, ok := out[k]; ok {
				delete(out, k)
				dup = true
			}
		}
		if dup {
			ctx = metadata.NewOutgoingContext(ctx, out)
		}
	}
	return ctx, true, nil
}

func (f *forwarder) unary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	ctx, send, err := f.prepare(ctx)
	if err != nil {
		return err
	}
	if send && f.perCall != nil {
		opts = append(opts, f.perCall)
	}
	return invoker(ctx, method, req, reply, cc, opts...)
}

func (f *forwarder) stream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	ctx, send, err := f.prepare(ctx)
	if err != nil {
		return nil, err
	}
	if send && f.perCall != nil {
		opts = append(opts, f.perCall)
	}
	return streamer(ctx, desc, cc, method, opts...)
}

// callCredentials sends the Metadata the interceptor checked for the call
// (nothing for a call it did not check), and only over a connection with
// transport security unless requireSecurity is false. It makes that check
// itself rather than through RequireTransportSecurity, because gRPC makes
// that one for per-RPC credentials of a connection only when the
// connection is built, and only for its own plaintext credentials.
type callCredentials struct{ requireSecurity bool }

var errPlaintext = status.Error(codes.Unauthenticated,
	"passthrough: credentials are sent only over a connection with transport security; give forward.WithInsecure() to allow plaintext")

func (c callCredentials) GetRequestMetadata(ctx context.Context, _ ...string) (map[string]string, error) {
	md, _ := ctx.Value(checkedKey{}).(core.Metadata)
	if md.Len() == 0 {
		return nil, nil
	}
	if c.requireSecurity {
		ri, _ := credentials.RequestInfoFromContext(ctx)
		if credentials.CheckSecurityLevel(ri.AuthInfo, credentials.PrivacyAndIntegrity) != nil {
			return nil, errPlaintext
		}
	}
	out := make(map[string]string, md.Len())
	for k, v := range md.All {
		out[k] = v
	}
	return out, nil
}

func (c callCredentials) RequireTransportSecurity() bool { return false }
