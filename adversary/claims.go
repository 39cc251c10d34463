package adversary

import (
	"fmt"
	"slices"

	"sort"
	"strings"
)

// ClaimID names a claim of a shipped model: model file, scenario, claim
// (as docs/claims.md lists them).
type ClaimID struct {
	Model, Scenario, Claim string
}

func (c ClaimID) String() string { return c.Model + " / " + c.Scenario + " (" + c.Claim + ")" }

// modelAttacks maps each model claim whose attack the adversary replays to
// the script that concretises the model's trace: the model's terms become
// the implementation's bytes (its E4 is the concrete E4 of the run, its
// aenc(…, pk(pri(b))) a re-encryption under bob's dynamic key, …). A
// hardened model maps to the same script run on the hardened variant.
var modelAttacks = map[ClaimID]string{
	{"simp", "default", "B_key_secret"}:                        "simp-e4-reencryption",
	{"simp-hardened", "default", "B_key_secret"}:               "simp-e4-reencryption",
	{"simp", "default", "B_agree_A"}:                           "simp-e4-reencryption",
	{"simp-hardened", "default", "B_agree_A"}:                  "simp-e4-reencryption",
	{"simp", "default", "A_agree_B"}:                           "simp-e4-resign",
	{"simp-hardened", "default", "A_agree_B"}:                  "simp-e4-resign",
	{"simp", "default", "B_key_once"}:                          "simp-e4-replay",
	{"simp-hardened", "default", "B_key_once"}:                 "simp-e4-replay",
	{"simp", "default", "B_msg_auth"}:                          "simp-e6-replay",
	{"simp-hardened", "default", "B_msg_auth"}:                 "simp-e6-replay",
	{"imke", "server_key_revealed", "G1_no_guessing"}:          "imke-guess-after-server-key",
	{"imke-c", "default", "T5_B_agree"}:                        "imke-unknown-key-share",
	{"imke-c-hardened", "default", "T5_B_agree"}:               "imke-unknown-key-share",
	{"imke-c", "default", "T4_A_agree"}:                        "imke-unknown-key-share",
	{"imke-c-hardened", "default", "T4_A_agree"}:               "imke-unknown-key-share",
	{"imke-c", "default", "G3_A_data_auth"}:                    "imke-reflection",
	{"imke-c-hardened", "default", "G3_A_data_auth"}:           "imke-reflection",
	{"imke-hardened", "server_key_revealed", "G1_no_guessing"}: "imke-guess-after-server-key",
	{"imke-b", "dishonest_server", "T7_Kab_secret"}:            "imke-server-mitm",
	{"imke-b-hardened", "dishonest_server", "T7_Kab_secret"}:   "imke-server-mitm",
	{"imke-b", "honest_server", "G6_b1_fresh"}:                 "imke-stale-peer-key",
	{"imke-b-hardened", "honest_server", "G6_b1_fresh"}:        "imke-stale-peer-key",
	{"simp-login", "default", "L1_fresh"}:                      "simp-l1-replay",
	{"simp-login-hardened", "default", "L1_fresh"}:             "simp-l1-replay",
	{"simp-login", "default", "SK_used_once"}:                  "simp-l2-same-key",
	{"simp-login-hardened", "default", "SK_used_once"}:         "simp-l2-same-key",
	{"simp-msg", "default", "B_E6_fresh"}:                      "simp-e6-replay",
	{"simp-msg-hardened", "default", "B_E6_fresh"}:             "simp-e6-replay",
	{"simp-msg", "default", "A_E7_auth"}:                       "simp-e6-reflection",
	{"simp-msg-hardened", "default", "A_E7_auth"}:              "simp-e6-reflection",
	// Claims the general oracles do not state: the scripts carry their
	// claim oracles (oracle_claims.go, judge.go).
	{"simp-keydist", "default", "E3_requested_by_A"}:          "simp-e3-unrequested",
	{"simp-keydist-hardened", "default", "E3_requested_by_A"}: "simp-e3-unrequested",
	{"simp-keydist-paper", "default", "E2_from_S"}:            "simp-e3-as-e2",
	{"simp-keydist-paper", "default", "E3_from_S"}:            "simp-e2-as-e3",
	{"simp-nonrep", "a_dishonest", "NR_E2_origin"}:            "simp-nonrep-forged-e2",
	{"simp-nonrep-hardened", "a_dishonest", "NR_E2_origin"}:   "simp-nonrep-forged-e2",
	{"simp-nonrep", "a_dishonest", "NR_E2_key"}:               "simp-nonrep-forged-e2",
	{"simp-nonrep-hardened", "a_dishonest", "NR_E2_key"}:      "simp-nonrep-forged-e2",
	{"imke-b", "honest_server", "b1_is_answer"}:               "imke-b1-not-answer",
	{"imke-b-hardened", "honest_server", "b1_is_answer"}:      "imke-b1-not-answer",
	{"imke-c", "default", "G3_B_data_auth"}:                   "imke-reflection-b",
	{"imke-c-hardened", "default", "G3_B_data_auth"}:          "imke-reflection-b",
}

// ClaimsOf lists the model claims an attack concretises.
func ClaimsOf(attack string) []ClaimID {
	var out []ClaimID
	for c, a := range modelAttacks {
		if a == attack {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

// Summary is a one-line verdict: what was violated, or where the
// implementation blocked the attack.
func (v *Verdict) Summary() string {
	switch {
	case v.WrongBlock != "" && len(v.Violations) == 0:
		return fmt.Sprintf("NOT blocked as declared (`%s`): %s", v.Attack, strings.TrimPrefix(v.WrongBlock, "adversary: "))
	case v.Succeeded():
		var parts []string
		for _, x := range v.Expected {
			p := fmt.Sprintf("%s: %s of %s with %s", x.Property, x.What, x.Party, x.Peer)
			if !slices.Contains(parts, p) {
				parts = append(parts, p)
			}
		}
		return fmt.Sprintf("ATTACK reproduced (`%s`): %s", v.Attack, strings.Join(parts, "; "))
	case v.Blocked != nil:
		s := fmt.Sprintf("blocked (`%s`): %s rejected %s with %s", v.Attack, v.Blocked.Party, v.Blocked.Label, v.Blocked.Alert)
		if v.Declared != nil {
			s += " (" + v.Declared.Rule + ", as declared)"
		}
		return s
	case len(v.Violations) > 0:
		x := v.Violations[0]
		return fmt.Sprintf("not reproduced as modelled (`%s`), but %s: %s of %s with %s", v.Attack, x.Property, x.What, x.Party, x.Peer)
	}
	return fmt.Sprintf("no violation (`%s`)", v.Attack)
}
