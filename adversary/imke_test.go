package adversary

import (
	"bytes"
	"strings"
	"testing"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/role"
)

func protoNet(t interface {
	Helper()
	Skip(...any)
	Fatal(...any)
}, protocol, suiteName, variant string, seed uint64, dishonest ...string) *Network {
	t.Helper()
	if _, err := harness.Lookup(protocol); err != nil {
		t.Skip(err)
	}
	n, err := NewRun(Spec{Protocol: protocol, Suite: suiteName, Variant: variant, Seed: seed, Dishonest: dishonest})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// honestRun runs the protocol's honest script over the adversary's
// network with every message delivered in order.
func honestRun(t *testing.T, n *Network) {
	t.Helper()
	for _, a := range n.Protocol.Honest(n.Setup) {
		if o := n.Act(a); !o.Accepted() {
			t.Fatalf("%s: %v %v", a, o.Alert, o.Err)
		}
		if o := n.DeliverAll(100); !o.Accepted() {
			t.Fatalf("after %s: %v %v", a, o.Alert, o.Err)
		}
	}
}

func TestIMKEHonestOverAdversaryNetwork(t *testing.T) {
	for _, v := range []string{"as-published", "hardened"} {
		n := protoNet(t, "imke", "modern", v, 1)
		honestRun(t, n)
		if vs := n.Check(Scope{}); len(vs) != 0 {
			t.Errorf("%s: %v", v, vs)
		}
		// Forward secrecy: the server's key revealed after the run opens
		// the logins (K_AS) but no session key, since R_S needs KR_A. It
		// does expose f1(P_A) and so the passwords to offline guessing
		// (paper §5.3): exactly those are violated (and, as published,
		// f1(P_A) itself, with which anyone logs in as the user).
		if err := n.Reveal("S", "", RevealServerKey); err != nil {
			t.Fatal(err)
		}
		vs := n.Check(Scope{})
		want := 4 // both passwords and both f1(W_A), password-equivalents
		if v == "hardened" {
			want = 2 // H8: a hardened f1 binds one login's K_AS and KU_A, so it is no password-equivalent
		}
		if len(vs) != want {
			t.Errorf("%s after the server key reveal: %v", v, vs)
		}
		for _, x := range vs {
			if x.Property != Confidentiality || (x.What != "password" && x.What != "password-equivalent") || x.Peer != "S" {
				t.Errorf("%s: unexpected violation after the server key reveal: %v", v, x)
			}
		}
		if len(n.Knowledge.Tagged("K_AS")) == 0 || len(n.Knowledge.Tagged("pub alice")) == 0 {
			t.Errorf("%s: the server key opened no a1", v)
		}
		// A dishonest bob learns his own keys, but alice's session with S
		// stays secret.
		var keys int
		for _, s := range n.Events {
			if s.Event.Kind == role.SessionKeyEstablished {
				keys++
			}
		}
		if keys == 0 {
			t.Fatal("no session keys")
		}
	}
}

func mustSetup(protocol string) harness.Setup {
	return harness.DefaultSetup(protocol, mustSuite("modern"), "hardened")
}

// TestKeyAfterRenewalOracle: the renewal oracle flags a message accepted
// under a key that a renewal had replaced, and only that. The reference
// implementation never does it (TestIMKERenewalHolds), so the positive
// case is built by hand: events and a 4.3 sealed under the old key.
func TestKeyAfterRenewalOracle(t *testing.T) {
	n := protoNet(t, "imke", "modern", "as-published", 1)
	k1, k2 := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	sealed, err := n.Ctx.Seal(k1, "imke data", []byte("x"), u64(7))
	if err != nil {
		t.Fatal(err)
	}
	m, err := (&imke.ServerData{Sequenced: imke.Sequenced{Suite: n.Setup.Suite.ID, Seq: 7, Sealed: sealed, MAC: make([]byte, 32)}}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	n.Events = []Stamped{
		{1, role.Event{Kind: role.SessionKeyEstablished, Role: "alice", Peer: "S", Key: k1}},
		{3, role.Event{Kind: role.KeysRenewed, Role: "alice", Peer: "S", Key: k2}},
	}
	acc := role.Event{Kind: role.MessageAccepted, Role: "alice", Peer: "S", Body: []byte("x")}
	n.Trace.Entries = []Entry{{Step: 2, Op: OpReplay, Bytes: m, Events: []role.Event{acc}}}
	o := oracle{n: n}
	if vs := o.keyAfterRenewal(); len(vs) != 0 {
		t.Fatalf("before the renewal: %v", vs)
	}
	n.Trace.Entries[0].Step = 5
	vs := o.keyAfterRenewal()
	if len(vs) != 1 || vs[0].Property != KeyReuse || vs[0].What != "renewed-key" || vs[0].Party != "alice" || !bytes.Equal(vs[0].Data, k1) {
		t.Fatalf("after the renewal: %v", vs)
	}
}

// TestIMKERenewalHolds: an old 4.3 replayed after both renewals of the
// honest script is rejected, and no key is used after its renewal.
func TestIMKERenewalHolds(t *testing.T) {
	for _, v := range []string{"as-published", "hardened"} {
		n := protoNet(t, "imke", "modern", v, 1)
		honestRun(t, n)
		old := n.Last("4.3", "S", "alice")
		first := 0
		for _, p := range n.History {
			if p.Msg.Label == "4.3" && p.Msg.To == "alice" {
				first = p.ID
				break
			}
		}
		if old == nil || first == 0 {
			t.Fatal("no 4.3")
		}
		if o := n.Replay(first, "", ""); o.Accepted() {
			t.Errorf("%s: a 4.3 from before the renewal was accepted", v)
		}
		if vs := n.Check(Scope{}); len(vs) != 0 {
			t.Errorf("%s: %v", v, vs)
		}
	}
}

// TestSIMPServerKeyReveal: the server's key revealed after an honest SIMP
// run opens R1 (P_A, RK), then R2 (K_AS, DK_AS, m), hence every SK_ASj,
// L1 (Pub-A) and E2/E3; E4 stays sealed to the one-time keys, so K_AB
// and the bodies stay secret. The oracles report exactly the passwords and
// their equivalents.
func TestSIMPServerKeyReveal(t *testing.T) {
	for _, v := range []string{"as-published", "hardened"} {
		n := protoNet(t, "simp", "modern", v, 1)
		honestRun(t, n)
		if vs := n.Check(Scope{}); v == "hardened" && len(vs) != 0 {
			t.Fatalf("%s honest run: %v", v, vs)
		}
		if err := n.Reveal("S", "", RevealServerKey); err != nil {
			t.Fatal(err)
		}
		vs := n.Check(Scope{})
		got := map[string]bool{}
		for _, x := range vs {
			if x.Property == Confidentiality {
				got[x.What+" "+x.Party] = true
			}
		}
		for _, want := range []string{"password alice", "password bob", "password-equivalent alice", "password-equivalent bob"} {
			if !got[want] {
				t.Errorf("%s: %s not derivable after the server key reveal: %v", v, want, vs)
			}
		}
		for w := range got {
			if !strings.HasPrefix(w, "password") {
				t.Errorf("%s: forward secrecy broken: %s", v, w)
			}
		}
		if len(n.Knowledge.Tagged("SK")) == 0 || len(n.Knowledge.Tagged("pub alice")) == 0 {
			t.Errorf("%s: the dissector did not run the key schedule or open L1", v)
		}
	}
}
