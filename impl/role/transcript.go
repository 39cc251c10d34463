package role

import (
	"fmt"
	"io"
	"strings"
)

// Field is one decoded field of a message, for transcripts.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Step is one delivered message with its decoded fields and the events the
// receiver emitted while handling it. Alert is set when the receiver
// rejected the message.
type Step struct {
	Message Message `json:"message"`
	Fields  []Field `json:"fields,omitempty"`
	Events  []Event `json:"events,omitempty"`
	Alert   string  `json:"alert,omitempty"`
}

// Transcript is an ordered record of a run.
type Transcript struct {
	Steps []Step `json:"steps"`
}

// Add appends a step.
func (t *Transcript) Add(s Step) { t.Steps = append(t.Steps, s) }

// Print writes the transcript for a person: label, sender → receiver, size,
// the decoded fields, then the events.
func (t *Transcript) Print(w io.Writer) {
	for i, s := range t.Steps {
		m := s.Message
		fmt.Fprintf(w, "%3d  %-6s %s → %s  (%d bytes)\n", i+1, m.Label, m.From, m.To, len(m.Bytes))
		for _, f := range s.Fields {
			fmt.Fprintf(w, "       %-14s %s\n", f.Name, f.Value)
		}
		if s.Alert != "" {
			fmt.Fprintf(w, "       ✗ rejected: %s\n", s.Alert)
		}
		for _, e := range s.Events {
			fmt.Fprintf(w, "       • %s\n", e)
		}
	}
}

// Mermaid renders the transcript as a Mermaid sequenceDiagram, which
// GitHub renders in Markdown.
func (t *Transcript) Mermaid() string {
	var b strings.Builder
	b.WriteString("sequenceDiagram\n")
	seen := map[string]bool{}
	for _, s := range t.Steps {
		for _, p := range []string{s.Message.From, s.Message.To} {
			if !seen[p] {
				seen[p] = true
				fmt.Fprintf(&b, "    participant %s\n", mermaidID(p))
			}
		}
	}
	for _, s := range t.Steps {
		m := s.Message
		arrow := "->>"
		if s.Alert != "" {
			arrow = "-x"
		}
		fmt.Fprintf(&b, "    %s%s%s: %s (%d B)\n", mermaidID(m.From), arrow, mermaidID(m.To), mermaidText(m.Label), len(m.Bytes))
		if s.Alert != "" {
			fmt.Fprintf(&b, "    Note over %s: rejected: %s\n", mermaidID(m.To), mermaidText(s.Alert))
		}
		for _, e := range s.Events {
			fmt.Fprintf(&b, "    Note over %s: %s\n", mermaidID(e.Role), mermaidText(e.Kind.String()+" "+e.Peer))
		}
	}
	return b.String()
}

// mermaidID makes a participant name safe for Mermaid.
func mermaidID(s string) string {
	r := strings.NewReplacer(" ", "_", "-", "_", ":", "_", ";", "_", ">", "_", "<", "_")
	if s == "" {
		return "unknown"
	}
	return r.Replace(s)
}

// mermaidText makes message text safe for Mermaid (no ';', '#' or newlines).
func mermaidText(s string) string {
	r := strings.NewReplacer(";", ",", "#", "no.", "\n", " ", "\r", " ")
	return strings.TrimSpace(r.Replace(s))
}
