package vectors

import (
	"fmt"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// negativeInjector injects, before each honest delivery, every mutation
// rule applied to the message about to be delivered, the message of the
// same position in the shadow run (wrong keys) and a duplicate of the
// last message the receiver accepted; after the run, every accepted
// message again. Cases that cannot stay in the running session are
// collected in branches. The expectations read the receiver's state (what
// it has accepted, whether keys were renewed) from clean, the run without
// injections, never from the run under test.
func negativeInjector(protocol, variant string, s *suite.Suite, clean, shadow *run, branches *[]branch) injector {
	rules := append(wireMutations(s.ID, s.Name == branchSuite), protocolMutations(protocol)...)
	shadowMsgs := shadow.deliveredMsgs()
	return func(r *run, next *role.Message, k int) error {
		try := func(rule, flag string, m role.Message, out []byte, comment string) error {
			want, err := expectedAlert(protocol, variant, rule, m, clean, k) // state from the run without injections
			if err != nil {
				return err
			}
			if want.skip {
				return nil
			}
			if want.inline() {
				return r.inject(m.To, m.From, m.Label, out, rule, comment, []string{flag}, want)
			}
			if next == nil && want.byDesign {
				return nil // the same answer as mid-run; a branch would repeat the whole run
			}
			*branches = append(*branches, branch{k: k, atEnd: next == nil, party: m.To, from: m.From, label: m.Label, msg: out,
				rule: rule, flag: flag, comment: comment, want: want})
			return nil
		}
		if next == nil {
			for _, m := range r.deliveredMsgs() {
				if err := try("replay-after-run", "Replay", m, m.Bytes,
					fmt.Sprintf("%s %s → %s delivered again after the run", m.Label, m.From, m.To)); err != nil {
					return err
				}
			}
			return nil
		}
		m := *next
		for _, rule := range rules {
			out, ok := rule.make(m.Bytes)
			if !ok {
				continue
			}
			if err := try(rule.name, rule.flag, m, out, fmt.Sprintf("%s %s → %s: %s", m.Label, m.From, m.To, rule.comment)); err != nil {
				return err
			}
		}
		if from, ok := claimedSender(r.setup, m); ok {
			c := m
			c.From = from
			if err := try("claimed-sender", "WrongSender", c, m.Bytes,
				fmt.Sprintf("%s %s → %s, claimed to come from %s", m.Label, m.From, m.To, from)); err != nil {
				return err
			}
		}
		// The message handed back to its own sender, as if from its
		// recipient (reflection); suite-independent, so modern only.
		if s.Name == branchSuite {
			refl := role.Message{From: m.To, To: m.From, Label: m.Label, Bytes: m.Bytes}
			if err := try("reflected", "Reflected", refl, m.Bytes,
				fmt.Sprintf("%s %s → %s reflected back to %s", m.Label, m.From, m.To, m.From)); err != nil {
				return err
			}
		}
		if k < len(shadowMsgs) {
			sm := shadowMsgs[k]
			if sm.Label == m.Label && sm.From == m.From && sm.To == m.To && string(sm.Bytes) != string(m.Bytes) {
				if err := try("wrong-key", "WrongKey", m, sm.Bytes,
					fmt.Sprintf("%s %s → %s from a run with another seed", m.Label, m.From, m.To)); err != nil {
					return err
				}
			}
		}
		// The last message this receiver accepted, again.
		for i := len(r.delivered) - 1; i >= 0; i-- {
			prev := r.steps[r.delivered[i]].msg
			if prev.To == m.To {
				return try("replay-duplicate", "Replay", prev, prev.Bytes,
					fmt.Sprintf("%s %s → %s delivered again before %s", prev.Label, prev.From, prev.To, m.Label))
			}
		}
		return nil
	}
}

// claimedSender is the other party a claimed-sender case names as the
// sender of m: for a user's message to a user, the server; otherwise a
// user who is neither sender nor recipient.
func claimedSender(setup harness.Setup, m role.Message) (string, bool) {
	if m.From != setup.Server && m.To != setup.Server {
		return setup.Server, true
	}
	for _, u := range setup.Users {
		if u != m.From && u != m.To {
			return u, true
		}
	}
	return "", false
}
