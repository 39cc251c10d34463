package adversary

import (
	"fmt"
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
// variant) to the oracles that state them concretely.
var claimChecks = map[string]claimCheck{
	"imke/T6_key_secret":        {"imke", []Expect{{Property: Confidentiality, Peer: "S", What: "session-key"}}, nil},
	"imke/T2_server_auth":       {"imke", []Expect{{Property: Agreement, Peer: "S"}, {Property: Replay, Peer: "S"}}, nil},
	"imke/T3_client_auth":       {"imke", []Expect{{Property: Agreement, Party: "S"}, {Property: Replay, Party: "S"}}, nil},
	"imke/G1_no_guessing":       {"imke", []Expect{{Property: Confidentiality, What: "password"}, {Property: Confidentiality, What: "password-equivalent"}}, nil},
	"imke/G4_forward_secrecy":   {"imke", []Expect{{Property: Confidentiality, What: "session-key"}}, []Reveal{{Party: "alice", Kind: RevealPassword}, {Party: "bob", Kind: RevealPassword}}},
	"imke-c/T7_B_key_secret":    {"imke", []Expect{{Property: Confidentiality, Party: "bob", Peer: "alice", What: "session-key"}, {Property: Confidentiality, Party: "alice", Peer: "bob", What: "session-key"}}, nil},
	"imke-b/A5_b1_from_S":       {"imke", []Expect{{Property: Agreement, What: "peer-key"}}, nil},
	"simp-login/L1_from_A":      {"simp", []Expect{{Property: Agreement, Party: "S", What: "login"}}, nil},
	"simp-login/L1_pw_guessing": {"simp", []Expect{{Property: Confidentiality, What: "password"}, {Property: Confidentiality, What: "password-equivalent"}}, nil},
	"simp-keydist/E2_from_S":    {"simp", []Expect{{Property: Agreement, Peer: "bob", What: "peer-key"}}, nil},
	"simp-keydist/E3_from_S":    {"simp", []Expect{{Property: Agreement, Peer: "alice", What: "peer-key"}}, nil},
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
	return ch, variant, ok
}

// RandomVerdict runs the seeded random adversary randomRuns times against
// the claim's variant and reports the first run that violates the claim
// (property, parties, seed), or that none did.
func RandomVerdict(c ClaimID) string {
	ch, variant, ok := randomCheck(c)
	if !ok {
		return ""
	}
	for seed := uint64(1); seed <= randomRuns; seed++ {
		n, err := NewRun(Spec{Protocol: ch.protocol, Suite: "modern", Variant: variant, Seed: 1})
		if err != nil {
			return "not run: " + err.Error()
		}
		r := &Random{N: n, C: NewSeededChooser(seed), Plan: DefaultPlan(n.Protocol, n.Setup)}
		r.Run(randomSteps, true)
		for _, rv := range ch.reveal {
			n.Reveal(rv.Party, rv.Peer, rv.Kind)
		}
		for _, v := range n.Check(Scope{}) {
			for _, e := range ch.expect {
				if e.Match(v) {
					return fmt.Sprintf("VIOLATED by the random adversary (seed %d): %s: %s of %s with %s", seed, v.Property, v.What, v.Party, v.Peer)
				}
			}
		}
	}
	return fmt.Sprintf("no violation in %d random adversarial runs (seeds 1–%d)", randomRuns, randomRuns)
}

// randomSteps is the length of a random run.
const randomSteps = 80
