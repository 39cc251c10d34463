// Package attacks adds the adversary's attacks to the conformance
// catalogue (docs/conformance.md, "Attacks"): every attack the adversary
// knows (docs/adversary.md), those concretised from the model's traces
// and those the profiles list, becomes a case in which the IUT plays the
// party the hardened variant must stop it at. The attack's script runs on
// the adversary's network with reference parties around the IUT; the IUT
// must block it at the declared check (the party, the message and the
// alert of the profile's H-table) and the attack must not reach what it
// set out to violate.
//
// Importing the package registers the cases (cmd/imcheck does).
package attacks

import (
	"errors"
	"fmt"
	"strings"

	"github.com/imcheck/imcheck/adversary"
	"github.com/imcheck/imcheck/conformance"
	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

func init() { conformance.RegisterCases(cases) }

// cases has one case per attack with a declared hardened block at a
// party's check.
func cases() []conformance.Case {
	var out []conformance.Case
	for _, a := range adversary.Attacks() {
		b := a.HardenedBlock
		if a.NotFixed || b == nil || b.Label == "" || b.Party == "" {
			continue
		}
		a := a
		out = append(out, conformance.Case{
			ID:       strings.ToUpper(a.Protocol) + "/attack/" + a.ID,
			Clause:   a.Protocol + ".md, " + b.Rule + " (docs/adversary.md)",
			Protocol: a.Protocol, Party: b.Party, Variants: []string{"hardened"},
			// Not classic: the adversary cannot rebuild an RSA one-time key
			// from its random draws, which one attack needs.
			Suites: []string{"modern", "pq"},
			Users:  a.Users, Options: a.Options,
			Summary: fmt.Sprintf("%s (%s, from the %s): the hardened %s stops it, rejecting %s with %s",
				a.Title, a.Weakness, a.Source, b.Party, b.Label, strings.Join(b.Alerts, " or ")),
			Custom: func(run *conformance.CustomRun) error { return runAttack(a, run) },
		})
	}
	return out
}

// runAttack runs a's script with the IUT in place of the blocking party.
func runAttack(a *adversary.Attack, run *conformance.CustomRun) error {
	p, err := harness.Lookup(a.Protocol)
	if err != nil {
		return err
	}
	setup := run.Setup
	// The adversary rebuilds a corrupted party's one-time keys from what
	// its random source drew.
	setup.RandLog = &harness.RandLog{}
	parties, err := p.NewParties(setup)
	if err != nil {
		return fmt.Errorf("attacks: attack %s: %w", a.ID, err)
	}
	parties[run.Name] = &iutParty{name: run.Name, p: run.Party}
	d, err := adversary.NewDissector(setup)
	if err != nil {
		return err
	}
	n, err := adversary.NewNetwork(adversary.Config{Protocol: p, Setup: setup, Dissector: d, Dishonest: a.Dishonest, Parties: parties})
	if err != nil {
		return fmt.Errorf("attacks: attack %s: %w", a.ID, err)
	}
	run.Logf("attack %s with the IUT as %s", a.ID, run.Name)
	v := &adversary.Verdict{Attack: a.ID, Suite: setup.Suite.Name, Variant: setup.Variant}
	if err := a.Script(n); err != nil {
		var b *adversary.Blocked
		if !errors.As(err, &b) {
			var ie *conformance.IUTError
			if errors.As(err, &ie) || errors.Is(err, conformance.ErrUnsupported) {
				return err
			}
			return conformance.Failf("the attack could not run against the IUT: %v", err)
		}
		v.Blocked = b
		run.Logf("  %s", b)
	}
	v.Violations = n.Check(a.Scope)
	if a.Check != nil {
		v.Violations = append(v.Violations, a.Check(n)...)
	}
	for _, x := range v.Violations {
		for _, e := range a.Expect {
			if e.Match(x) {
				return conformance.Failf("the attack succeeded against the IUT: %s", x)
			}
		}
	}
	if err := a.HardenedBlock.Check(v); err != nil {
		return conformance.Failf("%v", strings.TrimPrefix(err.Error(), "adversary: "))
	}
	return nil
}

// iutParty puts the IUT's party on the adversary's network.
type iutParty struct {
	name string
	p    conformance.Party
}

func (q *iutParty) Name() string                                      { return q.name }
func (q *iutParty) Ops() suite.Ops                                    { return suite.Ops{} }
func (q *iutParty) Handle(from string, m []byte) (role.Output, error) { return q.p.Handle(from, m) }
func (q *iutParty) Act(a harness.Action) (role.Output, error)         { return q.p.Act(a) }
