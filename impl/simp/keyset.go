package simp

import (
	"errors"
	"fmt"

	"github.com/imcheck/imcheck/impl/role"
)

// keySet is one pair's limited-use session keys SK_1..SK_m with the index
// discipline of docs/spec/simp.md §"Key index".
//
// As published, both directions draw from the one set: a party sends on
// next, the lowest index it has neither used nor seen, and accepts any
// index in 1..m, after which next = max(next, j+1). Nothing is tracked, so a
// replayed index is accepted and two parties sending at once use one key
// twice: the paper's weaknesses, kept on purpose.
//
// Hardened, the party that speaks first in the pair (the client towards S,
// the initiator towards the responder) sends on odd indices and the other
// on even ones; each direction's indices strictly increase; a gap burns the
// skipped keys; and every key is zeroed once used.
type keySet struct {
	keys     [][]byte // keys[j-1] = SK_j
	hardened bool
	sendsOdd bool // hardened: this party sends on odd indices
	next     int  // as published
	lastSent int  // hardened
	lastRecv int  // hardened
}

func newKeySet(keys [][]byte, v Variant, sendsOdd bool) *keySet {
	return &keySet{keys: keys, hardened: v.hardened(), sendsOdd: sendsOdd, next: 1}
}

func (k *keySet) size() int { return len(k.keys) }

// key returns SK_j; j must have been checked.
func (k *keySet) key(j int) []byte { return k.keys[j-1] }

func (k *keySet) ownParity(j int) bool { return (j%2 == 1) == k.sendsOdd }

// peekSend returns the index the next protected message will use, without
// consuming it.
func (k *keySet) peekSend() (int, error) {
	j := k.next
	if k.hardened {
		j = k.lastSent + 1
		if !k.ownParity(j) {
			j++
		}
	}
	if j > k.size() {
		return 0, fmt.Errorf("simp: all %d session keys of this set are used", k.size())
	}
	return j, nil
}

// commitSend consumes index j after a message was protected under it.
func (k *keySet) commitSend(j int) {
	if k.hardened {
		k.lastSent = j
		clear(k.keys[j-1])
		return
	}
	k.next = max(k.next, j+1)
}

// checkRecv checks a received index and returns the key, or the alert.
func (k *keySet) checkRecv(label string, j int) ([]byte, error) {
	if j < 1 || j > k.size() {
		return nil, alert(label, role.BadIndex, fmt.Sprintf("index %d outside 1..%d", j, k.size()))
	}
	if k.hardened {
		if k.ownParity(j) {
			return nil, alert(label, role.BadIndex, fmt.Sprintf("index %d belongs to the other direction", j))
		}
		if j <= k.lastRecv {
			return nil, alert(label, role.Replay, fmt.Sprintf("index %d not above the last accepted %d", j, k.lastRecv))
		}
	}
	return k.keys[j-1], nil
}

// commitRecv records that a message under index j was accepted.
func (k *keySet) commitRecv(j int) {
	if !k.hardened {
		k.next = max(k.next, j+1)
		return
	}
	for i := k.lastRecv + 1; i <= j; i++ {
		if !k.ownParity(i) {
			clear(k.keys[i-1]) // the key itself and any skipped in the gap
		}
	}
	k.lastRecv = j
}

// zero wipes every key of the set.
func (k *keySet) zero() { zeroKeys(k.keys) }

func isErr(err, target error) bool { return errors.Is(err, target) }
