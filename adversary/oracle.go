package adversary

import (
	"encoding/hex"
	"fmt"
	"sort"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
)

// Property is one of the papers' claims checked on a concrete run
// (docs/adversary.md §"Oracles").
type Property string

const (
	// Confidentiality: no secret between honest parties becomes derivable.
	Confidentiality Property = "confidentiality"
	// Agreement: every accepted login, peer key, message and session key
	// matches a send by the claimed party to the claimed recipient with
	// the same data (Lowe's non-injective agreement).
	Agreement Property = "agreement"
	// Replay: nothing is accepted twice (injective agreement).
	Replay Property = "replay"
	// KeyReuse: no SIMP key index protects two messages; no IMKE key is
	// used after its renewal.
	KeyReuse Property = "key-reuse"
)

// Properties lists every property in report order.
func Properties() []Property { return []Property{Confidentiality, Agreement, Replay, KeyReuse} }

// Violation says what was violated: the property, the party whose
// guarantee failed, the peer it concerns, the data, and the step.
type Violation struct {
	Property Property `json:"property"`
	Party    string   `json:"party"`          // whose secret leaked, or who accepted
	Peer     string   `json:"peer,omitempty"` // the other party of the claim
	What     string   `json:"what"`           // session-key, body, password, login, peer-key, key-index, ...
	Step     int      `json:"step"`           // when the secret arose or the accept happened
	Data     []byte   `json:"data,omitempty"` // the secret or accepted data
	Detail   string   `json:"detail,omitempty"`
	// Claimant is the model role Party plays in what it accepted, where
	// the model's claims tell two apart (docs/model.md): for an IMKE
	// peer key "b1" (the answer to Party's own 4.2 request, the model's A
	// at b1) or "b2" (a key S pushed, the model's B at b2); for a 4.7
	// message "initiator" or "responder" of the c1-c3 run that keyed it
	// (the model's A or B).
	Claimant string `json:"claimant,omitempty"`
}

func (v Violation) String() string {
	s := fmt.Sprintf("%s: %s of %s", v.Property, v.What, v.Party)
	if v.Peer != "" {
		s += " with " + v.Peer
	}
	s += fmt.Sprintf(" (step %d)", v.Step)
	if len(v.Data) > 0 {
		s += " data=" + short(v.Data)
	}
	if v.Detail != "" {
		s += ": " + v.Detail
	}
	return s
}

func short(b []byte) string {
	if isPrintable(b) && len(b) <= 48 {
		return fmt.Sprintf("%q", b)
	}
	if len(b) > 12 {
		return hex.EncodeToString(b[:12]) + "…"
	}
	return hex.EncodeToString(b)
}

func isPrintable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return len(b) > 0
}

// Secret is a value that must stay secret between Owner and Peer.
type Secret struct {
	What  string // session-key, body, password, password-equivalent
	Owner string
	Peer  string
	Bytes []byte
	Step  int
}

// SecretLister is implemented by dissectors that know a protocol's
// password-equivalents (values that let whoever holds them log in as the
// user or pass as the server), derived from the Setup.
type SecretLister interface {
	PasswordEquivalents(setup harness.Setup) []Secret
}

// Scope says which guarantees the oracles check.
type Scope struct {
	// EndToEnd keeps user-to-user claims in scope when the server is
	// dishonest: the papers' end-to-end claims (IMKE G5, SIMP §6.2).
	// Off by default, since both protocols trust the server to distribute
	// public keys.
	EndToEnd bool `json:"end_to_end,omitempty"`
}

// Check saturates the adversary's knowledge and runs every oracle.
func (n *Network) Check(sc Scope) []Violation {
	n.Saturate()
	o := oracle{n: n, sc: sc}
	var out []Violation
	out = append(out, o.confidentiality()...)
	out = append(out, o.agreement()...)
	out = append(out, o.peerKeys()...)
	out = append(out, o.keyReuse()...)
	out = append(out, o.keyAfterRenewal()...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Step < out[j].Step })
	return out
}

type oracle struct {
	n  *Network
	sc Scope
}

func (o oracle) isServer(p string) bool { return p == o.n.Setup.Server }

// inScope reports whether a claim between a and b is one the honest
// parties are promised: both honest, and the server too when it is a
// user-to-user claim (unless EndToEnd).
func (o oracle) inScope(a, b string) bool {
	if !o.n.Honest(a) || (b != "" && !o.n.Honest(b)) {
		return false
	}
	if !o.isServer(a) && !o.isServer(b) && !o.sc.EndToEnd && !o.n.Honest(o.n.Setup.Server) {
		return false
	}
	return true
}

func involves(r Reveal, a, b string) bool {
	return r.Party == a || r.Party == b
}

// nextKeyStep is the first step after t at which a or b establishes or
// renews a key with the other, or a very large step if none.
func (o oracle) nextKeyStep(a, b string, t int) int {
	for _, s := range o.n.Events {
		e := s.Event
		if s.Step > t && (e.Kind == role.SessionKeyEstablished || e.Kind == role.KeysRenewed || e.Kind == role.LoginStarted) &&
			((e.Role == a && e.Peer == b) || (e.Role == b && e.Peer == a)) {
			return s.Step
		}
	}
	return int(^uint(0) >> 1)
}

// revealed reports whether a reveal makes the secret unprotected, so it
// is no violation that the adversary knows it:
//   - a password or password-equivalent: only the reveal of that
//     password itself or of the server's state (its password records).
//     The server's private key does not count: whatever it lets the
//     adversary guess offline is a violation (IMKE §5.3 says so);
//   - a long-term secret of either party revealed at t: session keys and
//     bodies arising after t (forward secrecy keeps those before t in
//     scope);
//   - a session or state reveal of either party at t: what arose up to t,
//     and what arises before the pair's next key establishment.
func (o oracle) revealed(s Secret) bool {
	password := s.What == "password" || s.What == "password-equivalent"
	for _, r := range o.n.Reveals {
		if password {
			if (r.Kind == RevealPassword && r.Party == s.Owner) || (r.Kind == RevealState && r.Party == o.n.Setup.Server) {
				return true
			}
			continue
		}
		user := !o.isServer(s.Owner) && !o.isServer(s.Peer)
		server := r.Party == o.n.Setup.Server
		// The server's long-term key matters to user-to-user secrets only
		// while the server is trusted with them (not end to end).
		if !involves(r, s.Owner, s.Peer) && !(user && server && r.Kind.LongTerm() && !o.sc.EndToEnd) {
			continue
		}
		if r.Kind.LongTerm() {
			if s.Step > r.Step {
				return true
			}
			continue
		}
		if r.Peer != "" && r.Peer != s.Owner && r.Peer != s.Peer {
			continue
		}
		if s.Step <= r.Step || s.Step < o.nextKeyStep(s.Owner, s.Peer, r.Step) {
			return true
		}
	}
	return false
}

// secrets lists the secrets of the run: session keys and message bodies
// from the events, provisioned passwords and the protocol's
// password-equivalents from the Setup.
func (o oracle) secrets() []Secret {
	var out []Secret
	for _, u := range o.n.Setup.Users {
		out = append(out, Secret{What: "password", Owner: u, Peer: o.n.Setup.Server, Bytes: []byte(o.n.Setup.Password(u))})
	}
	if l, ok := o.n.Dissector.(SecretLister); ok {
		out = append(out, l.PasswordEquivalents(o.n.Setup)...)
	}
	for _, s := range o.n.Events {
		e := s.Event
		switch e.Kind {
		case role.SessionKeyEstablished, role.KeysRenewed:
			if len(e.Key) > 0 {
				out = append(out, Secret{What: "session-key", Owner: e.Role, Peer: e.Peer, Bytes: e.Key, Step: s.Step})
			}
		case role.MessageSent:
			if len(e.Body) > 0 {
				out = append(out, Secret{What: "body", Owner: e.Role, Peer: e.Peer, Bytes: e.Body, Step: s.Step})
			}
		}
	}
	return out
}

func (o oracle) confidentiality() []Violation {
	var out []Violation
	reported := map[string]bool{}
	for _, s := range o.secrets() {
		if reported[string(s.Bytes)] || !o.inScope(s.Owner, s.Peer) || o.revealed(s) {
			continue
		}
		if v := o.n.Knowledge.Lookup(s.Bytes); v != nil {
			reported[string(s.Bytes)] = true
			out = append(out, Violation{Property: Confidentiality, Party: s.Owner, Peer: s.Peer, What: s.What,
				Step: s.Step, Data: s.Bytes, Detail: fmt.Sprintf("the adversary knows it (%s, step %d)", v.Origin, v.Step)})
		}
	}
	return out
}
