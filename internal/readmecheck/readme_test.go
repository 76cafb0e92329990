package readmecheck

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// root is the repository root, seen from this package's directory.
var root = filepath.Join("..", "..")

// A Go block in a Markdown file is preceded by a marker naming its source:
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

// markdownFiles lists every Markdown file of the repository, nested modules
// included, as slash-separated paths relative to root. Directories the
// tests do not own (node_modules, testdata, hidden ones such as .git) are
// skipped.
func markdownFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "node_modules" || name == "testdata" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(name, ".md") {
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// goBlocks returns the ```go blocks of the Markdown file at path (relative
// to root), each with the source its marker names.
func goBlocks(t *testing.T, path string) []block {
	t.Helper()
	f, err := os.Open(filepath.Join(root, filepath.FromSlash(path)))
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
		case strings.TrimSpace(line) == "```go":
			if line != "```go" {
				t.Errorf("%s:%d: an indented ```go block is not checked; start the fence at the beginning of the line", path, n)
			}
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
		t.Fatalf("%s:%d: unterminated ```go block", path, cur.line)
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

// Every Go snippet in every Markdown file is a verbatim copy of compiled,
// tested code, so that a reader who pastes it gets a program that builds.
func TestMarkdownGoBlocksMirrorCompiledExamples(t *testing.T) {
	files := markdownFiles(t)
	seen := map[string]int{}
	for _, md := range files {
		for _, b := range goBlocks(t, md) {
			seen[md]++
			checkBlock(t, md, b)
		}
	}
	// The walk found the README and the guides beside the code; had it not,
	// this test would check nothing.
	for _, md := range []string{"README.md", "docs/frameworks.md"} {
		if seen[md] == 0 {
			t.Errorf("%s has no ```go block (Markdown files found: %q); this test would check nothing there", md, files)
		}
	}
}

func checkBlock(t *testing.T, md string, b block) {
	t.Helper()
	if b.file == "" {
		t.Errorf("%s:%d: a ```go block needs a preceding <!-- example: path[#region] --> line naming the compiled file it mirrors", md, b.line)
		return
	}
	if !strings.HasPrefix(b.file, "examples/") || !strings.HasSuffix(b.file, ".go") || strings.HasSuffix(b.file, "_test.go") {
		t.Errorf("%s:%d: %s: snippets mirror non-test .go files under examples/ (a path from the repository root)", md, b.line, b.file)
		return
	}
	src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(b.file)))
	if err != nil {
		t.Errorf("%s:%d: %v", md, b.line, err)
		return
	}
	want, err := region(string(src), b.name)
	if err != nil {
		t.Errorf("%s:%d: %s: %v", md, b.line, b.file, err)
		return
	}
	if b.text != want {
		t.Errorf("%s:%d: the snippet differs from %s%s; copy it again.\n--- %s\n%s--- %s\n%s",
			md, b.line, b.file, suffix(b.name), md, b.text, b.file, want)
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

// The README is a library's first page: a newcomer reaches the middleware
// in the quick start within its first 60 lines, and the whole page stays
// short; details live in the documents it links.
func TestREADMEShowsTheMiddlewareEarly(t *testing.T) {
	const (
		middleware = "r.Use(ginpassthrough.Middleware("
		within     = 60
		maxLines   = 250
	)
	text, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(text), "\n"), "\n")
	at := 0
	for i, line := range lines {
		if strings.Contains(line, middleware) {
			at = i + 1
			break
		}
	}
	switch {
	case at == 0:
		t.Errorf("README.md has no %q line: the quick start must show the middleware", middleware)
	case at > within:
		t.Errorf("README.md: the middleware (%q) is at line %d, want within the first %d lines", middleware, at, within)
	}
	if len(lines) > maxLines {
		t.Errorf("README.md has %d lines, want at most %d: move details to a focused document and link it", len(lines), maxLines)
	}
}
