package model

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func mustShipped(t testing.TB, name string) *proto.Protocol {
	t.Helper()
	p, err := LoadShipped(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// checkModel checks p; the tests of the bounded search get it alone
// (ModeBounded) unless they ask for another mode.
func checkModel(t testing.TB, p *proto.Protocol, opt Options) *Report {
	t.Helper()
	if opt.Mode == ModeBoth {
		opt.Mode = ModeBounded
	}
	rep, err := Check(context.Background(), p, opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

var (
	shippedOnce sync.Once
	shippedReps []*Report
	shippedErr  error

	boundedOnce sync.Once
	boundedReps []*Report
	boundedErr  error
)

// boundedReports checks every shipped model once with the bounded search
// alone (every claim searched).
func boundedReports(t testing.TB) []*Report {
	t.Helper()
	boundedOnce.Do(func() {
		for _, f := range Shipped() {
			p, err := LoadShipped(f)
			if err != nil {
				boundedErr = err
				return
			}
			rep, err := Check(context.Background(), p, Options{Mode: ModeBounded})
			if err != nil {
				boundedErr = err
				return
			}
			boundedReps = append(boundedReps, rep)
		}
	})
	if boundedErr != nil {
		t.Fatal(boundedErr)
	}
	return boundedReps
}

// shippedReports checks every shipped model once at its own bound and
// shares the reports between the tests that read them.
func shippedReports(t testing.TB) []*Report {
	t.Helper()
	shippedOnce.Do(func() {
		for _, f := range Shipped() {
			p, err := LoadShipped(f)
			if err != nil {
				shippedErr = err
				return
			}
			rep, err := Check(context.Background(), p, Options{})
			if err != nil {
				shippedErr = err
				return
			}
			shippedReps = append(shippedReps, rep)
		}
	})
	if shippedErr != nil {
		t.Fatal(shippedErr)
	}
	return shippedReps
}

func claimResult(t testing.TB, rep *Report, scenario, id string) *ClaimResult {
	t.Helper()
	for _, s := range rep.Scenarios {
		if s.Name != scenario {
			continue
		}
		for _, c := range s.Claims {
			if c.Claim.ID == id {
				return c
			}
		}
	}
	t.Fatalf("no claim %s in scenario %s", id, scenario)
	return nil
}

// TestGolden checks the verdict codes of every shipped model, as computed
// by the engine, against testdata/verdicts.golden (go test -update).
func TestGolden(t *testing.T) {
	var b strings.Builder
	for _, rep := range shippedReports(t) {
		b.WriteString(rep.Protocol + " " + rep.Codes() + "\n")
	}
	golden := filepath.Join("testdata", "verdicts.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./model/ -update)", err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("verdict codes changed (A attack, - none within the bound):\ngot:\n%s\nwant:\n%s", got, want)
	}
}

func TestNSPKLowe(t *testing.T) {
	rep := checkModel(t, mustShipped(t, "nspk"), Options{})
	for _, id := range []string{"R.secret2", "R.niagree", "R.weakagree"} {
		c := claimResult(t, rep, "default", id)
		if c.Verdict != VerdictAttack {
			t.Fatalf("%s: %s, want an attack", id, c.Verdict)
		}
		if err := CheckTrace(rep.p(), rep.sc("default"), c.Trace); err != nil {
			t.Fatalf("%s: reported trace fails the checker: %v", id, err)
		}
		if c.Trace.Length != 6 {
			t.Errorf("%s: attack has %d steps; Lowe's attack has 6", id, c.Trace.Length)
		}
		// Lowe: a starts a session with the dishonest e
		if s := c.Trace.Steps[0]; s.Kind != proto.StepStart || s.Role != "I" || s.Agents[1] != "e" {
			t.Errorf("%s: first step %+v, want a session of I with e", id, s)
		}
	}
	if c := claimResult(t, rep, "default", "I.secret"); c.Verdict != VerdictNoAttack {
		t.Errorf("I.secret: %s", c.Verdict)
	}
}

func TestNSLNoAttack(t *testing.T) {
	p := mustShipped(t, "nsl")
	for _, n := range []int{2, 3} {
		rep := checkModel(t, p, Options{Sessions: n})
		for _, s := range rep.Scenarios {
			if s.Sessions != n {
				t.Fatalf("bound %d sessions, want %d", s.Sessions, n)
			}
			for _, c := range s.Claims {
				if c.Verdict != VerdictNoAttack {
					t.Errorf("%d sessions: %s: %s", n, c.Claim.ID, c.Verdict)
				}
			}
		}
	}
}

// TestDeterministic: the output (text with traces, JSON, Mermaid: verdicts,
// traces and state counts) is the same byte for byte whatever GOMAXPROCS and
// Options.Jobs are, on models whose search is cut into many parallel tasks.
func TestDeterministic(t *testing.T) {
	for _, name := range []string{"nspk", "imke-c"} {
		p := mustShipped(t, name)
		var outs [][]byte
		type run struct{ procs, jobs int }
		runs := []run{{1, 1}, {1, 4}, {4, 1}, {4, 8}, {2, 2}}
		for _, r := range runs {
			old := runtime.GOMAXPROCS(r.procs)
			rep, err := Check(context.Background(), p, Options{Sessions: 3, Jobs: r.jobs})
			if err != nil {
				t.Fatal(err)
			}
			runtime.GOMAXPROCS(old)
			var b bytes.Buffer
			rep.WriteText(&b, true)
			if err := WriteJSON(&b, []*Report{rep}); err != nil {
				t.Fatal(err)
			}
			rep.WriteMermaid(&b)
			outs = append(outs, b.Bytes())
		}
		for i := 1; i < len(outs); i++ {
			if !bytes.Equal(outs[0], outs[i]) {
				t.Errorf("%s: output differs between GOMAXPROCS=%d --jobs %d and GOMAXPROCS=%d --jobs %d",
					name, runs[0].procs, runs[0].jobs, runs[i].procs, runs[i].jobs)
			}
		}
	}
}

func TestTimeoutStopsCleanly(t *testing.T) {
	p := mustShipped(t, "nsl")
	rep := checkModel(t, p, Options{Sessions: 3, MaxStates: 300})
	for _, c := range rep.Scenarios[0].Claims {
		if c.Verdict != VerdictTimeout {
			t.Errorf("%s: %s after a stopped search, want %s", c.Claim.ID, c.Verdict, VerdictTimeout)
		}
	}
	if !rep.Undecided() {
		t.Error("report does not say it is undecided")
	}
}

func TestCheckerRejectsCorruptedTraces(t *testing.T) {
	rep := checkModel(t, mustShipped(t, "nspk"), Options{})
	c := claimResult(t, rep, "default", "R.secret2")
	good := c.Trace
	p, sc := rep.p(), rep.sc("default")
	if err := CheckTrace(p, sc, good); err != nil {
		t.Fatalf("good trace rejected: %v", err)
	}
	idx := func(k proto.StepKind, n int) int {
		for i, s := range good.Steps {
			if s.Kind == k {
				if n == 0 {
					return i
				}
				n--
			}
		}
		t.Fatalf("no step %s", k)
		return -1
	}
	secret := &term.Name{Text: "Nx.9", Kind: term.KindFresh, Type: "nonce"}
	cases := []struct {
		name    string
		corrupt func(tr *proto.Trace)
	}{
		{"received message the attacker cannot build", func(tr *proto.Trace) {
			i := idx(proto.StepRecv, 0)
			tr.Steps[i].Term = term.Fn(term.FnAenc, term.Tuple(secret, &term.Name{Text: "a", Kind: term.KindAgent, Type: "agent"}), term.Fn(term.FnPK, term.Fn("sk", &term.Name{Text: "b", Kind: term.KindAgent, Type: "agent"})))
		}},
		{"send dropped", func(tr *proto.Trace) {
			i := idx(proto.StepSend, 0)
			tr.Steps = append(tr.Steps[:i:i], tr.Steps[i+1:]...)
			tr.Hit--
			tr.Length--
		}},
		{"sent message altered", func(tr *proto.Trace) {
			i := idx(proto.StepSend, 1)
			tr.Steps[i].Term = term.Fn(term.FnAenc, secret, term.Fn(term.FnPK, term.Fn("sk", &term.Name{Text: "a", Kind: term.KindAgent, Type: "agent"})))
		}},
		{"steps reordered", func(tr *proto.Trace) {
			i, j := idx(proto.StepRecv, 1), idx(proto.StepSend, 2)
			tr.Steps[i], tr.Steps[j] = tr.Steps[j], tr.Steps[i]
		}},
		{"violated step is not a claim", func(tr *proto.Trace) { tr.Hit = 0 }},
		{"claim that holds", func(tr *proto.Trace) {
			tr.Claim = "R.alive"
			tr.Kind = proto.ClaimAlive
			for i, s := range tr.Steps {
				if s.Kind == proto.StepClaim && s.Label == "R.alive" {
					tr.Hit = i
				}
			}
		}},
		{"wrong length", func(tr *proto.Trace) { tr.Length++ }},
		{"honest agent replaced by the attacker", func(tr *proto.Trace) {
			for i, s := range tr.Steps {
				if s.Kind == proto.StepStart && s.Role == "R" {
					tr.Steps[i].Agents = []string{"b", "e"}
				}
			}
		}},
		{"unknown agent", func(tr *proto.Trace) { tr.Steps[0].Agents = []string{"a", "zed"} }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr := cloneTrace(good)
			tc.corrupt(tr)
			err := CheckTrace(p, sc, tr)
			if err == nil {
				t.Fatal("corrupted trace accepted")
			}
			if !errors.Is(err, ErrBadTrace) {
				t.Fatalf("error %v does not wrap ErrBadTrace", err)
			}
		})
	}
}

func cloneTrace(tr *proto.Trace) *proto.Trace {
	c := *tr
	c.Steps = make([]proto.Step, len(tr.Steps))
	copy(c.Steps, tr.Steps)
	for i := range c.Steps {
		c.Steps[i].Agents = append([]string(nil), tr.Steps[i].Agents...)
	}
	return &c
}

// TestEveryClaimReached: in every shipped model each claim is reached by an
// honest session in at least one scenario, so that no "no attack" verdict
// is vacuous there. The composed models (every phase of a protocol in one
// model) must be among them, and for them each compromise (a scenario with
// a reveal or a dishonest server) is held to more: in its scenario every
// claim is reached or not applicable, and a claim not applicable there is
// reached in a companion scenario with the same compromise (unless it is
// not applicable under the compromise itself, whatever the honest users),
// except where undecidedCompromises says why the engine cannot.
func TestEveryClaimReached(t *testing.T) {
	composed := map[string]bool{"simp_full": false, "simp_full_hardened": false, "imke_full": false, "imke_full_hardened": false}
	defer func() {
		for name, seen := range composed {
			if !seen {
				t.Errorf("composed model %s is not shipped", name)
			}
		}
	}()
	for _, rep := range boundedReports(t) {
		p := rep.p()
		reached := map[string]bool{}
		for _, s := range rep.Scenarios {
			for _, c := range s.Claims {
				reached[c.Claim.ID] = reached[c.Claim.ID] || c.Reached
				if c.Verdict == VerdictAttack && !c.Reached {
					t.Errorf("%s/%s#%s: an attack on a claim never reached", p.Name, s.Name, c.Claim.ID)
				}
				if c.Verdict == VerdictNotApplicable && (c.Reached || c.Trace != nil || c.NotApplicable == "") {
					t.Errorf("%s/%s#%s: not applicable, yet reached %v, trace %v, reason %q", p.Name, s.Name, c.Claim.ID, c.Reached, c.Trace != nil, c.NotApplicable)
				}
			}
		}
		for _, c := range p.Claims {
			if !reached[c.ID] {
				t.Errorf("%s#%s: no honest session reaches the claim in any scenario", p.Name, c.ID)
			}
		}
		if _, ok := composed[p.Name]; ok {
			composed[p.Name] = true
			compromisesDecided(t, rep)
		}
	}
}

// undecidedCompromises are the compromise scenarios of the composed models
// whose not-applicable claims no companion scenario decides, and why
// (imke.md §11.3): the companion's search does not end within the default
// run's time.
var undecidedCompromises = map[string]string{
	"imke_full/server_key_revealed":                       "KR_S known from the start: the peers' scenario (A, S, B, 3 sessions) passed 9,000,000 states in 6 min without ending",
	"imke_full/server_and_dynamic_keys_revealed":          "the peers' scenario passed 2,200,000 states in 2 min without ending",
	"imke_full_hardened/server_and_dynamic_keys_revealed": "the peers' scenario is 1,218,389 states (about 50 s)",
}

// compromisesDecided checks the compromise scenarios of one composed model:
// every claim reached or not applicable, and every not-applicable claim
// reached in a scenario with the same compromise.
func compromisesDecided(t *testing.T, rep *Report) {
	t.Helper()
	p := rep.p()
	key := func(sc *Scenario) string {
		var k []string
		for _, r := range sc.Reveal {
			k = append(k, "reveal "+r.String())
		}
		for _, r := range sc.SessionReveals {
			k = append(k, "reveal "+r.Text)
		}
		slices.Sort(k)
		return strings.Join(append(k, "dishonest servers "+strings.Join(sc.DishonestServers, " ")), "; ")
	}
	reachedIn := map[string]map[string]bool{} // compromise -> claims reached
	for _, s := range rep.Scenarios {
		k := key(rep.sc(s.Name))
		if reachedIn[k] == nil {
			reachedIn[k] = map[string]bool{}
		}
		for _, c := range s.Claims {
			if c.Reached {
				reachedIn[k][c.Claim.ID] = true
			}
		}
	}
	used := map[string]bool{}
	for _, s := range rep.Scenarios {
		sc := rep.sc(s.Name)
		if len(sc.Reveal)+len(sc.SessionReveals)+len(sc.DishonestServers) == 0 {
			continue
		}
		id := p.Name + "/" + s.Name
		var missing []string
		for _, c := range s.Claims {
			switch {
			case c.Verdict == VerdictNotApplicable:
				// not applicable under the compromise itself (a claim
				// about an honest server, with the server dishonest)
				// whatever the honest users: nothing to decide
				more := *sc
				more.Users = append(append([]string(nil), sc.Users...), "x1", "x2")
				if notApplicable(p, &more, c.Claim) != "" {
					continue
				}
				if !reachedIn[key(sc)][c.Claim.ID] {
					missing = append(missing, c.Claim.ID)
				}
			case !c.Reached:
				t.Errorf("%s#%s: %s, neither reached nor not applicable in the compromise scenario", id, c.Claim.ID, c.Verdict)
			}
		}
		if len(missing) > 0 {
			if why, ok := undecidedCompromises[id]; ok {
				used[id] = true
				t.Logf("%s: %s undecided: %s", id, strings.Join(missing, ", "), why)
				continue
			}
			t.Errorf("%s: %s not applicable there and reached in no scenario with the same compromise (%s)", id, strings.Join(missing, ", "), key(sc))
		}
	}
	for id := range undecidedCompromises {
		if strings.HasPrefix(id, p.Name+"/") && !used[id] {
			t.Errorf("%s is listed as undecided, but every claim of its compromise is decided", id)
		}
	}
}

func TestParseShipped(t *testing.T) {
	if len(Shipped()) < 7 {
		t.Fatalf("only %d shipped models", len(Shipped()))
	}
	for _, f := range Shipped() {
		p := mustShipped(t, f)
		if len(p.Claims) == 0 || len(p.Scenarios) == 0 {
			t.Errorf("%s: no claims or no scenario", f)
		}
	}
}
