package adversary

import "testing"

func TestZZVerdicts(t *testing.T) {
	for _, m := range []string{"imke-full", "imke-full-hardened", "imke-b", "imke-b-hardened"} {
		for _, c := range []string{"G6_b1_fresh", "G3_B_data_auth", "G6_B_data_fresh", "A5_b1_from_S", "A5_b2_from_S"} {
			id := ClaimID{Model: m, Scenario: "default", Claim: c}
			t.Logf("%s: %s", id, RandomVerdict(id))
		}
	}
}
