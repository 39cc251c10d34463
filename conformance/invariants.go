package conformance

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/wire"
)

// Transcript invariants, checked on every case the gate runs, over the
// genuine messages to and from the IUT (never the gate's own copies):
//   - every message the IUT sends is well formed for its type (the gate's
//     layouts), in the session's version and suite, with no field the
//     variant forbids;
//   - key indices (SIMP) and sequence numbers (IMKE) the IUT sends are in
//     range and, where the profile says so, strictly increasing per key and
//     direction, across the direct and relayed paths;
//   - no two messages sealed under one key carry the same nonce.
// A violation names the two messages (docs/conformance.md, "Transcript
// invariants").

// entry is one message of the transcript.
type entry struct {
	n       int
	msg     role.Message
	fromIUT bool
	// epoch counts the renewals of the client–server keys of msg's
	// channel before it (IMKE §7).
	epoch int
}

func (e entry) String() string {
	return fmt.Sprintf("#%d %s %s→%s", e.n, e.msg.Label, e.msg.From, e.msg.To)
}

// relayedSeq is a reference party's acceptance of a 4.7 the IUT relayed:
// the sequence number it carried, seen at the receiver.
type relayedSeq struct {
	after int // the transcript entries before it
	peer  string
	seq   uint64
}

// transcript is what the invariants read.
type transcript struct {
	iut, protocol, variant string
	suite                  uint16
	options                map[string]string
	entries                []entry
	relayed                []relayedSeq
	epochs                 map[string]int
	// stale are the transcript lengths at which the gate restarted the IUT
	// from an earlier snapshot (Restart.From): from there on the IUT's
	// index state is the snapshot's, behind what it sent since.
	stale []int
}

func (t *transcript) add(m role.Message, fromIUT bool) {
	peer := m.To
	if !fromIUT {
		peer = m.From
	}
	t.entries = append(t.entries, entry{n: len(t.entries) + 1, msg: m, fromIUT: fromIUT, epoch: t.epochs[peer]})
}

func (t *transcript) accepted(e role.Event) {
	if e.Note == "relayed" {
		t.relayed = append(t.relayed, relayedSeq{after: len(t.entries), peer: e.Role, seq: e.Index})
	}
}

// renewed marks the end of a renewal between a and b: later messages of
// that channel are under new keys.
func (t *transcript) renewed(a, b string) {
	if t.epochs == nil {
		t.epochs = map[string]int{}
	}
	peer := a
	if a == t.iut {
		peer = b
	}
	t.epochs[peer]++
}

// invariantRules are a protocol's invariants.
type invariantRules struct {
	// Layouts maps each message type to its layout.
	Layouts map[uint8]Layout
	// Check runs the protocol's own checks; fields reads a parsed
	// message's fields.
	Check func(t *transcript, fields func(entry) map[string][]byte) error
}

var invariantsOf = map[string]*invariantRules{}

// check runs the invariants of the transcript's protocol.
func (t *transcript) check() error {
	rules := invariantsOf[t.protocol]
	if rules == nil {
		return nil
	}
	parsed := map[int]map[string][]byte{}
	for _, e := range t.entries {
		h, err := wire.PeekHeader(e.msg.Bytes)
		l, known := rules.Layouts[h.Type]
		var sp []span
		if err == nil && known {
			sp, err = l.spans(e.msg.Bytes)
		}
		if !e.fromIUT {
			if err == nil && known {
				parsed[e.n] = fieldMap(l, sp, e.msg.Bytes)
			}
			continue
		}
		switch {
		case err != nil && !known:
			return failf("invariant: the IUT sent %s, which is not a message of the profile: %v", e, err)
		case !known:
			return failf("invariant: the IUT sent %s of unknown type 0x%02x", e, h.Type)
		case h.Version != wire.Version:
			return failf("invariant: the IUT sent %s with version %d", e, h.Version)
		case h.Suite != t.suite:
			return failf("invariant: the IUT sent %s in suite 0x%04x, not the session's 0x%04x", e, h.Suite, t.suite)
		case err != nil:
			return failf("invariant: the IUT sent %s malformed (%v)", e, err)
		}
		parsed[e.n] = fieldMap(l, sp, e.msg.Bytes)
	}
	if rules.Check == nil {
		return nil
	}
	return rules.Check(t, func(e entry) map[string][]byte { return parsed[e.n] })
}

func fieldMap(l Layout, sp []span, msg []byte) map[string][]byte {
	out := make(map[string][]byte, len(l))
	for i, f := range l {
		out[f.Name] = msg[sp[i].start:sp[i].end]
	}
	return out
}

// nonceOf is the nonce a sealed field starts with (suites.md §1: Seal =
// nonce(12) || AEAD).
func nonceOf(sealed []byte) (string, bool) {
	if len(sealed) < 12 {
		return "", false
	}
	return string(sealed[:12]), true
}

// nonces reports two messages that seal under one key with one nonce;
// key names the key of a sealed field ("" to skip it). One of the two must
// be the IUT's.
type nonces struct {
	seen map[string]entry
}

func (n *nonces) add(e entry, key string, sealed []byte) error {
	nonce, ok := nonceOf(sealed)
	if key == "" || !ok {
		return nil
	}
	if n.seen == nil {
		n.seen = map[string]entry{}
	}
	k := key + "\x00" + nonce
	if first, dup := n.seen[k]; dup && (first.fromIUT || e.fromIUT) {
		return failf("invariant: %s and %s seal under one key (%s) with the same nonce %x", first, e, key, nonce)
	}
	n.seen[k] = e
	return nil
}

// increasing reports an index that does not grow per channel.
type increasing struct {
	last map[string]entry
	val  map[string]uint64
}

func (in *increasing) add(e entry, channel string, v uint64, what string) error {
	if in.last == nil {
		in.last, in.val = map[string]entry{}, map[string]uint64{}
	}
	if prev, ok := in.last[channel]; ok && v <= in.val[channel] {
		return failf("invariant: the IUT's %s %d in %s does not follow %d in %s (one space per key and direction, strictly increasing)",
			what, v, e, in.val[channel], prev)
	}
	in.last[channel], in.val[channel] = e, v
	return nil
}

func (in *increasing) reset(channel string) { delete(in.last, channel) }

// pair names an unordered pair of parties.
func pair(a, b string) string {
	if a > b {
		a, b = b, a
	}
	return a + "–" + b
}

func u16(b []byte) uint64 { return uint64(binary.BigEndian.Uint16(b)) }
func u64(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

// optionInt reads an integer setup option, or def.
func optionInt(opts map[string]string, name string, def int) int {
	if v, err := strconv.Atoi(opts[name]); err == nil {
		return v
	}
	return def
}
