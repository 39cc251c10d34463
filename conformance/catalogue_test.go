package conformance

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imcheck/imcheck/impl/harness"
	_ "github.com/imcheck/imcheck/impl/protocols"
	"github.com/imcheck/imcheck/impl/role"
	"github.com/imcheck/imcheck/impl/suite"
)

// catalogueOptions is, in make test, every case on one suite, the suites
// taking turns from case to case (so every case and every suite runs), or
// the modern suite only with -short. The benchmarks and imcheck conform run
// everything.
func catalogueOptions() Options {
	o := Options{Timeout: 60 * time.Second}
	if testing.Short() {
		o.Suites = []string{"modern"}
		return o
	}
	turn := map[*Case]int{}
	o.Keep = func(in Instance) bool {
		if _, ok := turn[in.Case]; !ok {
			turn[in.Case] = len(turn)
		}
		return suite.Names()[turn[in.Case]%len(suite.Names())] == in.Suite
	}
	return o
}

func requireAllPass(t *testing.T, rep *Report) {
	t.Helper()
	n := 0
	for _, r := range rep.Results {
		if r.Verdict != Pass {
			if n++; n <= 20 {
				t.Errorf("%s: %s: %s\n%s", r.Name, r.Verdict, r.Detail, strings.Join(r.Trace, "\n"))
			}
		}
	}
	if len(rep.Results) == 0 {
		t.Fatal("no case ran")
	}
	t.Logf("%s", rep.CountLine())
}

// TestCatalogueBuiltin: the reference implementation passes every case in
// process.
func TestCatalogueBuiltin(t *testing.T) {
	rep, err := Run(NewBuiltin, catalogueOptions())
	require.NoError(t, err)
	requireAllPass(t, rep)
}

var (
	shimOnce sync.Once
	shimBin  string
	shimErr  error
)

// imcheckBinary builds cmd/imcheck once per test run.
func imcheckBinary(t testing.TB) string {
	t.Helper()
	shimOnce.Do(func() {
		dir, err := os.MkdirTemp("", "imcheck-conformance-")
		if err != nil {
			shimErr = err
			return
		}
		shimBin = filepath.Join(dir, "imcheck")
		if runtime.GOOS == "windows" {
			shimBin += ".exe"
		}
		out, err := exec.Command("go", "build", "-o", shimBin, "../cmd/imcheck").CombinedOutput()
		if err != nil {
			shimErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if shimErr != nil {
		t.Fatal(shimErr)
	}
	return shimBin
}

// TestCatalogueShim: the reference implementation behind `imcheck shim`
// passes every case out of process. The transport does not depend on the
// suite, so make test runs the modern suite alone; BenchmarkCatalogueShim
// (conformance/attacks) and imcheck conform run them all.
func TestCatalogueShim(t *testing.T) {
	bin := imcheckBinary(t)
	o := catalogueOptions()
	o.Suites, o.Keep = []string{"modern"}, nil
	rep, err := Run(ShimFactory([]string{bin, "shim"}), o)
	require.NoError(t, err)
	requireAllPass(t, rep)
}

// TestMutationScore: every deliberately broken implementation fails at
// least one case (docs/conformance.md, "The gate tests itself"): the score must be 100%.
func TestMutationScore(t *testing.T) {
	o := Options{Suites: []string{"modern"}, Timeout: 60 * time.Second}
	score, err := RunMutants(o, func(m Mutant, rep *Report) {
		t.Logf("mutant %-28s failing cases seen: %d (%s)", m.Name, rep.Counts[Fail], m.Defect)
	})
	require.NoError(t, err)
	t.Logf("mutation score: %d/%d", score.Killed, score.Total)
	require.True(t, score.Total >= 4, "too few mutants: %d", score.Total)
	require.Equal(t, score.Total, score.Killed, "survivors: %v", score.Survivors)
}

// TestMutantThroughShim: a broken implementation is caught through the shim
// as well (the shim protocol carries the defect's symptoms).
func TestMutantThroughShim(t *testing.T) {
	bin := imcheckBinary(t)
	o := Options{Suites: []string{"modern"}, Variants: []string{"hardened"}, Run: []string{"IMKE/*/replayed*"}, Timeout: 60 * time.Second}
	rep, err := Run(ShimFactory([]string{bin, "shim", "--mutant", "replay-accepted"}), o)
	require.NoError(t, err)
	require.True(t, rep.Failed(), "the replay-accepting shim passed")
}

// TestCatalogueShape checks the catalogue's rows: stable unique names, a
// clause for each, and every message of each profile's table covered for
// the role that receives it.
func TestCatalogueShape(t *testing.T) {
	cases := Catalogue()
	insts, err := Instances(cases, Options{})
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, in := range insts {
		require.False(t, seen[in.Name()], "duplicate instance %s", in.Name())
		seen[in.Name()] = true
		require.True(t, strings.Contains(in.Case.Clause, ".md"), "%s: clause %q names no profile", in.Case.ID, in.Case.Clause)
	}
	// Each message a role receives (the profiles' message tables) has
	// tampering cases.
	want := map[string][]string{
		"imke": {"a1", "a2", "a3", "4.2-peer-request", "4.3-login-accepted", "4.4", "4.5", "b1", "b2", "c1", "c2", "c3", "4.7-direct"},
		"simp": {"R1", "R2", "L1", "L2", "E1", "E2", "E3", "E4", "E5", "E6", "E7"},
	}
	for proto, msgs := range want {
		if _, err := harness.Lookup(proto); err != nil {
			t.Logf("%s is not registered; its cases are skipped", proto)
			continue
		}
		for _, m := range msgs {
			found := false
			for _, in := range insts {
				if strings.HasPrefix(in.Case.ID, strings.ToUpper(proto)+"/"+m+"/") {
					found = true
					break
				}
			}
			require.True(t, found, "no case for %s %s", proto, m)
		}
	}
	// Every alert class a profile names for a check is expected somewhere.
	classesSeen := map[role.AlertClass]bool{}
	for _, c := range cases {
		mark := func(o Outcome) {
			for _, k := range o.Reject {
				classesSeen[k] = true
			}
		}
		if c.Intercept != nil {
			mark(c.Intercept.Expect)
		}
		for _, s := range c.Steps {
			if s.Inject != nil {
				mark(s.Inject.Expect)
			}
		}
	}
	for _, c := range []role.AlertClass{role.DecodeError, role.UnexpectedMessage, role.BadVersion, role.UnknownSuite,
		role.DecryptError, role.BadMAC, role.AuthFailed, role.Replay, role.UnknownPeer, role.WrongIdentity} {
		require.True(t, classesSeen[c], "no case expects %s", c)
	}
}
