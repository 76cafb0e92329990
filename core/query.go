package core

import "strings"

// RawQuery is for adapter authors: an adapter's request view implements
// it when it can give the query string as received, before any decoding:
// r.URL.RawQuery on net/http. The core counts the query parameters a Func
// extractor reads in it, so that a parameter the raw query holds more than
// once is refused as ambiguous even where the framework's parser drops a
// copy it cannot parse (Go's drops "access_token=evil;x" and
// "access_token=ev%zzil").
type RawQuery interface {
	// RawQuery returns the query string as received, without the '?'.
	RawQuery() string
}

// queryCount returns how many pairs of the raw query raw carry the key
// name, in any spelling: pairs are split on '&' (as both Go's parser and
// fasthttp's do), and a key counts when it equals name as sent or once
// decoded, where an invalid escape stays as it is (as fasthttp decodes)
// and '+' is a space. A pair counts whether or not its value parses.
func queryCount(raw, name string) int {
	n := 0
	for pair := range strings.SplitSeq(raw, "&") {
		key, _, _ := strings.Cut(pair, "=")
		if key == name || (strings.ContainsAny(key, "%+") && lenientUnescape(key) == name) {
			n++
		}
	}
	return n
}

// lenientUnescape decodes %XX escapes and '+'; any other '%' is kept.
func lenientUnescape(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			b.WriteByte(' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
