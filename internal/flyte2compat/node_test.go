package flyte2compat_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/passthrough-go/passthrough/internal/syncbuf"
)

var npmOnce struct {
	sync.Once
	err error
	out []byte
}

// tsx returns a command that runs script with tsx from this folder's
// node_modules, installing them with npm ci (as .ci/run does) when absent.
func tsx(t *testing.T, ctx context.Context, script string, env ...string) *exec.Cmd {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "node_modules", ".bin", "tsx")
	npmOnce.Do(func() {
		if _, err := os.Stat(bin); err == nil {
			return
		}
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		npmOnce.out, npmOnce.err = cmd.CombinedOutput()
	})
	if npmOnce.err != nil {
		t.Fatalf("npm ci in %s (the upstream artifacts these tests check against): %v\n%s", dir, npmOnce.err, npmOnce.out)
	}
	cmd := exec.CommandContext(ctx, bin, script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	return cmd
}

// firstLine starts cmd and returns the first line it prints on stdout; the
// rest of its output goes to log.
func firstLine(t *testing.T, cmd *exec.Cmd, log *syncbuf.Buffer) string {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(stdout)
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("%s printed no first line: %v\n%s", cmd.Path, err, log)
	}
	go func() { _, _ = r.WriteTo(log) }()
	return strings.TrimSpace(line)
}
