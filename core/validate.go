package core

import (
	"errors"
	"strings"
)

// DefaultMaxValueSize is the largest credential value, in bytes, that is
// forwarded unless [WithMaxValueSize] says otherwise.
const DefaultMaxValueSize = 8 << 10

// Errors that say why credentials were refused. They never contain a
// credential value. Test for them with [errors.Is].
var (
	ErrMissingCredentials   = errors.New("passthrough: authentication credentials required")
	ErrMalformedCredentials = errors.New("passthrough: malformed credentials")
	ErrAmbiguousCredentials = errors.New("passthrough: credential header sent more than once")
	ErrCredentialsTooLarge  = errors.New("passthrough: credentials too large")
	ErrInvalidKey           = errors.New("passthrough: invalid metadata key")
)

// PairError reports a credential that cannot be forwarded. It names the key,
// never the value.
type PairError struct {
	Key string // the pair's metadata key
	Err error  // why: ErrInvalidKey, ErrMalformedCredentials or ErrCredentialsTooLarge
}

// Error names the reason and the key, never the value.
func (e *PairError) Error() string {
	return e.Err.Error() + " (key " + quoteKey(e.Key) + ")"
}

// Unwrap returns Err, for errors.Is.
func (e *PairError) Unwrap() error { return e.Err }

// quoteKey quotes a key for an error message, replacing anything outside
// printable ASCII so that a hostile key cannot forge log lines.
func quoteKey(k string) string {
	const max = 64
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(k) && i < max; i++ {
		c := k[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			c = '?'
		}
		b.WriteByte(c)
	}
	if len(k) > max {
		b.WriteString("...")
	}
	b.WriteByte('"')
	return b.String()
}

// reservedKeys are names that describe the transport, not the caller:
// HTTP/1 hop-by-hop headers and those gRPC sets or forbids itself.
var reservedKeys = map[string]struct{}{
	"host": {}, "connection": {}, "keep-alive": {}, "proxy-connection": {},
	"transfer-encoding": {}, "upgrade": {}, "te": {}, "trailer": {},
	"content-type": {}, "content-length": {}, "user-agent": {},
	"proxy-authenticate": {}, "proxy-authorization": {},
}

// ValidateKey is for forwarding-client authors: it reports whether key can
// carry a credential as gRPC metadata: lower-case letters, digits, '-', '_'
// and '.', not binary ("-bin"), not a pseudo-header, not "grpc-" and not a
// hop-by-hop or transport header.
func ValidateKey(key string) error {
	if key == "" {
		return &PairError{Key: key, Err: ErrInvalidKey}
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return &PairError{Key: key, Err: ErrInvalidKey}
		}
	}
	if strings.HasPrefix(key, "grpc-") || strings.HasSuffix(key, "-bin") {
		return &PairError{Key: key, Err: ErrInvalidKey}
	}
	if _, ok := reservedKeys[key]; ok {
		return &PairError{Key: key, Err: ErrInvalidKey}
	}
	return nil
}

// ValidateValue is for forwarding-client authors: it reports whether v can
// travel safely as a gRPC metadata value: printable ASCII only, not empty
// or blank, at most max bytes (max <= 0 means [DefaultMaxValueSize]).
func ValidateValue(v string, max int) error {
	if max <= 0 {
		max = DefaultMaxValueSize
	}
	if len(v) > max {
		return ErrCredentialsTooLarge
	}
	// Eight bytes at a time: the value is usually a token of tens of bytes.
	// A word is valid when no byte has its high bit set (>= 0x80), none
	// borrows when 0x20 is taken from it (< 0x20) and none reaches the high
	// bit when 1 is added (0x7f). With no byte >= 0x80, the addition carries
	// nothing between bytes, and the lowest byte under 0x20 always shows in
	// the subtraction, so the test is exact. A value of 8 bytes or more
	// checks its last, partial word as the overlapping word that ends it.
	const (
		ones   = 0x0101010101010101
		highs  = 0x8080808080808080
		spaces = 0x2020202020202020
	)
	if len(v) >= 8 {
		var bad, notBlank uint64
		for s := v; ; s = s[8:] {
			if len(s) < 8 {
				s = v[len(v)-8:]
			}
			w := s[:8]
			x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
				uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
			bad |= x | (x - spaces) | (x + ones)
			notBlank |= x ^ spaces
			if len(s) <= 8 {
				break
			}
		}
		if bad&highs != 0 || notBlank == 0 {
			return ErrMalformedCredentials
		}
		return nil
	}
	blank := true
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < 0x20 || c > 0x7e {
			return ErrMalformedCredentials
		}
		if c != ' ' {
			blank = false
		}
	}
	if blank {
		return ErrMalformedCredentials
	}
	return nil
}

// Validate checks every pair of md with [ValidateKey] and [ValidateValue],
// so that a client can refuse to send anything before a call starts.
func (m Metadata) Validate(maxValueSize int) error {
	if m.s() == nil {
		return nil
	}
	for _, p := range m.s().pairs {
		if err := ValidateKey(p.Key); err != nil {
			return err
		}
		if err := ValidateValue(p.Value, maxValueSize); err != nil {
			return &PairError{Key: p.Key, Err: err}
		}
	}
	return nil
}
