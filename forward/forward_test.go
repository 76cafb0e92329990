package forward_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
)

type dialSetting struct{}

func (dialSetting) OptionName() string { return "grpcpassthrough.WithDialOptions" }

func TestNewConfig(t *testing.T) {
	t.Parallel()
	c, err := forward.NewConfig()
	if err != nil || c.Insecure || c.AllowAnonymous || c.MaxValueSize != core.DefaultMaxValueSize || len(c.Specific()) != 0 {
		t.Fatalf("defaults: %+v, %v", c, err)
	}
	c, err = forward.NewConfig(forward.WithInsecure(), forward.WithAllowAnonymous(), forward.WithMaxValueSize(10), forward.WithSpecific(dialSetting{}))
	if err != nil || !c.Insecure || !c.AllowAnonymous || c.MaxValueSize != 10 || len(c.Specific()) != 1 {
		t.Fatalf("options not applied: %+v, %v", c, err)
	}
	if err := c.RefuseSpecific("httppassthrough.NewTransport"); err == nil ||
		err.Error() != "passthrough: grpcpassthrough.WithDialOptions does not apply to httppassthrough.NewTransport" {
		t.Fatalf("RefuseSpecific: %v", err)
	}
}

// Every invalid option is reported, at once, each prefixed once.
func TestNewConfigReportsEveryInvalidOption(t *testing.T) {
	t.Parallel()
	_, err := forward.NewConfig(nil, forward.WithMaxValueSize(-1), forward.WithSpecific(nil))
	if err == nil {
		t.Fatal("invalid options accepted")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d errors, want 3: %v", len(lines), err)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "passthrough: ") || strings.Count(l, "passthrough:") != 1 {
			t.Errorf("error %q is not prefixed exactly once", l)
		}
	}
}

func TestOutgoing(t *testing.T) {
	t.Parallel()
	strict, _ := forward.NewConfig(forward.WithMaxValueSize(8))
	anon, _ := forward.NewConfig(forward.WithAllowAnonymous())
	if _, send, err := strict.Outgoing(t.Context()); send || !errors.Is(err, core.ErrMissingCredentials) {
		t.Errorf("no credentials: send=%v err=%v, want ErrMissingCredentials", send, err)
	}
	if _, send, err := anon.Outgoing(t.Context()); send || err != nil {
		t.Errorf("anonymous: send=%v err=%v, want neither", send, err)
	}
	big := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: "Bearer secret-too-long"})
	if _, _, err := strict.Outgoing(big); !errors.Is(err, core.ErrCredentialsTooLarge) || strings.Contains(err.Error(), "secret") {
		t.Errorf("oversized: %v, want ErrCredentialsTooLarge without the value", err)
	}
	md, send, err := anon.Outgoing(big)
	if !send || err != nil || md.Get("authorization") != "Bearer secret-too-long" {
		t.Errorf("valid credentials: send=%v err=%v", send, err)
	}
}
