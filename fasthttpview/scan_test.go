package fasthttpview

import (
	"bytes"
	"testing"
)

// scanByByte is scan's rule read one byte at a time, the reference its
// word-at-a-time name check must match.
func scanByByte(block []byte) (spaced, folded bool) {
	for line := range bytes.Lines(block) {
		if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
			folded = true
			continue
		}
		for _, b := range line {
			if b == ':' {
				break
			}
			if b == ' ' {
				return true, folded
			}
		}
	}
	return false, folded
}

// Every position of a space, a colon and a line end in names from 0 to 20
// bytes long, followed or not by other lines, folded or not, gets the
// answer the byte-by-byte rule gives.
func TestScanMatchesByteRule(t *testing.T) {
	t.Parallel()
	const name = "X-Abcdefghijklmnopqr"
	for n := 0; n <= len(name); n++ {
		for pos := -1; pos < n; pos++ {
			for _, c := range []byte{' ', ':', '\n', '\t', 0x80} {
				b := []byte(name[:n])
				if pos >= 0 {
					b[pos] = c
				}
				for _, rest := range []string{"", ": v\r\n", ": v w\r\n", ": v\r\n x\r\n", "\r\nA b: c\r\n", ": v\r\nX-Y: z\r\n\r\n"} {
					for _, lead := range []string{"", "Host: h\r\n", " fold\r\n"} {
						block := append([]byte(lead), append(b, rest...)...)
						gotS, gotF := scan(block)
						wantS, wantF := scanByByte(block)
						if gotS != wantS || gotF != wantF {
							t.Fatalf("scan(%q) = %v, %v; want %v, %v", block, gotS, gotF, wantS, wantF)
						}
					}
				}
			}
		}
	}
}
