package controlplane_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/controlplanev1"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
	"github.com/passthrough-go/passthrough/grpcpassthrough"
)

func TestInputsFromJSON(t *testing.T) {
	t.Parallel()
	specs := []*controlplanev1.InputSpec{
		{Name: "s", Type: controlplanev1.InputType_INPUT_TYPE_STRING, Required: true},
		{Name: "i", Type: controlplanev1.InputType_INPUT_TYPE_INTEGER},
		{Name: "f", Type: controlplanev1.InputType_INPUT_TYPE_FLOAT},
		{Name: "b", Type: controlplanev1.InputType_INPUT_TYPE_BOOLEAN},
	}
	in, err := controlplane.InputsFromJSON(specs, []byte(`{"s":"x","i":9007199254740993,"f":1,"b":true}`))
	if err != nil {
		t.Fatal(err)
	}
	if in["s"].GetStringValue() != "x" || in["i"].GetIntegerValue() != 9007199254740993 || in["f"].GetFloatValue() != 1 || !in["b"].GetBooleanValue() {
		t.Fatalf("decoded %v", in)
	}
	for body, input := range map[string]string{
		`{}`:                 "s",
		``:                   "s",
		`{"s":1}`:            "s",
		`{"s":"x","i":1.5}`:  "i",
		`{"s":"x","i":"1"}`:  "i",
		`{"s":"x","i":1e3}`:  "i",
		`{"s":"x","f":"1"}`:  "f",
		`{"s":"x","b":1}`:    "b",
		`{"s":"x","b":null}`: "b",
		`{"s":"x","z":1}`:    "z",
		`{"s":"x","s":"y"}`:  "s",
	} {
		_, err := controlplane.InputsFromJSON(specs, []byte(body))
		var ie *controlplane.InputError
		if !errors.As(err, &ie) || ie.Input != input {
			t.Errorf("%s: got %v, want an InputError naming %q", body, err, input)
		}
	}
	for _, body := range []string{`[]`, `"s"`, `{"s":"x"`, `{"s":"x"} 1`, `{"s":}`} {
		if _, err := controlplane.InputsFromJSON(specs, []byte(body)); err == nil {
			t.Errorf("%s: accepted", body)
		}
	}
}

func TestInitNeedsEndpoint(t *testing.T) {
	t.Parallel()
	if _, err := controlplane.Init("", "p", "d", "", forward.WithInsecure()); err == nil {
		t.Fatal("Init accepted an empty endpoint")
	}
	c, err := controlplane.Init("127.0.0.1:1", "p", "d", "o", forward.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	id := c.TaskID("", "", "t", "")
	if id.GetProject() != "p" || id.GetDomain() != "d" || id.GetOrg() != "o" {
		t.Fatalf("defaults not applied: %v", id)
	}
}

// The error for a plaintext endpoint names the option that allows it, and
// Init accepts that option: the same value for gRPC and Connect.
func TestInitPlaintextErrorTellsTheTruth(t *testing.T) {
	t.Parallel()
	inits := map[string]func(url string, opts ...forward.Option) (*controlplane.Client, error){
		"Init": func(url string, opts ...forward.Option) (*controlplane.Client, error) {
			return controlplane.Init(url, "p", "d", "", opts...)
		},
		"InitConnect": func(url string, opts ...forward.Option) (*controlplane.Client, error) {
			return controlplane.InitConnect(url, "p", "d", "", nil, opts...)
		},
	}
	for name, init := range inits {
		_, err := init("http://127.0.0.1:1")
		if err == nil || !strings.Contains(err.Error(), "WithInsecure()") || !strings.HasPrefix(err.Error(), "passthrough: ") {
			t.Errorf("%s(http://…): %v, want an error naming WithInsecure()", name, err)
		}
		c, err := init("http://127.0.0.1:1", forward.WithInsecure())
		if err != nil {
			t.Errorf("%s(http://…, forward.WithInsecure()): %v", name, err)
			continue
		}
		_ = c.Close()
	}
	// An option only gRPC understands is refused over Connect, naming it.
	_, err := controlplane.InitConnect("https://127.0.0.1:1", "p", "d", "", nil, grpcpassthrough.WithDialOptions())
	if err == nil || !strings.Contains(err.Error(), "grpcpassthrough.WithDialOptions does not apply") {
		t.Errorf("InitConnect with a gRPC option: %v", err)
	}
}

// A control plane that redirects, through InitConnect: the other origin
// receives the call, but none of the user's credentials (issue 11: through
// webhook-runner -protocol connect, another host received a user's key).
func TestInitConnectCredentialsDoNotFollowRedirects(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var landed []http.Header
	landing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		landed = append(landed, r.Header.Clone())
		mu.Unlock()
		w.WriteHeader(http.StatusNotFound)
	}))
	defer landing.Close()
	for _, to := range []string{landing.URL, strings.Replace(landing.URL, "127.0.0.1", "localhost", 1)} {
		cp := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, to+r.URL.RequestURI(), http.StatusTemporaryRedirect)
		}))
		c, err := controlplane.InitConnect(cp.URL, "p", "d", "", cp.Client())
		if err != nil {
			t.Fatal(err)
		}
		ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: "Bearer user-token"}, core.Pair{Key: "x-api-key", Value: "user-key"})
		_, _ = c.WhoAmI(ctx, &controlplanev1.WhoAmIRequest{})
		cp.Close()
	}
	mu.Lock()
	defer mu.Unlock()
	if len(landed) != 2 {
		t.Fatalf("the other origin saw %d calls, want 2: the redirects were followed", len(landed))
	}
	for _, h := range landed {
		if h.Get("Authorization") != "" || h.Get("X-Api-Key") != "" {
			t.Errorf("credentials followed a redirect to another origin: Authorization %q, X-Api-Key %q", h.Get("Authorization"), h.Get("X-Api-Key"))
		}
	}
}
