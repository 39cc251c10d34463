package conformance

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// Roles an implementation can play (docs/spec/shim.md §3). A case's role
// under test is RoleServer when the IUT plays the setup's server and
// RoleClient when it plays a user (initiator or responder).
const (
	RoleServer = "server"
	RoleClient = "client"
)

// ErrUnsupported is returned (wrapped) by an IUT for a setup, party or
// action it does not implement; the case is reported as unsupported, not
// failed.
var ErrUnsupported = errors.New("conformance: unsupported by the implementation under test")

// IUTError is a failure of the implementation under test that is not a
// protocol rejection: it crashed, hung, answered garbage or refused a
// well-formed request. A case that meets one fails with its text.
type IUTError struct {
	Op     string // the request that failed, e.g. "handle"
	Reason string
	// Hung means the IUT did not answer in time: the runner then runs no
	// more cases on it (docs/conformance.md, "In CI").
	Hung bool
}

func (e *IUTError) Error() string { return fmt.Sprintf("conformance: IUT %s: %s", e.Op, e.Reason) }

// Capability is what an implementation supports of one protocol.
type Capability struct {
	Protocol string   `json:"protocol"`
	Roles    []string `json:"roles"`
	Suites   []string `json:"suites"`
	Variants []string `json:"variants"`
	// Features are optional requests the implementation serves for this
	// protocol (docs/spec/shim.md §3.1): FeatureRestart.
	Features []string `json:"features,omitempty"`
}

// FeatureRestart: the IUT can restart a party, keeping what the profile
// says survives a restart (simp.md §14; shim.md §3.6).
const FeatureRestart = "restart"

// knownFeatures are the feature names a capability may list.
var knownFeatures = []string{FeatureRestart}

// Capabilities lists an implementation's capabilities, one per protocol.
type Capabilities []Capability

// checkCapabilities checks a shim's capabilities strictly
// (docs/spec/shim.md §3.1): at least one protocol, each known to this gate
// and listed once, each with at least one role, suite and variant, all of
// them known and none twice.
func checkCapabilities(cs Capabilities) error {
	if len(cs) == 0 {
		return errors.New("conformance: it advertises no capabilities: there would be nothing to test")
	}
	seen := map[string]bool{}
	for i, c := range cs {
		p, err := harness.Lookup(c.Protocol)
		if err != nil {
			return fmt.Errorf("conformance: capability %d: unknown protocol %q (known: %s)", i+1, c.Protocol, strings.Join(harness.Names(), ", "))
		}
		if seen[c.Protocol] {
			return fmt.Errorf("conformance: capability %d: protocol %s is listed twice", i+1, c.Protocol)
		}
		seen[c.Protocol] = true
		for _, l := range []struct {
			what       string
			got, known []string
		}{
			{"role", c.Roles, []string{RoleServer, RoleClient}},
			{"suite", c.Suites, suite.Names()},
			{"variant", c.Variants, p.Variants()},
			{"feature", c.Features, knownFeatures},
		} {
			if len(l.got) == 0 && l.what != "feature" {
				return fmt.Errorf("conformance: capability %d (%s): no %s listed", i+1, c.Protocol, l.what)
			}
			for j, v := range l.got {
				if !slices.Contains(l.known, v) {
					return fmt.Errorf("conformance: capability %d (%s): unknown %s %q (known: %s)", i+1, c.Protocol, l.what, v, strings.Join(l.known, ", "))
				}
				if slices.Contains(l.got[:j], v) {
					return fmt.Errorf("conformance: capability %d (%s): %s %q is listed twice", i+1, c.Protocol, l.what, v)
				}
			}
		}
	}
	return nil
}

// Supports reports whether the implementation can play role in protocol
// with suite and variant.
func (cs Capabilities) Supports(protocol, role, suiteName, variant string) bool {
	for _, c := range cs {
		if c.Protocol == protocol {
			return slices.Contains(c.Roles, role) && slices.Contains(c.Suites, suiteName) &&
				slices.Contains(c.Variants, variant)
		}
	}
	return false
}

// Has reports whether the implementation advertises feature for protocol.
func (cs Capabilities) Has(protocol, feature string) bool {
	for _, c := range cs {
		if c.Protocol == protocol {
			return slices.Contains(c.Features, feature)
		}
	}
	return false
}

// Restartable is a Party of an IUT that advertises FeatureRestart.
type Restartable interface {
	// Snapshot returns, opaque to the gate, what the party would keep if it
	// restarted now.
	Snapshot() ([]byte, error)
	// Restart keeps what the profile says survives, drops the party and
	// rebuilds it from that; the party goes on under the same handle.
	Restart() error
	// RestartFrom drops the party and rebuilds it from state, an earlier
	// Snapshot of it (a stale state).
	RestartFrom(state []byte) error
}

// Party is the IUT's side of one party in a case: the reference roles talk
// to it exactly as they talk to each other.
type Party interface {
	// Handle delivers msg, which the network claims came from from. A
	// rejection is an error wrapping a *role.Alert; ErrUnsupported and
	// *IUTError are the other errors it may return.
	Handle(from string, msg []byte) (role.Output, error)
	// Act starts a user action (docs/spec/harness.md §Actions).
	Act(a harness.Action) (role.Output, error)
}

// IUT is an implementation under test. The runner uses one IUT from one
// goroutine at a time, except for Abort.
type IUT interface {
	// Capabilities says what the implementation supports.
	Capabilities() Capabilities
	// NewParty builds the party called name of setup, provisioned as
	// docs/spec/harness.md says.
	NewParty(setup harness.Setup, name string) (Party, error)
	// EndCase releases the parties of the case that just ended. An error
	// means the IUT is unusable; the runner then starts a new one.
	EndCase() error
	// Abort makes every pending call return promptly; it is called from
	// another goroutine when a case times out. After Abort the runner
	// closes the IUT and starts a new one.
	Abort()
	// Close releases the IUT.
	Close() error
}

// Factory starts an IUT. The runner starts one per worker, and a new one
// after a crash or a timeout.
type Factory func() (IUT, error)

// Builtin is the reference implementation as an IUT: each party is built by
// the protocol's harness adapter (impl/harness). Protocols must be
// registered (import impl/protocols).
type Builtin struct {
	// Wrap, if set, replaces each party before the gate sees it (the
	// deliberately broken IUTs of mutants.go use it).
	Wrap func(setup harness.Setup, name string, p harness.Party) (Party, error)
	// Tweak, if set, edits the setup before the party is built (e.g. a
	// testing-only defect option).
	Tweak func(setup *harness.Setup)
}

// NewBuiltin is a Factory for the plain reference implementation.
func NewBuiltin() (IUT, error) { return &Builtin{}, nil }

// Capabilities lists every registered protocol with both roles, every
// suite and every variant, and FeatureRestart for those whose parties keep
// state across a restart (not with Wrap: a wrapped party is not restarted).
func (b *Builtin) Capabilities() Capabilities {
	var cs Capabilities
	for _, n := range harness.Names() {
		p, err := harness.Lookup(n)
		if err != nil {
			continue
		}
		c := Capability{
			Protocol: n,
			Roles:    []string{RoleServer, RoleClient},
			Suites:   suite.Names(),
			Variants: p.Variants(),
		}
		if _, ok := p.(harness.Restorer); ok && b.Wrap == nil {
			c.Features = []string{FeatureRestart}
		}
		cs = append(cs, c)
	}
	return cs
}

// NewParty builds a reference party.
func (b *Builtin) NewParty(setup harness.Setup, name string) (Party, error) {
	p, err := harness.Lookup(setup.Protocol)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsupported, err)
	}
	if b.Tweak != nil {
		setup.Options = cloneOptions(setup.Options)
		b.Tweak(&setup)
	}
	party, err := p.NewParty(setup, name)
	if err != nil {
		return nil, &IUTError{Op: "new-party", Reason: err.Error()}
	}
	if b.Wrap != nil {
		return b.Wrap(setup, name, party)
	}
	if r, ok := p.(harness.Restorer); ok {
		return &restartable{Party: party, proto: r, setup: setup, name: name}, nil
	}
	return party, nil
}

// restartable is a reference party that restarts through its protocol's
// harness.Restorer.
type restartable struct {
	harness.Party
	proto    harness.Restorer
	setup    harness.Setup
	name     string
	restarts int
}

func (p *restartable) Snapshot() ([]byte, error) {
	b, err := p.proto.Save(p.Party)
	if err != nil {
		return nil, &IUTError{Op: "snapshot", Reason: err.Error()}
	}
	return b, nil
}

func (p *restartable) Restart() error {
	b, err := p.Snapshot()
	if err != nil {
		return err
	}
	return p.RestartFrom(b)
}

func (p *restartable) RestartFrom(state []byte) error {
	p.restarts++
	q, err := p.proto.Restore(p.setup, p.name, state, p.restarts)
	if err != nil {
		return &IUTError{Op: "restart", Reason: err.Error()}
	}
	p.Party = q
	return nil
}

// EndCase does nothing: reference parties are garbage.
func (b *Builtin) EndCase() error { return nil }

// Abort does nothing: an in-process call cannot be stopped; the runner
// abandons it.
func (b *Builtin) Abort() {}

// Close does nothing.
func (b *Builtin) Close() error { return nil }

func cloneOptions(m map[string]string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}
