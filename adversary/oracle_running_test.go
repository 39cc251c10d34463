package adversary

import (
	"testing"
)

// TestRunningKeyAgreement: alice's key with bob agrees with the key bob
// derived when he sent c2 even when her c3 never reaches him (the
// observer reads bob's running key), and disagrees once bob's c2 carries
// another R_B than the one alice used (the model's imke-c T4 shape, here
// by hand: bob's R_B re-encrypted is replaced by the adversary's own).
func TestRunningKeyAgreement(t *testing.T) {
	for _, tc := range []struct {
		name    string
		swapRB  bool
		wantBad bool
	}{
		{"c3 dropped", false, false},
		{"R_B swapped", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := NewRun(Spec{Protocol: "imke", Suite: "modern", Variant: "as-published", Seed: 7})
			if err != nil {
				t.Fatal(err)
			}
			if err := n.Do(login("alice"), login("bob")); err != nil {
				t.Fatal(err)
			}
			if err := n.Need(n.Act(connect("alice", "bob"))); err != nil {
				t.Fatal(err)
			}
			c2, err := n.SettleExcept("c2", "bob", "alice")
			if err != nil {
				t.Fatal(err)
			}
			if tc.swapRB {
				tr := ModelTrace{Claim: ClaimID{"imke-c", "default", "T4_A_agree"}, Kind: "niagree"}
				g := &gammaRun{n: n, proto: "imke", variant: "as-published", trace: tr, env: newGammaEnv(), bound: map[string][]int{}}
				n.Saturate()
				term, _ := parseTerm("<aenc(x0, pk(kr(a))), senc(f6(RA.1), Kab.1)>")
				g.learn(mustTerm(t, "<aenc(RB.2, pk(kr(a))), senc(f6(RA.1), Kab.1)>"), "c2", c2.Msg.Bytes)
				g.env.set(mustTerm(t, "pk(kr(a))"), n.eventKey("bob", "alice"))
				b, _, err := g.build(ModelStep{Kind: "recv", Session: 1, Label: "c2"}, term, "c2", "bob", "alice")
				if err != nil {
					t.Fatal(err)
				}
				n.Drop(c2.ID)
				if err := n.Need(n.Inject("bob", "alice", b, "c2 with the adversary's R_B")); err != nil {
					t.Fatal(err)
				}
			} else if err := n.Need(n.Deliver(c2.ID)); err != nil {
				t.Fatal(err)
			}
			c3 := n.Find("c3", "alice", "bob")
			if c3 == nil {
				t.Fatal("alice sent no c3")
			}
			n.Drop(c3.ID)
			bad := false
			for _, v := range n.Check(Scope{}) {
				if v.Property == Agreement && v.Party == "alice" && v.Peer == "bob" && v.What == "session-key" {
					bad = true
					t.Log(v)
				}
			}
			if bad != tc.wantBad {
				t.Fatalf("agreement violation of alice's key: %v, want %v", bad, tc.wantBad)
			}
		})
	}
}

// TestRunningKeyAgreementRelayed: the same with c1-c3 relayed through S
// (paper §4.2 caveat): bob's running key is read from the c1 inside the
// 4.3 he accepted and the c2 inside the 4.2 he sent, so alice's key agrees
// when her relayed c3 is dropped, in both variants.
func TestRunningKeyAgreementRelayed(t *testing.T) {
	for _, variant := range []string{"as-published", "hardened"} {
		t.Run(variant, func(t *testing.T) {
			n, err := NewRun(Spec{Protocol: "imke", Suite: "modern", Variant: variant, Seed: 7, Options: map[string]string{"relay": "true"}})
			if err != nil {
				t.Fatal(err)
			}
			if err := n.Do(login("alice"), login("bob")); err != nil {
				t.Fatal(err)
			}
			if err := n.Need(n.Act(connect("alice", "bob"))); err != nil {
				t.Fatal(err)
			}
			c3, err := n.SettleExcept("c3 (4.2)", "alice", n.Setup.Server)
			if err != nil {
				t.Fatal(err)
			}
			if c3 == nil {
				t.Fatal("alice sent no relayed c3")
			}
			n.Drop(c3.ID)
			if n.Last("c2 (4.2)", "bob", n.Setup.Server) == nil {
				t.Fatal("bob relayed no c2")
			}
			if got, _ := n.runningKeys("bob", "alice"); len(got) == 0 {
				t.Fatal("the observer read no running key of bob's")
			}
			for _, v := range n.Check(Scope{}) {
				if v.Property == Agreement && v.What == "session-key" {
					t.Errorf("false agreement violation: %v", v)
				}
			}
		})
	}
}

func mustTerm(t *testing.T, s string) *mterm {
	t.Helper()
	m, err := parseTerm(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
