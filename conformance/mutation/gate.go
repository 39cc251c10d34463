package mutation

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imcheck/imcheck/conformance"
	_ "github.com/imcheck/imcheck/impl/protocols" // registers simp and imke
)

// GateEnv names the imcheck binary built from the unmutated tree.
const GateEnv = "IMCHECK_GATE"

// Selection is what the gate runs for a package's mutants.
type Selection struct {
	Protocols []string
	Suites    []string // nil: all
}

// Main is the TestMain of a package built with the tag imcheck_gate: of
// the package's tests it runs only TestConformanceGate, which calls Gate;
// the unit tests are compiled but not run.
func Main(m *testing.M) int {
	flag.Parse()
	flag.Set("test.run", "^TestConformanceGate$")
	return m.Run()
}

// Gate is the test of a package built with the tag imcheck_gate: it fails
// when the conformance gate fails the (mutated) reference implementation.
func Gate(t *testing.T, sel Selection) {
	if testing.CoverMode() != "" {
		inProcess(t, sel)
		return
	}
	gate := os.Getenv(GateEnv)
	if gate == "" {
		t.Skipf("set %s to an imcheck built from the unmutated tree (make mutation does)", GateEnv)
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	shim := filepath.Join(t.TempDir(), "refshim")
	build := exec.Command("go", "build", "-o", shim, "./conformance/mutation/refshim")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the shim: %v\n%s", err, out)
	}
	args := []string{"conform", "--shim", shim, "--fail-fast", "--jobs", "2", "--timeout", "30s",
		"--protocol", strings.Join(sel.Protocols, ",")}
	if sel.Suites != nil {
		args = append(args, "--suite", strings.Join(sel.Suites, ","))
	}
	cmd := exec.Command(gate, args...)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, nil
	start := time.Now()
	err = cmd.Run()
	if err != nil {
		t.Fatalf("the gate failed the mutant (%v, %s):\n%s", err, time.Since(start).Round(time.Second), tail(out.String(), 2000))
	}
}

// inProcess runs the same selection in this process, for the coverage
// profile.
func inProcess(t *testing.T, sel Selection) {
	rep, err := conformance.Run(conformance.NewBuiltin, conformance.Options{Protocols: sel.Protocols, Suites: sel.Suites, Jobs: 2,
		Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed() {
		t.Fatalf("the unmutated reference fails the gate: %s", rep.CountLine())
	}
}

// moduleRoot finds the go.mod above the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("mutation: no go.mod above the working directory")
		}
		dir = parent
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
