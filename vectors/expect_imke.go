package vectors

import "github.com/imcheck/imcheck/impl/role"

// imkeExpected is docs/spec/imke.md's outcome for rule on m.
func imkeExpected(variant, rule string, m role.Message, r *run) (role.AlertClass, error) {
	return 0, noExpectation("imke", variant, rule, m)
}

func imkeMutations() []mutation { return nil }
