package controlplane_test

import (
	"strings"
	"testing"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/forward"
)

// The org is the first label of a host name of more than two labels, as
// the Python SDK derives it, whatever the endpoint's form.
func TestOrgFromEndpoint(t *testing.T) {
	t.Parallel()
	for endpoint, want := range map[string]string{
		"tenant.example.cloud":               "tenant",
		"tenant.example.cloud:443":           "tenant",
		"https://tenant.example.cloud":       "tenant",
		"https://tenant.example.cloud:8443/": "tenant",
		"http://a.b.c.d:80":                  "a",
		"dns:///tenant.example.cloud:443":    "tenant",
		"tenant.example.cloud.":              "tenant",
		"example.cloud":                      "",
		"https://example.cloud":              "",
		"localhost":                          "",
		"localhost:8089":                     "",
		"http://localhost:8089":              "",
		"127.0.0.1":                          "",
		"127.0.0.1:8089":                     "",
		"http://127.0.0.1:8089":              "",
		"[::1]:8089":                         "",
		"http://[::1]:8089":                  "",
		"http://[2001:db8::1]":               "",
		"":                                   "",
		".example.cloud.x":                   "",
	} {
		if got := controlplane.OrgFromEndpoint(endpoint); got != want {
			t.Errorf("OrgFromEndpoint(%q) = %q, want %q", endpoint, got, want)
		}
	}
}

// A client without an org, or with one longer than Flyte 2's identifiers
// take, is refused at construction, saying why.
func TestInitNeedsAnOrg(t *testing.T) {
	t.Parallel()
	for _, org := range []string{"", strings.Repeat("o", controlplane.MaxOrgLength+1)} {
		if _, err := controlplane.Init("http://127.0.0.1:1", "p", "d", org, forward.WithInsecure()); err == nil || !strings.Contains(err.Error(), "org") {
			t.Errorf("Init with org %q: %v, want an error about the org", org, err)
		}
		if _, err := controlplane.InitConnect("http://127.0.0.1:1", "p", "d", org, nil, forward.WithInsecure()); err == nil || !strings.Contains(err.Error(), "org") {
			t.Errorf("InitConnect with org %q: %v, want an error about the org", org, err)
		}
	}
}
