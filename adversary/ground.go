package adversary

import (
	"bytes"
	"strings"

	"github.com/imcheck/imcheck/impl/role"
)

// grant is a public key the server really sent: to learns peer's key.
type grant struct {
	step     int
	to, peer string
	key      []byte
	// label is the message the server sent it as (E2, E3, b1, b2, 4.3);
	// answer says the server sent it while handling a message the
	// recipient really sent it (delivered as sent: not injected, replayed
	// or redirected), i.e. in answer to the recipient's own request.
	label  string
	answer bool
}

// groundTruth is what an omniscient observer reads from the packets the
// honest parties really sent (never the adversary's): the oracles use it
// for the claims that events alone cannot settle (which public key a user
// announced at login, which keys the server granted to whom). It opens
// the packets with the server's private key and every key the events
// carry, using a dissector of its own.
type groundTruth struct {
	k      *Knowledge
	grants []grant
}

// ground builds the ground truth, or returns nil when the protocol has no
// dissector.
func (n *Network) ground() *groundTruth {
	if n.groundCache != nil && n.groundAt == [2]int{len(n.History), len(n.Events)} {
		return n.groundCache
	}
	d, err := NewDissector(n.Setup)
	if err != nil {
		return nil
	}
	g := &groundTruth{k: NewKnowledge()}
	if sk, err := n.Setup.Suite.NewPrivateKey(n.Setup.ServerKeySeed()); err == nil {
		g.k.AddPrivateKey(sk, "server key")
	}
	for _, s := range n.Events {
		g.k.Add(s.Event.Key, "event key")
	}
	var honest []*Packet
	for _, p := range n.History {
		if !p.Injected {
			honest = append(honest, p)
			g.k.Add(p.Msg.Bytes, "sent")
		}
	}
	g.k.Saturate(d)
	handled := map[int]string{} // step → sender of the packet S handled then
	for _, e := range n.Trace.Entries {
		if e.Op == OpDeliver && e.To == n.Setup.Server && e.Packet > 0 && e.Packet <= len(n.History) && !n.History[e.Packet-1].Injected {
			handled[e.Step] = e.From
		}
	}
	for _, p := range honest {
		if p.Msg.From != n.Setup.Server {
			continue
		}
		for _, f := range d.Analyze(p.Msg.Bytes, g.k) {
			if peer, ok := strings.CutPrefix(f.Tag, "granted pub "); ok {
				g.grants = append(g.grants, grant{step: p.Step, to: p.Msg.To, peer: peer, key: f.Bytes, label: p.Msg.Label, answer: handled[p.Step] == p.Msg.To})
			}
		}
	}
	n.groundCache, n.groundAt = g, [2]int{len(n.History), len(n.Events)}
	return g
}

// ownKeys lists the public keys party announced in the logins it really
// sent.
func (n *Network) ownKeys(party string) [][]byte {
	g := n.ground()
	if g == nil {
		return nil
	}
	return g.k.Tagged("pub " + party)
}

// peerKeys checks PeerKeyAccepted against the server's grants,
// injectively: each grant the server sent to R for P can be accepted once.
// Two matchings run side by side. The model's injective claim on b1
// (G6_b1_fresh) counts A's b1 acceptances alone against S's PeerKey
// events, whichever of b1 or b2 S sent them in (B's b2 acceptances are
// no claim steps of it and use no event up: docs/model.md, injagree), so
// a b1 acceptance with no grant left among b1 acceptances is a replay
// with claimant b1. Every acceptance, b1 or b2, also counts against every
// grant: one with none left is a replay with claimant b2 (a b2), or none
// (a b1 that only the b2s before it used up).
func (o oracle) peerKeys() []Violation {
	g := o.n.ground()
	if g == nil {
		return nil
	}
	usedB1, usedAll := make([]bool, len(g.grants)), make([]bool, len(g.grants))
	var out []Violation
	for _, s := range o.n.Events {
		e := s.Event
		// The grant is the server's word to the user, so it is judged
		// whenever the user and S are honest: a key of an insider's is
		// still S's to give (the model's A5/G6 hold for B = eve), and the
		// insider's own credentials do not speak for S.
		if e.Kind != role.PeerKeyAccepted || !o.inScope(e.Role, o.n.Setup.Server) || o.n.Honest(e.Peer) && o.impersonable(e.Peer, s.Step) {
			continue
		}
		kind := o.peerKeyKind(e, s.Step)
		found, freshB1, freshAll := false, kind != "b1", false
		for i, gr := range g.grants {
			if gr.step > s.Step || gr.to != e.Role || gr.peer != e.Peer || !bytes.Equal(gr.key, e.Key) {
				continue
			}
			found = true
			if !freshB1 && !usedB1[i] {
				usedB1[i], freshB1 = true, true
			}
			if !freshAll && !usedAll[i] {
				usedAll[i], freshAll = true, true
			}
		}
		claimant := kind
		if kind == "b1" && freshB1 {
			claimant = ""
		}
		switch {
		case !found:
			out = append(out, Violation{Property: Agreement, Party: e.Role, Peer: e.Peer, What: "peer-key", Step: s.Step, Data: e.Key, Claimant: kind,
				Detail: e.Role + " accepted a public key for " + e.Peer + " that the server never granted it"})
		case !freshB1 || !freshAll:
			out = append(out, Violation{Property: Replay, Party: e.Role, Peer: e.Peer, What: "peer-key", Step: s.Step, Data: e.Key, Claimant: claimant,
				Detail: e.Role + " accepted the server's grant of " + e.Peer + "'s key more often than the server sent it" + asKind(kind)})
		}
	}
	return out
}

// peerKeyKind says how an IMKE party took an accepted peer key: "b1"
// when it answered its own request (it starts the key transport with the
// peer in the same step: a KeyExchangeStarted), "b2" otherwise; "" for
// SIMP, whose claims do not tell them apart.
func (o oracle) peerKeyKind(e role.Event, step int) string {
	if o.n.Protocol.Name() != "imke" {
		return ""
	}
	for _, x := range o.n.Events {
		if x.Step == step && x.Event.Kind == role.KeyExchangeStarted && x.Event.Role == e.Role && x.Event.Peer == e.Peer {
			return "b1"
		}
	}
	return "b2"
}

func asKind(kind string) string {
	if kind == "" {
		return ""
	}
	return " (as " + kind + ")"
}
