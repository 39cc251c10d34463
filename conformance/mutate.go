package conformance

import (
	"errors"
	"fmt"

	"github.com/imcheck/imcheck/impl/suite"
	"github.com/imcheck/imcheck/impl/wire"
)

// Mutation turns a genuine message into the one the gate delivers instead.
type Mutation struct {
	Name  string
	Apply func(msg []byte) ([]byte, error)
}

func (m *Mutation) String() string { return m.Name }

var errTooShort = errors.New("conformance: message too short to mutate")

func clone(b []byte) []byte { return append([]byte(nil), b...) }

// Truncate drops the last n bytes.
func Truncate(n int) *Mutation {
	return &Mutation{Name: fmt.Sprintf("truncated by %d", n), Apply: func(m []byte) ([]byte, error) {
		if len(m) < n {
			return nil, errTooShort
		}
		return clone(m[:len(m)-n]), nil
	}}
}

// KeepPrefix keeps only the first n bytes (0: an empty message).
func KeepPrefix(n int) *Mutation {
	return &Mutation{Name: fmt.Sprintf("cut to %d bytes", n), Apply: func(m []byte) ([]byte, error) {
		if len(m) <= n {
			return nil, errTooShort
		}
		return clone(m[:n]), nil
	}}
}

// AppendBytes adds trailing bytes.
func AppendBytes(extra ...byte) *Mutation {
	return &Mutation{Name: fmt.Sprintf("%d trailing bytes", len(extra)), Apply: func(m []byte) ([]byte, error) {
		return append(clone(m), extra...), nil
	}}
}

// garbage is a deterministic stream for garbage messages.
func garbage(n int) []byte {
	b := make([]byte, n)
	suite.NewRand(suite.SeedBytes(6), "conformance garbage").Read(b)
	return b
}

// Garbage replaces the whole message with as many pseudo-random bytes.
func Garbage() *Mutation {
	return &Mutation{Name: "garbage", Apply: func(m []byte) ([]byte, error) {
		return garbage(len(m)), nil
	}}
}

// GarbageBody keeps the header and replaces the rest with pseudo-random
// bytes of the same length.
func GarbageBody() *Mutation {
	return &Mutation{Name: "garbage after a valid header", Apply: func(m []byte) ([]byte, error) {
		if len(m) <= wire.HeaderLen {
			return nil, errTooShort
		}
		return append(clone(m[:wire.HeaderLen]), garbage(len(m)-wire.HeaderLen)...), nil
	}}
}

// SetType rewrites the header's message type.
func SetType(t uint8) *Mutation {
	return &Mutation{Name: fmt.Sprintf("type 0x%02x", t), Apply: func(m []byte) ([]byte, error) {
		if len(m) < wire.HeaderLen {
			return nil, errTooShort
		}
		out := clone(m)
		out[0] = t
		return out, nil
	}}
}

// SetVersion rewrites the header's profile version.
func SetVersion(v uint8) *Mutation {
	return &Mutation{Name: fmt.Sprintf("version %d", v), Apply: func(m []byte) ([]byte, error) {
		if len(m) < wire.HeaderLen {
			return nil, errTooShort
		}
		out := clone(m)
		out[1] = v
		return out, nil
	}}
}

// SetSuite rewrites the header's suite id.
func SetSuite(id uint16) *Mutation {
	return &Mutation{Name: fmt.Sprintf("suite 0x%04x", id), Apply: func(m []byte) ([]byte, error) {
		if len(m) < wire.HeaderLen {
			return nil, errTooShort
		}
		out := clone(m)
		out[2], out[3] = byte(id>>8), byte(id)
		return out, nil
	}}
}

// OtherSuite rewrites the suite id to a known suite that is not the
// message's own: the message is well formed but not in the session's suite.
func OtherSuite() *Mutation {
	return &Mutation{Name: "another known suite", Apply: func(m []byte) ([]byte, error) {
		h, err := wire.PeekHeader(m)
		if err != nil {
			return nil, errTooShort
		}
		for _, s := range suite.All() {
			if uint16(s.ID) != h.Suite {
				return SetSuite(uint16(s.ID)).Apply(m)
			}
		}
		return nil, errors.New("conformance: only one suite is registered")
	}}
}

// FlipLastBit flips the lowest bit of the message's last byte (inside the
// last field of every message of both profiles).
func FlipLastBit() *Mutation {
	return &Mutation{Name: "last bit flipped", Apply: func(m []byte) ([]byte, error) {
		if len(m) <= wire.HeaderLen {
			return nil, errTooShort
		}
		out := clone(m)
		out[len(out)-1] ^= 1
		return out, nil
	}}
}
