package vectors

import (
	"fmt"
	"io"
	"sort"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// runSeed is the seed of every session vector: the seed `imcheck run`
// uses by default (1), so that a transcript printed by `imcheck run`
// shows the same bytes. shadowSeed is the run the wrong-key messages come
// from.
var (
	runSeed    = suite.SeedBytes(1)
	shadowSeed = suite.SeedBytes(2)
)

func sessionSetup(protocol string, s *suite.Suite, variant string, seed []byte) harness.Setup {
	st := harness.DefaultSetup(protocol, s, variant)
	st.Seed = seed
	return st
}

// genSessions builds the session file of one protocol: for each suite and
// variant the honest run with every negative vector injected before the
// delivery it precedes.
func genSessions(protocol string, progress io.Writer) (*File, error) {
	proto, err := harness.Lookup(protocol)
	if err != nil {
		return nil, err
	}
	var n numberer
	flags := map[string]bool{}
	var groups []sessionGroup
	for _, s := range suite.All() {
		for _, v := range proto.Variants() {
			fmt.Fprintf(progress, "vectors: %s %s %s\n", protocol, s.Name, v)
			gs, err := sessionGroupFor(proto, s, v, &n, flags)
			if err != nil {
				return nil, err
			}
			groups = append(groups, gs...)
		}
	}
	for _, opts := range optionRuns[protocol] {
		fmt.Fprintf(progress, "vectors: %s %s hardened %v (honest only)\n", protocol, branchSuite, opts)
		g, err := optionGroup(proto, opts, &n, flags)
		if err != nil {
			return nil, err
		}
		groups = append(groups, g)
	}
	notes, err := usedNotes(sessionNotes, flags)
	if err != nil {
		return nil, err
	}
	return &File{
		Algorithm:        sessionAlgorithm(protocol),
		Schema:           "session_test_schema.json",
		GeneratorVersion: GeneratorVersion,
		NumberOfTests:    n.next,
		Header: []string{
			fmt.Sprintf("%s honest transcripts with negative vectors, one group per suite and variant (docs/spec/%s.md, docs/spec/harness.md).", protocol, protocol),
			"Tests are steps, in order: replay them in tcId order against one party at a time.",
			"An inject test must be rejected with its alert class and leave the party's state unchanged; the run then goes on.",
		},
		Notes:      notes,
		TestGroups: groups,
	}, nil
}

// optionRuns are the protocol options (harness.md) whose honest runs are
// recorded too, for the modern suite and the hardened variant: SIMP at the
// smallest key sets and round count, IMKE relaying c1–c3 and 4.7 through
// the server and storing password images.
var optionRuns = map[string][]map[string]string{
	"simp": {{"m": "8", "rounds": "1"}, {"m": "4096", "rounds": "16"}},
	"imke": {{"relay": "true"}, {"password-storage": "image"}},
}

// optionGroup is the honest run of proto under opts, without injections.
func optionGroup(proto harness.Protocol, opts map[string]string, n *numberer, flags map[string]bool) (sessionGroup, error) {
	s, err := suite.ByName(branchSuite)
	if err != nil {
		return sessionGroup{}, err
	}
	setup := sessionSetup(proto.Name(), s, "hardened", runSeed)
	setup.Options = opts
	setup.RandLog = &harness.RandLog{}
	r, err := honestRun(proto, setup, nil)
	if err != nil {
		return sessionGroup{}, err
	}
	prov, err := provisioning(setup, drawnBy(setup))
	if err != nil {
		return sessionGroup{}, err
	}
	g := sessionGroup{Type: "SessionTranscript", Protocol: proto.Name(), Suite: s.Name, Variant: "hardened",
		Setup: setupOf(setup), Provisioning: prov}
	g.Tests = stepsJSON(r.steps, n, flags)
	return g, nil
}

func sessionAlgorithm(protocol string) string {
	switch protocol {
	case "simp":
		return "SIMP-Session"
	case "imke":
		return "IMKE-Session"
	}
	return protocol + "-Session"
}

// branchSuite is the suite whose groups also carry the branch cases: an
// injection that ends the session (fatal) or that the party accepts. Each
// needs a group of its own (the honest prefix, then the injection), and
// their outcome does not depend on the suite.
const branchSuite = "modern"

// branch is an injection that cannot stay in the running session.
type branch struct {
	k           int  // delivery position it precedes (len(delivered): after the run)
	atEnd       bool // after the run
	party, from string
	label       string
	msg         []byte
	rule, flag  string
	comment     string
	want        outcome
}

func sessionGroupFor(proto harness.Protocol, s *suite.Suite, variant string, n *numberer, flags map[string]bool) ([]sessionGroup, error) {
	setup := sessionSetup(proto.Name(), s, variant, runSeed)
	setup.RandLog = &harness.RandLog{}
	clean, err := honestRun(proto, setup, nil)
	if err != nil {
		return nil, err
	}
	// The wrong-key messages come from a run with another seed. Classic
	// is left out: its per-login RSA keys make that run the costliest
	// part of generation, and the checks are the same under every suite.
	shadow := &run{}
	if s.ID != suite.Classic {
		if shadow, err = honestRun(proto, sessionSetup(proto.Name(), s, variant, shadowSeed), nil); err != nil {
			return nil, err
		}
	}
	var branches []branch
	main, err := honestRun(proto, sessionSetup(proto.Name(), s, variant, runSeed), negativeInjector(proto.Name(), variant, s, clean, shadow, &branches))
	if err != nil {
		return nil, err
	}
	if err := sameHonestRun(main, clean); err != nil {
		return nil, err
	}
	prov, err := provisioning(setup, drawnBy(setup))
	if err != nil {
		return nil, err
	}
	g := sessionGroup{Type: "SessionTranscript", Protocol: proto.Name(), Suite: s.Name, Variant: variant,
		Setup: setupOf(setup), Provisioning: prov}
	g.Tests = stepsJSON(main.steps, n, flags)
	groups := []sessionGroup{g}
	if s.Name != branchSuite {
		return groups, nil
	}
	for _, b := range branches {
		bg, err := branchGroup(proto, s, variant, b, n, flags)
		if err != nil {
			return nil, err
		}
		groups = append(groups, bg)
	}
	return groups, nil
}

// branchGroup runs the honest prefix up to b's position and injects b as
// the group's last test.
func branchGroup(proto harness.Protocol, s *suite.Suite, variant string, b branch, n *numberer, flags map[string]bool) (sessionGroup, error) {
	setup := sessionSetup(proto.Name(), s, variant, runSeed)
	setup.RandLog = &harness.RandLog{}
	var drawn map[string]uint64
	r, err := honestRun(proto, setup, func(r *run, next *role.Message, k int) error {
		if k != b.k || (next == nil) != b.atEnd {
			return nil
		}
		drawn = drawnBy(setup)
		fl := []string{b.flag}
		switch {
		case b.want.byDesign:
			fl = append(fl, "AnsweredAgain")
		case b.want.accepted():
			fl = append(fl, "Weakness")
		}
		if err := r.inject(b.party, b.from, b.label, b.msg, b.rule, b.comment, fl, b.want); err != nil {
			return err
		}
		return errStop
	})
	if err != nil {
		return sessionGroup{}, err
	}
	if drawn == nil {
		return sessionGroup{}, fmt.Errorf("vectors: branch %s on %s never reached its position %d", b.rule, b.label, b.k)
	}
	prov, err := provisioning(setup, drawn)
	if err != nil {
		return sessionGroup{}, err
	}
	g := sessionGroup{Type: "SessionTranscript", Protocol: proto.Name(), Suite: s.Name, Variant: variant,
		Setup: setupOf(setup), Provisioning: prov}
	g.Tests = stepsJSON(r.steps, n, flags)
	return g, nil
}

// drawnBy snapshots how many bytes each party of setup has drawn.
func drawnBy(setup harness.Setup) map[string]uint64 {
	out := map[string]uint64{}
	for _, name := range append([]string{setup.Server}, setup.Users...) {
		out[name] = setup.RandLog.Drawn(name)
	}
	return out
}

func setupOf(s harness.Setup) setupJSON {
	opts := map[string]string{}
	for k, v := range s.Options {
		opts[k] = v
	}
	return setupJSON{Seed: s.Seed, Server: s.Server, Users: append([]string{}, s.Users...), Options: opts}
}

// provisioning lists what docs/spec/harness.md derives from the setup,
// and every byte each party drew from its random source (drawn).
func provisioning(setup harness.Setup, drawn map[string]uint64) (provisioningJSON, error) {
	sk, err := setup.Suite.NewPrivateKey(setup.ServerKeySeed())
	if err != nil {
		return provisioningJSON{}, err
	}
	p := provisioningJSON{ServerKeySeed: setup.ServerKeySeed(), ServerPublicKey: sk.Public().Bytes()}
	for _, u := range setup.Users {
		p.Passwords = append(p.Passwords, passwordJSON{User: u, Password: setup.Password(u)})
	}
	names := append([]string{setup.Server}, setup.Users...)
	for _, name := range names {
		b := make([]byte, drawn[name])
		suite.NewRand(setup.Seed, "party "+name).Read(b)
		p.RandomInputs = append(p.RandomInputs, randomInputJSON{Party: name, StreamLabel: "party " + name, Bytes: b})
	}
	return p, nil
}

// stepsJSON numbers the steps and renders them.
func stepsJSON(steps []step, n *numberer, flags map[string]bool) []any {
	ids := make([]int, len(steps))
	for i := range steps {
		ids[i] = n.id()
	}
	out := make([]any, 0, len(steps))
	for i, st := range steps {
		sends := make([]int, 0, len(st.sends))
		for _, j := range st.sends {
			sends = append(sends, ids[j])
		}
		switch st.kind {
		case "action":
			flags["Honest"] = true
			a := st.action
			out = append(out, actionStep{TcID: ids[i], Comment: a.String(), Flags: []string{"Honest"}, Kind: "action",
				Party: st.party, Action: actionJSON{Verb: string(a.Verb), Peer: a.Peer, Body: Hex(nonNil(a.Body)), Relay: a.Relay},
				Sends: sends, Events: eventsJSON(st.events), Result: Valid})
		case "deliver":
			m := st.msg
			fl, comment := []string{"Honest"}, fmt.Sprintf("%s %s → %s", m.Label, m.From, m.To)
			if st.flags != nil {
				fl, comment = st.flags, st.comment
			}
			for _, f := range fl {
				flags[f] = true
			}
			out = append(out, deliverStep{TcID: ids[i], Comment: comment, Flags: fl,
				Kind: "deliver", Party: st.party, From: m.From, Label: m.Label, Msg: Hex(nonNil(m.Bytes)),
				Sends: sends, Events: eventsJSON(st.events), Result: Valid})
		case "pending":
			m := st.msg
			out = append(out, pendingStep{TcID: ids[i], Comment: fmt.Sprintf("%s %s → %s, not delivered before the group ends", m.Label, m.From, m.To),
				Flags: []string{}, Kind: "pending", Party: st.party, From: m.From, Label: m.Label, Msg: Hex(nonNil(m.Bytes)), Result: Valid})
		case "inject":
			fl := append([]string{}, st.flags...)
			sort.Strings(fl)
			for _, f := range fl {
				flags[f] = true
			}
			alert := ""
			if st.alert != 0 {
				alert = st.alert.String()
			}
			m := st.msg
			out = append(out, injectStep{TcID: ids[i], Comment: st.comment, Flags: fl, Kind: "inject", Party: st.party,
				From: m.From, Label: m.Label, Msg: Hex(nonNil(m.Bytes)), Mutation: st.mutation, Alert: alert, Result: st.result})
		}
	}
	return out
}
