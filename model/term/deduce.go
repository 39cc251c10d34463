package term

// Analyse returns the ground closure of know under the theory's openings.
func Analyse(th *Theory, know []Term) []Term {
	out := append([]Term(nil), know...)
	opened := make([]bool, len(out))
	for progress := true; progress; {
		progress = false
		for i := 0; i < len(out); i++ {
			if opened[i] {
				continue
			}
			a, ok := out[i].(*App)
			if !ok {
				opened[i] = true
				continue
			}
			p := th.Prim(a.Fn)
			if p == nil || p.Open == nil {
				opened[i] = true
				continue
			}
			if p.Open.Key != nil {
				k, ok := p.Open.Key(a.Args)
				if !ok || !Compose(th, out, k) {
					continue
				}
			}
			opened[i] = true
			progress = true
			parts := p.Open.Parts
			if parts == nil {
				for j := range a.Args {
					parts = append(parts, j)
				}
			}
			for _, j := range parts {
				if !inList(out, a.Args[j]) {
					out = append(out, a.Args[j])
					opened = append(opened, false)
				}
			}
		}
	}
	return out
}

func inList(xs []Term, t Term) bool {
	for _, x := range xs {
		if Equal(x, t) {
			return true
		}
	}
	return false
}

// Compose reports whether t is in know or built from it with public
// primitives; attacker-made names are always known.
func Compose(th *Theory, know []Term, t Term) bool {
	if inList(know, t) {
		return true
	}
	switch a := t.(type) {
	case *Name:
		return a.Kind == KindAttacker
	case *App:
		p := th.Prim(a.Fn)
		if p == nil || !p.Public {
			return false
		}
		all := true
		for _, x := range a.Args {
			if !Compose(th, know, x) {
				all = false
				break
			}
		}
		return all || a.Fn == FnExp && composeDH(th, know, t)
	}
	return false
}

// Deduce decides ground Dolev-Yao deducibility: Analyse, then Compose.
func Deduce(th *Theory, know []Term, t Term) bool {
	return Compose(th, Analyse(th, know), t)
}

// OfflineGuess reports whether an attacker who saw know can test a guess of
// the weak secret pw offline: pw is derivable outright; or, adding the guess,
// some observed one-way term containing pw can be recomputed from the rest
// (compare); or some observed term can be opened with a key that contains
// pw (the opening succeeds only for the right guess), unless its cipher is
// bijective: then the guess is tested only if the plaintext is
// recognisable.
func OfflineGuess(th *Theory, know []Term, pw Term) bool {
	if Deduce(th, know, pw) {
		return true
	}
	clo := Analyse(th, append(append([]Term(nil), know...), pw))
	for i, t := range clo {
		a, ok := t.(*App)
		if !ok || !Contains(t, pw) || Equal(t, pw) {
			continue
		}
		p := th.Prim(a.Fn)
		if p == nil {
			continue
		}
		if p.Open == nil {
			rest := append(append([]Term(nil), clo[:i]...), clo[i+1:]...)
			all := true
			for _, x := range a.Args {
				all = all && Compose(th, rest, x)
			}
			if all && p.Public {
				return true
			}
			continue
		}
		if p.Open.Key != nil {
			k, ok := p.Open.Key(a.Args)
			if !ok || !Contains(k, pw) || !Compose(th, clo, k) {
				continue
			}
			if !p.Bijective || recognisable(th, know, clo, a.Args[0], 0) {
				return true
			}
		}
	}
	return false
}

// recognisable reports whether an attacker who decrypted m under a guessed
// key with a bijective cipher can tell the right guess from a wrong one by
// looking at m, given what it knows (clo, the guess included): m has a
// structure a random value lacks (a tuple; a signature it can verify; an
// encryption with redundancy under a key it has), or it can compute m
// another way and compare. Public keys, group elements and ciphertexts it
// cannot open look random.
func recognisable(th *Theory, know, clo []Term, m Term, depth int) bool {
	if depth > 8 {
		return false
	}
	if Deduce(th, know, m) {
		return true // known without the guess: compare
	}
	a, ok := m.(*App)
	if !ok {
		return false
	}
	p := th.Prim(a.Fn)
	switch {
	case p == nil:
		return false
	case a.Fn == FnTuple:
		return true
	case a.Fn == FnSign:
		return Compose(th, clo, Fn(FnPK, a.Args[1]))
	case p.Open != nil && p.Open.Key != nil:
		k, ok := p.Open.Key(a.Args)
		if !ok || !Compose(th, clo, k) {
			return false
		}
		return !p.Bijective || recognisable(th, know, clo, a.Args[0], depth+1)
	}
	// one-way: recompute it with the guess, without the decrypted copy
	return Compose(th, without(clo, m), m)
}

func without(xs []Term, t Term) []Term {
	out := make([]Term, 0, len(xs))
	for _, x := range xs {
		if !Equal(x, t) {
			out = append(out, x)
		}
	}
	return out
}
