package vectors

import (
	"fmt"

	"github.com/imcheck/imcheck/impl/role"
)

// outcome is what the profile says a party does with an injected
// message.
type outcome struct {
	// class is the alert class; 0 means the party accepts the message
	// (a weakness the as-published variant keeps on purpose, or a message
	// any party must accept, such as a repeated login request).
	class role.AlertClass
	// fatal: the party rejects the message and ends the session with the
	// sender (e.g. IMKE's "disconnects if they mismatch"), so the honest
	// run cannot go on after it.
	fatal bool
	// byDesign marks an acceptance the profile prescribes for both
	// variants (a repeated request answered afresh), as opposed to a
	// weakness the as-published variant keeps.
	byDesign bool
	// skip: the profile does not settle the outcome; no vector is made.
	skip bool
}

func reject(c role.AlertClass) outcome      { return outcome{class: c} }
func rejectFatal(c role.AlertClass) outcome { return outcome{class: c, fatal: true} }

var accept = outcome{}

// unsettled marks a case the profile leaves open: no vector is recorded.
var unsettled = outcome{skip: true}

// acceptByDesign: the profile has every variant answer the message again.
var acceptByDesign = outcome{byDesign: true}

func (o outcome) accepted() bool { return o.class == 0 }

// inline reports whether the injection can stay in the running session:
// it is rejected and the party's state is left as it was.
func (o outcome) inline() bool { return o.class != 0 && !o.fatal }

// expectedAlert is the alert class the profiles prescribe when rule is
// applied to the honest message m when k honest messages have been
// delivered, in the honest run r without injections (which tells what the
// receiver has accepted and when keys changed). It is written from docs/spec/wire.md,
// docs/spec/simp.md and docs/spec/imke.md, never from the reference
// implementation's answers; an unknown combination is an error, so that
// no vector is recorded without a declared expectation.
func expectedAlert(protocol, variant, rule string, m role.Message, r *run, k int) (outcome, error) {
	switch rule {
	case "truncate-last-byte", "header-only", "truncated-header", "empty", "append-byte":
		return reject(role.DecodeError), nil // wire.md §2
	case "reserved-type":
		// wire.md §2: a type the protocol does not assign is a decode_error
		// in both profiles (an assigned type out of state is
		// unexpected_message).
		return reject(role.DecodeError), nil
	case "version-2":
		return reject(role.BadVersion), nil // wire.md §2
	case "other-suite", "unknown-suite":
		return reject(role.UnknownSuite), nil // wire.md §2
	}
	var c outcome
	var err error
	switch protocol {
	case "simp":
		c, err = simpExpected(variant, rule, m)
	case "imke":
		c, err = imkeExpected(variant, rule, m, r, k)
	default:
		err = fmt.Errorf("vectors: no profile expectations for protocol %q", protocol)
	}
	return c, err
}

func noExpectation(protocol, variant, rule string, m role.Message) error {
	return fmt.Errorf("vectors: the %s profile (%s) declares no expected outcome for %s on %s %s → %s",
		protocol, variant, rule, m.Label, m.From, m.To)
}
