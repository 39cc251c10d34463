package vectors

import "github.com/imcheck/imcheck/impl/role"

// simpExpected is docs/spec/simp.md's outcome for rule on m.
func simpExpected(variant, rule string, m role.Message, r *run) (outcome, error) {
	return outcome{}, noExpectation("simp", variant, rule, m)
}

func simpMutations() []mutation { return nil }
