package conformance

import (
	"bytes"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/imcheck/imcheck/impl/harness"
	"github.com/imcheck/imcheck/impl/role"
)

func toyOptions() Options {
	return Options{Cases: toyCases(), Protocols: []string{"toy"}, Timeout: 5 * time.Second}
}

func verdicts(rep *Report) map[string]Verdict {
	out := map[string]Verdict{}
	for _, r := range rep.Results {
		out[r.Name] = r.Verdict
	}
	return out
}

func TestToyBuiltinPasses(t *testing.T) {
	rep, err := Run(NewBuiltin, toyOptions())
	require.NoError(t, err)
	require.Len(t, rep.Results, len(toyCases())*3*2)
	for _, r := range rep.Results {
		require.Equal(t, Pass, r.Verdict, "%s: %s\n%s", r.Name, r.Detail, strings.Join(r.Trace, "\n"))
	}
	require.False(t, rep.Failed())
}

func TestToyMutantsAreKilled(t *testing.T) {
	for _, m := range Mutants() {
		if len(m.Protocols) > 0 {
			continue // a defect of SIMP or IMKE, not of any protocol
		}
		t.Run(m.Name, func(t *testing.T) {
			o := toyOptions()
			rep, err := Run(m.Factory(), o)
			require.NoError(t, err)
			require.True(t, rep.Failed(), "mutant %s survived the toy catalogue", m.Name)
		})
	}
}

func TestSelection(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Options)
		want int
	}{
		{"all", func(*Options) {}, 54},
		{"run glob", func(o *Options) { o.Run = []string{"TOY/T1/*"} }, 30},
		{"skip glob", func(o *Options) { o.Skip = []string{"TOY/T1/*"} }, 24},
		{"full name", func(o *Options) { o.Run = []string{"TOY/T1/honest[modern,hardened]"} }, 1},
		{"role", func(o *Options) { o.Roles = []string{RoleClient} }, 24},
		{"suite", func(o *Options) { o.Suites = []string{"pq"} }, 18},
		{"variant", func(o *Options) { o.Variants = []string{"hardened"} }, 27},
		{"protocol none", func(o *Options) { o.Protocols = []string{"simp"} }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := toyOptions()
			tt.edit(&o)
			insts, err := Instances(o.Cases, o)
			require.NoError(t, err)
			require.Len(t, insts, tt.want)
		})
	}
}

func TestConfigDisabledAndExpectedFailures(t *testing.T) {
	cfg, err := ParseConfig(strings.NewReader(`{
		"disabled": {"TOY/T1/truncated": "not implemented yet"},
		"expected_failures": {"TOY/T3/replay": "replay cache missing", "TOY/T2/honest[pq,*]": "pq client broken"}
	}`))
	require.NoError(t, err)
	o := toyOptions()
	o.Config = cfg
	m, _ := MutantByName("replay-accepted")
	rep, err := Run(m.Factory(), o)
	require.NoError(t, err)
	v := verdicts(rep)
	require.Equal(t, Disabled, v["TOY/T1/truncated[classic,hardened]"])
	require.Equal(t, XFail, v["TOY/T3/replay[modern,as-published]"])
	require.Equal(t, XPass, v["TOY/T2/honest[pq,hardened]"])
	require.Equal(t, Pass, v["TOY/T2/honest[modern,hardened]"])
	require.True(t, rep.Failed(), "an xpass fails the run")
}

func TestParseConfigStrict(t *testing.T) {
	for _, bad := range []string{
		`{"disabled": {"X": ""}}`,
		`{"disabled": {"": "why"}}`,
		`{"disabeld": {}}`,
		`{} {}`,
		`[]`,
		``,
	} {
		_, err := ParseConfig(strings.NewReader(bad))
		require.Error(t, err, bad)
	}
}

func TestShimToyPasses(t *testing.T) {
	t.Setenv(shimModeEnv, "ok")
	rep, err := Run(ShimFactory([]string{os.Args[0]}), toyOptions())
	require.NoError(t, err)
	for _, r := range rep.Results {
		require.Equal(t, Pass, r.Verdict, "%s: %s", r.Name, r.Detail)
	}
}

// TestShimMisbehaving checks that a shim that crashes, hangs, answers
// garbage, is slow or exits 89 in the middle of a case gets a clear
// verdict and never hangs the runner; after a hang the remaining cases are
// not run, instead of costing a timeout each.
//
// Only the rows whose shim hangs (second case not run) wait for the case
// timeout, so only they get a short one. The others never wait for it: a
// short timeout would only race their verdict on a loaded machine, where
// the honest requests before the misbehaviour can take longer than it
// (the gate then rightly reports a hang, which is not what the row tests).
func TestShimMisbehaving(t *testing.T) {
	tests := []struct {
		mode            string
		verdict         Verdict
		detail          string
		second, detail2 Verdict
	}{
		{mode: "crash", verdict: Fail, detail: "exited with status 3 during request"},
		{mode: "hang", verdict: Fail, detail: "did not answer request", second: NotRun},
		{mode: "slow", verdict: Fail, detail: "did not answer request", second: NotRun},
		{mode: "hang-all", verdict: Fail, detail: "did not answer request 2 (new-party", second: NotRun},
		{mode: "hang-reset", verdict: Fail, detail: "did not answer request", second: NotRun},
		{mode: "garbage", verdict: Fail, detail: "wrote garbage in answer to request"},
		{mode: "wrong-id", verdict: Fail, detail: "answered id 424242"},
		{mode: "exit-0", verdict: Fail, detail: "exited with status 0 before answering request"},
		{mode: "unimplemented", verdict: Fail, detail: "89 means unsupported only in answer to hello or new-party"},
		{mode: "exit-89-at-setup", verdict: Unsupported, detail: "status 89 on request 2 (new-party"},
		{mode: "unsupported-handle", verdict: Fail, detail: "a party must accept or reject every message"},
		{mode: "huge-reason", verdict: Fail, detail: "wrote garbage in answer to request"},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			t.Setenv(shimModeEnv, tt.mode)
			o := toyOptions()
			o.Run = []string{"TOY/T1/mac-tampered[modern,hardened]", "TOY/T3/replay[modern,hardened]"}
			o.Timeout = 10 * time.Second
			if tt.second == NotRun {
				o.Timeout = 500 * time.Millisecond
			}
			o.Jobs = 1
			start := time.Now()
			rep, err := Run(ShimFactory([]string{os.Args[0]}), o)
			require.NoError(t, err)
			require.Less(t, time.Since(start), 30*time.Second)
			require.Len(t, rep.Results, 2)
			r := rep.Results[0]
			require.Equal(t, tt.verdict, r.Verdict, r.Name+": "+r.Detail)
			require.Contains(t, r.Detail, tt.detail)
			if tt.verdict == Fail {
				require.True(t, r.IUTError, "a shim failure is an error, not a failed expectation")
				require.True(t, len(r.Trace) > 0, "a failure carries its trace")
			}
			second := tt.second
			if second == "" {
				second = tt.verdict
			}
			require.Equal(t, second, rep.Results[1].Verdict, rep.Results[1].Detail)
			if second == NotRun {
				require.Contains(t, rep.Results[1].Detail, "the IUT hung earlier")
			}
		})
	}
}

// TestShimLongReasonTruncated: a long alert reason is cut to the
// documented size, the run goes on.
func TestShimLongReasonTruncated(t *testing.T) {
	t.Setenv(shimModeEnv, "long-reason")
	m, _ := MutantByName("alert-class-wrong")
	_ = m
	o := toyOptions()
	o.Run = []string{"TOY/T1/truncated[modern,hardened]"}
	rep, err := Run(ShimFactory([]string{os.Args[0]}), o)
	require.NoError(t, err)
	require.Equal(t, Pass, rep.Results[0].Verdict, rep.Results[0].Detail)
	o.Cases = toyCases()
	o.Run = []string{"TOY/T1/reflected[modern,hardened]"}
	// The reflected T1 is rejected with unexpected_message: pass; the
	// trace is not kept for a pass, so check the bound on a failing one.
	o.Run = []string{"TOY/T2/out-of-order[modern,hardened]"}
	o.Config = &Config{ExpectedFailures: map[string]string{}}
	rep, err = Run(ShimFactory([]string{os.Args[0]}), o)
	require.NoError(t, err)
	for _, r := range rep.Results {
		require.True(t, len(r.Detail) <= maxDetail, "detail of %d bytes", len(r.Detail))
		for _, l := range r.Trace {
			require.True(t, len(l) <= maxTraceLine, "trace line of %d bytes", len(l))
		}
	}
}

// TestShimGrandchildEnded: a shim that leaves a process behind, holding
// its output, delays nothing, and the process is ended with the shim's
// process group.
func TestShimGrandchildEnded(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	t.Setenv(shimModeEnv, "grandchild")
	t.Setenv(shimPidFileEnv, pidFile)
	o := toyOptions()
	o.Run = []string{"TOY/T1/honest[modern,hardened]"}
	start := time.Now()
	rep, err := Run(ShimFactory([]string{os.Args[0]}), o)
	require.NoError(t, err)
	require.Equal(t, Pass, rep.Results[0].Verdict, rep.Results[0].Detail)
	require.Less(t, time.Since(start), 10*time.Second)
	requireGone(t, pidFile, "the process the shim left behind still runs")
}

// requireGone fails unless the process whose ID pidFile holds has ended
// within 5 s.
func requireGone(t *testing.T, pidFile, msg string) {
	t.Helper()
	b, err := os.ReadFile(pidFile)
	require.NoError(t, err)
	pid, err := strconv.Atoi(string(b))
	require.NoError(t, err)
	for i := 0; i < 50 && processAlive(pid); i++ {
		time.Sleep(100 * time.Millisecond)
	}
	require.False(t, processAlive(pid), msg)
}

func TestShimCannotStart(t *testing.T) {
	for _, tt := range []struct{ mode, want string }{
		{"no-hello", "wrote garbage in answer to request 1 (hello)"},
		{"exit-at-start", "exited with status 3"},
		{"no-caps", "advertises no capabilities"},
		{"bad-variant", `unknown variant "hardend"`},
		{"hang-all", ""},
	} {
		t.Run(tt.mode, func(t *testing.T) {
			t.Setenv(shimModeEnv, tt.mode)
			o := toyOptions()
			_, err := Run(ShimFactory([]string{os.Args[0]}), o)
			if tt.mode == "hang-all" {
				require.NoError(t, err) // it answers hello
				return
			}
			require.True(t, errors.Is(err, ErrCannotStart), "%v", err)
			require.Contains(t, err.Error(), tt.want)
		})
	}
	_, err := Run(ShimFactory([]string{filepath.Join(t.TempDir(), "no-such-shim")}), toyOptions())
	require.True(t, errors.Is(err, ErrCannotStart), "%v", err)
}

func TestReportsGolden(t *testing.T) {
	o := toyOptions()
	o.Suites = []string{"modern"}
	o.Now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	m, _ := MutantByName("alert-class-wrong")
	rep, err := Run(m.Factory(), o)
	require.NoError(t, err)
	var js, ju bytes.Buffer
	require.NoError(t, rep.WriteJSON(&js))
	require.NoError(t, rep.WriteJUnit(&ju))
	var parsed junitSuites
	require.NoError(t, xml.Unmarshal(ju.Bytes(), &parsed))
	require.Equal(t, len(rep.Results), parsed.Tests)
	require.Equal(t, rep.Counts[Fail], parsed.Failures)
	golden(t, "toy-report.json", js.Bytes())
	golden(t, "toy-report.xml", ju.Bytes())
	// The same run gives the same bytes, whatever the scheduling.
	o.Jobs = 1
	rep2, err := Run(m.Factory(), o)
	require.NoError(t, err)
	var js2 bytes.Buffer
	require.NoError(t, rep2.WriteJSON(&js2))
	require.Equal(t, js.String(), js2.String())
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	require.Equal(t, string(want), string(got), "golden %s changed; run go test -update", path)
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"SIMP/E6/*", "SIMP/E6/replay[modern,hardened]", true},
		{"SIMP/*/replay*", "SIMP/E6/replay[modern,hardened]", true},
		{"*hardened]", "SIMP/E6/replay[modern,hardened]", true},
		{"SIMP/E?/replay", "SIMP/E6/replay", true},
		{"SIMP/E6", "SIMP/E6/replay", false},
		{"IMKE/*", "SIMP/E6/replay", false},
		{"", "", true},
		{"*", "", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, Glob(tt.pattern, tt.name), "%q %q", tt.pattern, tt.name)
	}
}

func TestSplitCommand(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  bool
	}{
		{"imcheck shim", []string{"imcheck", "shim"}, false},
		{`./my shim "a b" 'c d' e\ f`, []string{"./my", "shim", "a b", "c d", "e f"}, false},
		{`x "q\"uote"`, []string{"x", `q"uote`}, false},
		{`x ''`, []string{"x", ""}, false},
		{`x "open`, nil, true},
		{`x 'open`, nil, true},
		{`x \`, nil, true},
		{"   ", nil, true},
	}
	for _, tt := range tests {
		got, err := SplitCommand(tt.in)
		if tt.err {
			require.Error(t, err, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		require.Equal(t, tt.want, got, tt.in)
	}
}

// narrowIUT is the reference implementation claiming fewer capabilities.
type narrowIUT struct{ Builtin }

func (narrowIUT) Capabilities() Capabilities {
	return Capabilities{{Protocol: "toy", Roles: []string{RoleServer}, Suites: []string{"modern"}, Variants: []string{"hardened"}}}
}

func TestCapabilitiesMakeUnsupported(t *testing.T) {
	rep, err := Run(func() (IUT, error) { return &narrowIUT{}, nil }, toyOptions())
	require.NoError(t, err)
	for _, r := range rep.Results {
		want := Unsupported
		if r.Role == RoleServer && r.Suite == "modern" && r.Variant == "hardened" {
			want = Pass
		}
		require.Equal(t, want, r.Verdict, r.Name)
	}
	require.False(t, rep.Failed(), "unsupported cases must not fail the run")
}

// badParty misbehaves in process: it panics or hangs on every message.
type badParty struct {
	harness.Party
	hang bool
}

func (p *badParty) Handle(from string, msg []byte) (role.Output, error) {
	if p.hang {
		select {}
	}
	panic("the IUT fell over")
}

func TestInProcessPanicAndHang(t *testing.T) {
	for _, hang := range []bool{false, true} {
		factory := func() (IUT, error) {
			return &Builtin{Wrap: func(_ harness.Setup, _ string, p harness.Party) (Party, error) {
				return &badParty{Party: p, hang: hang}, nil
			}}, nil
		}
		o := toyOptions()
		o.Run = []string{"TOY/T1/honest[modern,hardened]"}
		o.Timeout = 300 * time.Millisecond
		rep, err := Run(factory, o)
		require.NoError(t, err)
		require.Len(t, rep.Results, 1)
		want := "panic: the IUT fell over"
		if hang {
			want = "timeout"
		}
		require.Equal(t, Fail, rep.Results[0].Verdict)
		require.Contains(t, rep.Results[0].Detail, want)
	}
}

// TestLenientAlertsNeedAProbe: lenient_alerts lets a wrong alert class
// through only where the run goes on after the rejection.
func TestLenientAlertsNeedAProbe(t *testing.T) {
	o := toyOptions()
	o.Suites, o.Variants = []string{"modern"}, []string{"hardened"}
	o.Config = &Config{LenientAlerts: true}
	m, _ := MutantByName("alert-class-wrong")
	rep, err := Run(m.Factory(), o)
	require.NoError(t, err)
	v := verdicts(rep)
	require.Equal(t, Pass, v["TOY/T1/mac-tampered[modern,hardened]"], "the genuine T1 follows the rejection")
	require.Equal(t, Fail, v["TOY/T3/replay[modern,hardened]"], "nothing follows the replay")
	for _, r := range rep.Results {
		switch r.Name {
		case "TOY/T1/mac-tampered[modern,hardened]":
			require.Contains(t, r.Detail, "lenient_alerts: the IUT rejected T1")
		case "TOY/T3/replay[modern,hardened]":
			require.Contains(t, r.Detail, "nothing follows here")
		}
	}
}
