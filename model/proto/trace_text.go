package proto

import (
	"fmt"
	"io"
	"strings"

	"github.com/imcheck/imcheck/model/term"
)

// WriteText writes the trace one step a line. Of the claim steps, only the
// violated one (two for "unique") is shown.
func (t *Trace) WriteText(w io.Writer, indent string) {
	n := 0
	for i, s := range t.Steps {
		mark := ""
		if t.Violated(i) {
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
			fmt.Fprintf(w, "%s   event  #%d %v\n", indent, s.Session, term.Fn(s.Label, s.Args...))
		case StepClaim:
			// only the violated claim step: the others are reached but hold
			if mark != "" {
				fmt.Fprintf(w, "%s   claim  #%d %s%s\n", indent, s.Session, s.Label, mark)
			}
		case StepReveal:
			n++
			if s.Role != "" { // a session-value reveal of the scenario
				fmt.Fprintf(w, "%s%2d. reveal %v (%s, session #%d)\n", indent, n, term.Tuple(s.Args...), s.Label, s.Session)
				break
			}
			fmt.Fprintf(w, "%s%2d. reveal %v (after #%d reached %s)\n", indent, n, term.Tuple(s.Args...), s.Session, s.Label)
		}
	}
	if t.Witness != nil {
		fmt.Fprintf(w, "%s   %s\n", indent, t.Explain())
	}
}

func lbl(l string) string {
	if l == "" {
		return ""
	}
	return l + ":"
}

func (t *Trace) Explain() string {
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

// Violated reports whether step i is the violated claim step (or, for
// "unique", the second use).
func (t *Trace) Violated(i int) bool {
	return i == t.Hit || i == t.Hit2 && t.Kind == ClaimUnique
}

// WriteMermaid writes the trace as a Mermaid sequenceDiagram: one
// participant per session and one for the attacker.
func (t *Trace) WriteMermaid(w io.Writer) {
	fmt.Fprintln(w, "sequenceDiagram")
	fmt.Fprintln(w, "    participant E as Attacker")
	part := func(id int) string { return fmt.Sprintf("S%d", id) }
	for i, s := range t.Steps {
		switch s.Kind {
		case StepStart:
			// No leading '#': Mermaid would read it as an entity code
			// and leave the lifeline's label empty.
			fmt.Fprintf(w, "    participant %s as session %d: %s(%s)\n", part(s.Session), s.Session, s.Role, strings.Join(s.Agents, ", "))
		case StepSend:
			fmt.Fprintf(w, "    %s->>E: %s%s\n", part(s.Session), lbl(s.Label), mm(s.Term.String()))
		case StepRecv:
			fmt.Fprintf(w, "    E->>%s: %s%s\n", part(s.Session), lbl(s.Label), mm(s.Term.String()))
		case StepEvent:
			fmt.Fprintf(w, "    Note over %s: %s\n", part(s.Session), mm(term.Fn(s.Label, s.Args...).String()))
		case StepClaim:
			if t.Violated(i) {
				fmt.Fprintf(w, "    Note over %s: claim %s violated\n", part(s.Session), mm(s.Label))
			}
		case StepReveal:
			fmt.Fprintf(w, "    Note over E: reveal %s\n", mm(term.Tuple(s.Args...).String()))
		}
	}
	if t.Witness != nil {
		fmt.Fprintf(w, "    Note over E: %s\n", mm(t.Explain()))
	}
}

// mm escapes text for a Mermaid message: ';' and '#' and '<' '>' are
// special there.
func mm(s string) string {
	r := strings.NewReplacer(";", "#59;", "#", "#35;", "<", "⟨", ">", "⟩")
	return r.Replace(s)
}
