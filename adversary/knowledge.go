package adversary

import (
	"bytes"

	"github.com/imcheck/imcheck/impl/suite"
)

// Value is one byte string the adversary holds, with how it got it.
type Value struct {
	Bytes  []byte `json:"bytes"`
	Origin string `json:"origin"` // e.g. "seen E6 #4", "opened L1 body", "revealed password of alice"
	Step   int    `json:"step"`   // the network step at which it was learned
	// Tags say what the dissector knows the value to be, e.g. "K_AS",
	// "R_S", "pub alice"; Derive pairs values by tag.
	Tags []string `json:"tags,omitempty"`
}

// PrivateKey is a private key the adversary holds (a corrupted party's, a
// revealed one, or its own).
type PrivateKey struct {
	Key    suite.PrivateKey
	Public []byte // the public key's wire encoding
	Origin string
	Step   int
}

// Fact is one thing a Dissector learned: a byte string, a private key, or
// both.
type Fact struct {
	Bytes []byte
	Priv  suite.PrivateKey
	Note  string
	Tag   string // optional: what the value is (see Value.Tags)
}

// Knowledge is the adversary's knowledge set of concrete values. It grows
// monotonically; Saturate closes it under a Dissector's rules.
type Knowledge struct {
	values map[string]*Value
	order  []*Value
	privs  []*PrivateKey
	tags   int // tags added, so that Len grows when a value is re-tagged
	// Dictionary is the adversary's password dictionary for offline
	// guessing. The papers assume weak passwords, so by default it holds
	// every provisioned password (see NewNetwork).
	Dictionary []string
	// step is the network's current step, stamped on new values.
	step int
	// analyzed remembers, per value, the knowledge size at its last
	// analysis, so Saturate re-analyzes a value only when something new
	// could open it.
	analyzed map[*Value]int
}

// NewKnowledge returns an empty knowledge set.
func NewKnowledge() *Knowledge {
	return &Knowledge{values: map[string]*Value{}, analyzed: map[*Value]int{}}
}

// Add records b (copied). It reports whether b was new. Empty strings are
// ignored: they are known to everybody and open nothing.
func (k *Knowledge) Add(b []byte, origin string) bool {
	if len(b) == 0 {
		return false
	}
	if _, ok := k.values[string(b)]; ok {
		return false
	}
	v := &Value{Bytes: bytes.Clone(b), Origin: origin, Step: k.step}
	k.values[string(b)] = v
	k.order = append(k.order, v)
	return true
}

// AddPrivateKey records a private key. It reports whether it was new.
func (k *Knowledge) AddPrivateKey(sk suite.PrivateKey, origin string) bool {
	if sk == nil {
		return false
	}
	pub := sk.Public().Bytes()
	for _, p := range k.privs {
		if bytes.Equal(p.Public, pub) {
			return false
		}
	}
	k.privs = append(k.privs, &PrivateKey{Key: sk, Public: pub, Origin: origin, Step: k.step})
	k.Add(pub, "public key of "+origin)
	return true
}

// Learn records facts, reporting how many were new.
func (k *Knowledge) Learn(facts []Fact, origin string) int {
	n := 0
	for _, f := range facts {
		note := f.Note
		if note == "" {
			note = origin
		}
		if f.Priv != nil && k.AddPrivateKey(f.Priv, note) {
			n++
		}
		if k.Add(f.Bytes, note) {
			n++
		}
		if f.Tag != "" {
			if k.tag(f.Bytes, f.Tag) {
				n++
			}
		}
	}
	return n
}

// tag adds tag to the value b (which must be known); it reports whether
// the tag was new.
func (k *Knowledge) tag(b []byte, tag string) bool {
	v := k.values[string(b)]
	if v == nil {
		return false
	}
	for _, t := range v.Tags {
		if t == tag {
			return false
		}
	}
	v.Tags = append(v.Tags, tag)
	k.tags++
	return true
}

// Tagged returns the known values carrying tag, in the order learned.
func (k *Knowledge) Tagged(tag string) [][]byte {
	var out [][]byte
	for _, v := range k.order {
		for _, t := range v.Tags {
			if t == tag {
				out = append(out, v.Bytes)
				break
			}
		}
	}
	return out
}

// Knows reports whether b is in the set (as it stands; call Saturate
// first for what can be derived).
func (k *Knowledge) Knows(b []byte) bool {
	_, ok := k.values[string(b)]
	return ok && len(b) > 0
}

// Lookup returns the value b, or nil.
func (k *Knowledge) Lookup(b []byte) *Value { return k.values[string(b)] }

// Values returns every value in the order it was learned.
func (k *Knowledge) Values() []*Value { return k.order }

// Len is the number of values and private keys held.
func (k *Knowledge) Len() int { return len(k.order) + len(k.privs) + k.tags }

// OfSize returns the known values of exactly n bytes, in the order they
// were learned: the candidate symmetric keys, nonces and challenges.
func (k *Knowledge) OfSize(n int) [][]byte {
	var out [][]byte
	for _, v := range k.order {
		if len(v.Bytes) == n {
			out = append(out, v.Bytes)
		}
	}
	return out
}

// PrivateKeys returns every private key held, in the order learned.
func (k *Knowledge) PrivateKeys() []*PrivateKey { return k.privs }

// PrivateKeyFor returns the private key whose public key is pub, or nil.
func (k *Knowledge) PrivateKeyFor(pub []byte) suite.PrivateKey {
	for _, p := range k.privs {
		if bytes.Equal(p.Public, pub) {
			return p.Key
		}
	}
	return nil
}

// Dissector is the protocol-specific part of the adversary: how to take a
// protocol's messages apart and what can be computed from known values.
// One implementation per protocol (dissect_simp.go, dissect_imke.go).
type Dissector interface {
	// Protocol is the harness name of the protocol ("simp", "imke").
	Protocol() string
	// Analyze returns what the adversary learns from one known value v
	// with the knowledge k: clear fields of a message, plaintexts of
	// encrypted fields it can open with known keys, signatures it can
	// check. It must not add to k itself and must never panic.
	Analyze(v []byte, k *Knowledge) []Fact
	// Derive returns values computed from several known values together:
	// key schedules and KDFs run on known inputs, offline guesses of
	// passwords in k.Dictionary checked against known verifiers.
	Derive(k *Knowledge) []Fact
}

// maxSaturationRounds bounds Saturate; each round re-analyzes only values
// that new knowledge could open.
const maxSaturationRounds = 16

// Saturate closes k under d: it analyzes every value until nothing new is
// learned. It returns the number of new values and keys.
func (k *Knowledge) Saturate(d Dissector) int {
	if d == nil {
		return 0
	}
	start := k.Len()
	for range maxSaturationRounds {
		before := k.Len()
		for i := 0; i < len(k.order); i++ {
			v := k.order[i]
			if n, ok := k.analyzed[v]; ok && n == k.Len() {
				continue
			}
			size := k.Len()
			k.Learn(d.Analyze(v.Bytes, k), "from "+v.Origin)
			k.analyzed[v] = size
		}
		k.Learn(d.Derive(k), "derived")
		if k.Len() == before {
			break
		}
	}
	return k.Len() - start
}
