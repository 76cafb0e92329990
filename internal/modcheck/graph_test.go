package modcheck_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// frameworks are the modules the root module may require directly, each
// with the reason a user of the root module builds with it anyway.
// Anything else a benchmark, load tool or test helper needs belongs in the
// module of that tool (bench, cmd/webhook-runner, docs/modules.md), or
// every user's go.sum carries it.
var frameworks = map[string]string{
	"connectrpc.com/connect":      "connectpassthrough",
	"github.com/gin-gonic/gin":    "ginpassthrough",
	"github.com/gofiber/fiber/v2": "fiberpassthrough",
	"github.com/labstack/echo/v4": "echopassthrough",
	"github.com/labstack/echo/v5": "echo5passthrough",
	"github.com/valyala/fasthttp": "fasthttpview, fiberpassthrough",
	"google.golang.org/grpc":      "grpcpassthrough, controlplane",
	"google.golang.org/protobuf":  "controlplane's generated messages",
	// The one test-only requirement: the root's tests check for leaked
	// goroutines, and goleak requires nothing a framework above does not.
	"go.uber.org/goleak": "the root module's own tests",
}

// tools are modules of benchmarks, load generators and databases, named so
// that the failure says what came back. Some frameworks require some of
// them (Gin v1.12.0 requires mongo-driver for its BSON binding and quic-go
// for HTTP/3): such a module may stay an indirect requirement of the root,
// at exactly the version that framework asks for, and never more.
var tools = []string{
	"github.com/tsenart/vegeta",
	"github.com/influxdata/tdigest",
	"github.com/rs/dnscache",
	"go.mongodb.org/mongo-driver",
	"github.com/quic-go/quic-go",
	"github.com/quic-go/qpack",
	"github.com/redis/",
	"github.com/jackc/pgx",
	"github.com/lib/pq",
	"github.com/go-sql-driver/",
	"github.com/mattn/go-sqlite3",
	"modernc.org/sqlite",
	"github.com/rakyll/hey",
	"go.k6.io/",
}

// edge is one line of `go mod graph`: from requires to.
type edge struct{ from, to string } // path@version each

// graphProblems says why the root module's requirements hold more than the
// frameworks' graph: a direct requirement that is no framework, an
// indirect one that no framework's graph reaches, or a tool module at a
// version no framework asks for.
func graphProblems(mod modFile, graph []edge) []string {
	requires := map[string][]string{}
	for _, e := range graph {
		requires[e.from] = append(requires[e.from], e.to)
	}
	reached := map[string]bool{} // path@version
	var queue []string
	for _, r := range mod.Require {
		if _, ok := frameworks[r.Path]; ok {
			queue = append(queue, r.Path+"@"+r.Version)
		}
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if reached[n] {
			continue
		}
		reached[n] = true
		queue = append(queue, requires[n]...)
	}
	reachedPath := map[string]bool{}
	for n := range reached {
		path, _, _ := strings.Cut(n, "@")
		reachedPath[path] = true
	}

	var problems []string
	for _, r := range mod.Require {
		isTool := slices.ContainsFunc(tools, func(p string) bool { return strings.HasPrefix(r.Path, p) })
		_, isFramework := frameworks[r.Path]
		switch {
		case !r.Indirect && !isFramework:
			problems = append(problems, fmt.Sprintf("%s %s is a direct requirement of the root module but no adapter is built on it: move the code that imports it into the module of its tool (bench, cmd/webhook-runner), or add it to frameworks with the reason every user needs it", r.Path, r.Version))
		case r.Indirect && !reachedPath[r.Path]:
			problems = append(problems, fmt.Sprintf("%s %s is in the root module's requirements, but no framework's module graph reaches it: something outside the adapters (a benchmark, a tool) needs it", r.Path, r.Version))
		case isTool && !reached[r.Path+"@"+r.Version]:
			problems = append(problems, fmt.Sprintf("%s %s is a benchmark, load-test or database module in the root module's requirements at a version no framework asks for", r.Path, r.Version))
		}
	}
	return problems
}

func parseGraph(t *testing.T, out []byte) []edge {
	t.Helper()
	var graph []edge
	for line := range strings.Lines(string(out)) {
		from, to, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok {
			t.Fatalf("go mod graph: unexpected line %q", line)
		}
		graph = append(graph, edge{from, to})
	}
	return graph
}

// TestRootRequiresOnlyFrameworks reads the root go.mod and its module
// graph: an app that imports one adapter gets the root's requirements in
// its own graph, so a benchmark's or load tool's module there lands in
// every user's `go list -m all`.
func TestRootRequiresOnlyFrameworks(t *testing.T) {
	t.Parallel()
	mod := readModFile(t, "go.mod")
	if mod.Module.Path != "github.com/passthrough-go/passthrough" {
		t.Fatalf("go.mod at the repository root is %s, want the root module", mod.Module.Path)
	}
	for _, p := range graphProblems(mod, parseGraph(t, runGo(t, "mod", "graph"))) {
		t.Error(p)
	}
}

// TestGraphProblems checks the check on the shape of the root go.mod
// before the benchmarks had a module of their own: vegeta required
// directly, its own requirements indirectly, and Gin's mongo-driver and
// quic-go, which stay.
func TestGraphProblems(t *testing.T) {
	t.Parallel()
	gin := "github.com/gin-gonic/gin@v1.12.0"
	vegeta := "github.com/tsenart/vegeta/v12@v12.13.0"
	graph := []edge{
		{gin, "go.mongodb.org/mongo-driver/v2@v2.5.0"},
		{gin, "github.com/quic-go/quic-go@v0.59.0"},
		{gin, "golang.org/x/net@v0.60.0"},
		{vegeta, "github.com/influxdata/tdigest@v0.0.1"},
		{vegeta, "github.com/quic-go/quic-go@v0.60.0"},
		{vegeta, "golang.org/x/net@v0.60.0"},
	}
	req := func(path, version string, indirect bool) requirement {
		return requirement{Path: path, Version: version, Indirect: indirect}
	}
	for _, tc := range []struct {
		name    string
		require []requirement
		want    []string // one problem naming each, in order
	}{
		{"frameworks and what they require", []requirement{
			req("github.com/gin-gonic/gin", "v1.12.0", false),
			req("go.mongodb.org/mongo-driver/v2", "v2.5.0", true),
			req("github.com/quic-go/quic-go", "v0.59.0", true),
			req("golang.org/x/net", "v0.60.0", true),
		}, nil},
		{"vegeta and its requirements", []requirement{
			req("github.com/gin-gonic/gin", "v1.12.0", false),
			req("github.com/tsenart/vegeta/v12", "v12.13.0", false),
			req("github.com/influxdata/tdigest", "v0.0.1", true),
			req("go.mongodb.org/mongo-driver/v2", "v2.5.0", true),
			req("golang.org/x/net", "v0.60.0", true),
		}, []string{"github.com/tsenart/vegeta/v12 v12.13.0 is a direct", "github.com/influxdata/tdigest v0.0.1 is in"}},
		{"a tool raises a framework's requirement", []requirement{
			req("github.com/gin-gonic/gin", "v1.12.0", false),
			req("github.com/quic-go/quic-go", "v0.60.0", true),
		}, []string{"github.com/quic-go/quic-go v0.60.0 is a benchmark"}},
		{"a database driver imported by the root", []requirement{
			req("github.com/gin-gonic/gin", "v1.12.0", false),
			req("go.mongodb.org/mongo-driver/v2", "v2.5.0", false),
		}, []string{"go.mongodb.org/mongo-driver/v2 v2.5.0 is a direct"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := graphProblems(modFile{Require: tc.require}, graph)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d problems, want %d (%q):\n%s", len(got), len(tc.want), tc.want, strings.Join(got, "\n"))
			}
			for i, w := range tc.want {
				if !strings.HasPrefix(got[i], w) {
					t.Errorf("problem %d: got %q, want it to start %q", i, got[i], w)
				}
			}
		})
	}
}
