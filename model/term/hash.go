package term

// HashTerm is a structural hash: equal terms have equal hashes.
func HashTerm(t Term) uint64 {
	h := uint64(14695981039346656037)
	hashInto(&h, t)
	return h
}

func hashStr(h *uint64, s string) {
	for i := 0; i < len(s); i++ {
		*h = (*h ^ uint64(s[i])) * 1099511628211
	}
	*h = (*h ^ 0xff) * 1099511628211
}

func hashInto(h *uint64, t Term) {
	switch a := t.(type) {
	case *Name:
		hashStr(h, a.Text)
	case *Var:
		*h = (*h ^ uint64(a.ID) ^ 0x5bd1e995) * 1099511628211
	case *App:
		if x, y, ok := DHPair(a); ok {
			// symmetric in the two exponents (the DH equation)
			hx, hy := HashTerm(x), HashTerm(y)
			if hy < hx {
				hx, hy = hy, hx
			}
			hashStr(h, "exp/g")
			*h = (*h ^ hx) * 1099511628211
			*h = (*h ^ hy) * 1099511628211
			return
		}
		if a.Fn == FnPair && len(a.Args) == 2 {
			hx, hy := HashTerm(a.Args[0]), HashTerm(a.Args[1])
			if hy < hx {
				hx, hy = hy, hx
			}
			hashStr(h, FnPair)
			*h = (*h ^ hx) * 1099511628211
			*h = (*h ^ hy) * 1099511628211
			return
		}
		hashStr(h, a.Fn)
		*h = (*h ^ uint64(len(a.Args))) * 1099511628211
		for _, x := range a.Args {
			hashInto(h, x)
		}
	}
}
