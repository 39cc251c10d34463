package memrun

import (
	"bytes"
	"testing"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/simp"
)

func TestRunSIMP(t *testing.T) {
	for _, v := range simp.Variants() {
		res, err := RunSIMP(SIMPConfig{Suite: "modern", Variant: v, Seed: 2, AToB: []string{"a", "b"}, BToA: []string{"c"}})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, ph := range res.Phases {
			names = append(names, ph.Name)
		}
		if got := len(names); got != 4 || names[0] != "register" || names[3] != "messages" {
			t.Fatalf("%s: phases %q", v, names)
		}
		accepted := 0
		for _, e := range res.Parties.Net.Events {
			if e.Kind == role.MessageAccepted {
				accepted++
			}
		}
		if accepted != 3 {
			t.Fatalf("%s: %d messages accepted, want 3", v, accepted)
		}
		if res.Ops["alice"] == res.Phases[0].Ops["alice"] {
			t.Fatalf("%s: alice's whole-run operations equal those of registration", v)
		}
		again, err := RunSIMP(SIMPConfig{Suite: "modern", Variant: v, Seed: 2, AToB: []string{"a", "b"}, BToA: []string{"c"}})
		if err != nil {
			t.Fatal(err)
		}
		for i, st := range res.Transcript.Steps {
			if !bytes.Equal(st.Message.Bytes, again.Transcript.Steps[i].Message.Bytes) {
				t.Fatalf("%s: step %d differs under the same seed", v, i)
			}
		}
	}
}

func TestRunSIMPRejectsBadConfig(t *testing.T) {
	for _, cfg := range []SIMPConfig{{A: "x", B: "x"}, {A: simp.DefaultServerID}, {Suite: "nope"}} {
		if _, err := RunSIMP(cfg); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}

func TestNetworkUnknownRecipient(t *testing.T) {
	n := NewNetwork()
	if _, err := n.DeliverOne(role.Message{To: "nobody"}); err == nil {
		t.Fatal("delivered to a role that is not on the network")
	}
}

func TestRunIMKE(t *testing.T) {
	for _, v := range imke.Variants() {
		res, err := RunIMKE(IMKEConfig{Variant: v, Seed: 2, Relay: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Parties) != 3 || res.Parties[0] != res.Setup.Server {
			t.Fatalf("%s: parties %q", v, res.Parties)
		}
		if len(res.Phases) == 0 || len(res.Transcript.Steps) == 0 {
			t.Fatalf("%s: %d phases, %d steps", v, len(res.Phases), len(res.Transcript.Steps))
		}
		keys := 0
		for _, e := range res.Events {
			if e.Kind == role.SessionKeyEstablished {
				keys++
			}
		}
		if keys == 0 {
			t.Fatalf("%s: no session key established", v)
		}
	}
	if _, err := RunIMKE(IMKEConfig{Variant: "hardend"}); err == nil {
		t.Fatal("a misspelt variant ran")
	}
	// A script whose action fails ends the run with the phases so far.
	bad := func(s harness.Setup) []harness.Action {
		return []harness.Action{{Party: "alice", Verb: "send", Peer: "bob"}}
	}
	res, err := RunIMKE(IMKEConfig{Script: bad})
	if err == nil || res == nil || len(res.Phases) != 1 {
		t.Fatalf("failing script: %v, %+v", err, res)
	}
}
