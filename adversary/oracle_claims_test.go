package adversary

import (
	"testing"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/simp"
)

// TestClaimOraclesHoldOnHonestRuns: the claim oracles report nothing on an
// honest run where both users connect (each start answers its own
// request, each E3 follows a request, each grant is accepted as sent), so
// the violations the claim scripts show come from the attacks.
func TestClaimOraclesHoldOnHonestRuns(t *testing.T) {
	for _, proto := range []string{"simp", "imke"} {
		for _, variant := range []string{"as-published", "hardened"} {
			t.Run(proto+"/"+variant, func(t *testing.T) {
				n, err := NewRun(Spec{Protocol: proto, Suite: "modern", Variant: variant, Seed: 3})
				if err != nil {
					t.Fatal(err)
				}
				if proto == "simp" {
					if err := simpReady(n); err != nil {
						t.Fatal(err)
					}
				} else if err := n.Do(login("alice"), login("bob")); err != nil {
					t.Fatal(err)
				}
				if err := n.Do(connect("alice", "bob"), connect("bob", "alice")); err != nil {
					t.Fatal(err)
				}
				if proto == "imke" {
					// Renewals started by either side, for renewalAgreement.
					if err := n.Do(harness.Action{Party: "alice", Verb: harness.Renew, Peer: "S"}, harness.Action{Party: "S", Verb: harness.Renew, Peer: "bob"}); err != nil {
						t.Fatal(err)
					}
				}
				starts, renewals := 0, 0
				for _, s := range n.Events {
					switch s.Event.Kind {
					case role.KeyExchangeStarted:
						starts++
					case role.KeysRenewed:
						renewals++
					}
				}
				if starts == 0 || proto == "imke" && renewals == 0 {
					t.Fatal("no key exchange started or key renewed: the oracles had nothing to check")
				}
				for name, o := range map[string]func(*Network) []Violation{"answered": answeredGrants, "typed": typedGrants, "requested": requestedGrants,
					"login": loginAgreement, "requests": answeredRequests, "renewal": renewalAgreement, "announced": announcedKeys} {
					if v := o(n); len(v) > 0 {
						t.Errorf("%s: %v", name, v)
					}
				}
			})
		}
	}
}

// TestJudgeAcceptsGenuineE2: the judge accepts the E2 S really sent
// (no violation), and rejects it once a byte of its seal is changed.
func TestJudgeAcceptsGenuineE2(t *testing.T) {
	for _, variant := range []string{"as-published", "hardened"} {
		n, err := NewRun(Spec{Protocol: "simp", Suite: "modern", Variant: variant, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := simpReady(n); err != nil {
			t.Fatal(err)
		}
		if err := n.Do(connect("alice", "bob")); err != nil {
			t.Fatal(err)
		}
		e2 := n.Last("E2", "S", "alice").Msg.Bytes
		body, ok := simpJudgeE2(n, "alice", e2)
		if !ok || body.Peer != "bob" {
			t.Fatalf("%s: the judge refused S's own E2", variant)
		}
		n.Present("alice", e2, "S's own E2")
		if v := judgedE2(n); len(v) > 0 {
			t.Errorf("%s: genuine evidence: %v", variant, v)
		}
		bad := append([]byte(nil), e2...)
		bad[len(bad)-1] ^= 1
		if _, ok := simpJudgeE2(n, "alice", bad); ok {
			t.Errorf("%s: the judge accepted a tampered E2", variant)
		}
		if _, err := simp.UnmarshalE2(bad); err != nil {
			t.Errorf("%s: the tampered E2 should still parse: %v", variant, err)
		}
	}
}

// TestLoginConfirmedByServer: on an honest SIMP run every LoginAccepted
// of a user rests on an L2 S sent it; once that L2 counts as the
// adversary's (as a built one would), the user's login is reported.
func TestLoginConfirmedByServer(t *testing.T) {
	for _, variant := range []string{"as-published", "hardened"} {
		t.Run(variant, func(t *testing.T) {
			n, err := NewRun(Spec{Protocol: "simp", Suite: "modern", Variant: variant, Seed: 2})
			if err != nil {
				t.Fatal(err)
			}
			if err := simpReady(n); err != nil {
				t.Fatal(err)
			}
			if v := loginConfirmedByServer(n); len(v) > 0 {
				t.Fatalf("honest run: %v", v)
			}
			l2 := n.Last("L2", n.Setup.Server, "alice")
			if l2 == nil {
				t.Fatal("no L2 to alice")
			}
			l2.Injected = true
			v := loginConfirmedByServer(n)
			if len(v) != 1 || v[0].Party != "alice" || v[0].Peer != n.Setup.Server || v[0].What != "login-confirmation" {
				t.Errorf("L2 to alice not S's: %v, want one violation for alice's login", v)
			}
		})
	}
}
