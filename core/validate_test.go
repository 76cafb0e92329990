package core_test

import (
	"strings"
	"testing"

	"github.com/passthrough-go/passthrough/core"
)

// validateByByte is ValidateValue's rule read one byte at a time, the
// reference its word-at-a-time loop must match.
func validateByByte(v string) error {
	blank := true
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			return core.ErrMalformedCredentials
		}
		if v[i] != ' ' {
			blank = false
		}
	}
	if blank {
		return core.ErrMalformedCredentials
	}
	return nil
}

// Every byte value at every position of values from 0 to 26 bytes long
// (one word, several, and every partial last word), on a token and on a
// blank value, gets the answer the byte-by-byte rule gives.
func TestValidateValueMatchesByteRule(t *testing.T) {
	t.Parallel()
	for n := 0; n <= 26; n++ {
		for _, base := range []string{strings.Repeat("a", n), strings.Repeat(" ", n)} {
			if got, want := core.ValidateValue(base, 0), validateByByte(base); got != want {
				t.Errorf("ValidateValue(%q) = %v, want %v", base, got, want)
			}
			b := []byte(base)
			for i := range b {
				for c := 0; c < 256; c++ {
					b[i] = byte(c)
					v := string(b)
					if got, want := core.ValidateValue(v, 0), validateByByte(v); got != want {
						t.Fatalf("ValidateValue(%q) = %v, want %v (byte %#x at %d of %d)", v, got, want, c, i, n)
					}
				}
				b[i] = base[i]
			}
		}
	}
}
