// Package slowconn is test support for the servers' timeouts: a client
// that sends a byte at a time, and a wait for the server to hang up. It is
// not library code.
package slowconn

import (
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// WaitClosed reads from conn until the server closes it. The deadline is
// only a safety net: the test goes on as soon as the server hangs up.
func WaitClosed(t testing.TB, what string, conn net.Conn) {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("%s: the server kept the connection open", what)
	}
}

// Trickle writes b a byte at a time until the server closes the
// connection; it reports how many bytes it got to write.
func Trickle(conn net.Conn, b []byte) chan int {
	n := make(chan int, 1)
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for i := range b {
			if _, err := conn.Write(b[i : i+1]); err != nil {
				n <- i
				return
			}
			<-tick.C
		}
		n <- len(b)
	}()
	return n
}
