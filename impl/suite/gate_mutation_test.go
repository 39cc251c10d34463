//go:build imcheck_gate

package suite_test

import (
	"os"
	"testing"

	"github.com/imcheck/imcheck/conformance/mutation"
)

// Built with the tag imcheck_gate (make mutation), this package's only
// test is the conformance gate (conformance/mutation).
func TestMain(m *testing.M) { os.Exit(mutation.Main(m)) }

func TestConformanceGate(t *testing.T) {
	mutation.Gate(t, mutation.Selection{Protocols: []string{"simp", "imke"}})
}
