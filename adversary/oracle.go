package adversary

import (
	"bytes"
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

// agreement checks every accept against the sends (injectively), and
// every established key against its partner's run.
func (o oracle) agreement() []Violation {
	var out []Violation
	used := map[int]bool{} // indices into Events of sends already matched
	// match finds the earliest unmatched event before step at that
	// satisfies ok; it reports whether any (matched or not) existed.
	match := func(at int, ok func(e role.Event) bool) (found, fresh bool) {
		for i, s := range o.n.Events {
			if s.Step > at || !ok(s.Event) {
				continue
			}
			found = true
			if !used[i] {
				used[i] = true
				return true, true
			}
		}
		return found, false
	}
	for _, s := range o.n.Events {
		e := s.Event
		if !o.inScope(e.Role, e.Peer) || o.impersonable(e.Peer, s.Step) {
			continue
		}
		var what string
		var found, fresh bool
		switch {
		case e.Kind == role.MessageAccepted:
			what = "message"
			found, fresh = match(s.Step, func(x role.Event) bool {
				return x.Kind == role.MessageSent && x.Role == e.Peer && x.Peer == e.Role && bytes.Equal(x.Body, e.Body)
			})
		case e.Kind == role.LoginAccepted && o.isServer(e.Role):
			what = "login"
			found, fresh = match(s.Step, func(x role.Event) bool {
				return x.Kind == role.LoginStarted && x.Role == e.Peer && x.Peer == e.Role
			})
		case e.Kind == role.SessionKeyEstablished:
			out = append(out, o.keyAgreement(e, s.Step)...)
			continue
		default:
			continue
		}
		switch {
		case !found:
			out = append(out, Violation{Property: Agreement, Party: e.Role, Peer: e.Peer, What: what, Step: s.Step, Data: e.Body,
				Detail: fmt.Sprintf("%s accepted a %s from %s that %s never sent to it", e.Role, what, e.Peer, e.Peer)})
		case !fresh:
			out = append(out, Violation{Property: Replay, Party: e.Role, Peer: e.Peer, What: what, Step: s.Step, Data: e.Body,
				Detail: fmt.Sprintf("%s accepted a %s from %s more often than %s sent it", e.Role, what, e.Peer, e.Peer)})
		}
	}
	return out
}

// impersonable reports whether a long-term secret of party was revealed
// by step: then anyone may speak as it, and accepting a forgery in its
// name is no violation.
func (o oracle) impersonable(party string, step int) bool {
	for _, r := range o.n.Reveals {
		if r.Party == party && r.Kind.LongTerm() && r.Step <= step {
			return true
		}
	}
	return false
}

// keyAgreement checks a SessionKeyEstablished: the peer ran with the party
// (some event of the peer names it), and no other pair of parties holds
// the same key.
func (o oracle) keyAgreement(e role.Event, step int) []Violation {
	var out []Violation
	// The peer ran with the party if one of its events names the party
	// or it really sent the party a message (a server that answered a1
	// with a2 runs the login before it emits anything).
	ran := false
	for _, p := range o.n.History {
		if !p.Injected && p.Msg.From == e.Peer && p.Msg.To == e.Role && p.Step <= step {
			ran = true
		}
	}
	for _, s := range o.n.Events {
		x := s.Event
		if x.Role == e.Peer && x.Peer == e.Role {
			ran = true
		}
		if x.Kind == role.SessionKeyEstablished && bytes.Equal(x.Key, e.Key) && x.Role != e.Role &&
			!(x.Role == e.Peer && x.Peer == e.Role) {
			out = append(out, Violation{Property: Agreement, Party: e.Role, Peer: e.Peer, What: "session-key", Step: step, Data: e.Key,
				Detail: fmt.Sprintf("%s shares it with %s, but %s holds it for %s", e.Role, e.Peer, x.Role, x.Peer)})
		}
	}
	if !ran {
		out = append(out, Violation{Property: Agreement, Party: e.Role, Peer: e.Peer, What: "session-key", Step: step, Data: e.Key,
			Detail: fmt.Sprintf("%s established a key with %s, who never ran with %s", e.Role, e.Peer, e.Role)})
	}
	return out
}

// keyReuse: one key protecting two messages (KeyUsed events are emitted
// once per protection, by the protecting party, so two events with the
// same key are two messages, whoever sent them), or a key used after the
// renewal that replaced it.
func (o oracle) keyReuse() []Violation {
	var out []Violation
	type use struct {
		step int
		e    role.Event
	}
	byKey := map[string][]use{}
	var keys []string
	renewed := map[[2]string][]int{} // (role, peer) → steps of renewals
	before := map[[2]string][]use{}  // keys used or established before, per pair
	for _, s := range o.n.Events {
		e := s.Event
		pair := [2]string{e.Role, e.Peer}
		switch e.Kind {
		case role.KeysRenewed:
			renewed[pair] = append(renewed[pair], s.Step)
		case role.KeyUsed:
			if len(e.Key) == 0 || !o.inScope(e.Role, e.Peer) {
				continue
			}
			k := string(e.Key)
			if _, ok := byKey[k]; !ok {
				keys = append(keys, k)
			}
			byKey[k] = append(byKey[k], use{s.Step, e})
		}
		if (e.Kind == role.KeyUsed || e.Kind == role.SessionKeyEstablished) && len(e.Key) > 0 {
			for _, r := range renewed[pair] {
				for _, u := range before[pair] {
					if u.step < r && r < s.Step && bytes.Equal(u.e.Key, e.Key) && e.Kind == role.KeyUsed && o.inScope(e.Role, e.Peer) {
						out = append(out, Violation{Property: KeyReuse, Party: e.Role, Peer: e.Peer, What: "renewed-key", Step: s.Step, Data: e.Key,
							Detail: fmt.Sprintf("%s used a key with %s after renewing it at step %d", e.Role, e.Peer, r)})
					}
				}
			}
			before[pair] = append(before[pair], use{s.Step, e})
		}
	}
	for _, k := range keys {
		us := byKey[k]
		if len(us) < 2 {
			continue
		}
		u := us[1]
		out = append(out, Violation{Property: KeyReuse, Party: u.e.Role, Peer: u.e.Peer, What: "key-index", Step: u.step, Data: u.e.Key,
			Detail: fmt.Sprintf("%s used key index %d with %s, already used by %s at step %d (%d uses in all)", u.e.Role, u.e.Index, u.e.Peer, us[0].e.Role, us[0].step, len(us))})
	}
	return out
}

// KeyIdentifier is implemented by dissectors that can tell which of some
// keys protected a message (IMKE, whose roles emit no KeyUsed).
type KeyIdentifier interface {
	KeyOf(msg []byte, keys [][]byte) []byte
}

// keyAfterRenewal: a message sent or accepted by a party under a key it
// had replaced by a renewal (KeysRenewed) before that step. The keys of a
// pair are those of its SessionKeyEstablished and KeysRenewed events; the
// dissector says which one protected the packet.
func (o oracle) keyAfterRenewal() []Violation {
	ki, ok := o.n.Dissector.(KeyIdentifier)
	if !ok {
		return nil
	}
	type keyAt struct {
		step int
		key  []byte
	}
	keys := map[[2]string][]keyAt{} // (party, peer) → keys in order
	for _, s := range o.n.Events {
		e := s.Event
		if (e.Kind == role.SessionKeyEstablished || e.Kind == role.KeysRenewed) && len(e.Key) > 0 {
			p := [2]string{e.Role, e.Peer}
			keys[p] = append(keys[p], keyAt{s.Step, e.Key})
		}
	}
	// stale reports whether the key of packet b, for party with peer at
	// step, was replaced before step.
	stale := func(party, peer string, step int, b []byte) ([]byte, int, bool) {
		ks := keys[[2]string{party, peer}]
		var all [][]byte
		for _, k := range ks {
			all = append(all, k.key)
		}
		k := ki.KeyOf(b, all)
		if k == nil {
			return nil, 0, false
		}
		for i, x := range ks {
			if bytes.Equal(x.key, k) && i+1 < len(ks) && ks[i+1].step < step {
				return k, ks[i+1].step, true
			}
		}
		return nil, 0, false
	}
	var out []Violation
	for _, e := range o.n.Trace.Entries {
		// Accepted: the receiver emitted MessageAccepted for this packet.
		for _, ev := range e.Events {
			if ev.Kind != role.MessageAccepted || !o.inScope(ev.Role, ev.Peer) || e.Op == OpAct {
				continue
			}
			if k, r, bad := stale(ev.Role, ev.Peer, e.Step, e.Bytes); bad {
				out = append(out, Violation{Property: KeyReuse, Party: ev.Role, Peer: ev.Peer, What: "renewed-key", Step: e.Step, Data: k,
					Detail: fmt.Sprintf("%s accepted a message from %s under the key it renewed at step %d", ev.Role, ev.Peer, r)})
			}
		}
	}
	for _, p := range o.n.History {
		if p.Injected || !o.inScope(p.Msg.From, p.Msg.To) {
			continue
		}
		if k, r, bad := stale(p.Msg.From, p.Msg.To, p.Step, p.Msg.Bytes); bad {
			out = append(out, Violation{Property: KeyReuse, Party: p.Msg.From, Peer: p.Msg.To, What: "renewed-key", Step: p.Step, Data: k,
				Detail: fmt.Sprintf("%s sent %s under the key it renewed at step %d", p.Msg.From, p.Msg.Label, r)})
		}
	}
	return out
}
