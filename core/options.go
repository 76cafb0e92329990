package core

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
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
	exact      []exclusion
	prefixes   []exclusion
	extractors []extractors.Extractor
	logger     *slog.Logger
	optional   bool
	skipper    Skipper
	maxValue   int
	errs       []error
}

// exclusion is one parsed pattern: a path (or prefix) and the method it is
// limited to, "" for every method.
type exclusion struct {
	method, path string
	prefix       bool // from WithExcludedPrefixes
}

// methodMatches reports whether an exclusion for method m covers a request
// with method got. As with net/http.ServeMux patterns, "GET" also covers
// "HEAD", unless the router routes HEAD apart (see [HeadNotGet]).
func methodMatches(m, got string, headIsGet bool) bool {
	return m == "" || m == got || (headIsGet && m == http.MethodGet && got == http.MethodHead)
}

func (c *config) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("passthrough: "+format, args...))
}

// WithExcludedPaths lets requests whose path is exactly one of patterns
// through without credentials; nothing is put in their context, even if the
// caller sent credentials.
//
// A pattern is a path, such as "/health", which excludes it for every
// method, or a method, one space and a path, such as "GET /health", in the
// spelling of [net/http.ServeMux] patterns: it excludes the path for that
// method only. Methods are upper-case. "GET" also covers "HEAD" where the
// router sends HEAD to GET routes (net/http.ServeMux, Fiber), and not
// where it does not (Gin, Echo): each adapter documents which.
//
// Matching is byte-for-byte on the path the framework routes on (each
// adapter documents which one that is), so that no other spelling (encoded
// characters, dot segments, double slashes, case, a trailing slash) is
// excluded. For gRPC and Connect servers the paths are full method names
// such as "/pkg.Service/Method", and every call's method is "POST".
//
// Each path must start with "/" and must not contain '%', '?', '#', white
// space, control characters, empty segments or dot segments. Route
// wildcards ("{id}", "{rest...}", "*", ":id") are refused, with a hint:
// use [WithExcludedPrefixes] for a subtree. Patterns name no host.
//
// An adapter that can ask its router which route it chose (see
// [Engine.DecideRoute]) applies an exclusion only to a request the router
// sends to the excluded route.
func WithExcludedPaths(patterns ...string) Option {
	return optionFunc(func(c *config) {
		for _, p := range patterns {
			x, err := parsePattern(p)
			if err != nil {
				c.fail("WithExcludedPaths: pattern %q: %v", p, err)
				continue
			}
			c.exact = append(c.exact, x)
		}
	})
}

// WithExcludedPrefixes excludes every path under each prefix, bounded by
// segments: "/public" excludes "/public" and "/public/a" but not "/publicity".
// Patterns may name a method, as "GET /public"; see [WithExcludedPaths].
// A path under a prefix is excluded only if the rest of it is plain: no
// encoded characters, dot segments, empty segments, ';' or '\', so that no
// spelling can climb out of the prefix into a protected route. The
// prefixes follow the rules of [WithExcludedPaths]; a trailing "/" is
// ignored, and "/" alone is refused (use [WithSkipper] to disable the
// middleware).
func WithExcludedPrefixes(patterns ...string) Option {
	return optionFunc(func(c *config) {
		for _, p := range patterns {
			x, err := parsePattern(p)
			if err != nil {
				c.fail("WithExcludedPrefixes: pattern %q: %v", p, err)
				continue
			}
			x.path, x.prefix = strings.TrimSuffix(x.path, "/"), true
			if x.path == "" {
				c.fail("WithExcludedPrefixes: pattern %q would exclude every path; use WithSkipper to turn the middleware off", p)
				continue
			}
			c.prefixes = append(c.prefixes, x)
		}
	})
}

// WithExtractors replaces the default extractors ([extractors.Default]).
// Each extractor is checked when the middleware is built: a zero or invalid
// extractor, a reserved, hop-by-hop or invalid key, and two extractors with
// the same key are refused. Extractors run in the order given.
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
	for i, o := range opts {
		if o == nil {
			c.fail("option %d is nil", i)
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
	for i, ex := range c.extractors {
		if err := ex.Err(); err != nil {
			// The extractor's own error already names the problem and
			// carries the prefix.
			c.errs = append(c.errs, fmt.Errorf("%w (WithExtractors, extractor %d)", err, i))
			continue
		}
		key := ex.Key()
		if err := ValidateKey(key); err != nil {
			c.fail("WithExtractors: extractor %d forwards under key %s, which cannot carry a credential; use lower-case letters, digits, '-', '_' or '.', not a reserved or hop-by-hop name", i, quoteKey(key))
			continue
		}
		if j, dup := seen[key]; dup {
			c.fail("WithExtractors: extractors %d and %d both forward %q; keep one", j, i, key)
			continue
		}
		seen[key] = i
	}
	return c, errors.Join(c.errs...)
}

// parsePattern parses "[METHOD ]/path". Its errors say what is wrong and,
// where it can be known, what to write instead.
func parsePattern(p string) (exclusion, error) {
	var x exclusion
	path := p
	if i := strings.IndexAny(p, " \t"); i >= 0 {
		m, rest := p[:i], p[i+1:]
		switch {
		case m == "":
			return x, errors.New(`the pattern starts with white space; write a path such as "/health" or a method, one space and a path, such as "GET /health"`)
		case rest == "":
			return x, fmt.Errorf("the method %q has no path after it; write a method, one space and a path, such as %q", m, m+" /health")
		case rest[0] == ' ' || rest[0] == '\t':
			return x, fmt.Errorf("extra white space after the method; write one space, as in %q", m+" "+strings.TrimLeft(rest, " \t"))
		case p[i] == '\t':
			return x, fmt.Errorf("a tab after the method; write one space, as in %q", m+" "+rest)
		}
		for j := 0; j < len(m); j++ {
			if c := m[j]; c >= 'a' && c <= 'z' {
				return x, fmt.Errorf("the method must be upper-case (methods are case-sensitive, and routers register them upper-case); write %q", strings.ToUpper(m)+" "+rest)
			} else if c < 'A' || c > 'Z' {
				return x, fmt.Errorf(`the method %q must be upper-case letters, as in "GET /health"`, m)
			}
		}
		x.method, path = m, rest
	}
	if path != "" && path[0] != '/' {
		if slash := strings.IndexByte(path, '/'); slash > 0 && !strings.ContainsAny(path[:slash], "{}*") {
			want := path[slash:]
			if x.method != "" {
				want = x.method + " " + want
			}
			return x, fmt.Errorf("exclusions name no host: %q would be a host; a host's routes always need credentials (write %q to exclude the path on every host the router does not route apart)", path[:slash], want)
		}
	}
	if err := checkPattern(path); err != nil {
		return x, err
	}
	if err := checkWildcards(x.method, path); err != nil {
		return x, err
	}
	x.path = path
	return x, nil
}

// checkWildcards refuses a route wildcard in a pattern: ServeMux's "{x}",
// "{x...}" and "{$}", a '*' (Echo's, Fiber's, Gin's "*rest") and a segment
// that starts with ':' (Gin's, Echo's and Fiber's parameters). Exclusions
// match a path byte for byte, so a wildcard would match only a path
// spelled with it; the error names the prefix to use instead.
func checkWildcards(method, path string) error {
	at := -1
	for seg, start := range segments(path) {
		if strings.ContainsAny(seg, "{}*") || strings.HasPrefix(seg, ":") {
			at = start
			break
		}
	}
	if at < 0 {
		return nil
	}
	prefix := strings.TrimSuffix(path[:at], "/")
	if prefix == "" {
		return errors.New("wildcards are not supported: exclusions are literal paths and prefixes, matched byte for byte, and excluding every path would turn the middleware off; use WithSkipper for that")
	}
	if method != "" {
		prefix = method + " " + prefix
	}
	return fmt.Errorf("wildcards are not supported: exclusions are literal paths and prefixes, matched byte for byte; to exclude every path under the wildcard, use WithExcludedPrefixes(%q), or list each path", prefix)
}

// segments yields each segment of path and the index it starts at.
func segments(path string) func(yield func(string, int) bool) {
	return func(yield func(string, int) bool) {
		start := 1
		for i := 1; i <= len(path); i++ {
			if i == len(path) || path[i] == '/' {
				if !yield(path[start:i], start) {
					return
				}
				start = i + 1
			}
		}
	}
}

// checkPattern validates an exclusion pattern's path.
func checkPattern(p string) error {
	if p == "" {
		return errors.New("the path is empty")
	}
	if p[0] != '/' {
		return errors.New(`the path must start with "/"`)
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c <= ' ' || c >= 0x7f || c == '%' || c == '?' || c == '#' || c == '\\' {
			return errors.New("the path contains white space, a control character or one of % ? # \\; write it unencoded")
		}
	}
	trimmed := strings.TrimSuffix(p, "/")
	if trimmed == "" {
		return nil
	}
	for seg := range strings.SplitSeq(trimmed[1:], "/") {
		if seg == "" || seg == "." || seg == ".." {
			return errors.New("the path contains an empty or dot segment")
		}
	}
	return nil
}
