package core_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/textproto"
	"strings"
	"testing"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
)

// fakeRequest is a plain in-memory request view for unit tests.
type fakeRequest struct {
	method string
	path   string
	header map[string][]string
	query  map[string][]string
}

func (f fakeRequest) Values(name string) []string {
	return f.header[textproto.CanonicalMIMEHeaderKey(name)]
}
func (f fakeRequest) Path() string { return f.path }
func (f fakeRequest) Method() string {
	if f.method == "" {
		return "GET"
	}
	return f.method
}
func (f fakeRequest) Query(name string) []string { return f.query[name] }

func req(path string, kv ...string) fakeRequest {
	h := map[string][]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		k := textproto.CanonicalMIMEHeaderKey(kv[i])
		h[k] = append(h[k], kv[i+1])
	}
	return fakeRequest{path: path, header: h}
}

func quiet() core.Option { return core.WithLogger(slog.New(slog.DiscardHandler)) }

func TestWithMetadataInnerWins(t *testing.T) {
	t.Parallel()
	ctx := core.WithMetadata(t.Context(), core.Pair{Key: "Authorization", Value: "outer"}, core.Pair{Key: "x-org", Value: "acme"})
	inner := core.WithMetadata(ctx, core.Pair{Key: "authorization", Value: "inner"}, core.Pair{Key: "x-new", Value: "1"})

	md, ok := core.FromContext(inner)
	if !ok {
		t.Fatal("FromContext found nothing in a context built by WithMetadata")
	}
	want := []core.Pair{{"authorization", "inner"}, {"x-org", "acme"}, {"x-new", "1"}}
	if got := md.Pairs(); fmt.Sprint(len(got)) != fmt.Sprint(len(want)) {
		t.Fatalf("got %d pairs, want %d", len(got), len(want))
	}
	for i, p := range md.Pairs() {
		if p != want[i] {
			t.Errorf("pair %d = %q, want %q", i, p.Key+"="+p.Value, want[i].Key+"="+want[i].Value)
		}
	}
	// The outer context is untouched: credentials are scoped.
	outer, _ := core.FromContext(ctx)
	if outer.Get("authorization") != "outer" || outer.Len() != 2 {
		t.Errorf("outer context changed: authorization=%q len=%d", outer.Get("authorization"), outer.Len())
	}
	if _, ok := core.FromContext(t.Context()); ok {
		t.Error("FromContext reported Metadata in a context without any")
	}
}

func TestMetadataIsImmutable(t *testing.T) {
	t.Parallel()
	md := core.NewMetadata(core.Pair{Key: "a", Value: "1"})
	ps := md.Pairs()
	ps[0].Value = "changed"
	if md.Get("a") != "1" {
		t.Fatal("modifying the slice from Pairs changed the Metadata")
	}
	if md.Get("A") != "1" {
		t.Error("Get must match keys case-insensitively")
	}
	if md.Get("missing") != "" {
		t.Error("Get of a missing key must be empty")
	}
}

func TestMetadataRedacts(t *testing.T) {
	t.Parallel()
	const secret = "Bearer s3cr3t-value"
	md := core.NewMetadata(core.Pair{Key: "authorization", Value: secret}, core.Pair{Key: "cookie", Value: "sid=" + secret})
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("request", "md", md)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("request", "md", md)
	outputs := []string{
		md.String(), fmt.Sprintf("%v", md), fmt.Sprintf("%+v", md), fmt.Sprintf("%#v", md),
		fmt.Sprintf("%s", md), fmt.Sprintf("%q", md), fmt.Sprintf("%x", md), fmt.Sprint(&md), logs.String(),
	}
	for _, out := range outputs {
		if strings.Contains(out, "s3cr3t") {
			t.Errorf("formatted Metadata leaks the value: %q", out)
		}
		if !strings.Contains(out, "authorization") {
			t.Errorf("formatted Metadata should still name its keys: %q", out)
		}
	}
}

func TestExcluded(t *testing.T) {
	t.Parallel()
	e := core.MustNew(quiet(), core.WithExcludedPaths("/health", "/a/b/"), core.WithExcludedPrefixes("/public", "/static/"))
	for _, tc := range []struct {
		path string
		want bool
	}{
		{"/health", true}, {"/health/", false}, {"/Health", false}, {"/%68ealth", false},
		{"//health", false}, {"/health/.", false}, {"/a/b/", true}, {"/a/b", false},
		{"/public", true}, {"/public/", true}, {"/public/x/y", true}, {"/publicity", false},
		{"/public/../x", false}, {"/public/./x", false}, {"/public//x", false}, {"/public/x/", true},
		{"/public/%2e%2e", false}, {"/public/x;y", false}, {"/public/x\\y", false},
		{"/static", true}, {"/static/a.js", true}, {"/staticx", false}, {"/", false}, {"", false},
	} {
		for _, m := range []string{"GET", "POST", "DELETE"} {
			if got := e.Excluded(m, tc.path); got != tc.want {
				t.Errorf("Excluded(%s, %q) = %v, want %v", m, tc.path, got, tc.want)
			}
		}
	}
}

// A pattern with a method excludes the path for that method only; "GET"
// also covers "HEAD", as in net/http.ServeMux patterns; the method-less
// form keeps meaning every method.
func TestExcludedByMethod(t *testing.T) {
	t.Parallel()
	for _, many := range []bool{false, true} {
		paths := []string{"GET /health", "POST /hooks/in", "/metrics"}
		if many { // past the list-to-map threshold
			for i := range 10 {
				paths = append(paths, fmt.Sprintf("PUT /filler/%d", i))
			}
			paths = append(paths, "DELETE /health")
		}
		e := core.MustNew(quiet(), core.WithExcludedPaths(paths...), core.WithExcludedPrefixes("GET /public", "/static"))
		for _, tc := range []struct {
			method, path string
			want         bool
		}{
			{"GET", "/health", true}, {"HEAD", "/health", true}, {"POST", "/health", false},
			{"PUT", "/health", false}, {"get", "/health", false}, {"OPTIONS", "/health", false},
			{"POST", "/hooks/in", true}, {"GET", "/hooks/in", false}, {"HEAD", "/hooks/in", false},
			{"GET", "/metrics", true}, {"POST", "/metrics", true}, {"BREW", "/metrics", true},
			{"GET", "/public/a", true}, {"HEAD", "/public/a", true}, {"POST", "/public/a", false},
			{"DELETE", "/static/a.js", true},
			{"DELETE", "/health", many},
		} {
			if got := e.Excluded(tc.method, tc.path); got != tc.want {
				t.Errorf("many=%v: Excluded(%s, %q) = %v, want %v", many, tc.method, tc.path, got, tc.want)
			}
		}
	}
}

// headApart is a view whose router sends HEAD only to HEAD routes.
type headApart struct{ fakeRequest }

func (headApart) HeadNotGet() {}

// Where the router routes HEAD apart, a "GET" pattern does not exclude HEAD:
// the router would send it to a protected catch-all.
func TestHeadNotGet(t *testing.T) {
	t.Parallel()
	e := core.MustNew(quiet(), core.WithExcludedPaths("GET /health", "HEAD /ping", "/metrics"), core.WithExcludedPrefixes("GET /public"))
	for _, tc := range []struct {
		method, path string
		excluded     bool
	}{
		{"GET", "/health", true}, {"HEAD", "/health", false}, {"HEAD", "/ping", true},
		{"HEAD", "/metrics", true}, {"GET", "/public/a", true}, {"HEAD", "/public/a", false},
	} {
		r := headApart{fakeRequest{method: tc.method, path: tc.path}}
		got := e.Decide(r).Rejection() == nil
		if got != tc.excluded {
			t.Errorf("%s %s on a router that routes HEAD apart: excluded %v, want %v", tc.method, tc.path, got, tc.excluded)
		}
	}
}

// A request the router matched to no route is never excluded (no excluded
// route will answer it), but the skipper still applies.
func TestDecideNoRoute(t *testing.T) {
	t.Parallel()
	e := core.MustNew(quiet(), core.WithExcludedPaths("/health"), core.WithExcludedPrefixes("/public"),
		core.WithSkipper(func(r extractors.Request) bool { return len(r.Values("X-Probe")) == 1 }))
	for _, path := range []string{"/health", "/public/a"} {
		if rej := e.DecideNoRoute(fakeRequest{method: "PURGE", path: path}).Rejection(); rej == nil || rej.Status() != 401 {
			t.Errorf("PURGE %s matched to no route: %v, want a 401 refusal", path, rej)
		}
		if rej := e.Decide(fakeRequest{method: "PURGE", path: path}).Rejection(); rej != nil {
			t.Errorf("PURGE %s routed: refused %d, want excluded", path, rej.Status())
		}
	}
	if rej := e.DecideNoRoute(req("/x", "X-Probe", "1")).Rejection(); rej != nil {
		t.Errorf("a skipped request matched to no route was refused %d", rej.Status())
	}
}

func TestDecide(t *testing.T) {
	t.Parallel()
	e := core.MustNew(quiet(), core.WithExtractors(extractors.Authorization(), extractors.Header("X-API-Key")), core.WithMaxValueSize(32))
	for _, tc := range []struct {
		name   string
		r      fakeRequest
		status int
		err    error
		want   string
	}{
		{"bearer", req("/p", "Authorization", "Bearer x"), 0, nil, "authorization=Bearer x"},
		{"key", req("/p", "X-Api-Key", "k"), 0, nil, "x-api-key=k"},
		{"both", req("/p", "X-Api-Key", "k", "Authorization", "B"), 0, nil, "authorization=B x-api-key=k"},
		{"missing", req("/p"), 401, core.ErrMissingCredentials, ""},
		{"two lines", req("/p", "Authorization", "a", "authorization", "b"), 400, core.ErrAmbiguousCredentials, ""},
		{"control", req("/p", "Authorization", "a\x01"), 400, core.ErrMalformedCredentials, ""},
		{"newline", req("/p", "X-API-Key", "a\r\nX-Evil: 1"), 400, core.ErrMalformedCredentials, ""},
		{"blank", req("/p", "Authorization", " "), 400, core.ErrMalformedCredentials, ""},
		{"utf8", req("/p", "Authorization", "é"), 400, core.ErrMalformedCredentials, ""},
		{"large", req("/p", "Authorization", strings.Repeat("a", 33)), 431, core.ErrCredentialsTooLarge, ""},
		{"at cap", req("/p", "Authorization", strings.Repeat("a", 32)), 0, nil, "authorization=" + strings.Repeat("a", 32)},
	} {
		d := e.Decide(tc.r)
		rej := d.Rejection()
		if tc.status != 0 {
			if rej == nil {
				t.Errorf("%s: not refused, want %d", tc.name, tc.status)
				continue
			}
			if rej.Status() != tc.status || !errors.Is(rej.Err(), tc.err) {
				t.Errorf("%s: refused with %d %v, want %d %v", tc.name, rej.Status(), rej.Err(), tc.status, tc.err)
			}
			continue
		}
		if rej != nil {
			t.Errorf("%s: refused with %d, want success", tc.name, rej.Status())
			continue
		}
		md, _ := d.Metadata()
		var got []string
		for k, v := range md.All {
			got = append(got, k+"="+v)
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, strings.Join(got, " "), tc.want)
		}
	}
}

func TestDecisionContextKeepsParent(t *testing.T) {
	t.Parallel()
	e := core.MustNew(quiet())
	type key struct{}
	parent, cancel := context.WithCancel(context.WithValue(t.Context(), key{}, "v"))
	ctx := e.Decide(req("/", "Authorization", "B")).Context(parent)
	if ctx.Value(key{}) != "v" {
		t.Error("Decision.Context lost the parent's values")
	}
	cancel()
	if ctx.Err() == nil {
		t.Error("Decision.Context is not cancelled with its parent")
	}
	if got := core.MustNew(quiet(), core.WithOptional()).Decide(req("/")).Context(parent); got != parent {
		t.Error("a decision without Metadata must return the parent context itself")
	}
}

func TestNewRejectsInvalidConfiguration(t *testing.T) {
	t.Parallel()
	for _, opt := range []core.Option{
		core.WithExcludedPaths(""), core.WithExcludedPaths("x"), core.WithExcludedPrefixes("/"),
		core.WithExtractors(extractors.Header("Host")), core.WithExtractors(extractors.Header("Grpc-Status")),
		core.WithExtractors(extractors.Header("Proxy-Authorization")), core.WithMaxValueSize(-1),
	} {
		_, err := core.New(opt)
		if err == nil {
			t.Errorf("New accepted an invalid option")
			continue
		}
		if !strings.HasPrefix(err.Error(), "passthrough: ") {
			t.Errorf("error %q lacks the passthrough: prefix", err)
		}
	}
}

func TestValidateKeyAndValue(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"authorization", "x-api-key", "a.b_c"} {
		if err := core.ValidateKey(k); err != nil {
			t.Errorf("ValidateKey(%q) = %v, want nil", k, err)
		}
	}
	for _, k := range []string{"", "Authorization", ":path", "grpc-timeout", "x-bin", "te", "host", "a b", "é"} {
		if err := core.ValidateKey(k); !errors.Is(err, core.ErrInvalidKey) {
			t.Errorf("ValidateKey(%q) = %v, want ErrInvalidKey", k, err)
		}
	}
	md := core.NewMetadata(core.Pair{Key: "authorization", Value: "bad\nvalue-secret"})
	err := md.Validate(0)
	if !errors.Is(err, core.ErrMalformedCredentials) {
		t.Fatalf("Validate = %v, want ErrMalformedCredentials", err)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("validation error %q contains the value", err)
	}
}

func TestOutgoing(t *testing.T) {
	t.Parallel()
	if _, ok, err := core.Outgoing(t.Context(), false, 0); ok || !errors.Is(err, core.ErrMissingCredentials) {
		t.Fatalf("no credentials: ok=%v err=%v, want ErrMissingCredentials", ok, err)
	}
	if _, ok, err := core.Outgoing(t.Context(), true, 0); ok || err != nil {
		t.Fatalf("anonymous allowed: ok=%v err=%v, want nothing to send and no error", ok, err)
	}
	bad := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: "x\x00secret"})
	if _, _, err := core.Outgoing(bad, true, 0); !errors.Is(err, core.ErrMalformedCredentials) || strings.Contains(err.Error(), "secret") {
		t.Fatalf("invalid pair: %v", err)
	}
	good := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: "Bearer t"})
	if md, ok, err := core.Outgoing(good, false, 0); !ok || err != nil || md.Get("authorization") != "Bearer t" {
		t.Fatalf("good: %v %v %v", md, ok, err)
	}
}

func TestRejectionCodes(t *testing.T) {
	t.Parallel()
	e := core.MustNew(quiet(), core.WithMaxValueSize(4))
	for _, tc := range []struct {
		r    fakeRequest
		code uint32
	}{
		{req("/"), 16},
		{req("/", "Authorization", "\x01"), 3},
		{req("/", "Authorization", "toolong"), 8},
	} {
		if got := e.Decide(tc.r).Rejection().RPCCode(); got != tc.code {
			t.Errorf("RPCCode %d, want %d", got, tc.code)
		}
	}
}
