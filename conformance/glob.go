package conformance

// Glob matches case names: '*' matches any run of characters (slashes
// included), '?' any one character; everything else matches itself.
func Glob(pattern, name string) bool {
	// Iterative matching with backtracking to the last '*'.
	p, n := 0, 0
	star, mark := -1, 0
	for n < len(name) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == name[n]):
			p++
			n++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, n
			p++
		case star >= 0:
			p = star + 1
			mark++
			n = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// matchAny reports whether an instance matches any pattern, by its full
// name (ID[suite,variant]) or its ID.
func matchAny(patterns []string, in Instance) bool {
	for _, p := range patterns {
		if Glob(p, in.Name()) || Glob(p, in.Case.ID) {
			return true
		}
	}
	return false
}
