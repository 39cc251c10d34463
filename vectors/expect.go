package vectors

import (
	"fmt"

	"github.com/imcheck/imcheck/impl/role"
)

// accepted is the expectation "the party accepts this" (a weakness the
// as-published variant keeps on purpose).
const accepted role.AlertClass = 0

// expectedAlert is the alert class the profiles prescribe when rule is
// applied to the honest message m, in run r (which tells what the
// receiver has already accepted). It is written from docs/spec/wire.md,
// docs/spec/simp.md and docs/spec/imke.md, never from the reference
// implementation's answers; an unknown combination is an error, so that
// no vector is recorded without a declared expectation.
func expectedAlert(protocol, variant, rule string, m role.Message, r *run) (role.AlertClass, error) {
	switch rule {
	case "truncate-last-byte", "header-only", "truncated-header", "empty", "append-byte":
		return role.DecodeError, nil // wire.md §2
	case "version-2":
		return role.BadVersion, nil // wire.md §2
	case "other-suite", "unknown-suite":
		return role.UnknownSuite, nil // wire.md §2
	}
	var c role.AlertClass
	var err error
	switch protocol {
	case "simp":
		c, err = simpExpected(variant, rule, m, r)
	case "imke":
		c, err = imkeExpected(variant, rule, m, r)
	default:
		err = fmt.Errorf("vectors: no profile expectations for protocol %q", protocol)
	}
	return c, err
}

func noExpectation(protocol, variant, rule string, m role.Message) error {
	return fmt.Errorf("vectors: the %s profile (%s) declares no expected outcome for %s on %s %s → %s",
		protocol, variant, rule, m.Label, m.From, m.To)
}
