//go:build imcheck_gate

package suite_test

import (
	"flag"
	"os"
	"testing"

	"github.com/imcheck/imcheck/conformance/mutation"
)

// Built with the tag imcheck_gate (make mutation), this package's test is
// the conformance gate alone (conformance/mutation): the unit tests are
// compiled but not run.
func TestMain(m *testing.M) {
	flag.Parse()
	flag.Set("test.run", "^TestConformanceGate$")
	os.Exit(m.Run())
}

func TestConformanceGate(t *testing.T) {
	mutation.Gate(t, mutation.Selection{Protocols: []string{"simp", "imke"}})
}
