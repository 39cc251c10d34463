package conformance

import (
	"fmt"
	"slices"
	"sync"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// The state cases: a catalogue generated from each role's state machine
// in the profile. A party under test goes through one state per message
// it receives in the honest run. In each state the gate delivers, before
// the genuine next message,
//   - every later message of the run that must follow one not yet
//     received (the profile's order of phases, keys and handshakes: the
//     table's Follows), which must be rejected;
//   - one message of every type the party does not receive in the run,
//     taken from the run and claimed from its sender: a type the role never
//     handles is an unexpected_message (simp.md §8, imke.md §15), another
//     party's message (sealed under keys it does not hold) is rejected;
// then the genuine message and the rest of the run, which must go on as
// if nothing had arrived: every rejection left the state as it was. The
// state after the last message gets the foreign types, then the
// protocol's probe (the next honest steps).
//
// The run's structure (which messages a party receives, in which order)
// is read from an honest run of reference parties; what the party must
// do with each delivery comes from the profile rules below, not from the
// reference.

// received is one message the party under test receives in the honest run.
type received struct {
	Index int // position in the honest run's transcript, from 1
	Label string
	From  string
	Nth   int // its occurrence among the messages labelled Label to the party
}

// stateRules is a protocol's part of the state cases, from its profile.
type stateRules struct {
	// Follows lists the positions (in rs) of the messages rs[j] must
	// follow at party: delivered before them, rs[j] is rejected.
	Follows func(party, variant string, rs []received, j int) []int
	// ServerNever and ClientNever are the labels of the message types a
	// role never handles.
	ServerNever, ClientNever []string
	// Clause is the profile clauses the state cases test.
	Clause string
}

var flowCache sync.Map // protocol|variant → *flowEntry

type flowEntry struct {
	once sync.Once
	msgs []role.Message
	err  error
}

// honestFlow is the transcript of the default setup's honest run (modern
// suite; the structure does not depend on the suite, which the gate checks
// when it picks a message by position).
func honestFlow(protocol, variant string) ([]role.Message, error) {
	v, _ := flowCache.LoadOrStore(protocol+"|"+variant, &flowEntry{})
	e := v.(*flowEntry)
	e.once.Do(func() {
		p, err := harness.Lookup(protocol)
		if err != nil {
			e.err = err
			return
		}
		s, _ := suite.ByName("modern")
		e.msgs, e.err = honestRun(p, harness.DefaultSetup(protocol, s, variant))
	})
	return e.msgs, e.err
}

// receivedBy lists what party receives in the flow.
func receivedBy(flow []role.Message, party string) []received {
	var out []received
	nth := map[string]int{}
	for i, m := range flow {
		if m.To == party {
			nth[m.Label]++
			out = append(out, received{Index: i + 1, Label: m.Label, From: m.From, Nth: nth[m.Label]})
		}
	}
	return out
}

// foreign picks, for each label party never receives in the flow, the
// first message with that label, claimed from its sender; a message the
// party sent itself comes back claimed from its recipient (a reflection).
func foreign(flow []role.Message, party string, rs []received) []received {
	var out []received
	seen := map[string]bool{}
	for _, r := range rs {
		seen[r.Label] = true
	}
	for i, m := range flow {
		if seen[m.Label] || m.To == party {
			continue
		}
		seen[m.Label] = true
		from := m.From
		if from == party {
			from = m.To
		}
		out = append(out, received{Index: i + 1, Label: m.Label, From: from})
	}
	return out
}

// stateCases builds the state cases of a table.
func (t *protocolTable) stateCases() []Case {
	if t.States == nil {
		return nil
	}
	p, err := harness.Lookup(t.Protocol)
	if err != nil {
		return nil
	}
	var out []Case
	for _, variant := range p.Variants() {
		flow, err := honestFlow(t.Protocol, variant)
		if err != nil {
			continue
		}
		script := t.Script(nil)
		for _, r := range t.Roles {
			out = append(out, t.partyStates(flow, script, r.Party, r.Name, variant)...)
		}
	}
	return out
}

func (t *protocolTable) partyStates(flow []role.Message, script []harness.Action, party, name, variant string) []Case {
	rs := receivedBy(flow, party)
	never := t.States.ClientNever
	if party == defaultServer {
		never = t.States.ServerNever
	}
	var alien []Inject
	for _, f := range foreign(flow, party, rs) {
		expect := Outcome{Reject: anyAlert()}
		if slices.Contains(never, f.Label) {
			expect = Outcome{Reject: classes(role.UnexpectedMessage)}
		}
		alien = append(alien, Inject{Source: FromHonestRun, Index: f.Index, Label: f.Label, From: f.From, Expect: expect})
	}
	events := expectedEvents(script, party, defaultServer)
	var out []Case
	for k, next := range rs {
		var before []Inject
		for j := k + 1; j < len(rs); j++ {
			deps := t.States.Follows(party, variant, rs, j)
			if len(deps) > 0 && slices.Max(deps) >= k {
				before = append(before, Inject{Source: FromHonestRun, Index: rs[j].Index, Label: rs[j].Label, Expect: Outcome{Reject: anyAlert()}})
			}
		}
		n := len(before)
		before = append(before, alien...)
		if len(before) == 0 {
			continue
		}
		out = append(out, Case{
			ID:     fmt.Sprintf("%s/state/%s-%02d-before-%s", t.Prefix, name, k+1, idPart(next.Label)),
			Clause: t.States.Clause, Protocol: t.Protocol, Party: party, Variants: []string{variant},
			Summary: fmt.Sprintf("in the %s's state before its message %d (%s from %s): %d later messages that must follow it and %d of other types are rejected, leaving the state as it was; then %s and the rest of the run go through",
				name, k+1, next.Label, next.From, n, len(alien), next.Label),
			Steps:     actSteps(script),
			Intercept: &Intercept{Label: next.Label, Nth: next.Nth, Mode: Precede, Before: before, Resume: true},
			Events:    events,
		})
	}
	if len(alien) > 0 {
		steps := actSteps(script)
		for _, a := range alien {
			steps = append(steps, Step{Inject: &a})
		}
		probe, probeEvents := t.probe(party)
		out = append(out, Case{
			ID:     fmt.Sprintf("%s/state/%s-%02d-after-the-run", t.Prefix, name, len(rs)+1),
			Clause: t.States.Clause, Protocol: t.Protocol, Party: party, Variants: []string{variant},
			Summary: fmt.Sprintf("after the run, %d messages of types the %s does not receive are rejected; the next honest steps still go through",
				len(alien), name),
			Steps:  append(steps, probe...),
			Events: append(slices.Clone(events), probeEvents...),
		})
	}
	return out
}

// probe is the table's probe of party after the run: the next honest
// steps, which go through only if the party's state is as the profile
// says, and the events they require of the party.
func (t *protocolTable) probe(party string) ([]Step, []EventPattern) {
	if t.Probe == nil {
		return nil, nil
	}
	steps := t.Probe(party)
	var events []EventPattern
	for _, s := range steps {
		events = append(events, s.Events...)
	}
	return steps, events
}
