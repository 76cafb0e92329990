package devserver

import (
	"crypto/rand"
	"encoding/hex"
	"strconv"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// chosenNamesPerRun bounds the run names callers may choose over a
// server's life: chosenNamesPerRun × MaxRuns.
const chosenNamesPerRun = 10

// runNames names runs so that no name is used twice in a server's life, as
// Flyte 2 never reuses a run name: a link to a forgotten run must never
// lead to a later run, another user's perhaps. The names the server gives
// are unique by construction, a prefix drawn at start and a counter; the
// names callers choose (run_id) are remembered, all of them, and refused
// if used before or if they begin with the server's prefix. The memory is
// bounded: once max names have been chosen, callers may no longer choose
// one (ResourceExhausted), and the server names their runs. Server.mu
// guards it.
type runNames struct {
	prefix string // "r" and 10 random hex digits
	next   uint64
	chosen map[runKey]struct{}
	max    int
}

func newRunNames(maxRuns int) (*runNames, error) {
	b := make([]byte, 5)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	return &runNames{prefix: "r" + hex.EncodeToString(b), chosen: map[runKey]struct{}{}, max: chosenNamesPerRun * maxRuns}, nil
}

// give returns a name never given before: at most 24 characters, within
// the 30 a run name may have.
func (n *runNames) give() string {
	n.next++
	return n.prefix + strconv.FormatUint(n.next, 36)
}

// check says why a caller may not choose k's name, if it may not.
func (n *runNames) check(k runKey) error {
	switch _, used := n.chosen[k]; {
	case strings.HasPrefix(k.name, n.prefix):
		return status.Errorf(codes.InvalidArgument, "run names beginning with %s are the ones this control plane gives", n.prefix)
	case used:
		return status.Error(codes.AlreadyExists, "a run of that name exists or existed: run names are never reused")
	case len(n.chosen) >= n.max:
		return status.Errorf(codes.ResourceExhausted, "callers have named %d runs, the most this control plane remembers: send a project_id and let it name the run", n.max)
	}
	return nil
}

// record remembers that k's name was chosen and taken.
func (n *runNames) record(k runKey) { n.chosen[k] = struct{}{} }
