package adversary

import (
	"errors"
	"fmt"
	"sort"

	"github.com/imcheck/imcheck/impl/harness"
	_ "github.com/imcheck/imcheck/impl/protocols" // registers simp and imke with the harness
)

// Attack is a named adversary script: a concrete attack on a protocol's
// reference implementation (docs/adversary.md §"Attacks").
type Attack struct {
	ID       string
	Protocol string
	Title    string
	// Weakness names what the attack shows, as the profile or the model
	// names it (e.g. "SIMP W5", "IMKE §4.2 caveat").
	Weakness string
	// Source is "profile" for a hand-written script of a profile-listed
	// weakness, "model" for one concretised from a model trace.
	Source string
	// Users, Options and Dishonest adjust the default setup.
	Users     []string
	Options   map[string]string
	Dishonest []string
	Scope     Scope
	// Expect is what the attack violates when it succeeds.
	Expect []Expect
	// NotFixed marks a weakness the hardened variant does not remove (the
	// profile says so); the attack then succeeds on both.
	NotFixed bool
	// Unrealisable marks a model attack that the concrete protocol does
	// not allow even as published (the model abstracts something the
	// implementation does not): the script is expected to be blocked on
	// both variants, and its verdict says where.
	Unrealisable string
	// HardenedBlock is where, and with which alert, the hardened variant
	// must stop the attack (from the profile's H-table); PublishedBlock
	// the same for an Unrealisable attack on as-published. A run blocked
	// anywhere else is reported as blocked for the wrong reason.
	HardenedBlock, PublishedBlock *BlockSpec
	// Check adds the claim oracles the attack's model claim needs beyond
	// the general ones (oracle_claims.go); nil for none.
	Check func(n *Network) []Violation
	// Script drives the network. It returns a *Blocked error when the
	// implementation rejects a step the attack needs.
	Script func(n *Network) error
}

// Expect describes an expected violation; empty fields match anything.
type Expect struct {
	Property Property `json:"property"`
	Party    string   `json:"party,omitempty"`
	Peer     string   `json:"peer,omitempty"`
	What     string   `json:"what,omitempty"`
	// Claimant, when set, is the model role the violated party must play
	// (Violation.Claimant): a claim of the model's B is not violated by
	// what A accepted.
	Claimant string `json:"claimant,omitempty"`
}

// Match reports whether v is the expected violation.
func (e Expect) Match(v Violation) bool {
	return v.Property == e.Property && (e.Party == "" || e.Party == v.Party) &&
		(e.Peer == "" || e.Peer == v.Peer) && (e.What == "" || e.What == v.What) &&
		(e.Claimant == "" || e.Claimant == v.Claimant)
}

func (e Expect) String() string {
	return fmt.Sprintf("%s: %s of %s with %s", e.Property, e.What, e.Party, e.Peer)
}

// Blocked is the error a script returns when a step it needs was
// rejected: where the implementation stopped the attack.
type Blocked struct {
	Step      int    `json:"step"`
	Party     string `json:"party"`
	Label     string `json:"label"`
	Alert     string `json:"alert"`
	AlertText string `json:"alert_text"`
}

func (b *Blocked) Error() string {
	return fmt.Sprintf("blocked at step %d: %s rejected %s (%s)", b.Step, b.Party, b.Label, b.AlertText)
}

// Need turns a rejected or failed step into the script's error: *Blocked
// for a rejection, the error itself otherwise.
func (n *Network) Need(o Outcome) error {
	if o.Err != nil {
		return o.Err
	}
	if o.Alert == nil {
		return nil
	}
	e := n.Trace.Entries[len(n.Trace.Entries)-1]
	party := e.To
	if e.Op == OpAct {
		party = e.Party
	}
	return &Blocked{Step: e.Step, Party: party, Label: e.Label, Alert: e.Alert, AlertText: e.AlertText}
}

// Verdict is the outcome of running an attack.
type Verdict struct {
	Attack  string `json:"attack"`
	Suite   string `json:"suite"`
	Variant string `json:"variant"`
	Seed    uint64 `json:"seed"`
	// Violations are every property violation of the run; Expected those
	// the attack set out to cause.
	Violations []Violation `json:"violations,omitempty"`
	Expected   []Violation `json:"expected,omitempty"`
	// Blocked says where the implementation stopped the script, if it did.
	Blocked *Blocked `json:"blocked,omitempty"`
	// Rejections lists every rejection of the run (step, party, message,
	// alert), the script's or incidental.
	Rejections []Blocked `json:"rejections,omitempty"`
	// Declared is where the attack says this variant must block it;
	// WrongBlock, when not empty, says how the run departed from that.
	Declared   *BlockSpec `json:"declared_block,omitempty"`
	WrongBlock string     `json:"wrong_block,omitempty"`
	Trace      *Trace     `json:"-"`
}

// Succeeded reports whether the attack caused what it set out to.
func (v *Verdict) Succeeded() bool { return len(v.Expected) > 0 }

// Run runs the attack against the reference implementation.
func (a *Attack) Run(suiteName, variant string, seed uint64) (*Verdict, error) {
	n, err := NewRun(Spec{Protocol: a.Protocol, Suite: suiteName, Variant: variant, Seed: seed,
		Users: a.Users, Options: a.Options, Dishonest: a.Dishonest})
	if err != nil {
		return nil, err
	}
	setup := n.Setup
	v := &Verdict{Attack: a.ID, Suite: suiteName, Variant: variant, Seed: seed}
	if err := a.Script(n); err != nil {
		var b *Blocked
		if !errors.As(err, &b) {
			return nil, wrapf(err, "adversary: attack %s", a.ID)
		}
		v.Blocked = b
	}
	v.Violations = n.Check(a.Scope)
	if a.Check != nil {
		v.Violations = append(v.Violations, a.Check(n)...)
	}
	for _, x := range v.Violations {
		for _, e := range a.Expect {
			if e.Match(x) {
				v.Expected = append(v.Expected, x)
				break
			}
		}
	}
	for _, e := range n.Trace.Entries {
		if e.Alert != "" {
			party := e.To
			if e.Op == OpAct {
				party = e.Party
			}
			v.Rejections = append(v.Rejections, Blocked{Step: e.Step, Party: party, Label: e.Label, Alert: e.Alert, AlertText: e.AlertText})
		}
	}
	n.Trace.Protocol, n.Trace.Suite, n.Trace.Variant, n.Trace.Seed, n.Trace.Attack = a.Protocol, suiteName, variant, seed, a.ID
	n.Trace.Users, n.Trace.Options, n.Trace.Violations, n.Trace.Scope = setup.Users, setup.Options, v.Violations, a.Scope
	v.Trace = &n.Trace
	v.judgeBlock(a.blockSpec(variant))
	return v, nil
}

var attacks = map[string]*Attack{}

// RegisterAttack adds an attack to the catalogue (called from init).
func RegisterAttack(a *Attack) {
	if _, dup := attacks[a.ID]; dup {
		panic("adversary: duplicate attack " + a.ID)
	}
	attacks[a.ID] = a
}

// Attacks lists the catalogue, ordered by protocol then ID.
func Attacks() []*Attack {
	out := make([]*Attack, 0, len(attacks))
	for _, a := range attacks {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Protocol != out[j].Protocol {
			return out[i].Protocol < out[j].Protocol
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// LookupAttack returns the attack with the given ID.
func LookupAttack(id string) (*Attack, error) {
	if a, ok := attacks[id]; ok {
		return a, nil
	}
	return nil, fmt.Errorf("adversary: unknown attack %q (see 'imcheck attack list')", id)
}

// Settle delivers everything in flight, stopping at nothing: the honest
// rest of a run.
func (n *Network) Settle() { n.DeliverAll(500) }

// SettleExcept delivers everything in flight, in order, except the first
// packet with the given label, sender and recipient, which it holds in
// flight and returns: an interception.
func (n *Network) SettleExcept(label, from, to string) (*Packet, error) {
	var held *Packet
	for {
		var next *Packet
		for _, p := range n.Pool {
			if held == nil && matches(p, label, from, to) {
				held = p
				continue
			}
			if p != held {
				next = p
				break
			}
		}
		if next == nil {
			break
		}
		if err := n.Need(n.Deliver(next.ID)); err != nil {
			return held, err
		}
	}
	if held == nil {
		return nil, fmt.Errorf("adversary: no %s from %s to %s was sent", label, from, to)
	}
	return held, nil
}

// Do has a party act and settles the network, failing on any rejection:
// the honest steps of a script.
func (n *Network) Do(acts ...harness.Action) error {
	for _, a := range acts {
		if err := n.Need(n.Act(a)); err != nil {
			return err
		}
		for len(n.Pool) > 0 {
			if err := n.Need(n.Deliver(n.Pool[0].ID)); err != nil {
				return err
			}
		}
	}
	return nil
}
