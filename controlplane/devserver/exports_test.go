package devserver_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passthrough-go/passthrough/controlplane/devserver"
)

// WriteExports' output, run by a shell, sets the keys exactly and runs
// nothing that a subject, a name or a key contains.
func TestWriteExportsIsInertInAShell(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	payload := "$(touch pwned)`touch pwned`"
	cfg := devserver.Config{Users: []devserver.User{
		{Subject: "alice", Name: "Alice\n" + payload + "\ntouch pwned", APIKey: "cp_$(touch${IFS}pwned)`touch${IFS}pwned`';touch${IFS}pwned;'\"",
			Grants: []devserver.Grant{{Project: "demo\ntouch pwned\n", Domain: "*", Role: devserver.RoleRun}}},
		{Subject: "bob;touch pwned;" + payload, Name: "Bob", APIKey: "cp_0123456789abcdef$HOME"},
	}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cfg.WriteExports(&out)
	cmd := exec.Command("sh", "-c", out.String()+"\nenv")
	cmd.Dir = dir
	env, err := cmd.Output()
	if err != nil {
		t.Fatalf("sh: %v\n%s", err, out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Fatalf("the exports ran a command:\n%s", out.String())
	}
	for _, u := range cfg.Users {
		found := false
		for line := range strings.SplitSeq(string(env), "\n") {
			if _, v, ok := strings.Cut(line, "="); ok && strings.HasSuffix(line, "_KEY="+u.APIKey) && v == u.APIKey {
				found = true
			}
		}
		if !found {
			t.Errorf("%q: the shell did not set a *_KEY variable to the exact key\n%s", u.Subject, out.String())
		}
	}
}
