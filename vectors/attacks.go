package vectors

import (
	"errors"
	"fmt"
	"io"

	"github.com/imcheck/imcheck/adversary"
	"github.com/imcheck/imcheck/impl/role"
)

// Attack transcripts: the adversary's attack scripts (package adversary,
// hand-written from the profiles' weaknesses or concretised from the
// symbolic model's traces), run against the hardened variant. The steps
// the hardened parties accept are recorded as they are; the message that
// stops the attack is an inject test that must be rejected. The alert
// class recorded there is the reference implementation's (flag AnyAlert):
// the profiles require the rejection, not always its class, so any alert
// passes.

// attackSuite is the suite of the attack transcripts (their steps do not
// depend on it, and modern keeps them small).
const attackSuite = "modern"

func genAttacks(protocol string, progress io.Writer) (*File, error) {
	var n numberer
	flags := map[string]bool{}
	var groups []sessionGroup
	var skipped []string
	for _, a := range adversary.Attacks() {
		if a.Protocol != protocol {
			continue
		}
		fmt.Fprintf(progress, "vectors: attack %s\n", a.ID)
		if a.NotFixed {
			// The profile says hardened does not remove it: a rejection
			// in the script's run would not be what the profile requires.
			skipped = append(skipped, fmt.Sprintf("%s (the hardened variant does not remove it)", a.ID))
			continue
		}
		g, why, err := attackGroup(a, &n, flags)
		if err != nil {
			return nil, err
		}
		if why != "" {
			skipped = append(skipped, fmt.Sprintf("%s (%s)", a.ID, why))
			continue
		}
		groups = append(groups, g)
	}
	if len(groups) == 0 {
		return nil, fmt.Errorf("vectors: no %s attack transcript (skipped: %v)", protocol, skipped)
	}
	notes, err := usedNotes(sessionNotes, flags)
	if err != nil {
		return nil, err
	}
	header := []string{
		fmt.Sprintf("%s attack transcripts: each group is one attack of package adversary run against the hardened variant (suite %s, seed 1).", protocol, attackSuite),
		"Steps the hardened parties accept are deliver or action tests; the message that stops the attack is an inject test (flags Attack, AnyAlert): it must be rejected, with any alert class.",
	}
	if len(skipped) > 0 {
		header = append(header, fmt.Sprintf("Attacks not transcribed: %v.", skipped))
	}
	return &File{
		Algorithm:        map[string]string{"simp": "SIMP-Attack", "imke": "IMKE-Attack"}[protocol],
		Schema:           "session_test_schema.json",
		GeneratorVersion: GeneratorVersion,
		NumberOfTests:    n.next,
		Header:           header,
		Notes:            notes,
		TestGroups:       groups,
	}, nil
}

// attackGroup runs a on the hardened variant and transcribes it. A
// non-empty why says why the attack cannot be a vector.
func attackGroup(a *adversary.Attack, n *numberer, flags map[string]bool) (sessionGroup, string, error) {
	net, err := adversary.NewRun(adversary.Spec{Protocol: a.Protocol, Suite: attackSuite, Variant: "hardened", Seed: 1,
		Users: a.Users, Options: a.Options, Dishonest: a.Dishonest})
	if err != nil {
		return sessionGroup{}, "", err
	}
	setup := net.Setup // its RandLog records the parties' draws
	if err := a.Script(net); err != nil {
		var b *adversary.Blocked
		if !errors.As(err, &b) {
			return sessionGroup{}, "the script fails: " + err.Error(), nil
		}
	}
	steps, why := transcribe(net)
	if why != "" {
		return sessionGroup{}, why, nil
	}
	rejected := false
	for _, st := range steps {
		rejected = rejected || st.kind == "inject"
	}
	if !rejected {
		return sessionGroup{}, "no message is rejected: the hardened variant does not stop it by rejection", nil
	}
	prov, err := provisioning(setup, drawnBy(setup))
	if err != nil {
		return sessionGroup{}, "", err
	}
	g := sessionGroup{Type: "SessionTranscript", Protocol: a.Protocol, Suite: attackSuite, Variant: "hardened",
		Setup: setupOf(setup), Provisioning: prov,
		Source: &attackSourceJSON{Attack: a.ID, Description: fmt.Sprintf("%s (%s; source: %s)", a.Title, a.Weakness, a.Source)}}
	g.Tests = stepsJSON(steps, n, flags)
	return g, "", nil
}

// transcribe turns the network's trace into steps.
func transcribe(net *adversary.Network) ([]step, string) {
	var steps []step
	deliveredAt := map[int]int{} // packet id → its unchanged delivery step
	type link struct{ step, packet int }
	var links []link
	for _, e := range net.Trace.Entries {
		switch e.Op {
		case adversary.OpAct:
			if e.Alert != "" || e.Error != "" {
				return nil, "an action is refused"
			}
			steps = append(steps, step{kind: "action", party: e.Party, action: *e.Action, events: e.Events, result: Valid})
		case adversary.OpDeliver, adversary.OpRedirect, adversary.OpReplay, adversary.OpInject:
			if e.Error != "" {
				return nil, "a delivery fails: " + e.Error
			}
			m := role.Message{From: e.From, To: e.To, Label: e.Label, Bytes: e.Bytes}
			if e.Alert != "" {
				c, err := role.ParseAlertClass(e.Alert)
				if err != nil {
					return nil, err.Error()
				}
				steps = append(steps, step{kind: "inject", party: e.To, msg: m, flags: []string{"Attack", "AnyAlert"},
					comment: fmt.Sprintf("%s %s → %s (%s by the attacker)", e.Label, e.From, e.To, e.Op), mutation: "attack " + string(e.Op),
					alert: c, result: Invalid})
				continue
			}
			st := step{kind: "deliver", party: e.To, msg: m, events: e.Events, result: Valid}
			if e.Op != adversary.OpDeliver {
				st.flags = []string{"Attack"}
				st.comment = fmt.Sprintf("%s %s → %s (%s by the attacker, accepted)", e.Label, e.From, e.To, e.Op)
			} else {
				deliveredAt[e.Packet] = len(steps)
			}
			steps = append(steps, st)
		case adversary.OpDrop, adversary.OpCorrupt, adversary.OpReveal:
			// No party handles anything: the adversary learns or removes.
			continue
		default:
			return nil, "operation " + string(e.Op) + " has no vector form"
		}
		for _, id := range e.Sent {
			links = append(links, link{len(steps) - 1, id})
		}
	}
	// Every sent packet is linked to its unchanged delivery, or to a
	// pending step when it never arrives as sent.
	for _, l := range links {
		if at, ok := deliveredAt[l.packet]; ok {
			steps[l.step].sends = append(steps[l.step].sends, at)
			continue
		}
		p, err := net.Packet(l.packet)
		if err != nil {
			return nil, err.Error()
		}
		steps = append(steps, step{kind: "pending", party: p.Msg.To, msg: p.Msg, result: Valid})
		steps[l.step].sends = append(steps[l.step].sends, len(steps)-1)
	}
	return steps, ""
}
