package model

import (
	"fmt"
	"io"
	"strings"
	"time"
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
// ('A' attack, '-' no attack within the bound, '?' undecided).
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
	return fmt.Sprintf("%d sessions, honest %s, dishonest %s, %s matching", s.Sessions, strings.Join(s.Honest, " "), d, typ)
}

// WriteText writes the report as plain text.
func (r *Report) WriteText(w io.Writer, traces bool) {
	fmt.Fprintf(w, "%s (%s)\n", r.Protocol, r.File)
	for _, s := range r.Scenarios {
		fmt.Fprintf(w, "  scenario %s: %s; %d states\n", s.Name, s.Bound(), s.States)
		for _, c := range s.Claims {
			v := "no attack within the bound"
			if !c.Reached {
				v += " (never reached)"
			}
			switch c.Verdict {
			case VerdictAttack:
				v = fmt.Sprintf("ATTACK (%d steps)", c.Trace.Length)
			case VerdictTimeout:
				v = "UNDECIDED (stopped at the timeout)"
			}
			fmt.Fprintf(w, "    %-28s %-44s %s\n", c.Claim.ID, c.Claim.Text, v)
		}
		if !traces {
			continue
		}
		for _, c := range s.Claims {
			if c.Trace != nil {
				fmt.Fprintf(w, "\n    attack on %s (%s):\n", c.Claim.ID, c.Claim.Text)
				c.Trace.WriteText(w, "      ")
			}
		}
	}
}

// WriteText writes the trace one step a line. Of the claim steps, only the
// violated one (two for "unique") is shown.
func (t *Trace) WriteText(w io.Writer, indent string) {
	n := 0
	for i, s := range t.Steps {
		mark := ""
		if t.violated(i) {
			mark = "   <-- violated"
		}
		switch s.Kind {
		case StepStart:
			fmt.Fprintf(w, "%s   start  #%d %s(%s)\n", indent, s.Session, s.Role, strings.Join(s.Agents, ", "))
		case StepSend:
			n++
			fmt.Fprintf(w, "%s%2d. #%d send %s %v\n", indent, n, s.Session, lbl(s.Label), s.Term)
		case StepRecv:
			n++
			fmt.Fprintf(w, "%s%2d. #%d recv %s %v\n", indent, n, s.Session, lbl(s.Label), s.Term)
		case StepEvent:
			fmt.Fprintf(w, "%s   event  #%d %v\n", indent, s.Session, Fn(s.Label, s.Args...))
		case StepClaim:
			// only the violated claim step: the others are reached but hold
			if mark != "" {
				fmt.Fprintf(w, "%s   claim  #%d %s%s\n", indent, s.Session, s.Label, mark)
			}
		case StepReveal:
			n++
			fmt.Fprintf(w, "%s%2d. reveal %v (after #%d reached %s)\n", indent, n, Tuple(s.Args...), s.Session, s.Label)
		}
	}
	if t.Witness != nil {
		fmt.Fprintf(w, "%s   %s\n", indent, t.explain())
	}
}

func lbl(l string) string {
	if l == "" {
		return ""
	}
	return l + ":"
}

func (t *Trace) explain() string {
	switch t.Kind {
	case ClaimSecret, ClaimFSecret:
		return fmt.Sprintf("the attacker derives %v", t.Witness)
	case ClaimAlive:
		return fmt.Sprintf("%v never ran the protocol", t.Witness)
	case ClaimWeakAgree:
		return fmt.Sprintf("%v never ran the protocol with the claimant", t.Witness)
	case ClaimNIAgree, ClaimInjAgree:
		return fmt.Sprintf("no matching earlier event %v", t.Witness)
	case ClaimUnique:
		return fmt.Sprintf("the same %v is accepted or used twice", t.Witness)
	case ClaimWeakSecret:
		return fmt.Sprintf("the attacker can test guesses of %v offline", t.Witness)
	}
	return ""
}

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

// violated reports whether step i is the violated claim step (or, for
// "unique", the second use).
func (t *Trace) violated(i int) bool {
	return i == t.Hit || i == t.Hit2 && t.Kind == ClaimUnique
}
