package core

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/passthrough-go/passthrough/extractors"
)

// Option configures an [Engine], and through it every adapter's middleware.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// Skipper decides, per request, that the middleware lets the request through
// without looking for credentials and without putting any in its context.
type Skipper func(r extractors.Request) bool

type config struct {
	exact      []string
	prefixes   []string
	extractors []extractors.Extractor
	infos      []extractors.Info
	logger     *slog.Logger
	optional   bool
	skipper    Skipper
	maxValue   int
	errs       []error
}

func (c *config) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("passthrough: "+format, args...))
}

// WithExcludedPaths lets requests whose path is exactly one of paths through
// without credentials; nothing is put in their context, even if the caller
// sent credentials. Matching is byte-for-byte on the path the framework
// routes on, so that no other spelling (encoded characters, dot segments,
// double slashes, case, a trailing slash) is excluded. For gRPC servers the
// paths are full method names such as "/pkg.Service/Method".
//
// Each path must start with "/" and must not contain '%', '?', '#', white
// space, control characters, empty segments or dot segments.
func WithExcludedPaths(paths ...string) Option {
	return optionFunc(func(c *config) {
		for _, p := range paths {
			if err := checkPattern(p); err != nil {
				c.fail("excluded path %q: %v", p, err)
				continue
			}
			c.exact = append(c.exact, p)
		}
	})
}

// WithExcludedPrefixes excludes every path under each prefix, bounded by
// segments: "/public" excludes "/public" and "/public/a" but not "/publicity".
// A path under a prefix is excluded only if the rest of it is plain: no
// encoded characters, dot segments, empty segments, ';' or '\', so that no
// spelling can climb out of the prefix into a protected route. The
// prefixes follow the rules of [WithExcludedPaths]; a trailing "/" is
// ignored, and "/" alone is refused (use [WithSkipper] to disable the
// middleware).
func WithExcludedPrefixes(prefixes ...string) Option {
	return optionFunc(func(c *config) {
		for _, p := range prefixes {
			if err := checkPattern(p); err != nil {
				c.fail("excluded prefix %q: %v", p, err)
				continue
			}
			p = strings.TrimSuffix(p, "/")
			if p == "" {
				c.fail(`excluded prefix "/" would exclude every path`)
				continue
			}
			c.prefixes = append(c.prefixes, p)
		}
	})
}

// WithExtractors replaces the default extractors ([extractors.Default]).
// Each extractor's key is checked when the middleware is built: reserved,
// hop-by-hop and invalid names are refused, and so are two extractors with
// the same key.
func WithExtractors(ex ...extractors.Extractor) Option {
	return optionFunc(func(c *config) {
		if len(ex) == 0 {
			c.fail("WithExtractors needs at least one extractor")
			return
		}
		c.extractors = append([]extractors.Extractor(nil), ex...)
	})
}

// WithLogger sets the logger for refusals and recovered extractor panics
// (default [slog.Default]). Log records carry metadata keys and reasons,
// never credential values.
func WithLogger(l *slog.Logger) Option {
	return optionFunc(func(c *config) {
		if l == nil {
			c.fail("WithLogger: nil logger")
			return
		}
		c.logger = l
	})
}

// WithOptional makes credentials optional: a request without any reaches
// the handler with no Metadata in its context. Malformed or ambiguous
// credentials are still refused.
func WithOptional() Option {
	return optionFunc(func(c *config) { c.optional = true })
}

// WithSkipper lets requests for which skip returns true through untouched,
// like an excluded path. A skipper that panics is treated as false.
func WithSkipper(skip Skipper) Option {
	return optionFunc(func(c *config) {
		if skip == nil {
			c.fail("WithSkipper: nil skipper")
			return
		}
		c.skipper = skip
	})
}

// WithMaxValueSize sets the largest credential value, in bytes, that is
// forwarded (default [DefaultMaxValueSize]); larger ones are refused with
// status 431.
func WithMaxValueSize(n int) Option {
	return optionFunc(func(c *config) {
		if n <= 0 {
			c.fail("WithMaxValueSize: size must be positive, got %d", n)
			return
		}
		c.maxValue = n
	})
}

func newConfig(opts []Option) (*config, error) {
	c := &config{maxValue: DefaultMaxValueSize}
	for _, o := range opts {
		if o == nil {
			c.fail("nil option")
			continue
		}
		o.apply(c)
	}
	if c.extractors == nil {
		c.extractors = extractors.Default()
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	seen := make(map[string]int, len(c.extractors))
	c.infos = make([]extractors.Info, len(c.extractors))
	for i, ex := range c.extractors {
		info, err := extractors.Check(ex)
		if err != nil {
			c.errs = append(c.errs, fmt.Errorf("%w (extractor %d)", err, i))
			continue
		}
		c.infos[i] = info
		key := info.Key
		if key == "" {
			continue // found nothing in the synthetic request; checked per request
		}
		if err := ValidateKey(key); err != nil {
			c.fail("extractor %d: %v", i, err)
			continue
		}
		if j, dup := seen[key]; dup {
			c.fail("extractors %d and %d both forward %q", j, i, key)
			continue
		}
		seen[key] = i
	}
	return c, errors.Join(c.errs...)
}

// checkPattern validates an exclusion pattern.
func checkPattern(p string) error {
	if p == "" {
		return errors.New("empty")
	}
	if p[0] != '/' {
		return errors.New(`must start with "/"`)
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c <= ' ' || c >= 0x7f || c == '%' || c == '?' || c == '#' || c == '\\' {
			return errors.New("contains a character that is not allowed")
		}
	}
	trimmed := strings.TrimSuffix(p, "/")
	if trimmed == "" {
		return nil
	}
	for seg := range strings.SplitSeq(trimmed[1:], "/") {
		if seg == "" || seg == "." || seg == ".." {
			return errors.New("contains an empty or dot segment")
		}
	}
	return nil
}
