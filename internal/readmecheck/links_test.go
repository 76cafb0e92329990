package readmecheck

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	inlineLink    = regexp.MustCompile(`\]\(([^)\s]+)(?:\s+"[^"]*")?\)`)
	referenceLink = regexp.MustCompile(`^\[[^\]]+\]:\s+(\S+)`)
	scheme        = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)
)

// relativeLinks returns the relative link targets of Markdown text,
// outside code blocks, by line (1-based), without their #fragment.
func relativeLinks(r io.Reader) (map[int][]string, error) {
	links := map[int][]string{}
	fenced := false
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		var targets []string
		for _, m := range inlineLink.FindAllStringSubmatch(line, -1) {
			targets = append(targets, m[1])
		}
		if m := referenceLink.FindStringSubmatch(line); m != nil {
			targets = append(targets, m[1])
		}
		for _, target := range targets {
			if scheme.MatchString(target) || strings.HasPrefix(target, "#") {
				continue
			}
			target, _, _ = strings.Cut(target, "#")
			links[n] = append(links[n], target)
		}
	}
	return links, sc.Err()
}

// Every relative link in every Markdown file names a file or directory of
// the repository: documents move, and a link left behind is a dead end for
// the reader who follows it.
func TestMarkdownLinksResolve(t *testing.T) {
	total := 0
	for _, md := range markdownFiles(t) {
		text, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(md)))
		if err != nil {
			t.Fatal(err)
		}
		links, err := relativeLinks(bytes.NewReader(text))
		if err != nil {
			t.Fatalf("%s: %v", md, err)
		}
		for line, targets := range links {
			for _, target := range targets {
				total++
				p := path.Clean(path.Join(path.Dir(md), target))
				if p == ".." || strings.HasPrefix(p, "../") {
					t.Errorf("%s:%d: link %q leaves the repository", md, line, target)
					continue
				}
				if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(p))); err != nil {
					t.Errorf("%s:%d: link %q: no such file %s in the repository", md, line, target, p)
				}
			}
		}
	}
	if total == 0 {
		t.Fatal("no relative link found in any Markdown file; this test would check nothing")
	}
}

// The link parser finds inline and reference links, and skips URLs,
// anchors and code blocks.
func TestRelativeLinks(t *testing.T) {
	md := "See [a](docs/a.md#x), [b](https://example.test/b), [c](#c) and [d](d.md \"title\").\n" +
		"```sh\n[e](e.md)\n```\n" +
		"[f]: ../f.md\n"
	got, err := relativeLinks(strings.NewReader(md))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || strings.Join(got[1], ",") != "docs/a.md,d.md" || strings.Join(got[5], ",") != "../f.md" {
		t.Errorf("relativeLinks = %v, want line 1: docs/a.md, d.md; line 5: ../f.md", got)
	}
}
