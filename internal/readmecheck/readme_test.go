package readmecheck

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A Go block in the README is preceded by a marker naming its source:
//
//	<!-- example: examples/gin/main.go -->          the whole file
//	<!-- example: examples/forward/main.go#grpc --> the lines between
//	                                                "// readme:begin grpc"
//	                                                and "// readme:end grpc"
var marker = regexp.MustCompile(`^<!-- example: ([^ #]+)(?:#([A-Za-z0-9_-]+))? -->$`)

type block struct {
	line       int // of the opening fence, 1-based
	file, name string
	text       string
}

func readmeBlocks(t *testing.T, readme string) []block {
	t.Helper()
	f, err := os.Open(readme)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		blocks []block
		prev   string
		cur    *block
		body   strings.Builder
	)
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur != nil && line == "```":
			cur.text = body.String()
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			body.WriteString(line + "\n")
		case line == "```go":
			cur = &block{line: n}
			body.Reset()
			if m := marker.FindStringSubmatch(prev); m != nil {
				cur.file, cur.name = m[1], m[2]
			}
		}
		prev = line
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cur != nil {
		t.Fatalf("README.md:%d: unterminated ```go block", cur.line)
	}
	return blocks
}

// region returns the lines of src between the begin and end markers of
// name, or the whole of src when name is "".
func region(src, name string) (string, error) {
	if name == "" {
		return src, nil
	}
	begin, end := "// readme:begin "+name+"\n", "// readme:end "+name+"\n"
	_, rest, ok := strings.Cut(src, begin)
	if !ok {
		return "", fmt.Errorf("no %q line", strings.TrimSpace(begin))
	}
	text, _, ok := strings.Cut(rest, end)
	if !ok {
		return "", fmt.Errorf("no %q line", strings.TrimSpace(end))
	}
	// The markers may be indented; so is the region's last line break.
	return strings.TrimRight(text, " \t"), nil
}

// Every Go snippet in the README is a verbatim copy of compiled, tested
// code, so that a reader who pastes it gets a program that builds.
func TestREADMESnippetsMirrorCompiledExamples(t *testing.T) {
	root := filepath.Join("..", "..")
	blocks := readmeBlocks(t, filepath.Join(root, "README.md"))
	if len(blocks) == 0 {
		t.Fatal("README.md has no ```go block; this test would check nothing")
	}
	for _, b := range blocks {
		if b.file == "" {
			t.Errorf("README.md:%d: a ```go block needs a preceding <!-- example: path[#region] --> line naming the compiled file it mirrors", b.line)
			continue
		}
		if !strings.HasPrefix(b.file, "examples/") || !strings.HasSuffix(b.file, ".go") || strings.HasSuffix(b.file, "_test.go") {
			t.Errorf("README.md:%d: %s: snippets mirror non-test .go files under examples/", b.line, b.file)
			continue
		}
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(b.file)))
		if err != nil {
			t.Errorf("README.md:%d: %v", b.line, err)
			continue
		}
		want, err := region(string(src), b.name)
		if err != nil {
			t.Errorf("README.md:%d: %s: %v", b.line, b.file, err)
			continue
		}
		if b.text != want {
			t.Errorf("README.md:%d: the snippet differs from %s%s; copy it again.\n--- README\n%s--- %s\n%s",
				b.line, b.file, suffix(b.name), b.text, b.file, want)
		}
	}
}

func suffix(name string) string {
	if name == "" {
		return ""
	}
	return "#" + name
}

// The region markers are found exactly, and a missing one is an error.
func TestRegion(t *testing.T) {
	src := "package p\n\n// readme:begin a\nimport \"fmt\"\n\n\tfmt.Println()\n\t// readme:end a\n"
	got, err := region(src, "a")
	if err != nil || got != "import \"fmt\"\n\n\tfmt.Println()\n" {
		t.Errorf("region(a) = %q, %v", got, err)
	}
	if _, err := region(src, "b"); err == nil {
		t.Error("region(b) found a region that does not exist")
	}
}
