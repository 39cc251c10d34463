package adversary

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"strings"
	"testing"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

func toyNet(t *testing.T, variant string) *Network {
	t.Helper()
	n, err := newToy(variant, 1)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// connectAndSend runs alice → bob connect and one send honestly.
func connectAndSend(t *testing.T, n *Network, body string) {
	t.Helper()
	if o := n.Act(harness.Action{Party: "alice", Verb: harness.Connect, Peer: "bob"}); !o.Accepted() {
		t.Fatalf("connect: %+v", o)
	}
	if o := n.DeliverAll(10); !o.Accepted() {
		t.Fatalf("deliver C: %+v", o)
	}
	if o := n.Act(harness.Action{Party: "alice", Verb: harness.Send, Peer: "bob", Body: []byte(body)}); !o.Accepted() {
		t.Fatalf("send: %+v", o)
	}
}

func only(t *testing.T, vs []Violation, p Property) []Violation {
	t.Helper()
	var out []Violation
	for _, v := range vs {
		if v.Property == p {
			out = append(out, v)
		}
	}
	return out
}

func TestHonestRunHasNoViolation(t *testing.T) {
	for _, variant := range (toy{}).Variants() {
		n := toyNet(t, variant)
		connectAndSend(t, n, "secret one")
		n.DeliverAll(10)
		vs := n.Check(Scope{})
		if variant == "leaky" {
			continue // the session key travels in clear: see TestConfidentiality
		}
		if len(vs) > 0 {
			t.Errorf("%s: honest run violated %v", variant, vs)
		}
		if got := len(n.Trace.Entries); got != 4 {
			t.Errorf("%s: %d trace entries, want 4", variant, got)
		}
	}
}

func TestConfidentiality(t *testing.T) {
	n := toyNet(t, "leaky")
	connectAndSend(t, n, "secret one")
	n.DeliverAll(10)
	vs := only(t, n.Check(Scope{}), Confidentiality)
	var what []string
	for _, v := range vs {
		if v.Party != "alice" || v.Peer != "bob" {
			t.Errorf("violation names %s/%s, want alice/bob: %v", v.Party, v.Peer, v)
		}
		what = append(what, v.What)
	}
	if strings.Join(what, ",") != "session-key,body" {
		t.Fatalf("leaked %v, want session-key,body", what)
	}
	if !bytes.Equal(vs[1].Data, []byte("secret one")) {
		t.Errorf("body violation carries %q", vs[1].Data)
	}
	// The same run on the sealed variant leaks nothing: the dissector
	// cannot open C without the pair key.
	g := toyNet(t, "good")
	connectAndSend(t, g, "secret one")
	g.DeliverAll(10)
	if vs := g.Check(Scope{}); len(vs) != 0 {
		t.Fatalf("good variant: %v", vs)
	}
}

func TestReplayAcceptedTwice(t *testing.T) {
	for _, tc := range []struct {
		variant string
		want    bool
	}{{"replay", true}, {"good", false}} {
		n := toyNet(t, tc.variant)
		connectAndSend(t, n, "pay 10")
		m := n.InFlight()[0]
		if o := n.Deliver(m); !o.Accepted() {
			t.Fatalf("%s: first delivery: %+v", tc.variant, o)
		}
		o := n.Replay(m, "", "")
		vs := only(t, n.Check(Scope{}), Replay)
		if tc.want {
			if !o.Accepted() || len(vs) != 1 {
				t.Fatalf("%s: replay accepted=%v, violations %v", tc.variant, o.Accepted(), vs)
			}
			v := vs[0]
			if v.Party != "bob" || v.Peer != "alice" || v.What != "message" || string(v.Data) != "pay 10" {
				t.Errorf("wrong violation %v", v)
			}
			continue
		}
		if o.Alert == nil || o.Alert.Class != role.Replay || len(vs) != 0 {
			t.Fatalf("%s: replay outcome %+v, violations %v", tc.variant, o, vs)
		}
	}
}

// forgeM builds an M under a session key the adversary knows.
func forgeM(t *testing.T, n *Network, key []byte, idx uint64, body string) []byte {
	t.Helper()
	var hdr [8]byte
	binary.BigEndian.PutUint64(hdr[:], idx)
	if !n.Knowledge.Knows(key) {
		t.Fatal("forging with a key the adversary does not know")
	}
	mk := n.Ctx.KDF(key, 32, "toy msg key", hdr[:])
	sealed, err := n.Ctx.Seal(mk, "toy M", []byte(body), hdr[:])
	if err != nil {
		t.Fatal(err)
	}
	return append(append([]byte("M"), hdr[:]...), sealed...)
}

func TestForgeryBreaksAgreement(t *testing.T) {
	n := toyNet(t, "leaky")
	connectAndSend(t, n, "hello")
	n.DeliverAll(10)
	n.Saturate()
	var key []byte
	for _, s := range n.Events {
		if s.Event.Kind == role.SessionKeyEstablished && s.Event.Role == "bob" {
			key = s.Event.Key
		}
	}
	o := n.Inject("alice", "bob", forgeM(t, n, key, 9, "transfer all"), "M sealed under the leaked key")
	if !o.Accepted() {
		t.Fatalf("forgery rejected: %+v", o)
	}
	vs := only(t, n.Check(Scope{}), Agreement)
	if len(vs) != 1 || vs[0].Party != "bob" || vs[0].Peer != "alice" || string(vs[0].Data) != "transfer all" {
		t.Fatalf("agreement violations %v", vs)
	}
}

func TestKeyReuse(t *testing.T) {
	n := toyNet(t, "reuse")
	connectAndSend(t, n, "one")
	n.Act(harness.Action{Party: "alice", Verb: harness.Send, Peer: "bob", Body: []byte("two")})
	vs := only(t, n.Check(Scope{}), KeyReuse)
	if len(vs) != 1 || vs[0].Party != "alice" || vs[0].What != "key-index" {
		t.Fatalf("key reuse violations %v", vs)
	}
	g := toyNet(t, "good")
	connectAndSend(t, g, "one")
	g.Act(harness.Action{Party: "alice", Verb: harness.Send, Peer: "bob", Body: []byte("two")})
	if vs := g.Check(Scope{}); len(vs) != 0 {
		t.Fatalf("good: %v", vs)
	}
}

func TestCompromiseScopesTheOracles(t *testing.T) {
	// A dishonest bob learns the session key: no violation, the secret
	// is not between honest parties.
	n, err := NewNetwork(Config{Protocol: toy{}, Setup: toyNet(t, "good").Setup, Dissector: toyNet(t, "good").Dissector, Dishonest: []string{"bob"}})
	if err != nil {
		t.Fatal(err)
	}
	connectAndSend(t, n, "for bob")
	n.DeliverAll(10)
	if !n.Knowledge.Knows([]byte("for bob")) {
		t.Fatal("the insider's accepted body is not in the knowledge")
	}
	if vs := n.Check(Scope{}); len(vs) != 0 {
		t.Fatalf("insider run: %v", vs)
	}

	// A revealed session key is no violation, nor the bodies under it;
	// a later session is in scope again.
	r := toyNet(t, "good")
	connectAndSend(t, r, "under old key")
	r.DeliverAll(10)
	if err := r.Reveal("alice", "bob", RevealSession); err != nil {
		t.Fatal(err)
	}
	if vs := r.Check(Scope{}); len(vs) != 0 {
		t.Fatalf("after a session reveal: %v", vs)
	}
	connectAndSend(t, r, "under new key")
	r.DeliverAll(10)
	if r.Knowledge.Knows([]byte("under new key")) {
		t.Fatal("the new session's body leaked")
	}
	if !r.Knowledge.Knows([]byte("under old key")) {
		t.Fatal("the revealed session's body is not derivable")
	}
	// Forging under the revealed key is possible but the run only
	// shows it as agreement, not confidentiality.
	if err := r.Reveal("S", "", RevealPassword); err == nil {
		t.Fatal("revealing a password of the server should fail")
	}
}

func TestRedirectDropAndErrors(t *testing.T) {
	n := toyNet(t, "good")
	n.Act(harness.Action{Party: "alice", Verb: harness.Connect, Peer: "bob"})
	c := n.InFlight()[0]
	o := n.DeliverTo(c, "S", "")
	if o.Alert == nil || o.Alert.Class != role.DecryptError {
		t.Fatalf("C redirected to S: %+v", o)
	}
	if len(n.Pool) != 0 {
		t.Fatal("a redirected packet stayed in flight")
	}
	if o := n.Deliver(c); o.Err == nil {
		t.Fatal("delivering a packet twice from the pool should fail")
	}
	n.Act(harness.Action{Party: "alice", Verb: harness.Connect, Peer: "bob"})
	if o := n.Drop(n.InFlight()[0]); !o.Accepted() || len(n.Pool) != 0 {
		t.Fatalf("drop: %+v", o)
	}
	if o := n.Replay(99, "", ""); o.Err == nil {
		t.Fatal("replaying an unknown packet should fail")
	}
	if o := n.DeliverTo(1, "", ""); o.Err == nil {
		t.Fatal("the redirected packet is gone")
	}
	ops := ""
	for _, e := range n.Trace.Entries {
		ops += string(e.Op) + " "
	}
	if ops != "act redirect deliver act drop replay deliver " {
		t.Errorf("trace ops %q", ops)
	}
}

func TestTraceRendering(t *testing.T) {
	n := toyNet(t, "replay")
	connectAndSend(t, n, "x")
	m := n.InFlight()[0]
	n.Deliver(m)
	n.Replay(m, "", "")
	n.Inject("alice", "bob", []byte("Mjunk"), "junk")
	n.Trace.Violations = n.Check(Scope{})
	mm := n.Trace.Mermaid()
	for _, want := range []string{"sequenceDiagram", "participant alice", "alice->>bob: 2. C no.1", "Adversary->>bob: 5. replay M no.2 as alice", "Adversary-xbob: 6. inject", "VIOLATED replay"} {
		if !strings.Contains(mm, want) {
			t.Errorf("Mermaid lacks %q:\n%s", want, mm)
		}
	}
	var b bytes.Buffer
	if err := n.Trace.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var back Trace
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || len(back.Entries) != len(n.Trace.Entries) || len(back.Violations) != 1 {
		t.Fatalf("JSON round trip: %v, %d entries", err, len(back.Entries))
	}
	var p bytes.Buffer
	n.Trace.Print(&p)
	if !strings.Contains(p.String(), "✗ toy: unexpected_message") || !strings.Contains(p.String(), "VIOLATED replay") {
		t.Errorf("Print:\n%s", p.String())
	}
}

func TestSeededRunsAreDeterministic(t *testing.T) {
	run := func(seed uint64) []byte {
		n := toyNet(t, "replay")
		r := &Random{N: n, C: NewSeededChooser(seed), Plan: DefaultPlan(toy{}, n.Setup)}
		r.Run(40, true)
		n.Trace.Violations = n.Check(Scope{})
		var b bytes.Buffer
		n.Trace.WriteJSON(&b)
		return b.Bytes()
	}
	a, b, c := run(7), run(7), run(8)
	if !bytes.Equal(a, b) {
		t.Fatal("the same seed gave two runs")
	}
	if bytes.Equal(a, c) {
		t.Fatal("two seeds gave the same run")
	}
}

func TestKnowledgeSaturation(t *testing.T) {
	k := NewKnowledge()
	d := toyDissector{ctx: suite.NewCtx(mustSuite("modern"), suite.NewRand([]byte("s"), "t"))}
	ctx := suite.NewCtx(mustSuite("modern"), suite.NewRand([]byte("s"), "u"))
	k1 := bytes.Repeat([]byte{1}, 32)
	k2 := bytes.Repeat([]byte{2}, 32)
	inner, _ := ctx.Seal(k1, "toy C", k2) // C carrying k2 under k1
	outer, _ := ctx.Seal(k2, "toy C", []byte("deep secret"))
	k.Add(append([]byte("C"), outer...), "seen")
	k.Add(append([]byte("C"), inner...), "seen")
	if k.Saturate(d) == 0 || k.Knows(k2) {
		// Without k1 only the payloads are learned.
		if k.Knows(k2) {
			t.Fatal("opened without the key")
		}
	}
	k.Add(k1, "revealed")
	k.Saturate(d)
	if !k.Knows(k2) || !k.Knows([]byte("deep secret")) {
		t.Fatal("saturation did not chain the openings")
	}
}
