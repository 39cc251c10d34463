package conformance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
)

// The generator turns each protocol's table of targets (written from the
// profile, catalogue_simp.go and catalogue_imke.go) into declarative cases:
// every message a party under test receives is tampered field by field,
// truncated, lengthened, garbled, given a wrong header, replayed, sent by
// the wrong party and sent too early; every message it sends is reflected
// back to it. Each case runs the protocol's honest script around the twist
// and, where the profile says the session survives the rejection, checks
// that the IUT still completes the run: a rejection must leave its state as
// it was.

// target is one message a party under test receives, with what the profile
// says it does with each kind of damage.
type target struct {
	// Msg names the message in case IDs, e.g. "a1" or "4.3-login".
	Msg string
	// Label is the message's label on the network (role.Message.Label of
	// the reference sender); Nth picks its occurrence to Party (0 = 1).
	Label string
	Nth   int
	Party string
	// Clause is the profile clause of the message and its checks.
	Clause string
	// Variants restricts the target (nil: all).
	Variants []string
	// Options are setup options for every case of the target.
	Options map[string]string
	Layout  Layout
	// Fields gives, for each field of Layout to tamper with, the alert
	// classes the profile allows.
	Fields []fieldRule
	// Replayed is the outcome of the same message delivered again right
	// after it; ReplayedLater after the whole honest run. nil: no case.
	Replayed, ReplayedLater *Outcome
	// WrongSender is the outcome when the network claims it came from
	// WrongFrom; Early when it arrives before anything else happened.
	WrongFrom   string
	WrongSender *Outcome
	Early       *Outcome
	// Supplement marks a row that only adds variant-specific cases to
	// another row of the same message: no generic damage cases.
	Supplement bool
	// MayBeEmpty names the variable-length fields the profile lets be
	// empty (no "empty" case for them).
	MayBeEmpty []string
}

// fieldRule is the profile's answer to one tampered field.
type fieldRule struct {
	Field  string
	Reject []role.AlertClass
	// Fatal: the profile ends the session on this rejection (the paper's
	// "disconnects"), so the run does not resume.
	Fatal bool
	// Variants restricts the rule (nil: the target's).
	Variants []string
}

// reflection is one message the party under test sends, reflected back.
type reflection struct {
	Msg, Label, Party, Clause string
	Nth                       int
	Variants                  []string
	Mutate                    *Mutation
	Expect                    Outcome
}

// protocolTable is a protocol's catalogue source.
type protocolTable struct {
	Protocol string // "simp"
	Prefix   string // "SIMP"
	// Honest is the profile's honest script; Script(options) may vary with
	// setup options.
	Script func(options map[string]string) []harness.Action
	// Roles names the parties under test in honest-flow IDs.
	Roles []struct{ Party, Name string }
	// HonestOptions are extra option sets for honest flows (e.g. relay).
	HonestOptions []map[string]string
	Targets       []target
	Reflections   []reflection
	// Extra are hand-written cases (identity, key exhaustion, attacks).
	Extra func() []Case
	// States are the profile's rules for the state cases (states.go).
	States *stateRules
	// Probe is what the gate does after a run to see that party's state is
	// as the profile says: the next honest steps, with the events they
	// require (of the party, or of the reference parties).
	Probe func(party string) []Step
}

func reject(c ...role.AlertClass) *Outcome { return &Outcome{Reject: c} }

func accepted() *Outcome { return &Outcome{} }

// anyAlert is every class a garbled message may fairly be rejected with.
func anyAlert() []role.AlertClass {
	var out []role.AlertClass
	for _, c := range role.AlertClasses() {
		if c != role.InternalError {
			out = append(out, c)
		}
	}
	return out
}

// expectedEvents derives, from a script, the events the profile's event
// definitions (impl/role, each profile's role sections) require of party.
func expectedEvents(script []harness.Action, party, server string) []EventPattern {
	var out []EventPattern
	for _, a := range script {
		switch a.Verb {
		case harness.Register:
			if a.Party == party {
				out = append(out, EventPattern{Kind: role.Registered})
			}
		case harness.Login:
			if a.Party == party {
				out = append(out, EventPattern{Kind: role.LoginStarted}, EventPattern{Kind: role.LoginAccepted, Peer: server})
			} else if party == server {
				out = append(out, EventPattern{Kind: role.LoginAccepted, Peer: a.Party})
			}
		case harness.Connect:
			if a.Party == party {
				out = append(out, EventPattern{Kind: role.PeerKeyAccepted, Peer: a.Peer},
					EventPattern{Kind: role.SessionKeyEstablished, Peer: a.Peer})
			} else if a.Peer == party {
				out = append(out, EventPattern{Kind: role.SessionKeyEstablished, Peer: a.Party})
			}
		case harness.Send:
			if a.Party == party {
				out = append(out, EventPattern{Kind: role.MessageSent, Peer: a.Peer, Body: a.Body})
			} else if a.Peer == party {
				out = append(out, EventPattern{Kind: role.MessageAccepted, Peer: a.Party, Body: a.Body})
			}
		case harness.Renew:
			if a.Party == party {
				out = append(out, EventPattern{Kind: role.KeysRenewed, Peer: a.Peer})
			} else if a.Peer == party {
				out = append(out, EventPattern{Kind: role.KeysRenewed, Peer: a.Party})
			}
		}
	}
	return out
}

func actSteps(script []harness.Action) []Step {
	steps := make([]Step, len(script))
	for i := range script {
		a := script[i]
		steps[i] = Step{Act: &a}
	}
	return steps
}

// idPart makes a label usable in a case ID.
func idPart(s string) string {
	return strings.NewReplacer(" ", "-", "(", "", ")", "", "/", "-").Replace(s)
}

// generate builds the cases of a table.
func (t *protocolTable) generate() []Case {
	var out []Case
	for _, r := range t.Roles {
		opts := append([]map[string]string{nil}, t.HonestOptions...)
		for _, o := range opts {
			script := t.Script(o)
			id := fmt.Sprintf("%s/honest/%s", t.Prefix, r.Name)
			for k, v := range o {
				id += "-" + k + "-" + v
			}
			out = append(out, Case{
				ID: id, Clause: t.Protocol + ".md, honest run", Protocol: t.Protocol, Party: r.Party, Options: o,
				Summary: fmt.Sprintf("the %s completes the honest run and emits the events of each phase", r.Name),
				Steps:   actSteps(script), Events: expectedEvents(script, r.Party, defaultServer),
			})
		}
	}
	for _, tg := range t.Targets {
		out = append(out, t.targetCases(tg)...)
	}
	for _, rf := range t.Reflections {
		script := t.Script(nil)
		what, how := "reflected", ""
		if rf.Mutate != nil {
			what, how = "reflected-"+idPart(rf.Mutate.Name), " ("+rf.Mutate.Name+")"
		}
		out = append(out, Case{
			ID: fmt.Sprintf("%s/%s/%s", t.Prefix, rf.Msg, what), Clause: rf.Clause, Protocol: t.Protocol,
			Party: rf.Party, Variants: rf.Variants,
			Summary:   fmt.Sprintf("%s's own %s, reflected back to it%s: %s; the run goes on", rf.Party, rf.Label, how, outcomeText(rf.Expect)),
			Steps:     actSteps(script),
			Intercept: &Intercept{Label: rf.Label, Nth: rf.Nth, Mode: Reflect, Mutate: rf.Mutate, Expect: rf.Expect, Resume: true},
			Events:    expectedEvents(script, rf.Party, defaultServer),
		})
	}
	if t.Extra != nil {
		out = append(out, t.Extra()...)
	}
	return append(out, t.stateCases()...)
}

// targetCases builds every case of one target.
func (t *protocolTable) targetCases(tg target) []Case {
	script := t.Script(tg.Options)
	events := expectedEvents(script, tg.Party, defaultServer)
	base := func(what, summary string, ic *Intercept, variants []string) Case {
		if variants == nil {
			variants = tg.Variants
		}
		c := Case{
			ID: fmt.Sprintf("%s/%s/%s", t.Prefix, idPart(tg.Msg), what), Clause: tg.Clause, Protocol: t.Protocol,
			Party: tg.Party, Variants: variants, Options: tg.Options, Summary: summary,
			Steps: actSteps(script), Intercept: ic,
		}
		if ic == nil || ic.Resume {
			c.Events = events
		}
		return c
	}
	replace := func(m *Mutation, expect Outcome, resume bool) *Intercept {
		return &Intercept{Label: tg.Label, Nth: tg.Nth, Mode: Replace, Mutate: m, Expect: expect, Resume: resume}
	}
	dec := Outcome{Reject: []role.AlertClass{role.DecodeError}}
	var out []Case
	for _, f := range tg.Fields {
		ic := replace(TamperField(tg.Layout, f.Field), Outcome{Reject: f.Reject}, !f.Fatal)
		if f.Fatal {
			// The session really ended: the genuine message is refused.
			ic.Gone = unexpected
		}
		out = append(out, base("tampered-"+f.Field,
			fmt.Sprintf("%s with %s changed is rejected (%s)%s", tg.Msg, f.Field, classList(f.Reject), resumeNote(!f.Fatal)),
			ic, f.Variants))
	}
	if !tg.Supplement {
		for _, f := range tg.Layout {
			if f.Kind == ID8 || f.Kind == Opaque16 || f.Kind == Opaque32 {
				out = append(out, base(f.Name+"-overrun",
					fmt.Sprintf("%s whose %s claims one byte more than the message holds is a decode_error", tg.Msg, f.Name),
					replace(GrowField(tg.Layout, f.Name), dec, true), nil))
			}
			if (f.Kind == Opaque16 || f.Kind == Opaque32) && !slices.Contains(tg.MayBeEmpty, f.Name) {
				out = append(out, base(f.Name+"-empty",
					fmt.Sprintf("%s whose %s is empty (a field the profile requires) is a decode_error and the run goes on", tg.Msg, f.Name),
					replace(ShrinkField(tg.Layout, f.Name, 0), dec, true), nil))
			}
			if strings.HasPrefix(f.Name, "sealed") {
				out = append(out, base(f.Name+"-too-short",
					fmt.Sprintf("%s whose %s is cut to 5 bytes (shorter than a nonce and tag) is rejected and the run goes on", tg.Msg, f.Name),
					replace(ShrinkField(tg.Layout, f.Name, 5), Outcome{Reject: anyAlert()}, true), nil))
			}
		}
		generic := []struct {
			what, summary string
			m             *Mutation
			expect        Outcome
		}{
			{"truncated", "without its last byte", Truncate(1), dec},
			{"header-only", "cut to its header", KeepPrefix(4), dec},
			{"short-header", "cut inside its header", KeepPrefix(3), dec},
			{"empty", "empty", KeepPrefix(0), dec},
			{"trailing-byte", "with one byte appended", AppendBytes(0), dec},
			{"garbage", "replaced by random bytes", Garbage(), Outcome{Reject: anyAlert()}},
			{"garbage-after-header", "with random bytes after a valid header", GarbageBody(), Outcome{Reject: anyAlert()}},
			{"bad-version", "with profile version 2", SetVersion(2), Outcome{Reject: []role.AlertClass{role.BadVersion}}},
			{"unknown-suite", "with an unknown suite id", SetSuite(0x7777), Outcome{Reject: []role.AlertClass{role.UnknownSuite}}},
			{"other-suite", "with another known suite's id", OtherSuite(), Outcome{Reject: []role.AlertClass{role.UnknownSuite}}},
		}
		for _, g := range generic {
			out = append(out, base(g.what, fmt.Sprintf("%s %s is rejected (%s) and the run goes on", tg.Msg, g.summary, classList(g.expect.Reject)),
				replace(g.m, g.expect, true), nil))
		}
	}
	if o := tg.Replayed; o != nil {
		out = append(out, base("replayed", fmt.Sprintf("%s delivered twice: %s", tg.Msg, outcomeText(*o)),
			&Intercept{Label: tg.Label, Nth: tg.Nth, Mode: Repeat, Expect: *o, Resume: true}, nil))
	}
	if o := tg.ReplayedLater; o != nil {
		probe, probeEvents := t.probe(tg.Party)
		c := base("replayed-later", fmt.Sprintf("%s replayed after the run: %s; the next honest steps still go through", tg.Msg, outcomeText(*o)), nil, nil)
		c.Steps = append(c.Steps, Step{Inject: &Inject{Source: FromLog, Label: tg.Label, Nth: max(tg.Nth, 1), Expect: *o}})
		c.Steps = append(c.Steps, probe...)
		c.Events = append(slices.Clone(c.Events), probeEvents...)
		out = append(out, c)
	}
	if o := tg.WrongSender; o != nil {
		out = append(out, base("wrong-sender", fmt.Sprintf("%s claimed to come from %s: %s", tg.Msg, tg.WrongFrom, outcomeText(*o)),
			&Intercept{Label: tg.Label, Nth: tg.Nth, Mode: Replace, From: tg.WrongFrom, Expect: *o, Resume: true}, nil))
	}
	if o := tg.Early; o != nil {
		c := base("out-of-order", fmt.Sprintf("%s before anything else happened: %s; the run then goes on", tg.Msg, outcomeText(*o)), nil, nil)
		c.Steps = append([]Step{{Inject: &Inject{Source: FromHonestRun, Label: tg.Label, Nth: max(tg.Nth, 1), Expect: *o}}}, c.Steps...)
		out = append(out, c)
	}
	return out
}

func resumeNote(resume bool) string {
	if resume {
		return "; the genuine message is then accepted"
	}
	return "; the session ends: the genuine message is then refused (unexpected_message)"
}

func outcomeText(o Outcome) string {
	switch {
	case len(o.Reject) > 0:
		return "rejected (" + classList(o.Reject) + ")"
	case o.Silent:
		return "rejected or ignored"
	default:
		return "accepted"
	}
}
