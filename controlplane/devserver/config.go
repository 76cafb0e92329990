package devserver

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Role is what a user may do in a project and domain. Each role includes
// the ones before it: view < run < admin.
type Role string

const (
	// RoleView may read tasks and runs.
	RoleView Role = "view"
	// RoleRun may also create runs.
	RoleRun Role = "run"
	// RoleAdmin may also register tasks.
	RoleAdmin Role = "admin"
)

func (r Role) rank() int {
	switch r {
	case RoleView:
		return 1
	case RoleRun:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// Grant gives a role in a project and domain; "*" matches any.
type Grant struct {
	Project string `json:"project"`
	Domain  string `json:"domain"`
	Role    Role   `json:"role"`
}

// User is an identity with one API key. Calls authenticate with
// "Authorization: Bearer <api_key>" or "X-API-Key: <api_key>".
type User struct {
	Subject string  `json:"subject"`
	Name    string  `json:"name"`
	APIKey  string  `json:"api_key"`
	Grants  []Grant `json:"grants"`
}

// Config is the development server's identity configuration. Its file form
// is JSON:
//
//	{
//	  "users": [
//	    {"subject": "alice", "name": "Alice", "api_key": "…",
//	     "grants": [{"project": "demo", "domain": "*", "role": "run"}]}
//	  ]
//	}
type Config struct {
	Users []User `json:"users"`
}

// LoadConfig reads and validates a JSON configuration file. Errors name the
// user by subject, never by key.
func LoadConfig(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("devserver: %w", err)
	}
	var c Config
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("devserver: config %s: %w", path, err)
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("devserver: config %s: %w", path, err)
	}
	return c, nil
}

// Validate checks that subjects and keys are present and unique and that
// every grant names a known role.
func (c Config) Validate() error {
	if len(c.Users) == 0 {
		return errors.New("no users")
	}
	subjects := map[string]bool{}
	keys := map[string]bool{}
	for i, u := range c.Users {
		if u.Subject == "" {
			return fmt.Errorf("user %d: empty subject", i)
		}
		if subjects[u.Subject] {
			return fmt.Errorf("user %q: duplicate subject", u.Subject)
		}
		subjects[u.Subject] = true
		if len(u.APIKey) < 16 || !printable(u.APIKey) {
			return fmt.Errorf("user %q: api_key must be at least 16 printable ASCII characters", u.Subject)
		}
		if keys[u.APIKey] {
			return fmt.Errorf("user %q: api_key is shared with another user", u.Subject)
		}
		keys[u.APIKey] = true
		for _, g := range u.Grants {
			if g.Role.rank() == 0 {
				return fmt.Errorf("user %q: unknown role %q (want view, run or admin)", u.Subject, g.Role)
			}
			if g.Project == "" || g.Domain == "" {
				return fmt.Errorf("user %q: a grant needs a project and a domain (\"*\" for any)", u.Subject)
			}
		}
	}
	return nil
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// Demo project and domain, where the built-in tasks live.
const (
	DemoProject = "demo"
	DemoDomain  = "development"
)

// DemoConfig returns two users with fresh random API keys: "alice" may run
// tasks in the demo project, "bob" may only view them.
func DemoConfig() (Config, error) {
	alice, err := NewAPIKey()
	if err != nil {
		return Config{}, err
	}
	bob, err := NewAPIKey()
	if err != nil {
		return Config{}, err
	}
	return Config{Users: []User{
		{Subject: "alice", Name: "Alice Runner", APIKey: alice, Grants: []Grant{{Project: DemoProject, Domain: "*", Role: RoleRun}}},
		{Subject: "bob", Name: "Bob Viewer", APIKey: bob, Grants: []Grant{{Project: DemoProject, Domain: "*", Role: RoleView}}},
	}}, nil
}

// NewAPIKey returns a random key of the form "cp_" + 32 hex digits.
func NewAPIKey() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("devserver: generating an API key: %w", err)
	}
	return "cp_" + hex.EncodeToString(b), nil
}

// WriteExports writes the users' keys as shell lines ready to paste
// ("export ALICE_KEY=…   # Alice Runner: run in demo/*"), for a person
// starting a development server. It is the only place keys are shown: call
// it once, at start, and never through a logger.
func (c Config) WriteExports(w io.Writer) {
	fmt.Fprintln(w, "# Development control plane users; new keys at every start, shown only here:")
	for _, u := range c.Users {
		var roles []string
		for _, g := range u.Grants {
			roles = append(roles, fmt.Sprintf("%s in %s/%s", g.Role, g.Project, g.Domain))
		}
		fmt.Fprintf(w, "export %s_KEY=%s   # %s: %s\n", strings.ToUpper(u.Subject), u.APIKey, u.Name, strings.Join(roles, ", "))
	}
}
