package adversary

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// claimCheck is how the random adversary tests a model claim for which no
// attack script exists (usually one the model says holds): which
// violations count against the claim, and what is revealed after each run
// (for forward secrecy).
type claimCheck struct {
	protocol string
	expect   []Expect
	reveal   []Reveal // given to the adversary once the run has settled
}

// claimChecks maps model claims (by model family: "-hardened" picks the
// variant) to the oracles that state them concretely. Claimant names the
// model role whose claim it is where the code's parties play either
// (Violation.Claimant): A's b1 or B's b2, the responder B of c1-c3.
var claimChecks = map[string]claimCheck{
	"imke/T6_key_secret":             {"imke", []Expect{{Property: Confidentiality, Peer: "S", What: "session-key"}}, nil},
	"imke/T2_server_auth":            {"imke", []Expect{{Property: Agreement, Peer: "S"}, {Property: Replay, Peer: "S"}}, nil},
	"imke/T3_client_auth":            {"imke", []Expect{{Property: Agreement, Party: "S"}, {Property: Replay, Party: "S"}}, nil},
	"imke/G1_no_guessing":            {"imke", []Expect{{Property: Confidentiality, What: "password"}, {Property: Confidentiality, What: "password-equivalent"}}, nil},
	"imke/G4_forward_secrecy":        {"imke", []Expect{{Property: Confidentiality, What: "session-key"}}, []Reveal{{Party: "alice", Kind: RevealPassword}, {Party: "bob", Kind: RevealPassword}}},
	"imke-c/T7_B_key_secret":         {"imke", []Expect{{Property: Confidentiality, Party: "bob", Peer: "alice", What: "session-key"}, {Property: Confidentiality, Party: "alice", Peer: "bob", What: "session-key"}}, nil},
	"imke-b/A5_b1_from_S":            {"imke", []Expect{{Property: Agreement, What: "peer-key", Claimant: "b1"}}, nil},
	"imke-b/T7_Kab_secret":           {"imke", []Expect{{Property: Confidentiality, Party: "alice", Peer: "bob", What: "session-key"}}, nil},
	"imke-b/A5_b2_from_S":            {"imke", []Expect{{Property: Agreement, What: "peer-key", Claimant: "b2"}}, nil},
	"imke-b/G6_b1_fresh":             {"imke", []Expect{{Property: Agreement, What: "peer-key", Claimant: "b1"}, {Property: Replay, What: "peer-key", Claimant: "b1"}}, nil},
	"imke-b/b1_key_of_B":             {"imke", []Expect{{Property: Agreement, What: "announced-key"}}, nil},
	"imke-b/b2_key_of_A":             {"imke", []Expect{{Property: Agreement, What: "announced-key"}}, nil},
	"imke/S_key_secret":              {"imke", []Expect{{Property: Confidentiality, Party: "S", What: "session-key"}}, nil},
	"imke/G2_request_from_A":         {"imke", []Expect{{Property: Agreement, Party: "S", What: "peer-key-request"}}, nil},
	"imke-c/T4_A_agree":              {"imke", []Expect{{Property: Agreement, Party: "alice", Peer: "bob", What: "session-key"}}, nil},
	"imke-c/T5_B_agree":              {"imke", []Expect{{Property: Agreement, Party: "bob", Peer: "alice", What: "session-key"}}, nil},
	"imke-c/T7_A_key_secret":         {"imke", []Expect{{Property: Confidentiality, Party: "alice", Peer: "bob", What: "session-key"}, {Property: Confidentiality, Party: "bob", Peer: "alice", What: "session-key"}}, nil},
	"imke-c/G3_B_data_auth":          {"imke", []Expect{{Property: Agreement, What: "message", Claimant: "responder"}}, nil},
	"imke-c/G6_B_data_fresh":         {"imke", []Expect{{Property: Agreement, What: "message", Claimant: "responder"}, {Property: Replay, What: "message", Claimant: "responder"}}, nil},
	"imke-full/R_user_from_S":        {"imke", []Expect{{Property: Agreement, Peer: "S", What: "renewed-key"}}, nil},
	"imke-full/R_S_from_user":        {"imke", []Expect{{Property: Agreement, Party: "S", What: "renewed-key"}}, nil},
	"imke-full/R_user_key_secret":    {"imke", []Expect{{Property: Confidentiality, Peer: "S", What: "session-key"}}, nil},
	"imke-full/R_S_key_secret":       {"imke", []Expect{{Property: Confidentiality, Party: "S", What: "session-key"}}, nil},
	"simp-login/L1_from_A":           {"simp", []Expect{{Property: Agreement, Party: "S", What: "login"}}, nil},
	"simp-login/L1_pw_guessing":      {"simp", []Expect{{Property: Confidentiality, What: "password"}, {Property: Confidentiality, What: "password-equivalent"}}, nil},
	"simp-keydist/E2_from_S":         {"simp", []Expect{{Property: Agreement, Peer: "bob", What: "peer-key"}}, nil},
	"simp-keydist/E3_from_S":         {"simp", []Expect{{Property: Agreement, Peer: "alice", What: "peer-key"}}, nil},
	"simp-keydist/E3_requested_by_A": {"simp", []Expect{{Property: Agreement, What: "peer-key-request"}}, nil},
	"simp/A_agree_B":                 {"simp", []Expect{{Property: Agreement, Party: "alice", What: "session-key"}}, nil},
}

// randomRuns is how many seeded runs a claim check takes.
const randomRuns = 20

// randomCheck finds the check of a model claim; the model family is the
// model name without "-hardened" (and "-paper").
func randomCheck(c ClaimID) (claimCheck, string, bool) {
	family := strings.TrimSuffix(strings.TrimSuffix(c.Model, "-hardened"), "-paper")
	variant := "as-published"
	if strings.HasSuffix(c.Model, "-hardened") {
		variant = "hardened"
	}
	ch, ok := claimChecks[family+"/"+c.Claim]
	if !ok && strings.HasSuffix(family, "-full") {
		// A composed model's claim is its phase's claim.
		proto := strings.TrimSuffix(family, "-full")
		for _, k := range slices.Sorted(maps.Keys(claimChecks)) {
			if strings.HasSuffix(k, "/"+c.Claim) && claimChecks[k].protocol == proto {
				return claimChecks[k], variant, true
			}
		}
	}
	return ch, variant, ok
}

// RandomVerdict runs the seeded random adversary randomRuns times against
// the claim's variant, under the compromises of the claim's scenario (its
// dishonest agents are corrupted parties, its revealed keys revealed
// before the run), with party seed and adversary seed both the run's
// number, and reports the first run that violates the claim (property,
// parties, seed), or that none did, with the runs and seeds it took.
func RandomVerdict(c ClaimID) string {
	ch, variant, ok := randomCheck(c)
	if !ok {
		return ""
	}
	comp := scenarioCompromise(c)
	for seed := uint64(1); seed <= randomRuns; seed++ {
		n, err := NewRun(Spec{Protocol: ch.protocol, Suite: "modern", Variant: variant, Seed: seed, Users: comp.users, Dishonest: comp.dishonest, Options: comp.options})
		if err != nil {
			return "not run: " + err.Error()
		}
		for _, r := range comp.reveals {
			if err := n.Reveal(r.Party, "", r.Kind); err != nil {
				return "not run: " + err.Error()
			}
		}
		r := &Random{N: n, C: NewSeededChooser(seed), Plan: DefaultPlan(n.Protocol, n.Setup)}
		r.Run(randomSteps, true)
		for _, rv := range ch.reveal {
			n.Reveal(rv.Party, rv.Peer, rv.Kind)
		}
		vs := n.Check(Scope{EndToEnd: !n.Honest(n.Setup.Server)})
		vs = append(vs, claimOracles(n)...)
		for _, v := range vs {
			for _, e := range ch.expect {
				if e.Match(v) {
					return fmt.Sprintf("VIOLATED by the random adversary (run %d of %d, seed %d%s): %s: %s of %s with %s", seed, randomRuns, seed, comp.note, v.Property, v.What, v.Party, v.Peer)
				}
			}
		}
	}
	return fmt.Sprintf("no violation in %d random adversarial runs (party and adversary seeds 1–%d%s)", randomRuns, randomRuns, comp.note)
}

// compromise is a scenario's compromises as a random run takes them.
type compromise struct {
	users, dishonest []string
	reveals          []Reveal
	options          map[string]string
	note             string // ", insider eve, server key revealed"
}

// scenarioCompromise reads the claim's scenario from its shipped model:
// a dishonest e is insider eve, a dishonest s the server, a dishonest a
// alice; `reveal sk(s)` the server's key, `reveal pw(a, s)` alice's
// password.
func scenarioCompromise(c ClaimID) compromise {
	f := loadModelFacts(c)
	out := compromise{users: []string{"alice", "bob"}}
	var notes []string
	for _, a := range f.dishonest {
		p := gammaAgents[a]
		if p == "" || p == judgeName {
			continue
		}
		if p == "eve" {
			out.users = append(out.users, "eve")
			notes = append(notes, "insider eve")
		} else {
			notes = append(notes, "dishonest "+p)
		}
		out.dishonest = append(out.dishonest, p)
	}
	for _, r := range f.reveals {
		if party, kind, ok := gammaReveal(r); ok {
			out.reveals = append(out.reveals, Reveal{Party: party, Kind: kind})
			notes = append(notes, fmt.Sprintf("%s's %s revealed", party, kind))
		}
	}
	if f.relayed {
		// The scenario's roles run c1–c3 through S (imke.md §4.2 relay):
		// the clients are configured to relay the key transport.
		out.options = map[string]string{"relay": "true"}
		notes = append(notes, "key transport relayed through S")
	}
	if len(notes) > 0 {
		out.note = "; " + strings.Join(notes, ", ")
	}
	return out
}

// randomSteps is the length of a random run.
const randomSteps = 80
