package controlplane_test

// Red-team tests of input conversion and org handling; a failing one is a
// finding for the lead to fix.

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
	"github.com/passthrough-go/passthrough/forward"
)

// A datetime input is "an RFC 3339 string". RFC 3339's time-numoffset has
// hours 00-23 and minutes 00-59, but time.Parse takes "+24:00" and
// "+00:60", so a malformed value is silently converted into some instant
// instead of being a 400 naming the input.
func TestDatetimeOffsetOutOfRangeIsRefused(t *testing.T) {
	t.Parallel()
	s := spec(nil, variable("t", simple(flyte2v1.SimpleType_DATETIME)))
	for _, v := range []string{"2026-01-01T00:00:00+24:00", "2026-01-01T00:00:00+00:60", "2026-01-01T00:00:00-99:99"} {
		got, err := controlplane.InputsFromJSON(s, []byte(`{"t":"`+v+`"}`))
		if err == nil {
			t.Errorf("datetime %q is not RFC 3339 but was converted to %v; want an InputError naming t", v, got.GetLiterals()[0].GetValue().GetScalar().GetPrimitive().GetDatetime().AsTime())
		}
	}
}

// Flyte 2's identifiers take an org of 1 to 63 characters (buf.validate
// string.max_len counts characters, as the development control plane's own
// check does), so Init and InitConnect count characters too: a
// 40-character org of non-ASCII letters is accepted, as the embedded
// control plane and upstream's rules accept it.
func TestOrgLengthCountsCharacters(t *testing.T) {
	t.Parallel()
	org := strings.Repeat("é", 40)
	if n := utf8.RuneCountInString(org); n != 40 {
		t.Fatalf("test org has %d characters", n)
	}
	if _, err := controlplane.Init("http://127.0.0.1:1", "p", "d", org, forward.WithInsecure()); err != nil {
		t.Errorf("Init with a 40-character org: %v", err)
	}
	if _, err := controlplane.InitConnect("http://127.0.0.1:1", "p", "d", org, nil, forward.WithInsecure()); err != nil {
		t.Errorf("InitConnect with a 40-character org: %v", err)
	}
}

// OrgFromEndpoint takes "the first label of a host name". A gRPC unix
// socket target has no host: "unix:///run/cp.flyte.sock" gives no org
// (not "run/cp", a path fragment that would be sent in every identifier),
// so the runner refuses to start without FLYTE_ORG.
func TestOrgFromEndpointTakesOnlyAHostLabel(t *testing.T) {
	t.Parallel()
	for endpoint, want := range map[string]string{
		"unix:///run/cp.flyte.sock": "",
		"unix:/run/cp.flyte.sock":   "",
	} {
		if got := controlplane.OrgFromEndpoint(endpoint); got != want {
			t.Errorf("OrgFromEndpoint(%q) = %q, want %q", endpoint, got, want)
		}
	}
}
