package core

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"unsafe"
)

// Pair is one credential: a lower-case metadata key and its value.
type Pair struct {
	Key, Value string
}

// Metadata is the immutable set of credentials that travels with a request's
// context, at most one value per key, in a stable order. The zero value is
// empty.
//
// Metadata never prints its values: String, fmt's verbs and slog show the
// keys with the values redacted, so that it can be logged safely.
type Metadata struct {
	// The pairs sit behind an unsafe.Pointer because fmt's reflection prints
	// only the address of one: a Metadata inside a struct's unexported field,
	// where fmt cannot call Format, or formatted with a verb fmt finds
	// wrong for it, never shows a value. A *pairSet would be printed whole.
	p unsafe.Pointer // *pairSet, or nil
}

func wrap(s *pairSet) Metadata { return Metadata{p: unsafe.Pointer(s)} }

func (m Metadata) s() *pairSet { return (*pairSet)(m.p) }

// pairSet keeps the common one-credential set in one small allocation.
type pairSet struct {
	pairs  []Pair
	inline [1]Pair
}

func newPairSet(n int) *pairSet {
	s := &pairSet{}
	if n <= len(s.inline) {
		s.pairs = s.inline[:0]
	} else {
		s.pairs = make([]Pair, 0, n)
	}
	return s
}

// set replaces the value of an existing key or appends a new pair.
func (s *pairSet) set(p Pair) {
	for i := range s.pairs {
		if s.pairs[i].Key == p.Key {
			s.pairs[i].Value = p.Value
			return
		}
	}
	s.pairs = append(s.pairs, p)
}

// NewMetadata returns Metadata holding pairs. Keys are lower-cased; when a
// key repeats, the later pair wins. It does not validate the pairs: the
// forwarding clients do that before anything is sent.
func NewMetadata(pairs ...Pair) Metadata {
	if len(pairs) == 0 {
		return Metadata{}
	}
	s := newPairSet(len(pairs))
	for _, p := range pairs {
		p.Key = strings.ToLower(p.Key)
		s.set(p)
	}
	return wrap(s)
}

// Get returns the value for key (matched case-insensitively), or "" when
// there is none.
func (m Metadata) Get(key string) string {
	if m.s() == nil {
		return ""
	}
	for _, p := range m.s().pairs {
		if p.Key == key || strings.EqualFold(p.Key, key) {
			return p.Value
		}
	}
	return ""
}

// Len returns the number of pairs.
func (m Metadata) Len() int {
	if m.s() == nil {
		return 0
	}
	return len(m.s().pairs)
}

// Pairs returns a copy of the pairs, in order.
func (m Metadata) Pairs() []Pair {
	if m.s() == nil {
		return nil
	}
	return append([]Pair(nil), m.s().pairs...)
}

// All calls yield for each pair in order, without copying, until yield
// returns false. It is the allocation-free form of [Metadata.Pairs].
func (m Metadata) All(yield func(key, value string) bool) {
	if m.s() == nil {
		return
	}
	for _, p := range m.s().pairs {
		if !yield(p.Key, p.Value) {
			return
		}
	}
}

const redacted = "[REDACTED]"

// String returns the keys with redacted values, for example
// "Metadata{authorization=[REDACTED]}".
func (m Metadata) String() string {
	var b strings.Builder
	b.WriteString("Metadata{")
	for k := range m.All {
		if b.Len() > len("Metadata{") {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteString("=" + redacted)
	}
	b.WriteString("}")
	return b.String()
}

// Format implements [fmt.Formatter] so that every verb, %#v included,
// prints the redacted form of [Metadata.String].
func (m Metadata) Format(f fmt.State, verb rune) {
	_, _ = f.Write([]byte(m.String()))
}

// LogValue implements [slog.LogValuer]: a group of keys with redacted values.
func (m Metadata) LogValue() slog.Value {
	attrs := make([]slog.Attr, 0, m.Len())
	for k := range m.All {
		attrs = append(attrs, slog.String(k, redacted))
	}
	return slog.GroupValue(attrs...)
}

type metadataKey struct{}

// NewContext is for adapter authors (a service uses [WithMetadata]): it
// returns a copy of ctx that carries md, replacing any Metadata ctx already
// carried. Adapters use it after extraction, so that the next hop gets
// exactly the caller's credentials. An empty md removes them.
func NewContext(ctx context.Context, md Metadata) context.Context {
	return context.WithValue(ctx, metadataKey{}, md)
}

// FromContext returns the Metadata carried by ctx and whether there is any.
func FromContext(ctx context.Context) (Metadata, bool) {
	md, _ := ctx.Value(metadataKey{}).(Metadata)
	return md, md.Len() > 0
}

// WithMetadata returns a copy of ctx whose Metadata is the Metadata already
// in ctx with pairs added on top: for each key, the inner (this) call wins.
// It is the Go form of the Python auth_metadata() context manager: the
// credentials are scoped to the returned context and to nothing else.
//
// Keys are lower-cased. Pairs are not validated here; a forwarding client
// refuses invalid ones before sending anything.
func WithMetadata(ctx context.Context, pairs ...Pair) context.Context {
	outer, _ := FromContext(ctx)
	s := newPairSet(outer.Len() + len(pairs))
	if outer.s() != nil {
		s.pairs = append(s.pairs, outer.s().pairs...)
	}
	for _, p := range pairs {
		p.Key = strings.ToLower(p.Key)
		s.set(p)
	}
	return NewContext(ctx, wrap(s))
}

// Outgoing is for forwarding-client authors (services use the clients,
// which call it): the check every forwarding client makes before a call. It
// returns the Metadata to send for ctx. With none in ctx it returns
// ok=false and, unless allowAnonymous, [ErrMissingCredentials]; an invalid
// pair gives a *[PairError] (naming the key, never the value). maxValueSize
// <= 0 means [DefaultMaxValueSize].
func Outgoing(ctx context.Context, allowAnonymous bool, maxValueSize int) (md Metadata, ok bool, err error) {
	md, ok = FromContext(ctx)
	if !ok {
		if allowAnonymous {
			return Metadata{}, false, nil
		}
		return Metadata{}, false, ErrMissingCredentials
	}
	if err := md.Validate(maxValueSize); err != nil {
		return Metadata{}, false, err
	}
	return md, true, nil
}
