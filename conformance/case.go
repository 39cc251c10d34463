package conformance

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
)

// Case is one row of the catalogue: a scenario and what a conforming
// implementation does in it. The gate expands a case into one instance per
// suite and variant it applies to.
type Case struct {
	// ID is stable and hierarchical: PROTOCOL/MESSAGE/what, e.g.
	// "SIMP/E6/replay-rejected". Reports and --run/--skip use it.
	ID string
	// Clause is the profile clause the case tests, e.g. "simp.md §7.3".
	Clause string
	// Summary says in a line what the case checks.
	Summary string
	// Protocol is "simp" or "imke".
	Protocol string
	// Party is the identity the IUT plays in the default setup: "S" (the
	// server), "alice" (the initiator) or "bob" (the responder).
	Party string
	// Suites and Variants restrict the case; nil means all of them.
	Suites   []string
	Variants []string
	// Options are setup options (docs/spec/harness.md).
	Options map[string]string
	// Users replaces the default setup's users (alice, bob), e.g. to add
	// an insider.
	Users []string
	// Server replaces the default setup's server identity (S); Party
	// names it when the server is under test.
	Server string
	// RefOptions are added to the setup of the reference parties only:
	// they make the IUT's peers misbehave (an impostor or malicious
	// server, through the reference implementations' testing-only
	// options).
	RefOptions map[string]string
	// Steps run in order; the first unmet expectation fails the case.
	Steps []Step
	// Intercept, if set, is active through every step: it twists the Nth
	// matching message of the whole run.
	Intercept *Intercept
	// Events must be emitted by the IUT over the whole case, in this order,
	// unless an intercept without Resume ended the case early.
	Events []EventPattern
	// UniqueKeys: no two key-used events of the IUT may carry the same key
	// (a limited-use key protects at most one message).
	UniqueKeys bool
	// Custom, if set, runs the case instead of Steps (e.g. an adversary's
	// attack script with the IUT in place of one party): it returns nil
	// when the IUT did as the case expects, an error from Failf when it
	// did not, or the IUT's own error.
	Custom func(run *CustomRun) error
}

// CustomRun is what a Custom case gets: the instance's setup, the IUT's
// party in it (already built), and the case's trace.
type CustomRun struct {
	Setup harness.Setup
	Name  string
	Party Party
	Logf  func(format string, args ...any)
}

// Failf makes the error of an unmet expectation of a Custom case.
func Failf(format string, args ...any) error { return failf(format, args...) }

// RegisterCases adds a topic of cases to the catalogue, after the built-in
// ones (e.g. package conformance/attacks). Called from init.
func RegisterCases(f func() []Case) { topics = append(topics, f) }

// Role is the role under test: RoleServer or RoleClient.
func (c *Case) Role() string {
	if c.Party == defaultServer || c.Server != "" && c.Party == c.Server {
		return RoleServer
	}
	return RoleClient
}

// Step is one thing the gate does in a case: a user action, delivered
// honestly except for an optional interception, or an injected message.
type Step struct {
	// Act is a user action; every message it causes is delivered until the
	// network is quiet. An action of the IUT's own party is started on the
	// IUT.
	Act *harness.Action
	// Intercept, with Act, replaces one message addressed to the IUT.
	Intercept *Intercept
	// Inject delivers a message of the gate's choosing to the IUT: a
	// replay, a reflection or a message out of order.
	Inject *Inject
	// Restart restarts the IUT's party or keeps a snapshot of its state
	// (FeatureRestart); a case with one is unsupported for an IUT that
	// does not advertise the feature.
	Restart *Restart
	// Events must be emitted by the IUT during the step, in this order
	// (other events may come in between).
	Events []EventPattern
	// Absent must not be emitted by the IUT during the step.
	Absent []role.EventKind
	// Refuse, with an Act of the IUT's party, means the IUT must refuse the
	// action with an alert of one of these classes.
	Refuse []role.AlertClass
	// RefRejects: a reference party must reject a message of the IUT's in
	// this step with one of these classes (the profile says so, e.g. the
	// hardened server refusing a renewal start while its own is open).
	RefRejects []role.AlertClass
	// RefEvents must be emitted by the reference parties during the step,
	// in this order: what the IUT did reached them as the profile says
	// (a probe that the IUT's state is as it should be).
	RefEvents []EventPattern
}

// Restart is a restart of the IUT's party (docs/spec/shim.md §3.6).
type Restart struct {
	// Keep, if set, only keeps a snapshot of the party's state under this
	// name; the party goes on as it is.
	Keep string
	// From, if set, rebuilds the party from the snapshot kept under this
	// name, not from its state now: a stale state.
	From string
}

// needs lists the features the case needs of the IUT.
func (c *Case) needs() []string {
	for _, s := range c.Steps {
		if s.Restart != nil {
			return []string{FeatureRestart}
		}
	}
	return nil
}

// Mode says what an intercept does with the message it matches.
type Mode int

const (
	// Replace delivers a changed copy of a message on its way to the IUT
	// instead of the message.
	Replace Mode = iota
	// Repeat delivers a message on its way to the IUT, then a (changed)
	// copy of it again: a replay within the session.
	Repeat
	// Reflect delivers a message the IUT sent to its recipient, then a
	// (changed) copy of it back to the IUT, claimed to come from that
	// recipient.
	Reflect
	// Precede delivers the Before messages to the IUT, each with its own
	// expected outcome, and then the message itself: messages out of
	// order, or of a type the IUT never handles, in the state the IUT is in
	// just before the message.
	Precede
	// Hold keeps the message back until the end of the next step, then
	// delivers it: two flows in flight at once (a simultaneous start).
	Hold
	// Judge delivers the message once, (changed) as the intercept says,
	// with an expected outcome, and goes on with the run: a message the
	// gate does not replace, e.g. a hostile user's request.
	Judge
)

// Intercept twists the Nth message labelled Label on its way to the IUT
// (for Reflect: sent by the IUT).
type Intercept struct {
	Label string
	// Nth counts matching messages from 1 (0 means 1).
	Nth  int
	Mode Mode
	// Mutate changes the copy delivered; nil delivers it as is.
	Mutate *Mutation
	// From, if set, is the sender the network claims for the copy.
	From string
	// Substitute, if set, replaces the copy's bytes by those of the first
	// message with this label delivered to the IUT earlier in the case
	// (another run's message passed off in place of the genuine one).
	Substitute string
	// Expect is the IUT's expected answer to the copy.
	Expect Outcome
	// Resume goes on with the run afterwards (for Replace, by delivering
	// the original message), which checks that a rejection left the IUT's
	// state as it was. Without Resume the case ends after the copy.
	Resume bool
	// Gone, without Resume, delivers the original message after the copy
	// was rejected and expects this outcome: the profile says the session
	// ended ("disconnects"), so the genuine message must not be accepted.
	Gone *Outcome
	// Before are the messages of Precede (Inject with Source
	// FromHonestRun and an Index).
	Before []Inject
}

// Source says where an injected message comes from.
type Source int

const (
	// FromLog: a message delivered to the IUT earlier in the case (replay).
	FromLog Source = iota + 1
	// FromIUT: a message the IUT sent earlier in the case (reflection).
	FromIUT
	// FromHonestRun: the message of an honest run of the same setup with
	// reference parties only (a message out of order or from another
	// session).
	FromHonestRun
)

// Inject delivers a chosen message to the IUT.
type Inject struct {
	Source Source
	Label  string
	// Nth counts matching messages from 1 (0 means the last one).
	Nth int
	// Index, for FromHonestRun, picks the message by its position (from
	// 1) in the honest run's transcript, whoever it was sent to; Label
	// must then be its label.
	Index int
	// From is the sender the network claims; "" keeps the original sender
	// (for FromIUT: the original recipient, i.e. the message comes back).
	From   string
	Mutate *Mutation
	Expect Outcome
}

// Outcome is the expected answer of the IUT to one delivery.
type Outcome struct {
	// Reject, when not empty, means the IUT must reject the message with
	// an alert of one of these classes (any class with lenient alerts).
	Reject []role.AlertClass
	// Events must be emitted when the IUT accepts (Reject empty).
	Events []EventPattern
	// Silent means the IUT may either reject the message (any class) or
	// accept it without emitting an event or sending a message (discard).
	Silent bool
}

// EventPattern matches an event. Empty fields match anything; Role names
// the party that emits it (for reference parties' events).
type EventPattern struct {
	Kind role.EventKind
	Role string
	Peer string
	Body []byte
}

func (p EventPattern) matches(e role.Event) bool {
	return e.Kind == p.Kind && (p.Peer == "" || p.Peer == e.Peer) &&
		(p.Role == "" || p.Role == e.Role) && (p.Body == nil || bytes.Equal(p.Body, e.Body))
}

func (p EventPattern) String() string {
	s := p.Kind.String()
	if p.Role != "" {
		s = p.Role + ": " + s
	}
	if p.Peer != "" {
		s += " peer=" + p.Peer
	}
	if p.Body != nil {
		s += fmt.Sprintf(" body=%q", p.Body)
	}
	return s
}

// containsInOrder reports whether events contain every pattern in order,
// and if not, the first pattern missing.
func containsInOrder(events []role.Event, pats []EventPattern) (EventPattern, bool) {
	i := 0
	for _, p := range pats {
		for i < len(events) && !p.matches(events[i]) {
			i++
		}
		if i == len(events) {
			return p, false
		}
		i++
	}
	return EventPattern{}, true
}

// Instance is a case with its suite and variant chosen.
type Instance struct {
	Case    *Case
	Suite   string
	Variant string
}

// Name is the instance's full name: ID[suite,variant].
func (in Instance) Name() string {
	return fmt.Sprintf("%s[%s,%s]", in.Case.ID, in.Suite, in.Variant)
}

// validate reports catalogue mistakes: they are programming errors caught
// by the tests.
func (c *Case) validate() error {
	parts := strings.Split(c.ID, "/")
	if len(parts) < 3 || slices.Contains(parts, "") || strings.ContainsAny(c.ID, " []*?,") {
		return fmt.Errorf("conformance: case ID %q is not PROTOCOL/MESSAGE/what", c.ID)
	}
	if strings.ToLower(parts[0]) != c.Protocol {
		return fmt.Errorf("conformance: case %s: protocol %q does not match its ID", c.ID, c.Protocol)
	}
	if c.Clause == "" || c.Summary == "" || c.Party == "" || len(c.Steps) == 0 && c.Custom == nil {
		return fmt.Errorf("conformance: case %s: clause, summary, party and steps are required", c.ID)
	}
	for i, s := range c.Steps {
		n := 0
		if s.Act != nil {
			n++
		}
		if s.Inject != nil {
			n++
		}
		if s.Restart != nil {
			n++
			if s.Restart.Keep != "" && s.Restart.From != "" {
				return fmt.Errorf("conformance: case %s step %d: a restart keeps a snapshot or restarts, not both", c.ID, i+1)
			}
		}
		if n != 1 || (s.Intercept != nil && (s.Act == nil || c.Intercept != nil)) {
			return fmt.Errorf("conformance: case %s step %d: want exactly one of Act, Inject or Restart", c.ID, i+1)
		}
	}
	return nil
}
