package forward

import (
	"context"
	"errors"
	"fmt"

	"github.com/passthrough-go/passthrough/core"
)

// Option configures a forwarding client. The same value means the same
// thing to every client that accepts it.
type Option interface {
	apply(*Config)
}

type optionFunc func(*Config)

func (f optionFunc) apply(c *Config) { f(c) }

// Config is for client authors: the configuration a forwarding client was
// built with. Clients make it with [NewConfig]; its zero value is not meant
// to be used. A service passes options instead.
type Config struct {
	// Insecure allows credentials over plaintext: see [WithInsecure].
	Insecure bool
	// AllowAnonymous lets calls without credentials go ahead: see
	// [WithAllowAnonymous].
	AllowAnonymous bool
	// MaxValueSize is the largest credential value sent.
	MaxValueSize int
	// PlaintextProxy lets credentials travel in plaintext through a
	// proxy: see [WithPlaintextProxy].
	PlaintextProxy bool

	specific []Specific
	errs     []error
}

// WithInsecure lets credentials travel over plaintext (http://, or a gRPC
// connection without transport security). It is meant for loopback
// development servers; without it a forwarding client sends credentials
// only over TLS.
func WithInsecure() Option {
	return optionFunc(func(c *Config) { c.Insecure = true })
}

// WithPlaintextProxy lets credentials travel in plaintext through a
// proxy, which can read them. Without it, a request with credentials for
// a plaintext origin (allowed by [WithInsecure]) that the transport would
// send through a proxy (HTTP_PROXY, http.Transport.Proxy) is refused
// before anything is sent, and a plaintext gRPC connection dials its
// target directly, never through the proxy of the environment. Over TLS a
// proxy only tunnels the connection and sees no credentials, so this
// option changes nothing there.
func WithPlaintextProxy() Option {
	return optionFunc(func(c *Config) { c.PlaintextProxy = true })
}

// WithAllowAnonymous lets a call whose context carries no credentials go
// ahead without any, instead of failing before anything is sent.
func WithAllowAnonymous() Option {
	return optionFunc(func(c *Config) { c.AllowAnonymous = true })
}

// WithMaxValueSize sets the largest credential value a client sends
// (default [core.DefaultMaxValueSize]); a call with a larger one fails
// before anything is sent. n must be positive.
func WithMaxValueSize(n int) Option {
	return optionFunc(func(c *Config) {
		if n <= 0 {
			c.errs = append(c.errs, fmt.Errorf("passthrough: WithMaxValueSize: size must be positive, got %d", n))
			return
		}
		c.MaxValueSize = n
	})
}

// Specific is for client authors: the value of an option that only one
// kind of client understands, such as grpcpassthrough.WithDialOptions. The
// client it is meant for finds it in [Config.Specific]; every other client
// refuses it with [Config.Refuse].
type Specific interface {
	// OptionName is the option as a user writes it, for error messages:
	// "grpcpassthrough.WithDialOptions".
	OptionName() string
}

// WithSpecific is for client authors: it wraps an option that only one
// kind of client understands. Packages that define such options use it,
// as grpcpassthrough.WithDialOptions does; a service uses those options,
// never WithSpecific. A nil s is an error.
func WithSpecific(s Specific) Option {
	return optionFunc(func(c *Config) {
		if s == nil {
			c.errs = append(c.errs, errors.New("passthrough: nil specific option"))
			return
		}
		c.specific = append(c.specific, s)
	})
}

// NewConfig is for client authors: a forwarding client's constructor calls
// it to apply opts, in order, to the defaults; it reports every invalid
// option at once.
func NewConfig(opts ...Option) (*Config, error) {
	c := &Config{MaxValueSize: core.DefaultMaxValueSize}
	for _, o := range opts {
		if o == nil {
			c.errs = append(c.errs, errors.New("passthrough: nil option"))
			continue
		}
		o.apply(c)
	}
	return c, errors.Join(c.errs...)
}

// Specific returns the client-specific options, in the order given.
func (c *Config) Specific() []Specific { return c.specific }

// Refuse is the error a client returns for a specific option it does not
// understand; client names the constructor, "httppassthrough.NewTransport".
func (c *Config) Refuse(s Specific, client string) error {
	return fmt.Errorf("passthrough: %s does not apply to %s", s.OptionName(), client)
}

// RefuseSpecific returns the error for the first specific option, if any:
// for clients that understand none.
func (c *Config) RefuseSpecific(client string) error {
	if len(c.specific) > 0 {
		return c.Refuse(c.specific[0], client)
	}
	return nil
}

// Outgoing is the check every forwarding client makes before a call: the
// credentials to send for ctx, per [core.Outgoing] with this
// configuration. send is false when ctx has none and anonymous calls are
// allowed; otherwise the error is [core.ErrMissingCredentials] or a
// *[core.PairError], which never contains a value.
func (c *Config) Outgoing(ctx context.Context) (md core.Metadata, send bool, err error) {
	return core.Outgoing(ctx, c.AllowAnonymous, c.MaxValueSize)
}
