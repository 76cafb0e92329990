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
	"time"

	"github.com/passthrough-go/passthrough/controlplane"
)

// Role is what a user may do in a project and domain. Each role includes
// the ones before it: view < run < admin.
type Role string

const (
	// RoleView may read tasks, runs and their data.
	RoleView Role = "view"
	// RoleRun may also create runs, and abort its own.
	RoleRun Role = "run"
	// RoleAdmin may also abort anyone's runs. (Tasks are registered in
	// the [Config], not through the API.)
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
// "Authorization: Bearer <api_key>" or "X-API-Key: <api_key>". Subject,
// Name and the optional claims are what UserInfo answers.
type User struct {
	Subject string  `json:"subject"`
	Name    string  `json:"name"`
	APIKey  string  `json:"api_key"`
	Grants  []Grant `json:"grants"`

	PreferredUsername string `json:"preferred_username,omitempty"`
	GivenName         string `json:"given_name,omitempty"`
	FamilyName        string `json:"family_name,omitempty"`
	Email             string `json:"email,omitempty"`
	Picture           string `json:"picture,omitempty"`
}

// Config is the development server's configuration: its users, its org,
// the tasks it registers besides the built-in ones, and the limits that
// keep it safe to leave running on a laptop. Its file form is JSON; all
// but the users is optional:
//
//	{
//	  "users": [
//	    {"subject": "alice", "name": "Alice", "api_key": "…",
//	     "email": "alice@example.com",
//	     "grants": [{"project": "demo", "domain": "*", "role": "run"}]}
//	  ],
//	  "org": "demo-org",
//	  "tasks": [
//	    {"name": "hello", "version": "v2", "executor": "hello",
//	     "inputs": [{"name": "name", "type": "string", "default": "you"},
//	                {"name": "loud", "type": "boolean", "default": false}]}
//	  ],
//	  "max_runs": 1000,
//	  "max_input_bytes": 65536,
//	  "max_active_runs_per_user": 8,
//	  "max_watches_per_user": 32,
//	  "read_timeout": "30s",
//	  "idle_timeout": "2m"
//	}
//
// A zero limit means its default; a negative one is refused.
type Config struct {
	Users []User `json:"users"`

	// Org is the org every task is registered in (default [DefaultOrg]):
	// Flyte 2 identifiers carry an org, and a client finds the tasks with
	// this one (FLYTE_ORG).
	Org string `json:"org,omitempty"`

	// Tasks are registered after the built-in ones ([BuiltinTasks]), in
	// order: the last version of a name is its latest.
	Tasks []Task `json:"tasks,omitempty"`

	// MaxRuns is how many runs are kept (default [DefaultMaxRuns]). When a
	// new run would exceed it, the oldest finished run is forgotten; when
	// every kept run is still active, the new one is refused with
	// ResourceExhausted. A run's name is never used again, forgotten or
	// not: the server remembers the names callers chose (run_id), up to 10
	// × MaxRuns of them, and beyond that refuses run_id with
	// ResourceExhausted and names every run itself.
	MaxRuns int `json:"max_runs,omitempty"`
	// MaxInputBytes bounds the encoded size of one run's inputs (default
	// [DefaultMaxInputBytes], at most 1 MiB); larger inputs are refused with
	// InvalidArgument. Requests larger than MaxInputBytes plus 64 KiB are
	// refused with ResourceExhausted before they are decoded (compressed
	// requests included: the bound is on the decoded size).
	MaxInputBytes int `json:"max_input_bytes,omitempty"`
	// MaxActiveRunsPerUser bounds how many queued or running runs one user
	// may have (default [DefaultMaxActiveRunsPerUser]); more are refused
	// with ResourceExhausted.
	MaxActiveRunsPerUser int `json:"max_active_runs_per_user,omitempty"`
	// MaxWatchesPerUser bounds how many WatchRunDetails streams one user
	// may have open at once, on all endpoints together (default
	// [DefaultMaxWatchesPerUser]); more are refused with ResourceExhausted.
	MaxWatchesPerUser int `json:"max_watches_per_user,omitempty"`

	// ReadTimeout bounds how long a client may take to send one request:
	// headers and body on the Connect endpoint; the connection handshake,
	// and then each call's request message, on the gRPC endpoint (where at
	// most 1000 calls may wait for theirs at once; more are refused with
	// ResourceExhausted). Default [DefaultReadTimeout].
	ReadTimeout Duration `json:"read_timeout,omitempty"`
	// IdleTimeout is how long a connection may stay open with no call in
	// flight before the server closes it. Default [DefaultIdleTimeout].
	IdleTimeout Duration `json:"idle_timeout,omitempty"`
}

// Defaults of the [Config] limits: together they bound the server's memory
// to about MaxRuns × MaxInputBytes for inputs (64 MB), plus outputs of the
// same order.
const (
	DefaultOrg                  = "demo-org"
	DefaultMaxRuns              = 1000
	DefaultMaxInputBytes        = 64 << 10
	DefaultMaxActiveRunsPerUser = 8
	DefaultMaxWatchesPerUser    = 32
	DefaultReadTimeout          = 30 * time.Second
	DefaultIdleTimeout          = 2 * time.Minute
)

// Duration is a [time.Duration] written in JSON as a string such as "30s".
type Duration time.Duration

// MarshalJSON writes d as a string such as "1m30s".
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a string such as "30s" (see [time.ParseDuration]).
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New(`a duration is a string such as "30s"`)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// withDefaults returns c with every zero limit set to its default.
func (c Config) withDefaults() Config {
	if c.Org == "" {
		c.Org = DefaultOrg
	}
	if c.MaxRuns == 0 {
		c.MaxRuns = DefaultMaxRuns
	}
	if c.MaxInputBytes == 0 {
		c.MaxInputBytes = DefaultMaxInputBytes
	}
	if c.MaxActiveRunsPerUser == 0 {
		c.MaxActiveRunsPerUser = DefaultMaxActiveRunsPerUser
	}
	if c.MaxWatchesPerUser == 0 {
		c.MaxWatchesPerUser = DefaultMaxWatchesPerUser
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = Duration(DefaultReadTimeout)
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = Duration(DefaultIdleTimeout)
	}
	return c
}

// maxRequestBytes is the largest request the server decodes: room for the
// inputs and the rest of a request.
func (c Config) maxRequestBytes() int { return c.MaxInputBytes + 64<<10 }

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

// Validate checks that subjects and keys are present and unique, that
// every grant names a known role, that the org is at most 63 characters
// and that every task is valid and registered once.
func (c Config) Validate() error {
	if len(c.Users) == 0 {
		return errors.New("no users")
	}
	if err := length("org", c.Org, 0, controlplane.MaxOrgLength); err != nil {
		return errors.New("org must have at most 63 characters")
	}
	if _, err := registerTasks(c.withDefaults().Org, c.Tasks, time.Time{}); err != nil {
		return err
	}
	for _, l := range []struct {
		name string
		v    int64
	}{
		{"max_runs", int64(c.MaxRuns)}, {"max_input_bytes", int64(c.MaxInputBytes)},
		{"max_active_runs_per_user", int64(c.MaxActiveRunsPerUser)}, {"max_watches_per_user", int64(c.MaxWatchesPerUser)},
		{"read_timeout", int64(c.ReadTimeout)}, {"idle_timeout", int64(c.IdleTimeout)},
	} {
		if l.v < 0 {
			return fmt.Errorf("%s must not be negative", l.name)
		}
	}
	if c.MaxInputBytes > 1<<20 {
		// A run holds its inputs and outputs of about the same size: one
		// run must fit in the 4 MiB a gRPC client accepts by default.
		return errors.New("max_input_bytes must be at most 1 MiB")
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
// tasks in the demo project, "bob" may only view them. Its org is
// [DefaultOrg].
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
		{Subject: "alice", Name: "Alice Runner", APIKey: alice, Grants: []Grant{{Project: DemoProject, Domain: "*", Role: RoleRun}},
			PreferredUsername: "alice", GivenName: "Alice", FamilyName: "Runner", Email: "alice@example.com"},
		{Subject: "bob", Name: "Bob Viewer", APIKey: bob, Grants: []Grant{{Project: DemoProject, Domain: "*", Role: RoleView}},
			PreferredUsername: "bob", GivenName: "Bob", FamilyName: "Viewer", Email: "bob@example.com"},
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

// WriteExports writes the org ("export FLYTE_ORG=…") and the users' keys
// as shell lines ready to paste ("export ALICE_KEY=…", after a comment
// naming the user and their grants), for a person starting a development
// server. It is the only
// place keys are shown: call it once, at start, and never through a
// logger.
//
// The output is safe to paste or pipe into a POSIX shell whatever the
// configuration holds: keys are single-quoted when they need it, variable
// names keep only letters, digits and underscores, and the comments carry
// no line breaks.
func (c Config) WriteExports(w io.Writer) {
	fmt.Fprintln(w, "# Development control plane: its org, and its users; new keys at every start, shown only here:")
	fmt.Fprintf(w, "export FLYTE_ORG=%s\n", shellQuote(c.withDefaults().Org))
	for _, u := range c.Users {
		var roles []string
		for _, g := range u.Grants {
			roles = append(roles, fmt.Sprintf("%s in %s/%s", g.Role, g.Project, g.Domain))
		}
		fmt.Fprintf(w, "# %s\n", commentSafe(u.Name+": "+strings.Join(roles, ", ")))
		fmt.Fprintf(w, "export %s=%s\n", exportName(u.Subject), shellQuote(u.APIKey))
	}
}

// exportName is SUBJECT_KEY, upper-cased, with anything but letters,
// digits and underscores replaced by an underscore.
func exportName(subject string) string {
	var b strings.Builder
	for i, r := range strings.ToUpper(subject) {
		switch {
		case r >= 'A' && r <= 'Z', r == '_', r >= '0' && r <= '9' && i > 0:
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String() + "_KEY"
}

// shellQuote returns s as one shell word with the value s: unchanged if
// every byte is plainly safe, else in single quotes, where only the single
// quote itself needs escaping.
func shellQuote(s string) string {
	safe := s != ""
	for i := 0; i < len(s) && safe; i++ {
		c := s[i]
		safe = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-.,:/@%+=", c) >= 0
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// commentSafe keeps a comment on one line: control characters become '?'.
func commentSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || r == 0x2028 || r == 0x2029 {
			return '?'
		}
		return r
	}, s)
}
