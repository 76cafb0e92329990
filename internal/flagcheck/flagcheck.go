// Package flagcheck holds the command-line checks that cmd/controlplane and
// cmd/webhook-runner share, so that both refuse the same mistakes the same
// way before they print any key.
package flagcheck

import (
	"fmt"
	"net"
	"strconv"
)

// Address accepts host:port with a port from 0 to 65535.
func Address(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("invalid port %q", port)
	}
	return nil
}
