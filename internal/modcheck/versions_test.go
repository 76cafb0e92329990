package modcheck_test

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// versionsHeading opens the table in docs/modules.md that states the
// framework versions each adapter is built on.
const versionsHeading = "## Supported versions"

// versionRow is one row of that table: the package, the module it is built
// on (or "Go" for the go directive), the version stated, and the go.mod
// files said to require it.
type versionRow struct {
	line              int
	pkg, dep, version string
	in                []string
}

func readVersionsTable(t *testing.T) []versionRow {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "docs", "modules.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		rows    []versionRow
		inTable bool
		seen    bool
	)
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case line == versionsHeading:
			seen = true
		case !seen:
		case strings.HasPrefix(line, "|"):
			inTable = true
			cells := strings.Split(strings.Trim(line, "|"), "|")
			for i := range cells {
				cells[i] = strings.TrimSpace(strings.ReplaceAll(cells[i], "`", ""))
			}
			if len(cells) != 4 {
				t.Fatalf("docs/modules.md:%d: %d cells, want 4 (package | built on | version | required in)", n, len(cells))
			}
			if cells[0] == "package" || strings.HasPrefix(cells[0], "---") {
				continue
			}
			var in []string
			for file := range strings.SplitSeq(cells[3], ",") {
				in = append(in, strings.TrimSpace(file))
			}
			rows = append(rows, versionRow{line: n, pkg: cells[0], dep: cells[1], version: cells[2], in: in})
		case inTable:
			return rows
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatalf("docs/modules.md has no table under %q", versionsHeading)
	}
	return rows
}

// published are the modules users require, so those whose versions the
// table states.
var published = []string{"go.mod", "fiber3passthrough/go.mod"}

// notFrameworks are direct requirements of published modules that are not
// what an adapter is built on, so the table need not list them.
var notFrameworks = []string{
	"github.com/passthrough-go/passthrough", // fiber3passthrough requires the root
	"google.golang.org/protobuf",            // controlplane's messages; gRPC's own requirement
	"go.uber.org/goleak",                    // the root's tests
}

// TestSupportedVersionsTable checks docs/modules.md's table against the
// go.mod files: each version stated is the one the named go.mod requires
// (or its go directive, for Go), and every framework a published module
// requires directly is in the table.
func TestSupportedVersionsTable(t *testing.T) {
	t.Parallel()
	rows := readVersionsTable(t)
	mods := map[string]modFile{}
	for _, path := range published {
		mods[path] = readModFile(t, path)
	}
	stated := map[string]bool{} // go.mod path + " " + module path
	for _, row := range rows {
		for _, path := range row.in {
			mod, ok := mods[path]
			if !ok {
				t.Errorf("docs/modules.md:%d: %s is not a published module's go.mod (%q)", row.line, path, published)
				continue
			}
			stated[path+" "+row.dep] = true
			got := mod.Go
			if row.dep == "Go" {
				got = "go " + got
			} else {
				i := slices.IndexFunc(mod.Require, func(r requirement) bool { return r.Path == row.dep })
				if i < 0 {
					t.Errorf("docs/modules.md:%d: %s does not require %s, which the table says %s is built on", row.line, path, row.dep, row.pkg)
					continue
				}
				got = mod.Require[i].Version
			}
			if got != row.version {
				t.Errorf("docs/modules.md:%d: %s is built on %s %s, the table says, but %s requires %s", row.line, row.pkg, row.dep, row.version, path, got)
			}
		}
	}
	for _, path := range published {
		if !stated[path+" Go"] {
			t.Errorf("docs/modules.md: the table does not state the Go version %s requires", path)
		}
		for _, r := range mods[path].Require {
			if !r.Indirect && !slices.Contains(notFrameworks, r.Path) && !stated[path+" "+r.Path] {
				t.Errorf("docs/modules.md: %s requires %s %s, which the table does not state", path, r.Path, r.Version)
			}
		}
	}
}
