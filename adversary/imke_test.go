package adversary

import (
	"testing"

	"github.com/imcheck/imcheck/impl/harness"
	_ "github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

func protoNet(t interface {
	Helper()
	Skip(...any)
	Fatal(...any)
}, protocol, suiteName, variant string, seed uint64, dishonest ...string) *Network {
	t.Helper()
	p, err := harness.Lookup(protocol)
	if err != nil {
		t.Skip(err)
	}
	s, err := suite.ByName(suiteName)
	if err != nil {
		t.Fatal(err)
	}
	setup := harness.DefaultSetup(protocol, s, variant)
	setup.Seed = suite.SeedBytes(seed)
	d, err := NewDissector(setup)
	if err != nil {
		t.Fatal(err)
	}
	n, err := NewNetwork(Config{Protocol: p, Setup: setup, Dissector: d, Dishonest: dishonest})
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
		// (paper §5.3): exactly those are violated.
		if err := n.Reveal("S", "", RevealServerKey); err != nil {
			t.Fatal(err)
		}
		vs := n.Check(Scope{})
		if len(vs) != 4 {
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
