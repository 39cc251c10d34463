package adversary

import (
	"testing"

	"github.com/imcheck/imcheck/impl/role"
)

// TestClaimantOfPeerKeyReplay: bob's own old b1 (alice's key) replayed to
// him when he has asked for nobody is taken as a b2, a key S pushed. The
// peer-key oracle reports the replay with claimant b2, which the model's
// injective claim on A's b1 (G6_b1_fresh) does not cover; a b1 replayed
// to alice's second request before S answers it is a b1 replay.
func TestClaimantOfPeerKeyReplay(t *testing.T) {
	g6, _, ok := randomCheck(ClaimID{Model: "imke-full", Scenario: "default", Claim: "G6_b1_fresh"})
	if !ok {
		t.Fatal("no random check for imke-full G6_b1_fresh")
	}
	n, err := NewRun(Spec{Protocol: "imke", Suite: "modern", Variant: "as-published", Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Do(login("alice"), login("bob"), connect("bob", "alice")); err != nil {
		t.Fatal(err)
	}
	old := n.Last("b1", "S", "bob")
	if old == nil {
		t.Fatal("no b1 to bob")
	}
	if err := n.Need(n.Replay(old.ID, "bob", "S")); err != nil {
		t.Fatal(err)
	}
	var replays []Violation
	for _, v := range n.Check(Scope{}) {
		if v.Property == Replay && v.What == "peer-key" {
			replays = append(replays, v)
		}
	}
	if len(replays) != 1 || replays[0].Party != "bob" || replays[0].Claimant != "b2" {
		t.Fatalf("peer-key replays %v, want one of bob's, as b2", replays)
	}
	for _, e := range g6.expect {
		if e.Match(replays[0]) {
			t.Errorf("G6_b1_fresh's check %v matches a b2 replay %v", e, replays[0])
		}
	}

	// alice asks for bob a second time and gets her first answer again
	// before S has seen the request: two b1 acceptances, one grant (and
	// no b2 to alice, whose grant would count for her b1s too).
	n, err = NewRun(Spec{Protocol: "imke", Suite: "modern", Variant: "as-published", Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Do(login("alice"), login("bob"), connect("alice", "bob")); err != nil {
		t.Fatal(err)
	}
	first := n.Last("b1", "S", "alice")
	if err := n.Need(n.Act(connect("alice", "bob"))); err != nil {
		t.Fatal(err)
	}
	if err := n.Need(n.Replay(first.ID, "alice", "S")); err != nil {
		t.Fatal(err)
	}
	var b1 []Violation
	for _, v := range n.Check(Scope{}) {
		if v.Property == Replay && v.What == "peer-key" && v.Party == "alice" {
			b1 = append(b1, v)
		}
	}
	if len(b1) != 1 || b1[0].Claimant != "b1" {
		t.Fatalf("alice's peer-key replays %v, want one as b1", b1)
	}
	matched := false
	for _, e := range g6.expect {
		matched = matched || e.Match(b1[0])
	}
	if !matched {
		t.Errorf("G6_b1_fresh's check %v does not match the b1 replay %v", g6.expect, b1[0])
	}

	// Hardened, both replays are refused at the declared check (H3: peer
	// keys are items of a sequenced 4.3).
	h, err := NewRun(Spec{Protocol: "imke", Suite: "modern", Variant: "hardened", Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Do(login("alice"), login("bob"), connect("bob", "alice")); err != nil {
		t.Fatal(err)
	}
	// bob's own b1 again, as in the as-published run above: refused too.
	if hb := h.Last("b1", "S", "bob"); hb == nil {
		t.Fatal("hardened: no b1 to bob")
	} else if o := h.Replay(hb.ID, "bob", "S"); o.Alert == nil || o.Alert.Class != role.Replay {
		t.Errorf("hardened: bob's replayed b1 gave %+v, want a replay alert (H3)", o)
	}
	if err := h.Do(connect("alice", "bob")); err != nil {
		t.Fatal(err)
	}
	hfirst := h.Last("b1", "S", "alice")
	if hfirst == nil {
		t.Fatal("hardened: no b1 to alice")
	}
	if err := h.Need(h.Act(connect("alice", "bob"))); err != nil {
		t.Fatal(err)
	}
	if o := h.Replay(hfirst.ID, "alice", "S"); o.Alert == nil || o.Alert.Class != role.Replay {
		t.Errorf("hardened: the replayed b1 gave %+v, want a replay alert (H3)", o)
	}
}

// TestClaimantOfReflectedData: a 4.7 reflected to its sender is reported
// with the part the accepting party played in c1-c3, so the model's claim
// at the responder B (G3_B_data_auth) is not taken as violated by what
// the initiator A accepted, and is by what B accepted.
func TestClaimantOfReflectedData(t *testing.T) {
	g3, _, ok := randomCheck(ClaimID{Model: "imke-full", Scenario: "default", Claim: "G3_B_data_auth"})
	if !ok {
		t.Fatal("no random check for imke-full G3_B_data_auth")
	}
	for _, tc := range []struct {
		sender, claimant string
		want             bool
	}{
		{"alice", "initiator", false},
		{"bob", "responder", true},
	} {
		n, err := NewRun(Spec{Protocol: "imke", Suite: "modern", Variant: "as-published", Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		peer := map[string]string{"alice": "bob", "bob": "alice"}[tc.sender]
		if err := n.Do(login("alice"), login("bob"), connect("alice", "bob")); err != nil {
			t.Fatal(err)
		}
		if err := n.Need(n.Act(send(tc.sender, peer, "reflect me"))); err != nil {
			t.Fatal(err)
		}
		m := n.Find("4.7", tc.sender, peer)
		if m == nil {
			t.Fatalf("no 4.7 from %s", tc.sender)
		}
		if err := n.Need(n.DeliverTo(m.ID, tc.sender, peer)); err != nil {
			t.Fatal(err)
		}
		var got []Violation
		for _, v := range n.Check(Scope{}) {
			if v.What == "message" && v.Party == tc.sender {
				got = append(got, v)
			}
		}
		if len(got) != 1 || got[0].Property != Agreement || got[0].Claimant != tc.claimant {
			t.Fatalf("%s: message violations %v, want one agreement as %s", tc.sender, got, tc.claimant)
		}
		matched := false
		for _, e := range g3.expect {
			matched = matched || e.Match(got[0])
		}
		if matched != tc.want {
			t.Errorf("%s reflected: G3_B_data_auth's check matches = %v, want %v", tc.sender, matched, tc.want)
		}
	}
}
