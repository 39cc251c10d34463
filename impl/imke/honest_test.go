package imke

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// TestHonestRun runs the honest script for every suite, both variants,
// both password storages, with c1–c3 direct and relayed.
func TestHonestRun(t *testing.T) {
	for _, s := range suite.All() {
		for _, v := range Variants() {
			for _, relay := range []bool{false, true} {
				for _, st := range PasswordStorages() {
					if s.Name == "classic" && st == StoreImage {
						continue // storage is suite-independent; keep classic runs few
					}
					name := fmt.Sprintf("%s/%s/relay=%v/%s", s.Name, v, relay, st)
					t.Run(name, func(t *testing.T) {
						res, err := Run(RunConfig{Suite: s, Variant: v, Seed: 7, Relay: relay, Storage: st})
						if err != nil {
							t.Fatal(err)
						}
						checkHonest(t, res)
					})
				}
			}
		}
	}
}

func checkHonest(t *testing.T, res *harness.Network) {
	t.Helper()
	count := func(k role.EventKind, r string) int {
		n := 0
		for _, e := range res.Events {
			if e.Kind == k && e.Role == r {
				n++
			}
		}
		return n
	}
	for _, u := range []string{"alice", "bob"} {
		if count(role.LoginAccepted, u) != 1 || count(role.LoginAccepted, "S") != 2 {
			t.Errorf("%s: login not accepted on both sides", u)
		}
	}
	keys := map[string][]byte{}
	for _, e := range res.Events {
		if e.Kind == role.SessionKeyEstablished && (e.Peer == "alice" || e.Peer == "bob") && e.Role != "S" {
			keys[e.Role] = e.Key
		}
	}
	if len(keys) != 2 || !bytes.Equal(keys["alice"], keys["bob"]) {
		t.Errorf("alice and bob do not share K_AB^s: %x", keys)
	}
	var bodies []string
	for _, e := range res.Events {
		if e.Kind == role.MessageAccepted {
			bodies = append(bodies, fmt.Sprintf("%s<-%s:%s:%s", e.Role, e.Peer, e.Body, e.Note))
		}
	}
	want := []string{
		"bob<-alice:hello bob, directly:direct",
		"alice<-bob:hello alice, directly:direct",
		"bob<-alice:hello bob, through S:relayed",
		"alice<-bob:hello alice, through S:relayed",
		"S<-alice:hello S:",
		"alice<-S:hello alice, from S:",
		"bob<-alice:renewed keys, through S:relayed",
		"alice<-S:renewed keys, from S:",
	}
	if fmt.Sprint(bodies) != fmt.Sprint(want) {
		t.Errorf("accepted messages\n got %q\nwant %q", bodies, want)
	}
	var renewed [][]byte
	notes := map[string]int{}
	for _, e := range res.Events {
		if e.Kind == role.KeysRenewed {
			renewed = append(renewed, e.Key)
			notes[e.Role+" "+e.Note]++
		}
	}
	if len(renewed) != 4 || !bytes.Equal(renewed[0], renewed[1]) || !bytes.Equal(renewed[2], renewed[3]) || bytes.Equal(renewed[0], renewed[2]) {
		t.Errorf("renewals: %d keys, want two agreed pairs", len(renewed))
	}
	if notes["alice initiator"] != 1 || notes["S initiator"] != 1 || notes["alice responder"] != 1 || notes["S responder"] != 1 {
		t.Errorf("renewal started by each side: %v", notes)
	}
	for _, s := range res.Transcript.Steps {
		if s.Alert != "" {
			t.Errorf("rejection in honest run: %s", s.Alert)
		}
	}
}

// TestRunDeterministic: the same seed gives the same transcript bytes.
func TestRunDeterministic(t *testing.T) {
	a, err := Run(RunConfig{Seed: 3, Variant: Hardened})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Run(RunConfig{Seed: 3, Variant: Hardened})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Transcript.Steps) != len(b.Transcript.Steps) {
		t.Fatal("different lengths")
	}
	for i := range a.Transcript.Steps {
		if !bytes.Equal(a.Transcript.Steps[i].Message.Bytes, b.Transcript.Steps[i].Message.Bytes) {
			t.Fatalf("step %d differs", i+1)
		}
	}
}

// TestFunctionsDistinct: f1–f9 are distinct labelled functions; in
// particular f1 ≠ f2 (paper §4.1 caveat).
func TestFunctionsDistinct(t *testing.T) {
	s, _ := suite.ByName("modern")
	fn := functions{suite.NewCtx(s, nil)}
	x, y := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	outs := map[string][]byte{
		"f1": fn.f1(x), "f2": fn.f2(x), "f3": fn.f3(x), "f4": fn.f4(x, y), "f5": fn.f5(x, y),
		"f6": fn.f6(x), "f7": fn.f7(x, y), "f8": fn.f8(x, y), "f9": fn.f9(x, y),
	}
	seen := map[string]string{}
	for name, o := range outs {
		if prev, dup := seen[string(o)]; dup {
			t.Errorf("%s and %s agree on the same input", name, prev)
		}
		seen[string(o)] = name
	}
}

// TestDescribeEveryMessage: Describe decodes every message of a run.
func TestDescribeEveryMessage(t *testing.T) {
	for _, v := range Variants() {
		res, err := Run(RunConfig{Variant: v, Relay: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range res.Transcript.Steps {
			label, fields, err := Describe(s.Message.Bytes)
			if err != nil || label == "" || len(fields) < 2 {
				t.Errorf("Describe(%s) = %q, %v, %v", s.Message.Label, label, fields, err)
			}
		}
	}
	if _, _, err := Describe([]byte{0x20}); role.ClassOf(err) != role.DecodeError {
		t.Errorf("truncated: %v", err)
	}
}
