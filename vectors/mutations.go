package vectors

import (
	"bytes"
	"encoding/binary"

	"github.com/imcheck/imcheck/impl/suite"
)

// A mutation rule turns an honest message into one a receiver must
// reject. The class it expects comes from the profiles (expect.go), never
// from what the reference implementation answers: the generator checks
// the implementation against it and fails when they disagree.
type mutation struct {
	name    string
	flag    string
	comment string
	// make returns the mutated message, or ok=false when the rule does
	// not apply to msg.
	make func(msg []byte) (out []byte, ok bool)
}

// headerLen is the size of the message header (docs/spec/wire.md §2).
const headerLen = 4

// wireMutations are the byte-level rules of docs/spec/wire.md §2, which
// apply to every message of both protocols. The rules that copy the whole
// message (truncate, append, version, suite) test the same header and
// length checks whatever the suite, so they are generated for the
// branch suite (modern) only, to keep the files small.
func wireMutations(sessionSuite suite.ID, copies bool) []mutation {
	other := suite.ID(0)
	for _, s := range suite.All() {
		if s.ID != sessionSuite {
			other = s.ID
			break
		}
	}
	setSuite := func(id suite.ID) func([]byte) ([]byte, bool) {
		return func(msg []byte) ([]byte, bool) {
			if len(msg) < headerLen {
				return nil, false
			}
			out := bytes.Clone(msg)
			binary.BigEndian.PutUint16(out[2:4], uint16(id))
			return out, true
		}
	}
	all := []mutation{
		{"truncate-last-byte", "Truncated", "last byte removed", func(msg []byte) ([]byte, bool) {
			return bytes.Clone(msg[:len(msg)-1]), len(msg) > headerLen
		}},
		{"header-only", "Truncated", "only the 4-byte header", func(msg []byte) ([]byte, bool) {
			return bytes.Clone(msg[:headerLen]), len(msg) > headerLen
		}},
		{"truncated-header", "Truncated", "only 3 bytes of the header", func(msg []byte) ([]byte, bool) {
			return bytes.Clone(msg[:headerLen-1]), len(msg) >= headerLen
		}},
		{"empty", "EmptyMessage", "zero bytes", func(msg []byte) ([]byte, bool) { return []byte{}, true }},
		{"append-byte", "TrailingData", "one 0x00 byte appended", func(msg []byte) ([]byte, bool) {
			return append(bytes.Clone(msg), 0), true
		}},
		{"reserved-type", "ReservedType", "message type set to the protocol's last, unassigned type (0x1f SIMP, 0x3f IMKE)", func(msg []byte) ([]byte, bool) {
			if len(msg) < headerLen {
				return nil, false
			}
			out := bytes.Clone(msg)
			switch {
			case msg[0] >= 0x10 && msg[0] <= 0x1f:
				out[0] = 0x1f
			case msg[0] >= 0x20 && msg[0] <= 0x3f:
				out[0] = 0x3f
			default:
				return nil, false
			}
			return out, true
		}},
		{"version-2", "BadVersion", "profile version 2 in the header", func(msg []byte) ([]byte, bool) {
			if len(msg) < headerLen {
				return nil, false
			}
			out := bytes.Clone(msg)
			out[1] = 2
			return out, true
		}},
		{"other-suite", "WrongSuite", "another registered suite's id in the header", func(msg []byte) ([]byte, bool) {
			if other == 0 {
				return nil, false
			}
			return setSuite(other)(msg)
		}},
		{"unknown-suite", "UnknownSuite", "suite id 0xffff in the header", setSuite(0xffff)},
		{"flip-last-byte", "ModifiedTag", "last byte (MAC, tag, signature or confirmation) flipped", func(msg []byte) ([]byte, bool) {
			if len(msg) <= headerLen {
				return nil, false
			}
			out := bytes.Clone(msg)
			out[len(out)-1] ^= 0x01
			return out, true
		}},
	}
	if copies {
		return all
	}
	var out []mutation
	for _, m := range all {
		switch m.name {
		case "truncate-last-byte", "append-byte", "reserved-type", "version-2", "other-suite", "unknown-suite":
		default:
			out = append(out, m)
		}
	}
	return out
}

var sessionNotes = map[string]Note{
	"Honest":        {BugBasic, "A step of the honest run: the party must accept it and produce exactly the recorded messages and events."},
	"Truncated":     {BugTruncated, "The message is cut short (docs/spec/wire.md §2: decode_error)."},
	"EmptyMessage":  {BugTruncated, "A message of zero bytes (decode_error)."},
	"TrailingData":  {BugTruncated, "Bytes after the last field (docs/spec/wire.md §2: decode_error)."},
	"ReservedType":  {BugModified, "A message type the protocol has not assigned: decode_error in both profiles (wire.md §2)."},
	"BadVersion":    {BugModified, "A profile version other than 1 (docs/spec/wire.md §2: bad_version)."},
	"WrongSuite":    {BugModified, "A registered suite other than the session's (docs/spec/wire.md §2: unknown_suite)."},
	"UnknownSuite":  {BugModified, "A suite id no suite has (docs/spec/wire.md §2: unknown_suite)."},
	"ModifiedTag":   {BugModified, "The last byte, which is a MAC, AEAD tag, signature or confirmation value, is changed; the class is the profile's for that message."},
	"ModifiedField": {BugModified, "One field of the message is changed and the message re-encoded; the class is the profile's for that field."},
	"WrongKey":      {BugWrongKey, "The message at the same position of a run with another seed: well formed, but made under other keys and nonces."},
	"Replay":        {BugReplay, "A message the party has already accepted, delivered again."},
	"WrongIndex":    {BugWrongIndex, "A key index or sequence number changed in an otherwise honest message."},
	"Reflected":     {BugModified, "An honest message handed back to its own sender, as if from its recipient."},
	"WrongSender":   {BugModified, "An honest message the network claims came from another party."},
	"Attack":        {BugKnownAttack, "A step the attacker made (redirected, replayed or injected) in an attack of package adversary, found from the profiles' weaknesses or the symbolic model; the hardened variant accepts it or must reject it, as the test says."},
	"AnyAlert":      {BugKnownAttack, "The message must be rejected; the alert class shown is the reference implementation's and any class passes."},
	"AnsweredAgain": {BugReplay, "The profile has every variant answer this repeated message afresh (IMKE a1: a new a2 only A can use, §6.1; c1: a fresh c2, §5); the earlier pending attempt is replaced, so it ends its group."},
	"Weakness":      {BugWeakness, "The as-published variant accepts this on purpose (a weakness its profile lists); the hardened variant rejects it."},
}

// protocolMutations are the field-level rules of one protocol.
func protocolMutations(protocol string) []mutation {
	switch protocol {
	case "simp":
		return simpMutations()
	case "imke":
		return imkeMutations()
	}
	return nil
}
