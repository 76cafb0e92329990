package fasthttpview

import (
	"bytes"
	"strings"
	"unsafe"
)

// receivedValues returns the values of the header called name (in any
// case) in a raw header block, in order. A field that fasthttp let through
// is read as net/http reads it: a value folded onto continuation lines
// (lines starting with a space or a tab) is unfolded by trimming the white
// space on both sides of each line break and joining the pieces with one
// space, and the value is trimmed of spaces and tabs. An unfolded value
// aliases block; a folded one is a new string.
func receivedValues(block []byte, name string) []string {
	var out []string
	for v := range fields(block, name) {
		out = append(out, v)
	}
	return out
}

// receivedPeek returns the first of receivedValues and their number.
func receivedPeek(block []byte, name string) (first string, n int) {
	for v := range fields(block, name) {
		if n == 0 {
			first = v
		}
		n++
	}
	return first, n
}

// fields yields the values of the header called name in block; see
// receivedValues.
func fields(block []byte, name string) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		var (
			match  bool   // the current field is called name
			value  []byte // its value so far, aliasing block while on one line
			joined []byte // its unfolded value, once it continues
			folded bool
		)
		flush := func() bool {
			if !match {
				return true
			}
			match = false
			if folded {
				return yield(strings.Trim(string(joined), " \t"))
			}
			return yield(trimOWS(value))
		}
		for line := range bytes.Lines(block) {
			line = bytes.TrimRight(line, "\r\n")
			if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
				if match {
					if !folded {
						joined = append(joined[:0], bytes.Trim(value, " \t")...)
						folded = true
					}
					joined = append(joined, ' ')
					joined = append(joined, bytes.Trim(line, " \t")...)
				}
				continue
			}
			if !flush() {
				return
			}
			if len(line) > len(name) && line[len(name)] == ':' &&
				strings.EqualFold(unsafe.String(unsafe.SliceData(line), len(name)), name) {
				match, value, folded = true, line[len(name)+1:], false
			}
		}
		flush()
	}
}
