package adversary

import (
	"fmt"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// RevealKind names a secret the adversary can be given at a chosen step.
type RevealKind string

const (
	// RevealPassword: a user's provisioned password (long-term).
	RevealPassword RevealKind = "password"
	// RevealServerKey: the server's long-term private key.
	RevealServerKey RevealKind = "server-key"
	// RevealSession: the session secrets a party has established so far
	// (with Peer, or with everyone if Peer is empty), from its
	// SessionKeyEstablished and KeysRenewed events.
	RevealSession RevealKind = "session"
	// RevealState: whatever the party holds in memory now (dynamic
	// private keys, pending challenges), through the dissector's
	// StateRevealer.
	RevealState RevealKind = "state"
	// RevealValue: one session value the party holds that no event
	// carries (IMKE's K_AS of a login), given as bytes (RevealValue).
	RevealValue RevealKind = "value"
)

// LongTerm reports whether the kind is a long-term secret (the forward
// secrecy oracle keeps earlier sessions secret despite it).
func (k RevealKind) LongTerm() bool { return k == RevealPassword || k == RevealServerKey }

// Reveal records one reveal.
type Reveal struct {
	Step  int        `json:"step"`
	Party string     `json:"party"`
	Peer  string     `json:"peer,omitempty"`
	Kind  RevealKind `json:"kind"`
}

// StateRevealer is implemented by dissectors that can read a party's
// in-memory secrets (the compromise of ephemeral state).
type StateRevealer interface {
	RevealState(p harness.Party) []Fact
}

// Corrupt makes party dishonest from this step on: the adversary learns
// its long-term secrets, its in-memory state, every key and body it has
// emitted, and from now on every event it emits; the adversary also
// chooses when its messages are delivered. A dishonest server knows every
// user's password (the papers' servers store them or an equivalent).
func (n *Network) Corrupt(party string) error {
	if _, err := n.party(party); err != nil {
		return err
	}
	if _, done := n.Corrupted[party]; done {
		return nil
	}
	n.begin()
	n.Corrupted[party] = n.step
	kinds := []RevealKind{RevealState}
	if party == n.Setup.Server {
		kinds = append(kinds, RevealServerKey)
	} else {
		kinds = append(kinds, RevealPassword)
	}
	for _, k := range kinds {
		n.reveal(party, "", k)
	}
	if party == n.Setup.Server {
		for _, u := range n.Setup.Users {
			n.Knowledge.Add([]byte(n.Setup.Password(u)), "password of "+u+" stored by the dishonest server")
		}
	}
	for _, s := range n.Events {
		if s.Event.Role == party {
			n.Knowledge.Add(s.Event.Key, fmt.Sprintf("%s's %s key", party, s.Event.Kind))
			n.Knowledge.Add(s.Event.Body, fmt.Sprintf("%s's %s body", party, s.Event.Kind))
		}
	}
	n.finish(Entry{Op: OpCorrupt, Party: party}, Outcome{})
	return nil
}

// Reveal gives the adversary one secret of party at this step (peer
// narrows a session reveal). It is recorded for the forward-secrecy
// oracle.
func (n *Network) Reveal(party, peer string, kind RevealKind) error {
	if _, err := n.party(party); err != nil {
		return err
	}
	n.begin()
	err := n.reveal(party, peer, kind)
	o := Outcome{Err: err}
	n.finish(Entry{Op: OpReveal, Party: party, To: peer, Note: string(kind)}, o)
	return err
}

// RevealValue gives the adversary one session value of party (with
// peer) at this step: a value the party holds in memory that no event
// carries, found by the caller in the party's own randomness. It is
// recorded as a reveal of kind value, with the bytes in the trace entry
// so that a replay gives the same value.
func (n *Network) RevealValue(party, peer string, value []byte, what string) error {
	if _, err := n.party(party); err != nil {
		return err
	}
	if len(value) == 0 {
		return fmt.Errorf("adversary: reveal of an empty value of %s", party)
	}
	n.begin()
	n.Knowledge.Add(value, "revealed "+what+" of "+party)
	n.Reveals = append(n.Reveals, Reveal{Step: n.step, Party: party, Peer: peer, Kind: RevealValue})
	n.finish(Entry{Op: OpReveal, Party: party, To: peer, Note: string(RevealValue), Bytes: value, Label: what}, Outcome{})
	return nil
}

func (n *Network) reveal(party, peer string, kind RevealKind) error {
	k := n.Knowledge
	switch kind {
	case RevealValue:
		return fmt.Errorf("adversary: a reveal of a value carries the value (RevealValue)")
	case RevealPassword:
		if party == n.Setup.Server {
			return fmt.Errorf("adversary: the server %q has no password; reveal %s", party, RevealServerKey)
		}
		k.Add([]byte(n.Setup.Password(party)), "password of "+party)
	case RevealServerKey:
		if party != n.Setup.Server {
			return fmt.Errorf("adversary: %q is not the server", party)
		}
		sk, err := n.Setup.Suite.NewPrivateKey(n.Setup.ServerKeySeed())
		if err != nil {
			return fmt.Errorf("adversary: server key: %w", err)
		}
		k.AddPrivateKey(sk, "server long-term key")
	case RevealSession:
		for _, s := range n.Events {
			e := s.Event
			if e.Role == party && (peer == "" || e.Peer == peer) &&
				(e.Kind == role.SessionKeyEstablished || e.Kind == role.KeysRenewed) {
				k.Add(e.Key, fmt.Sprintf("revealed session secret of %s with %s", party, e.Peer))
			}
		}
	case RevealState:
		for _, sk := range n.dynamicKeys(party) {
			k.AddPrivateKey(sk, "dynamic private key of "+party)
		}
		if sr, ok := n.Dissector.(StateRevealer); ok {
			k.Learn(sr.RevealState(n.Parties[party]), "revealed state of "+party)
		}
	default:
		return fmt.Errorf("adversary: unknown reveal kind %q", kind)
	}
	n.Reveals = append(n.Reveals, Reveal{Step: n.step, Party: party, Peer: peer, Kind: kind})
	return nil
}

// dynamicKeys recovers the dynamic (per-login) private keys party holds,
// without any hook in the implementation: a party's randomness is the
// deterministic stream Rand(seed, "party "+name) (docs/spec/harness.md), so
// the bytes it has drawn so far are known; every 32-byte window of them is
// tried as a key seed, and a key is kept when its public key is one the
// party is known to use (a peer accepted it, or the adversary read it as
// the party's). Classic RSA keys take too long to rebuild this way, so on
// the classic suite only the events tell.
func (n *Network) dynamicKeys(party string) []suite.PrivateKey {
	if n.Setup.RandLog == nil || n.Setup.Suite == nil || n.Setup.Suite.ID == suite.Classic {
		return nil
	}
	want := map[string]bool{}
	for _, s := range n.Events {
		if s.Event.Kind == role.PeerKeyAccepted && s.Event.Peer == party {
			want[string(s.Event.Key)] = true
		}
	}
	for _, t := range []string{"pub " + party, "granted pub " + party} {
		for _, b := range n.Knowledge.Tagged(t) {
			want[string(b)] = true
		}
	}
	for _, b := range n.ownKeys(party) {
		want[string(b)] = true
	}
	if len(want) == 0 {
		return nil
	}
	stream := make([]byte, n.Setup.RandLog.Drawn(party))
	suite.NewRand(n.Setup.Seed, "party "+party).Read(stream)
	var out []suite.PrivateKey
	for i := 0; i+suite.KeySize <= len(stream); i++ {
		sk, err := n.Setup.Suite.NewPrivateKey(stream[i : i+suite.KeySize])
		if err == nil && want[string(sk.Public().Bytes())] {
			out = append(out, sk)
		}
	}
	return out
}

// Honest reports whether party has not been corrupted (by the end of the
// run so far).
func (n *Network) Honest(party string) bool {
	_, bad := n.Corrupted[party]
	return !bad
}
