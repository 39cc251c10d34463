package vectors

import (
	"bytes"
	"encoding/binary"
	"strings"

	"github.com/imcheck/imcheck/impl/role"
)

// imkeExpected is docs/spec/imke.md's outcome for rule on the honest
// message m (§15 "Alerts", §8 "Replay detection", §5 and §6 for the state
// checks, §11 for what the variants keep or change).
func imkeExpected(variant, rule string, m role.Message, r *run, k int) (outcome, error) {
	hardened := variant == "hardened"
	label := imkeKind(m.Label)
	switch rule {
	case "flip-last-byte":
		// The last byte belongs to the message's last field (§3).
		switch label {
		case "a1", "a2", "c1", "c2": // a seal (AEAD) is last
			return reject(role.DecryptError), nil
		case "a3": // f3(R_S): mismatch disconnects the attempt (§6.1)
			return rejectFatal(role.AuthFailed), nil
		case "c3": // f7 (§3.11)
			return reject(role.AuthFailed), nil
		case "4.2", "4.3", "4.4", "4.5", "b1", "b2", "4.7": // the MAC is last
			return reject(role.BadMAC), nil
		}
	case "wrong-key":
		// Made by parties with other keys. Where a message has both an
		// AEAD and a MAC, the AEAD is opened first: its field comes
		// first (§3.5); the profile does not order the two checks
		// otherwise (noted in vectors/README.md).
		switch label {
		case "a1", "a2", "c1", "c2", "4.2", "4.3", "4.4", "4.5", "b1", "b2", "4.7":
			return reject(role.DecryptError), nil
		case "a3": // another R_S: f3 mismatch, attempt disconnected
			return rejectFatal(role.AuthFailed), nil
		case "c3": // another (R_A, R_B): f7 mismatch
			return reject(role.AuthFailed), nil
		}
	case "replay-duplicate", "replay-after-run":
		return imkeReplay(hardened, label, m, r, k)
	case "seq-zero": // §3.1: a zero sequence number is a decode_error
		return reject(role.DecodeError), nil
	case "seq-plus-one":
		// seq is bound into the AEAD associated data and the MAC (§3.5);
		// the seal is opened first (see wrong-key).
		return reject(role.DecryptError), nil
	case "reflected": // m is already turned around: m.To is the original sender
		switch label {
		case "a1", "a3", "4.2", "4.4": // from the server's identity, not a server message (§5)
			return reject(role.UnexpectedMessage), nil
		case "a2", "4.3", "4.5", "b1", "b2": // a server message at the server (§15: wrong message)
			return reject(role.UnexpectedMessage), nil
		case "c2", "c3": // only while that handshake is open (§8)
			return reject(role.UnexpectedMessage), nil
		case "4.7":
			if hardened { // H4: the seal binds (sender, receiver)
				return reject(role.DecryptError), nil
			}
			// §11.1: one key, no direction, seq per sender (§8): A's own
			// 4.7 is taken as B's when its seq is above the last A
			// accepted from B; otherwise it is a replay.
			off, ok := imkeSeqOffset(m.Bytes)
			if !ok {
				break
			}
			if binary.BigEndian.Uint64(m.Bytes[off:]) > lastAccepted(r, k, m.To, m.From) {
				return accept, nil
			}
			return reject(role.Replay), nil
		case "c1":
			// A c1 at the initiator could start a second key transport
			// (§5: c1 is answered afresh); the profile does not say.
			return unsettled, nil
		}
	case "claimed-sender":
		switch label {
		case "c1", "c2", "c3", "4.7": // §5: peer messages must not come from the server
			return reject(role.UnexpectedMessage), nil
		case "a1":
			if hardened { // §6.1, H6: the routing identity must be ID_A
				return reject(role.WrongIdentity), nil
			}
			return accept, nil // §11.1: ID_A is taken from the message
		case "a3": // §6.1: the claimed sender has no pending attempt
			return reject(role.UnexpectedMessage), nil
		case "4.2", "4.4":
			// The claimed sender is logged in with keys of its own, under
			// which the message does not open (§15).
			return reject(role.DecryptError), nil
		case "a2", "4.3", "4.5", "b1", "b2":
			// A server message from a user: "from the wrong party" (§5,
			// §15).
			return reject(role.UnexpectedMessage), nil
		}
	}
	return outcome{}, noExpectation("imke", variant, rule, m)
}

// imkeReplay is §8: what the receiver of an already accepted m does with
// it again.
func imkeReplay(hardened bool, label string, m role.Message, r *run, k int) (outcome, error) {
	renewed := renewedSince(r, m, k)
	switch label {
	case "a1": // §6.1: answered with an a2 only A can use; the pending attempt is replaced
		return acceptByDesign, nil
	case "a2", "a3", "c2", "c3": // §5, §6.1, §8: not waiting for it
		return reject(role.UnexpectedMessage), nil
	case "c1": // §5: answered with a fresh c2, the session untouched
		return acceptByDesign, nil
	case "4.4", "4.5":
		// As published no freshness, but the renewal it carried changed
		// the keys; hardened it is an item of a sequenced 4.2/4.3, whose
		// keys changed too. Either way it no longer opens (§8).
		return reject(role.DecryptError), nil
	case "4.2", "4.3", "b1", "b2":
		if renewed { // under keys a renewal has replaced (§8, 4.4/4.5 row)
			return reject(role.DecryptError), nil
		}
		if (label == "b1" || label == "b2") && !hardened {
			return accept, nil // §11.1: b1/b2 carry no freshness
		}
		return reject(role.Replay), nil // seq not above the last accepted
	case "4.7": // seq per K_AB; client-client renewal is not implemented (§7.4)
		return reject(role.Replay), nil
	}
	return outcome{}, noExpectation("imke", "", "replay", m)
}

// imkeKind maps a transcript label to the message kind whose rules apply:
// a relayed "4.7 (4.2)" is a 4.2 to whoever receives it.
func imkeKind(label string) string {
	if i := strings.Index(label, "("); i >= 0 {
		if j := strings.Index(label[i:], ")"); j > 0 {
			return label[i+1 : i+j]
		}
	}
	return label
}

// renewedSince reports whether m's receiver renewed its keys with m's
// sender at or after m's delivery and before the k-th honest delivery of
// r (events keys-renewed).
func renewedSince(r *run, m role.Message, k int) bool {
	start := -1
	for _, idx := range r.delivered[:min(k, len(r.delivered))] {
		st := r.steps[idx].msg
		if st.From == m.From && st.To == m.To && bytes.Equal(st.Bytes, m.Bytes) {
			start = idx
			break
		}
	}
	if start < 0 {
		return false
	}
	end := len(r.steps)
	if k < len(r.delivered) {
		end = r.delivered[k]
	}
	for _, st := range r.steps[start:end] {
		for _, e := range st.events {
			if e.Kind == role.KeysRenewed && e.Role == m.To && e.Peer == m.From {
				return true
			}
		}
	}
	return false
}

// lastAccepted is the highest index of a message-accepted event of party
// from peer before the k-th honest delivery of r.
func lastAccepted(r *run, k int, party, peer string) uint64 {
	end := len(r.steps)
	if k < len(r.delivered) {
		end = r.delivered[k]
	}
	var last uint64
	for _, st := range r.steps[:end] {
		for _, e := range st.events {
			if e.Kind == role.MessageAccepted && e.Role == party && e.Peer == peer && e.Index > last {
				last = e.Index
			}
		}
	}
	return last
}

// imkeSeqOffset is where the u64 sequence number of a 4.2, 4.3 or 4.7
// sits (§3.5, §3.12): right after the header.
func imkeSeqOffset(msg []byte) (int, bool) {
	if len(msg) < headerLen+8 {
		return 0, false
	}
	switch msg[0] {
	case 0x23, 0x24, 0x2B: // 4.2, 4.3, 4.7
		return headerLen, true
	}
	return 0, false
}

func setSeq(f func(seq uint64) uint64) func([]byte) ([]byte, bool) {
	return func(msg []byte) ([]byte, bool) {
		off, ok := imkeSeqOffset(msg)
		if !ok {
			return nil, false
		}
		out := bytes.Clone(msg)
		binary.BigEndian.PutUint64(out[off:], f(binary.BigEndian.Uint64(msg[off:])))
		return out, true
	}
}

// imkeMutations are IMKE's sequence-number rules (§3.5, §8).
func imkeMutations() []mutation {
	return []mutation{
		{"seq-zero", "WrongIndex", "sequence number set to 0", setSeq(func(uint64) uint64 { return 0 })},
		{"seq-plus-one", "WrongIndex", "sequence number + 1", setSeq(func(s uint64) uint64 { return s + 1 })},
	}
}
