package vectors

import (
	"bytes"
	"encoding/binary"

	"github.com/imcheck/imcheck/impl/role"
)

// simpExpected is docs/spec/simp.md's outcome for rule on the honest
// message m: §2 (layouts: which field is last), §5 (the checks of each
// step, in order), §6 (key index), §8 (alerts), §10 (what the
// as-published variant accepts on purpose, W1–W10).
func simpExpected(variant, rule string, m role.Message) (outcome, error) {
	hardened := variant == "hardened"
	switch rule {
	case "flip-last-byte":
		switch m.Label {
		case "R1", "R2", "L1", "L2", "E2", "E3": // ciphertext or seal last: §5 open → decrypt_error
			return reject(role.DecryptError), nil
		case "E1":
			if hardened { // the keyed hash (§5 E1: bad_mac)
				return reject(role.BadMAC), nil
			}
			// As published the tag is empty: the last byte is its u16
			// length, which now claims a byte that is not there.
			return reject(role.DecodeError), nil
		case "E4": // the signature (§5: bad_signature)
			return reject(role.BadSignature), nil
		case "E5": // the confirmation (§5: auth_failed)
			return reject(role.AuthFailed), nil
		case "E6", "E7": // the keyed hash, checked after the seal opens (§5: bad_mac)
			return reject(role.BadMAC), nil
		}
	case "wrong-key":
		// The same step of a run with another seed: other Pub-S, RK,
		// session keys and peer keys, same indices.
		switch m.Label {
		case "R1", "R2", "L1", "L2", "E2", "E3", "E4", "E6", "E7": // open/decrypt precedes every later check
			return reject(role.DecryptError), nil
		case "E1":
			if hardened {
				return reject(role.BadMAC), nil
			}
		case "E5":
			return reject(role.AuthFailed), nil
		}
	case "replay-duplicate", "replay-after-run":
		return simpReplay(hardened, m)
	case "index-zero":
		if m.Label == "E1" && !hardened {
			break // E1 carries index 0 as published
		}
		return reject(role.BadIndex), nil // §6: 1 ≤ j ≤ m
	case "index-max":
		if m.Label == "E1" && !hardened { // §5 E1: a non-zero index as published is a decode_error
			return reject(role.DecodeError), nil
		}
		return reject(role.BadIndex), nil // §6: beyond m
	case "index-plus-one":
		if hardened { // §6: the other side's parity is the receiver's own
			return reject(role.BadIndex), nil
		}
		return simpOtherIndex(m)
	case "index-plus-two":
		if hardened {
			// Same parity, a gap (accepted by §6, nothing committed yet);
			// the key of the new index fails the first cryptographic check.
			switch m.Label {
			case "L1", "L2", "E2", "E3", "E6", "E7":
				return reject(role.DecryptError), nil
			case "E1":
				return reject(role.BadMAC), nil
			case "E5":
				return reject(role.AuthFailed), nil
			}
		}
		return simpOtherIndex(m)
	case "reflected": // m is already turned around: m.To is the original sender
		switch m.Label {
		case "R1", "L1", "E1", "R2", "L2", "E2", "E3": // a type the role never handles (§8)
			return reject(role.UnexpectedMessage), nil
		case "E5": // no confirmation expected (§5 E5)
			return reject(role.UnexpectedMessage), nil
		case "E6", "E7": // E6 only at the responder, E7 only at the initiator (§5)
			return reject(role.UnexpectedMessage), nil
		case "E4":
			// §5 orders "Pub-A from E3 (unknown_peer)" before "expects
			// E4 (unexpected_message)"; the initiator holds the peer's key
			// from E2, not E3, and the profile does not say which applies.
			return unsettled, nil
		}
	case "claimed-sender":
		switch m.Label {
		case "R1", "L1": // §5: ID_A must equal the reported sender
			return reject(role.WrongIdentity), nil
		case "E1":
			if hardened { // §5 E1: j and the tag are checked, under the claimed sender's keys
				return reject(role.BadMAC), nil
			}
			return reject(role.WrongIdentity), nil // the claimed sender asks for itself: ID_B = ID_A
		case "E4", "E5", "E6", "E7": // from S: no peer state with S (§5: unknown_peer)
			return reject(role.UnknownPeer), nil
		case "R2", "L2", "E2", "E3":
			// A server message from a user: §5 says "from S" but names no
			// class (unknown_peer for a wrong sender, §8, or
			// unexpected_message): not settled.
			return unsettled, nil
		}
	}
	return outcome{}, noExpectation("simp", variant, rule, m)
}

// simpOtherIndex is the as-published outcome of another in-range index:
// §6 accepts any index in range, so the key of that index fails the first
// cryptographic check; L2 must repeat L1's index (§5 L2: bad_index).
func simpOtherIndex(m role.Message) (outcome, error) {
	switch m.Label {
	case "L1", "E2", "E3", "E6", "E7":
		return reject(role.DecryptError), nil
	case "L2":
		return reject(role.BadIndex), nil
	case "E5":
		return reject(role.AuthFailed), nil
	case "E1": // a non-zero index as published
		return reject(role.DecodeError), nil
	}
	return outcome{}, noExpectation("simp", "as-published", "other index", m)
}

// simpReplay is what the receiver does with an accepted message again.
func simpReplay(hardened bool, m role.Message) (outcome, error) {
	switch m.Label {
	case "R1": // §5 R1: ID_A already registered (§8: duplicate registration)
		return reject(role.AuthFailed), nil
	case "R2", "L2": // no registration / login outstanding
		return reject(role.UnexpectedMessage), nil
	case "E4", "E5": // §8: E4/E5 twice
		return reject(role.UnexpectedMessage), nil
	case "E2":
		if hardened { // §6: index ≤ the last accepted
			return reject(role.Replay), nil
		}
		return reject(role.UnexpectedMessage), nil // §8: E2 without E1
	case "L1", "E1", "E3", "E6", "E7":
		if hardened { // §6 (H2), and the n1 cache (H9) for L1
			return reject(role.Replay), nil
		}
		return accept, nil // W1 (L1), W3/W8 (E1, E3), W5 (E6, E7)
	}
	return outcome{}, noExpectation("simp", "", "replay", m)
}

// simpIndexOffset is where the u16 key index sits in a SIMP message
// (§2): right after the header, or after the identity in L1 and E1.
func simpIndexOffset(msg []byte) (int, bool) {
	if len(msg) < headerLen {
		return 0, false
	}
	switch msg[0] {
	case 0x12, 0x14: // L1, E1: id8 first
		if len(msg) < headerLen+1 {
			return 0, false
		}
		off := headerLen + 1 + int(msg[headerLen])
		return off, len(msg) >= off+2
	case 0x13, 0x15, 0x16, 0x18, 0x19, 0x1A: // L2, E2, E3, E5, E6, E7
		return headerLen, len(msg) >= headerLen+2
	}
	return 0, false
}

func setIndex(f func(j uint16) (uint16, bool)) func([]byte) ([]byte, bool) {
	return func(msg []byte) ([]byte, bool) {
		off, ok := simpIndexOffset(msg)
		if !ok {
			return nil, false
		}
		j, ok := f(binary.BigEndian.Uint16(msg[off:]))
		if !ok {
			return nil, false
		}
		out := bytes.Clone(msg)
		binary.BigEndian.PutUint16(out[off:], j)
		return out, true
	}
}

// simpMutations are SIMP's index rules (§6).
func simpMutations() []mutation {
	return []mutation{
		{"index-zero", "WrongIndex", "key index j set to 0", setIndex(func(j uint16) (uint16, bool) { return 0, j != 0 })},
		{"index-max", "WrongIndex", "key index j set to 65535", setIndex(func(uint16) (uint16, bool) { return 0xffff, true })},
		{"index-plus-one", "WrongIndex", "key index j + 1", setIndex(func(j uint16) (uint16, bool) { return j + 1, j != 0 })},
		{"index-plus-two", "WrongIndex", "key index j + 2", setIndex(func(j uint16) (uint16, bool) { return j + 2, j != 0 })},
	}
}
