package model

import (
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/imcheck/imcheck/model/proto"
)

// Report is the result of checking one protocol file.
type Report struct {
	Protocol  string
	File      string
	Scenarios []*ScenarioResult
	proto     *Protocol
}

// ScenarioResult is the result of one scenario.
type ScenarioResult struct {
	Name      string
	Sessions  int
	Typed     bool
	Honest    []string
	Dishonest []string
	Claims    []*ClaimResult
	States    int // states explored, all searches of the scenario
	Rejected  int // attack traces the checker refused (never printed)
	Elapsed   time.Duration
	// Stopped says why the search stopped before covering the bounded
	// space ("timeout", "interrupted", "memory limit 1024 MiB", ...), ""
	// if it covered it.
	Stopped string
	// Prover is the unbounded prover's work on the scenario; nil when it
	// did not run (--bounded-only).
	Prover *ProverStats
}

// ProverStats is the work of the unbounded prover on one scenario.
type ProverStats struct {
	Steps     int  // resolution steps
	Clauses   int  // clauses generated
	Exhausted bool // the budget ran out before saturation
	Elapsed   time.Duration
}

// ClaimResult is the verdict for one claim in one scenario.
type ClaimResult struct {
	Claim   *Claim
	Verdict Verdict
	Trace   *Trace // a shortest attack, when Verdict is VerdictAttack
	States  int    // states explored by the search that decided it
	// Reached is false when no honest session ever reached the claim in
	// the bound: "no attack" then says nothing (e.g. the claim needs an
	// agent the scenario makes dishonest).
	Reached bool
	// HonestRun: an execution without the attacker (honest agents, every
	// message delivered unchanged) reaches the claim within the bound.
	// False for a reached claim means the claim is reached only with the
	// attacker's help or a dishonest agent's.
	HonestRun bool
	// Prover is the unbounded prover's outcome: "proved", or why it did
	// not prove the claim ("not applicable: ...", "not proved: ..."); ""
	// when the prover did not run. ProverDetail is the clause behind a
	// "not proved", for the JSON output.
	Prover       string
	ProverDetail string
	// NotApplicable says why no session of the scenario can evaluate the
	// claim (Verdict VerdictNotApplicable); "" otherwise.
	NotApplicable string
}

// Guessable names the weaksecret claims of the scenario that have an
// attack: weak secrets the attacker can guess offline here. Neither the
// search nor the prover lets it use the guess (docs/model.md, "Weak
// secrets"), so the scenario's other verdicts but attacks assume it
// leaves the guessed secret unused (AssumesUnguessed).
func (s *ScenarioResult) Guessable() []string {
	var out []string
	for _, c := range s.Claims {
		if c.Claim.Kind == proto.ClaimWeakSecret && c.Verdict == VerdictAttack {
			out = append(out, c.Claim.ID)
		}
	}
	return out
}

// AssumesUnguessed reports whether c's verdict, PROVED or no attack
// within the bound, rests on the attacker never using a weak secret it
// can guess offline in s.
func (s *ScenarioResult) AssumesUnguessed(c *ClaimResult) bool {
	return (c.Verdict == VerdictProved || c.Verdict == VerdictNoAttack) && c.Claim.Kind != proto.ClaimWeakSecret && len(s.Guessable()) > 0
}

// Attacked reports whether any claim of the report has an attack.
func (r *Report) Attacked() bool {
	for _, s := range r.Scenarios {
		for _, c := range s.Claims {
			if c.Verdict == VerdictAttack {
				return true
			}
		}
	}
	return false
}

// Undecided reports whether any claim ran out of time.
func (r *Report) Undecided() bool {
	for _, s := range r.Scenarios {
		for _, c := range s.Claims {
			if c.Verdict == VerdictTimeout {
				return true
			}
		}
	}
	return false
}

// Codes is the golden form: per scenario, one character per claim
// ('P' proved, 'A' attack, '-' no attack within the bound, '?' stopped at
// the timeout, 'u' never reached, 'n' not applicable in the scenario).
func (r *Report) Codes() string {
	var b strings.Builder
	for i, s := range r.Scenarios {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s.Name)
		b.WriteByte('=')
		for _, c := range s.Claims {
			b.WriteByte(c.Verdict.Code())
		}
	}
	return b.String()
}

// Bound describes the bound of a scenario in words.
func (s *ScenarioResult) Bound() string {
	typ := "typed"
	if !s.Typed {
		typ = "untyped"
	}
	d := "none"
	if len(s.Dishonest) > 0 {
		d = strings.Join(s.Dishonest, " ")
	}
	return fmt.Sprintf("%s, honest %s, dishonest %s, %s matching", Count(s.Sessions, "session"), strings.Join(s.Honest, " "), d, typ)
}

// WriteText writes the report as plain text.
func (r *Report) WriteText(w io.Writer, traces bool) {
	fmt.Fprintf(w, "%s (%s)\n", r.Name(), r.File)
	for _, s := range r.Scenarios {
		stopped := ""
		if s.Stopped != "" {
			stopped = " (stopped: " + s.Stopped + ")"
		}
		prover := ""
		if s.Prover != nil {
			prover = fmt.Sprintf("; prover %s", Count(s.Prover.Steps, "resolution step"))
			if s.Prover.Exhausted {
				prover += " (budget reached)"
			}
		}
		fmt.Fprintf(w, "  scenario %s: %s; %d states%s%s\n", s.Name, s.Bound(), s.States, prover, stopped)
		for _, c := range s.Claims {
			v := "no attack within the bound"
			switch c.Verdict {
			case VerdictProved:
				v = "PROVED (any number of sessions)"
			case VerdictAttack:
				v = fmt.Sprintf("ATTACK (%s)", Count(c.Trace.Length, "step"))
			case VerdictTimeout:
				v = "UNDECIDED (the search stopped)"
			case VerdictUnreached:
				v = "UNREACHED (no honest session reached the claim within the bound)"
			case VerdictNotApplicable:
				v = "NOT APPLICABLE (" + c.NotApplicable + ")"
			}
			fmt.Fprintf(w, "    %-28s %-44s %s\n", c.Claim.ID, c.Claim.Text, v)
			if c.Verdict != VerdictProved && c.Prover != "" {
				fmt.Fprintf(w, "    %-28s prover: %s\n", "", c.Prover)
			}
		}
		var noRun []string
		for _, c := range s.Claims {
			if !c.HonestRun && c.Verdict != VerdictNotApplicable {
				noRun = append(noRun, c.Claim.ID)
			}
		}
		if len(noRun) > 0 {
			fmt.Fprintf(w, "    no honest run reaches %s: only the attacker or a dishonest agent gets there\n", strings.Join(noRun, ", "))
		}
		var unguessed []string
		for _, c := range s.Claims {
			if s.AssumesUnguessed(c) {
				unguessed = append(unguessed, c.Claim.ID)
			}
		}
		if len(unguessed) > 0 {
			fmt.Fprintf(w, "    a weak secret is guessable offline here (%s), and neither the prover nor the search lets the attacker use the guess: %s hold only against an attacker who leaves it unused (docs/model.md, \"Weak secrets\")\n",
				strings.Join(s.Guessable(), ", "), strings.Join(unguessed, ", "))
		}
		if !traces {
			continue
		}
		for _, c := range s.Claims {
			if c.Trace != nil {
				fmt.Fprintf(w, "\n    attack on %s (%s):\n", c.Claim.ID, c.Claim.Text)
				c.Trace.WriteText(w, "      ")
				if a, id := selfSession(c.Trace); a != "" {
					fmt.Fprintf(w, "      note: in session #%d %s talks to itself; 'distinct' in the scenario, or 'if distinct' on the claim, rules such sessions out\n", id, a)
				}
			}
		}
	}
}

// Proto returns the compiled protocol the report is about.
func (r *Report) Proto() *Protocol { return r.proto }

// p and sc give tests the protocol and scenarios behind a report.
func (r *Report) p() *Protocol { return r.proto }

func (r *Report) sc(name string) *Scenario {
	for _, s := range r.proto.Scenarios {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Count is n and the noun, plural unless n is 1: "1 session", "3 steps".
func Count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Name is the model's name as attack IDs (NAME/scenario#claim) and
// docs/claims.md spell it: the file's name without ".imp" (imke-b-hardened)
// when the protocol's declared name is that with underscores
// (imke_b_hardened), else the declared name.
func (r *Report) Name() string {
	stem := strings.TrimSuffix(path.Base(r.File), ".imp")
	if strings.ReplaceAll(stem, "-", "_") == r.Protocol {
		return stem
	}
	return r.Protocol
}

// selfSession returns an agent that plays two parameters of one session of
// the trace, and the session, or "".
func selfSession(t *Trace) (string, int) {
	for _, s := range t.Steps {
		if s.Kind != proto.StepStart {
			continue
		}
		for i := range s.Agents {
			for j := i + 1; j < len(s.Agents); j++ {
				if s.Agents[i] == s.Agents[j] {
					return s.Agents[i], s.Session
				}
			}
		}
	}
	return "", 0
}
