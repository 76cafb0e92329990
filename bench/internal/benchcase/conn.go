package benchcase

import (
	"bytes"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// Conn is a connection that carries one raw request n times, back to
// back, as a client pipelining on one keep-alive connection sends them,
// and then ends. The benchmarks of fasthttp-based frameworks hand it to
// the server (fasthttp.Server.ServeConn), so that fasthttp's parser reads
// every request, as on a real connection. What the server writes is
// discarded but for the first line.
type Conn struct {
	raw      []byte
	left     int // requests not yet started
	off      int // read offset in the current request
	response []byte
}

// NewConn returns a Conn that will carry raw n times.
func NewConn(raw string, n int) *Conn {
	return &Conn{raw: []byte(raw), left: n, off: len(raw)}
}

// Read reads the next bytes of the requests, then io.EOF.
func (c *Conn) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if c.off == len(c.raw) {
			if c.left == 0 {
				break
			}
			c.left--
			c.off = 0
		}
		k := copy(p[n:], c.raw[c.off:])
		c.off += k
		n += k
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

// Write discards p, keeping the first line the server wrote.
func (c *Conn) Write(p []byte) (int, error) {
	if c.response == nil {
		line, _, _ := bytes.Cut(p, []byte("\r\n"))
		c.response = append([]byte{}, line...)
	}
	return len(p), nil
}

// FirstLine is the first line the server wrote, such as
// "HTTP/1.1 204 No Content".
func (c *Conn) FirstLine() string { return string(c.response) }

func (c *Conn) Close() error                     { return nil }
func (c *Conn) LocalAddr() net.Addr              { return addr }
func (c *Conn) RemoteAddr() net.Addr             { return addr }
func (c *Conn) SetDeadline(time.Time) error      { return nil }
func (c *Conn) SetReadDeadline(time.Time) error  { return nil }
func (c *Conn) SetWriteDeadline(time.Time) error { return nil }

var addr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}

// WantStatus is the status line's code every request of the case gets.
func WantStatus(c Case) string {
	if c.Auth == "" && c.Name == "rejected" {
		return "401"
	}
	return "204"
}

// Serve hands serveConn (a fasthttp server's ServeConn) one connection
// carrying b.N requests of case c, timing only the serving, and fails b
// unless the requests were answered with the case's status.
func Serve(b *testing.B, c Case, serveConn func(net.Conn) error) {
	conn := NewConn(Raw(c), b.N)
	b.ReportAllocs()
	b.ResetTimer()
	if err := serveConn(conn); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if got := conn.FirstLine(); !strings.Contains(got, " "+WantStatus(c)+" ") {
		b.Fatalf("answered %q, want %s", got, WantStatus(c))
	}
}
