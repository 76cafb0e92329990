package modcheck_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// root is the repository root, seen from this package's directory.
const root = "../.."

// modFile is what `go mod edit -json` prints of a go.mod file.
type modFile struct {
	Module  struct{ Path string }
	Go      string
	Require []requirement
}

type requirement struct {
	Path     string
	Version  string
	Indirect bool
}

// runGo runs the go command in the repository root on the root module
// alone (GOWORK=off: the workspace would merge every module's
// requirements, docs/modules.md) and returns its standard output.
func runGo(t *testing.T, args ...string) []byte {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "go", args...)
	cmd.Dir = root
	cmd.Env = append(cmd.Environ(), "GOWORK=off")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out
}

// readModFile reads the go.mod file at path, relative to the repository
// root, through the go command's own parser.
func readModFile(t *testing.T, path string) modFile {
	t.Helper()
	var f modFile
	if err := json.Unmarshal(runGo(t, "mod", "edit", "-json", filepath.FromSlash(path)), &f); err != nil {
		t.Fatalf("go mod edit -json %s: %v", path, err)
	}
	return f
}
