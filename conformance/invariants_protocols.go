package conformance

import (
	"fmt"

	"github.com/imcheck/imcheck/impl/role"
)

// The SIMP and IMKE transcript invariants, from the profiles.

func init() {
	invariantsOf["simp"] = &invariantRules{
		Layouts: map[uint8]Layout{0x10: simpR1, 0x11: simpR2, 0x12: simpL1, 0x13: simpIndexed, 0x14: simpE1,
			0x15: simpIndexed, 0x16: simpIndexed, 0x17: simpE4, 0x18: simpE5, 0x19: simpSecure, 0x1a: simpSecure},
		Check: simpInvariants,
	}
	invariantsOf["imke"] = &invariantRules{
		Layouts: map[uint8]Layout{0x20: imkeA1, 0x21: imkeA2, 0x22: imkeA3, 0x23: imkeData, 0x24: imkeData,
			0x25: imkeUnsequenced, 0x26: imkeUnsequenced, 0x27: imkeUnsequenced, 0x28: imkeC1, 0x29: imkeC2, 0x2a: imkeC3, 0x2b: imkeData},
		Check: imkeInvariants,
	}
}

// simpInvariants: simp.md §2 (fixed lengths, E1's fields per variant), §6
// (1 ≤ j ≤ m; hardened: strictly increasing per key set and direction, odd
// for the first speaker of a pair, even for the other), and one nonce per
// key SK_j (as published L1 and L2 share SK_ASj).
func simpInvariants(t *transcript, fields func(entry) map[string][]byte) error {
	m := uint64(optionInt(t.options, "m", 32))
	hardened := t.variant == "hardened"
	var inc increasing
	var seals nonces
	sets := map[string]int{}    // pair → key sets so far (R2 for SK_AS, E4 for SK_AB)
	seen := map[string]uint64{} // as published: the highest index of each key set so far
	lastL1 := map[string]uint64{}
	stale, era := t.stale, 0
	for _, e := range t.entries {
		// A restart from a stale snapshot sets the IUT's indices back on
		// purpose: the index discipline starts again after it.
		for len(stale) > 0 && stale[0] < e.n {
			stale, era, inc = stale[1:], era+1, increasing{}
		}
		f := fields(e)
		if f == nil {
			continue
		}
		typ := e.msg.Bytes[0]
		pr := pair(e.msg.From, e.msg.To)
		if typ == 0x11 || typ == 0x17 { // R2, E4: a new key set for the pair
			sets[pr]++
			inc.reset(e.msg.From)
			inc.reset(e.msg.To)
		}
		j, indexed := f["j"]
		if e.fromIUT {
			switch {
			case typ == 0x14 && !hardened && (u16(j) != 0 || len(f["tag"]) != 0):
				return failf("invariant: as published, E1 carries no index and no tag (simp.md §5), but %s has j = %d and a %d-byte tag", e, u16(j), len(f["tag"]))
			case typ == 0x14 && hardened && len(f["tag"]) != 32:
				return failf("invariant: hardened, E1 carries a 32-byte tag (simp.md §10 H5), but %s has %d bytes", e, len(f["tag"]))
			case (typ == 0x18 || typ == 0x19 || typ == 0x1a) && len(f[map[uint8]string{0x18: "confirmation", 0x19: "mac", 0x1a: "mac"}[typ]]) != 32:
				return failf("invariant: %s's keyed hash is not 32 bytes (simp.md §2)", e)
			}
			if indexed && (typ != 0x14 || hardened) {
				v := u16(j)
				if v < 1 || v > m {
					return failf("invariant: the IUT's index j = %d in %s is outside 1..%d (simp.md §6)", v, e, m)
				}
				set := fmt.Sprintf("%s set %d era %d", pr, sets[pr], era)
				switch {
				case hardened:
				case typ == 0x13 && v != lastL1[pr]:
					return failf("invariant: as published, L2 reuses its L1's index (simp.md §5, A11), but %s has j = %d after L1's %d", e, v, lastL1[pr])
				case typ != 0x13 && v <= seen[set]:
					return failf("invariant: as published, a party sends on next, above every index it has used or seen (simp.md §6), but %s has j = %d after %d in that key set", e, v, seen[set])
				}
				if hardened {
					odd := typ == 0x12 || typ == 0x14 || typ == 0x19 // user → S, initiator → responder
					if (v%2 == 1) != odd {
						return failf("invariant: hardened, the IUT's index j = %d in %s has the other direction's parity (simp.md §6, H1)", v, e)
					}
					if err := inc.add(e, e.msg.To, v, "index j"); err != nil {
						return err
					}
				}
			}
		}
		if indexed && (typ != 0x14 || hardened) {
			set := fmt.Sprintf("%s set %d era %d", pr, sets[pr], era)
			seen[set] = max(seen[set], u16(j))
			if typ == 0x12 {
				lastL1[pr] = u16(j)
			}
		}
		if sealed, ok := f["sealed"]; ok && indexed {
			if err := seals.add(e, fmt.Sprintf("SK %s set %d j=%d", pr, sets[pr], u16(j)), sealed); err != nil {
				return err
			}
		}
	}
	return nil
}

// imkeInvariants: imke.md §3.1 (hardened sends no 0x25–0x27), §8 (seq per
// session and direction, strictly increasing; 4.7's per K_AB, the direct
// and relayed paths sharing it), and one nonce per key (a1/a2 under the
// attempt's K_AS, 4.2/4.3 under K_AS^s between renewals, c1/c2 under K_AB,
// 4.7 under K_AB^s).
func imkeInvariants(t *transcript, fields func(entry) map[string][]byte) error {
	hardened := t.variant == "hardened"
	var inc increasing
	var seals nonces
	logins := map[string]int{}    // user → a1 count
	exchanges := map[string]int{} // pair → c1 count
	relayed := t.relayed
	for _, e := range t.entries {
		for len(relayed) > 0 && relayed[0].after < e.n {
			r := relayed[0]
			relayed = relayed[1:]
			ch := fmt.Sprintf("4.7 %s→%s #%d", t.iut, r.peer, exchanges[pair(t.iut, r.peer)])
			at := entry{n: r.after, msg: role.Message{Label: "4.7 relayed", From: t.iut, To: r.peer}, fromIUT: true}
			if err := inc.add(at, ch, r.seq, "sequence number"); err != nil {
				return err
			}
		}
		f := fields(e)
		if f == nil {
			continue
		}
		typ := e.msg.Bytes[0]
		user := e.msg.From
		if user == defaultServer {
			user = e.msg.To
		}
		pr := pair(e.msg.From, e.msg.To)
		if e.fromIUT && hardened && typ >= 0x25 && typ <= 0x27 {
			return failf("invariant: hardened sends %s only as an item inside 4.2/4.3 (imke.md §3.1, §11.2), but the IUT sent %s", e.msg.Label, e)
		}
		switch typ {
		case 0x20: // a1
			logins[user]++
			inc.reset("4.x " + t.iut + "→" + user)
		case 0x28: // c1
			exchanges[pr]++
			inc.reset(fmt.Sprintf("4.7 %s→%s #%d", t.iut, e.msg.To, exchanges[pr]))
		}
		key := ""
		switch typ {
		case 0x20, 0x21:
			key = fmt.Sprintf("K_AS of %s's login %d", user, logins[user])
		case 0x23, 0x24:
			key = fmt.Sprintf("K_AS^s of %s, epoch %d", user, e.epoch)
		case 0x28, 0x29:
			key = fmt.Sprintf("K_AB %s #%d", pr, exchanges[pr])
		case 0x2b:
			key = fmt.Sprintf("K_AB^s %s #%d", pr, exchanges[pr])
		}
		for _, name := range []string{"sealed_proof", "sealed_f2", "sealed", "sealed_ra", "sealed_f6"} {
			if sealed, ok := f[name]; ok {
				if err := seals.add(e, key, sealed); err != nil {
					return err
				}
			}
		}
		if !e.fromIUT {
			continue
		}
		if seq, ok := f["seq"]; ok {
			ch := "4.x " + t.iut + "→" + e.msg.To
			if typ == 0x2b {
				ch = fmt.Sprintf("4.7 %s→%s #%d", t.iut, e.msg.To, exchanges[pr])
			}
			if err := inc.add(e, ch, u64(seq), "sequence number"); err != nil {
				return err
			}
		}
	}
	return nil
}
