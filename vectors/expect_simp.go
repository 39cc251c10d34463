package vectors

import "github.com/imcheck/imcheck/impl/role"

// simpExpected is docs/spec/simp.md's outcome for rule on m.
func simpExpected(variant, rule string, m role.Message, r *run) (role.AlertClass, error) {
	return 0, noExpectation("simp", variant, rule, m)
}

func simpMutations() []mutation { return nil }
