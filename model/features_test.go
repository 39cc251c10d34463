package model

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/imcheck/imcheck/model/proto"
)

// verdicts checks every claim of a shipped model (or of src, when given)
// and returns the results of its first scenario by claim ID.
func verdicts(t *testing.T, name, src string) (*Report, map[string]*ClaimResult) {
	t.Helper()
	p := mustShipped(t, name)
	if src != "" {
		var err error
		if p, err = Parse(name+".imp", src); err != nil {
			t.Fatal(err)
		}
	}
	rep := checkModel(t, p, Options{})
	out := map[string]*ClaimResult{}
	for _, c := range rep.Scenarios[0].Claims {
		out[c.Claim.ID] = c
	}
	return rep, out
}

func shippedSource(t *testing.T, name string) string {
	t.Helper()
	b, err := shipped.ReadFile("protocols/" + name + ".imp")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestDiffieHellman: unsigned DH falls to a man in the middle who hands
// out a half key of its own, every attack replayed by the checker; the
// signed version holds every claim, each reached.
func TestDiffieHellman(t *testing.T) {
	rep, vs := verdicts(t, "dh", "")
	for id, c := range vs {
		if c.Verdict != VerdictAttack {
			t.Errorf("dh %s: %s, want an attack", id, c.Verdict)
			continue
		}
		if err := CheckTrace(rep.p(), rep.sc("default"), c.Trace); err != nil {
			t.Errorf("dh %s: the checker rejects the attack: %v", id, err)
		}
	}
	// the key the attacker derives is built on a half key of its own
	if w := vs["I_key"].Trace.Witness.String(); !strings.Contains(w, "exp(g, X.1)") || !strings.Contains(w, ", x") {
		t.Errorf("dh I_key: witness %s, want exp(exp(g, X.1), xN)", w)
	}
	_, vs = verdicts(t, "dh-signed", "")
	for id, c := range vs {
		if c.Verdict != VerdictNoAttack {
			t.Errorf("dh-signed %s: %s, want no attack within the bound", id, c.Verdict)
		}
	}
	// without R's signature over the half keys, the signed model falls too
	src := strings.Replace(shippedSource(t, "dh-signed"), "sign(<resp, A, GX, exp(g, Y)>, sk(B))", "sign(<resp, A>, sk(B))", 1)
	src = strings.Replace(src, "sign(<resp, A, exp(g, X), GY>, sk(B))", "sign(<resp, A>, sk(B))", 1)
	if _, vs = verdicts(t, "dh-signed", src); vs["I_key"].Verdict != VerdictAttack {
		t.Errorf("dh-signed without the half keys signed: I_key %s, want an attack", vs["I_key"].Verdict)
	}
}

// TestDenningSacco: Needham-Schroeder shared key with the server's keys
// revealed once its session is over: B accepts an old key (the reveal comes
// before B's session starts); the amended protocol holds. The checker
// refuses the attack once the reveal is moved after B's start (then the
// claim is excused) and a reveal of a session that has not reached its
// point.
func TestDenningSacco(t *testing.T) {
	rep, vs := verdicts(t, "nssk", "")
	c := vs["R_key"]
	if c.Verdict != VerdictAttack {
		t.Fatalf("nssk R_key: %s, want the Denning-Sacco attack", c.Verdict)
	}
	p, sc := rep.p(), rep.sc("old_key")
	if err := CheckTrace(p, sc, c.Trace); err != nil {
		t.Fatalf("the checker rejects the attack: %v", err)
	}
	reveal, rstart := -1, -1
	for i, s := range c.Trace.Steps {
		switch {
		case s.Kind == proto.StepReveal:
			reveal = i
		case s.Kind == proto.StepStart && s.Role == "R":
			rstart = i
		}
		if s.Kind == proto.StepStart && s.Role != "I" && s.Role != "S" && s.Role != "R" {
			t.Errorf("a helper role %s in the attack", s.Role)
		}
	}
	if reveal < 0 || rstart < 0 || reveal > rstart {
		t.Fatalf("reveal at step %d, R starts at step %d: want the reveal first", reveal, rstart)
	}
	if vs["I_key"].Verdict != VerdictNoAttack {
		t.Errorf("nssk I_key: %s", vs["I_key"].Verdict)
	}
	// moved after R's start, the reveal excuses R's claim
	r := c.Trace.Steps[reveal]
	late := moveStep(c.Trace, reveal, func(s proto.Step) bool { return s.Kind == proto.StepStart && s.Role == "R" })
	if err := CheckTrace(p, sc, late); !errors.Is(err, ErrBadTrace) || !strings.Contains(err.Error(), "revealed") {
		t.Errorf("a reveal after R's start: %v, want the claim excused", err)
	}
	// a reveal before S has sent its key
	early := moveStep(c.Trace, reveal, func(s proto.Step) bool { return s.Kind == proto.StepStart && s.Role == "S" })
	if err := CheckTrace(p, sc, early); !errors.Is(err, ErrBadTrace) || !strings.Contains(err.Error(), "point of reveal") {
		t.Errorf("a reveal before S's message: %v, want a rejection", err)
	}
	// a reveal twice
	twice := cloneTrace(c.Trace)
	twice.Steps = append(twice.Steps[:reveal+1:reveal+1], append([]proto.Step{r}, twice.Steps[reveal+1:]...)...)
	twice.Length++
	twice.Hit++
	if err := CheckTrace(p, sc, twice); !errors.Is(err, ErrBadTrace) || !strings.Contains(err.Error(), "twice") {
		t.Errorf("a reveal twice: %v, want a rejection", err)
	}
	_, vs = verdicts(t, "nssk-amended", "")
	for id, c := range vs {
		if c.Verdict != VerdictNoAttack {
			t.Errorf("nssk-amended %s: %s, want no attack within the bound", id, c.Verdict)
		}
	}
}

// TestWeakSecrets: EKE with the bijective cipher keeps its password; the
// same protocol with a redundant cipher, or with h(pw, Na) in clear, does
// not.
func TestWeakSecrets(t *testing.T) {
	_, vs := verdicts(t, "eke", "")
	for _, id := range []string{"A_pw", "B_pw", "A_key", "B_key"} {
		if vs[id].Verdict != VerdictNoAttack {
			t.Errorf("eke %s: %s, want no attack within the bound", id, vs[id].Verdict)
		}
	}
	rep, vs := verdicts(t, "eke", strings.ReplaceAll(shippedSource(t, "eke"), "benc(", "senc("))
	if vs["A_pw"].Verdict != VerdictAttack {
		t.Errorf("eke over senc: A_pw %s, want an offline guess", vs["A_pw"].Verdict)
	} else if err := CheckTrace(rep.p(), rep.sc("default"), vs["A_pw"].Trace); err != nil {
		t.Errorf("eke over senc: %v", err)
	}
	rep, vs = verdicts(t, "eke-hash", "")
	for _, id := range []string{"A_pw", "B_pw"} {
		if vs[id].Verdict != VerdictAttack {
			t.Errorf("eke-hash %s: %s, want an offline guess", id, vs[id].Verdict)
		} else if err := CheckTrace(rep.p(), rep.sc("default"), vs[id].Trace); err != nil {
			t.Errorf("eke-hash %s: %v", id, err)
		}
	}
}

// moveStep returns a copy of tr with step i moved to just after the first
// step that after matches; the violated step keeps its place.
func moveStep(tr *proto.Trace, i int, after func(proto.Step) bool) *proto.Trace {
	c := cloneTrace(tr)
	st := c.Steps[i]
	rest := append(c.Steps[:i:i], c.Steps[i+1:]...)
	for j, s := range rest {
		if after(s) {
			c.Steps = append(rest[:j+1:j+1], append([]proto.Step{st}, rest[j+1:]...)...)
			return c
		}
	}
	return c
}

// TestHonestRun: a claim that only an attacker-made message reaches is
// reached, but no honest run reaches it; a plain exchange has an honest
// run to every claim.
func TestHonestRun(t *testing.T) {
	src := `protocol p
role A(A: user, B: user) {
  knows A, B
  fresh N: nonce
  send m: <A, h(N)>
}
role B(B: user, A: user) {
  knows A, B
  var X: nonce
  recv m: <A, X>
  claim got: alive A
}
scenario s { users a, b dishonest e sessions 2 }
`
	_, vs := verdicts(t, "ping", src)
	if c := vs["got"]; !c.Reached || c.HonestRun {
		t.Errorf("got: reached %v, honest run %v; want reached only with the attacker", c.Reached, c.HonestRun)
	}
	_, vs = verdicts(t, "ping", strings.Replace(src, "var X: nonce", "var X", 1))
	if c := vs["got"]; !c.Reached || !c.HonestRun {
		t.Errorf("untyped X: reached %v, honest run %v; want an honest run", c.Reached, c.HonestRun)
	}
	for _, name := range []string{"nssk", "nssk-amended", "dh-signed", "eke"} {
		_, vs := verdicts(t, name, "")
		for id, c := range vs {
			if !c.HonestRun {
				t.Errorf("%s %s: no honest run", name, id)
			}
		}
	}
}

// TestClaimIfDistinct: "if distinct" keeps a claim to sessions of distinct
// agents: the attack on NSPK's responder remains, without an agent talking
// to itself, and the checker refuses the first trace for the new claim
// when that trace has such a session.
func TestClaimIfDistinct(t *testing.T) {
	_, vs := verdicts(t, "nspk", "")
	plain := vs["R.secret2"]
	src := strings.Replace(shippedSource(t, "nspk"), "  claim secret Nb\n  claim alive A", "  claim secret Nb if distinct\n  claim alive A", 1)
	drep, dvs := verdicts(t, "nspk", src)
	c := dvs["R.secret2"]
	if c.Verdict != VerdictAttack {
		t.Fatalf("R.secret2 if distinct: %s, want Lowe's attack", c.Verdict)
	}
	if a, id := selfSession(c.Trace); a != "" && c.Trace.Steps[c.Trace.Hit].Session == id {
		t.Errorf("the claiming session #%d has %s twice", id, a)
	}
	if err := CheckTrace(drep.p(), drep.sc("default"), c.Trace); err != nil {
		t.Errorf("the checker rejects the distinct attack: %v", err)
	}
	a, id := selfSession(plain.Trace)
	if a == "" || plain.Trace.Steps[plain.Trace.Hit].Session != id {
		t.Fatalf("the plain attack has no self-session at the claim; the test needs one")
	}
	if err := CheckTrace(drep.p(), drep.sc("default"), plain.Trace); !errors.Is(err, ErrBadTrace) {
		t.Errorf("the checker accepts a self-session hit of an 'if distinct' claim: %v", err)
	}
}

// TestUnorderedPairKey: a key shared by a pair in both directions,
// "secret k{X, Y}", is k(a, b) = k(b, a). A challenge-response under it
// falls to a reflection (a answers its own challenge in a responder
// session), which the directional key k(X, Y) of the same file hides.
func TestUnorderedPairKey(t *testing.T) {
	src := `protocol pairkey
secret k{X, Y}
const c1, c2
role I(A: user, B: user) {
  knows A, B, k(A, B)
  fresh Na: nonce
  send m1: senc(<c1, Na>, k(A, B))
  recv m2: senc(<c2, Na>, k(A, B))
  claim I_alive: alive B
}
role R(B: user, A: user) {
  knows A, B, k(B, A)
  var X: nonce
  recv m1: senc(<c1, X>, k(B, A))
  send m2: senc(<c2, X>, k(B, A))
}
scenario s { users a, b  dishonest e  sessions 2 }
`
	rep, vs := verdicts(t, "ping", src)
	c := vs["I_alive"]
	if c.Verdict != VerdictAttack || !c.HonestRun {
		t.Fatalf("unordered: I_alive %s, honest run %v; want the reflection and an honest run", c.Verdict, c.HonestRun)
	}
	if err := CheckTrace(rep.p(), rep.sc("s"), c.Trace); err != nil {
		t.Fatalf("the checker rejects the reflection: %v", err)
	}
	// written per direction (k(A, B) for I, k(B, A) for R), the keys differ:
	// R never answers I, and the claim holds where reached
	dir := strings.Replace(src, "secret k{X, Y}", "secret k(X, Y)", 1)
	dir = strings.ReplaceAll(dir, "k(B, A)", "k(A, B)")
	if _, vs = verdicts(t, "ping", dir); vs["I_alive"].Verdict != VerdictNoAttack {
		t.Errorf("directional: I_alive %s, want no attack", vs["I_alive"].Verdict)
	}
}

// TestRevealAfterEvent: a reveal at an event that ends a role (no message
// after it) is replayed by the checker: the Denning-Sacco attack of
// nssk.imp with S's key revealed after an event that closes S's role.
func TestRevealAfterEvent(t *testing.T) {
	src := strings.Replace(shippedSource(t, "nssk"), "  send m2: senc(<Na, B, Kab, senc(<Kab, A>, k(B, S))>, k(A, S))\n}",
		"  send m2: senc(<Na, B, Kab, senc(<Kab, A>, k(B, S))>, k(A, S))\n  event Issued(S, A, B, Kab)\n}", 1)
	src = strings.Replace(src, "reveal Kab of S", "reveal Kab of S after Issued", 1)
	rep, vs := verdicts(t, "nssk", src)
	c := vs["R_key"]
	if c.Verdict != VerdictAttack {
		t.Fatalf("R_key: %s, want the Denning-Sacco attack", c.Verdict)
	}
	if err := CheckTrace(rep.p(), rep.sc("old_key"), c.Trace); err != nil {
		t.Fatal(err)
	}
	if rep.Scenarios[0].Rejected != 0 {
		t.Errorf("%d traces rejected by the checker", rep.Scenarios[0].Rejected)
	}
}

// TestScenarioRoles: "roles" in a scenario keeps its sessions to those
// roles. The leaky responder L gives the secret away; with the scenario
// keeping to I and R it never runs, and the checker refuses a trace in
// which it does.
func TestScenarioRoles(t *testing.T) {
	src := `protocol roles
secret k(X, Y)
role I(A: user, B: user) {
  knows A, B, k(A, B)
  fresh N: nonce
  send m1: senc(N, k(A, B))
  claim I_secret: secret N
  recv m2: senc(<N, A>, k(A, B))
}
role R(B: user, A: user) {
  knows A, B, k(A, B)
  var X: nonce
  recv m1: senc(X, k(A, B))
  send m2: senc(<X, A>, k(A, B))
}
role L(B: user, A: user) {
  knows A, B, k(A, B)
  var X: nonce
  recv m1: senc(X, k(A, B))
  send leak: X
}
scenario all { users a, b  dishonest e  sessions 2 }
scenario kept { users a, b  dishonest e  sessions 2  roles I, R }
`
	p, err := Parse("roles.imp", src)
	if err != nil {
		t.Fatal(err)
	}
	rep := checkModel(t, p, Options{})
	all, kept := claimResult(t, rep, "all", "I_secret"), claimResult(t, rep, "kept", "I_secret")
	if all.Verdict != VerdictAttack {
		t.Fatalf("all roles: I_secret %s, want the leak", all.Verdict)
	}
	if kept.Verdict != VerdictNoAttack || !kept.Reached {
		t.Fatalf("roles I, R: I_secret %s (reached %v), want no attack, reached", kept.Verdict, kept.Reached)
	}
	if err := CheckTrace(rep.p(), rep.sc("all"), all.Trace); err != nil {
		t.Fatalf("the checker rejects the leak in its own scenario: %v", err)
	}
	if err := CheckTrace(rep.p(), rep.sc("kept"), all.Trace); err == nil {
		t.Fatal("the checker accepts a session of L in a scenario without it")
	}
}

// TestNotApplicable: a claim no session of a scenario can evaluate (the
// honest agents it needs are not there) is not applicable there, with the
// reason, whatever the engines find; where a session can evaluate it, the
// engines decide it as usual. A claim about the server in a scenario whose
// server is dishonest, and a claim about two users with one honest user.
func TestNotApplicable(t *testing.T) {
	src := `protocol na
secret k(X, Y)
role A(A: user, S: server, B: user) {
  knows A, S, B, k(A, S)
  fresh N: nonce
  send m1: senc(<B, N>, k(A, S))
  claim A_secret_S: secret N if honest A, S
  claim A_secret_B: secret N if honest A, B
}
role S(S: server, A: user, B: user) {
  knows A, S, B, k(A, S)
  var X: nonce
  recv m1: senc(<B, X>, k(A, S))
}
scenario honest { users a, b  server s  sessions 2  distinct }
scenario bad_server { users a, b  server s dishonest  sessions 1  distinct }
scenario one_user { users a  dishonest e  server s  sessions 2  distinct }
`
	p, err := Parse("na.imp", src)
	if err != nil {
		t.Fatal(err)
	}
	rep := checkModel(t, p, Options{})
	for _, tc := range []struct {
		scenario, claim string
		na              bool
	}{
		{"honest", "A_secret_S", false}, {"honest", "A_secret_B", false},
		{"bad_server", "A_secret_S", true}, {"bad_server", "A_secret_B", false},
		{"one_user", "A_secret_S", false}, {"one_user", "A_secret_B", true},
	} {
		c := claimResult(t, rep, tc.scenario, tc.claim)
		if got := c.Verdict == VerdictNotApplicable; got != tc.na {
			t.Errorf("%s#%s: %s, want not applicable %v", tc.scenario, tc.claim, c.Verdict, tc.na)
			continue
		}
		if tc.na && (c.NotApplicable == "" || c.Reached || c.Prover != "" || c.Verdict.Code() != 'n') {
			t.Errorf("%s#%s: reason %q, reached %v, prover %q", tc.scenario, tc.claim, c.NotApplicable, c.Reached, c.Prover)
		}
		if !tc.na && c.NotApplicable != "" {
			t.Errorf("%s#%s: a reason %q on a %s verdict", tc.scenario, tc.claim, c.NotApplicable, c.Verdict)
		}
	}
	var out strings.Builder
	rep.WriteText(&out, false)
	if !strings.Contains(out.String(), "NOT APPLICABLE (no session of A has A, S honest") {
		t.Errorf("text output without the reason:\n%s", out.String())
	}
}

// TestAssumesUnguessed: where a weaksecret claim has an attack, every
// verdict of the scenario that is not an attack says it holds only
// against an attacker who leaves the guessable secret unused, in the
// text and in the JSON; nowhere else.
func TestAssumesUnguessed(t *testing.T) {
	for _, tc := range []struct {
		model     string
		guessable string // the scenario's Guessable, joined
		marked    string // the claims AssumesUnguessed marks, joined
	}{
		{"eke-hash", "A_pw B_pw", "A_key B_key"},
		{"eke", "", ""},
		{"nspk", "", ""},
	} {
		t.Run(tc.model, func(t *testing.T) {
			rep := checkModel(t, mustShipped(t, tc.model), Options{})
			s := rep.Scenarios[0]
			var marked []string
			for _, c := range s.Claims {
				if s.AssumesUnguessed(c) {
					marked = append(marked, c.Claim.ID)
				}
			}
			if got := strings.Join(s.Guessable(), " "); got != tc.guessable {
				t.Errorf("guessable %q, want %q", got, tc.guessable)
			}
			if got := strings.Join(marked, " "); got != tc.marked {
				t.Errorf("marked %q, want %q", got, tc.marked)
			}
			var text, js bytes.Buffer
			rep.WriteText(&text, false)
			if err := WriteJSON(&js, []*Report{rep}); err != nil {
				t.Fatal(err)
			}
			note := strings.Contains(text.String(), "hold only against an attacker who leaves it unused")
			if note != (tc.marked != "") {
				t.Errorf("the text's note is there: %v; want %v:\n%s", note, tc.marked != "", text.String())
			}
			if n := strings.Count(js.String(), `"assumes_unguessed": true`) + strings.Count(js.String(), `"assumes_unguessed":true`); n != len(marked) {
				t.Errorf("JSON marks %d claims, want %d", n, len(marked))
			}
		})
	}
}
