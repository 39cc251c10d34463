package conformance

import (
	"fmt"
	"slices"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
)

// Mutant is a deliberately broken implementation: the reference
// implementation with one defect. The gate must fail it on at least one
// case (docs/conformance.md, "The gate tests itself"); a mutant that
// survives shows a hole in the catalogue.
type Mutant struct {
	Name   string
	Defect string // what is broken, for the score listing
	// Protocols the defect is in (the run keeps only their cases).
	Protocols []string
	// wrap, if set, wraps each reference party.
	wrap func(setup harness.Setup, name string, p harness.Party) Party
	// option, if set, is a testing-only defect option passed to the
	// protocol in the setup (impl/simp, impl/imke TestingOnlyDefect).
	option string
}

// Factory returns a Factory for the broken implementation.
func (m Mutant) Factory() Factory {
	return func() (IUT, error) {
		b := &Builtin{}
		if m.wrap != nil {
			b.Wrap = func(setup harness.Setup, name string, p harness.Party) (Party, error) {
				return m.wrap(setup, name, p), nil
			}
		}
		if m.option != "" {
			b.Tweak = func(s *harness.Setup) { s.Options[DefectOption] = m.option }
		}
		return b, nil
	}
}

// DefectOption is the setup option that switches on a testing-only defect
// in the reference implementations.
const DefectOption = "testing-only-defect"

// mutants is the list of broken implementations, in report order.
var mutants []Mutant

func init() {
	mutants = append(mutants,
		Mutant{Name: "alert-swallowed", Defect: "every rejection is turned into silent acceptance",
			wrap: func(_ harness.Setup, _ string, p harness.Party) Party { return &swallowAlerts{p} }},
		Mutant{Name: "alert-class-wrong", Defect: "every rejection reports decode_error",
			wrap: func(_ harness.Setup, _ string, p harness.Party) Party { return &wrongClass{p} }},
		Mutant{Name: "replay-accepted", Defect: "a message seen before is accepted again with the same result",
			wrap: func(_ harness.Setup, _ string, p harness.Party) Party {
				return &acceptReplay{Party: p, seen: map[string]role.Output{}}
			}},
		Mutant{Name: "malformed-ignored", Defect: "a truncated, overlong or malformed message (decode_error) is silently accepted",
			wrap: func(_ harness.Setup, _ string, p harness.Party) Party { return &ignoreClass{p, role.DecodeError} }},
		Mutant{Name: "claimed-identity-trusted", Defect: "the server believes the identity a login message claims, not the sender the network reports",
			Protocols: []string{"simp", "imke"},
			wrap:      func(_ harness.Setup, _ string, p harness.Party) Party { return &trustClaimedIdentity{p} }},
		Mutant{Name: "imke-f1-is-f2", Defect: "IMKE: f2 is computed as f1 (paper §4.1 caveat)", Protocols: []string{"imke"}, option: "imke-f1-is-f2"},
		Mutant{Name: "imke-f2-unchecked", Defect: "IMKE: the client does not check a2's f2(P_A)", Protocols: []string{"imke"}, option: "imke-f2-unchecked"},
		Mutant{Name: "imke-relayed-seq-unchecked", Defect: "IMKE: a relayed 4.7's sequence number is not checked", Protocols: []string{"imke"}, option: "imke-relayed-seq-unchecked"},
		Mutant{Name: "simp-mac-unchecked", Defect: "SIMP: E6/E7's keyed hash (MAC) is not checked", Protocols: []string{"simp"}, option: "simp-mac-unchecked"},
		Mutant{Name: "simp-key-index-reused", Defect: "SIMP: the sender reuses its key index j for the next message", Protocols: []string{"simp"}, option: "simp-key-index-reused"},
		Mutant{Name: "simp-e4-signature-unchecked", Defect: "SIMP: the responder does not verify E4's signature", Protocols: []string{"simp"}, option: "simp-e4-signature-unchecked"},
		Mutant{Name: "message-not-delivered", Defect: "accepted messages are not reported to the user (no message-accepted event)",
			wrap: func(_ harness.Setup, _ string, p harness.Party) Party { return &dropEvents{p, role.MessageAccepted} }},
	)
}

// Mutants lists the broken implementations.
func Mutants() []Mutant { return slices.Clone(mutants) }

// MutantNames lists their names.
func MutantNames() []string {
	var out []string
	for _, m := range mutants {
		out = append(out, m.Name)
	}
	return out
}

// MutantByName finds a broken implementation.
func MutantByName(name string) (Mutant, bool) {
	for _, m := range mutants {
		if m.Name == name {
			return m, true
		}
	}
	return Mutant{}, false
}

// Score is a mutation score: how many mutants the gate killed.
type Score struct {
	Killed, Total int
	Survivors     []string
}

// Percent is the score in percent (100 for no mutants).
func (s Score) Percent() float64 {
	if s.Total == 0 {
		return 100
	}
	return 100 * float64(s.Killed) / float64(s.Total)
}

// RunMutants runs the selected catalogue against every mutant and calls
// each with its report.
func RunMutants(opts Options, each func(Mutant, *Report)) (Score, error) {
	var sc Score
	for _, m := range mutants {
		o := opts
		if len(m.Protocols) > 0 {
			o.Protocols = m.Protocols
		}
		o.Name = "mutant " + m.Name
		o.FailFast = true
		rep, err := Run(m.Factory(), o)
		if err != nil {
			return sc, fmt.Errorf("conformance: mutant %s: %w", m.Name, err)
		}
		sc.Total++
		if rep.Failed() {
			sc.Killed++
		} else {
			sc.Survivors = append(sc.Survivors, m.Name)
		}
		if each != nil {
			each(m, rep)
		}
	}
	return sc, nil
}

// swallowAlerts accepts every message: a rejection becomes empty output.
type swallowAlerts struct{ harness.Party }

func (p *swallowAlerts) Handle(from string, msg []byte) (role.Output, error) {
	o, err := p.Party.Handle(from, msg)
	if role.ClassOf(err) != 0 {
		return role.Output{}, nil
	}
	return o, err
}

// wrongClass reports every rejection as decode_error.
type wrongClass struct{ harness.Party }

func (p *wrongClass) Handle(from string, msg []byte) (role.Output, error) {
	o, err := p.Party.Handle(from, msg)
	if c := role.ClassOf(err); c != 0 && c != role.DecodeError {
		return o, &role.Alert{Protocol: "mutant", Class: role.DecodeError, Reason: err.Error()}
	}
	return o, err
}

// acceptReplay answers a message it has accepted before with the same
// output, instead of the reference's rejection.
type acceptReplay struct {
	harness.Party
	seen map[string]role.Output
}

func (p *acceptReplay) Handle(from string, msg []byte) (role.Output, error) {
	key := from + "\x00" + string(msg)
	if o, ok := p.seen[key]; ok {
		return o, nil
	}
	o, err := p.Party.Handle(from, msg)
	if err == nil {
		p.seen[key] = o
	}
	return o, err
}

// dropEvents hides events of one kind.
type dropEvents struct {
	harness.Party
	kind role.EventKind
}

func (p *dropEvents) Handle(from string, msg []byte) (role.Output, error) {
	o, err := p.Party.Handle(from, msg)
	var kept []role.Event
	for _, e := range o.Events {
		if e.Kind != p.kind {
			kept = append(kept, e)
		}
	}
	o.Events = kept
	return o, err
}

// ignoreClass turns rejections of one class into silent acceptance.
type ignoreClass struct {
	harness.Party
	class role.AlertClass
}

func (p *ignoreClass) Handle(from string, msg []byte) (role.Output, error) {
	o, err := p.Party.Handle(from, msg)
	if role.ClassOf(err) == p.class {
		return role.Output{}, nil
	}
	return o, err
}

// loginIdentity locates the claimed identity of the login messages that
// carry one in clear: SIMP L1 (simp.md §2) and IMKE a1 (imke.md §3.2).
var loginIdentity = map[uint8]Layout{0x12: simpL1, 0x20: imkeA1}

// trustClaimedIdentity hands a login message to the server as if it came
// from the identity it names.
type trustClaimedIdentity struct{ harness.Party }

func (p *trustClaimedIdentity) Handle(from string, msg []byte) (role.Output, error) {
	if len(msg) > 0 {
		if l, ok := loginIdentity[msg[0]]; ok {
			if sp, err := l.spans(msg); err == nil {
				from = string(msg[sp[0].start:sp[0].end])
			}
		}
	}
	return p.Party.Handle(from, msg)
}
