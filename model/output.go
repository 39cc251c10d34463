package model

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/imcheck/imcheck/internal/version"
	"github.com/imcheck/imcheck/model/proto"
	"github.com/imcheck/imcheck/model/term"
)

// SchemaVersion names the JSON schema documented in docs/model.md.
const SchemaVersion = "imcheck.model/v3"

type jsonDoc struct {
	Schema string `json:"schema"`
	// Imcheck is the version of imcheck that made the report.
	Imcheck string       `json:"imcheck_version"`
	Models  []jsonReport `json:"models"`
}

type jsonReport struct {
	Protocol  string         `json:"protocol"`
	File      string         `json:"file"`
	Codes     string         `json:"codes"`
	Scenarios []jsonScenario `json:"scenarios"`
}

type jsonScenario struct {
	Name     string      `json:"name"`
	Bound    jsonBound   `json:"bound"`
	States   int         `json:"states"`
	Claims   []jsonClaim `json:"claims"`
	Rejected int         `json:"rejected_traces"`
	// ProverSteps: the prover's resolution steps; absent when it did not run
	ProverSteps *int `json:"prover_steps,omitempty"`
	// ProverBudget: the prover stopped at its budget
	ProverBudget bool `json:"prover_budget_reached,omitempty"`
}

type jsonBound struct {
	Sessions  int      `json:"sessions"`
	Honest    []string `json:"honest"`
	Dishonest []string `json:"dishonest"`
	Typed     bool     `json:"typed"`
}

type jsonClaim struct {
	ID      string `json:"id"`
	Role    string `json:"role"`
	Kind    string `json:"kind"`
	Text    string `json:"text"`
	Line    int    `json:"line"`
	Verdict string `json:"verdict"`
	// NotApplicable: why no session of the scenario can evaluate the
	// claim, with the verdict "not-applicable"
	NotApplicable string `json:"not_applicable,omitempty"`
	Reached       bool   `json:"reached"`
	// HonestRun: an execution without the attacker reaches the claim
	HonestRun bool `json:"honest_run"`
	// AssumesUnguessed: PROVED or no attack only against an attacker who
	// never uses the weak secret it can guess offline in the scenario
	AssumesUnguessed bool `json:"assumes_unguessed,omitempty"`
	// Prover: the unbounded prover's outcome, absent when it did not run
	Prover *jsonProver `json:"prover,omitempty"`
	Trace  *jsonTrace  `json:"trace,omitempty"`
}

type jsonProver struct {
	// Status: proved, not-proved or not-applicable
	Status string `json:"status"`
	// Reason: why not proved ("" when proved)
	Reason string `json:"reason,omitempty"`
	// Clause: the derived clause behind a "not proved"
	Clause string `json:"clause,omitempty"`
}

func proverJSON(c *ClaimResult) *jsonProver {
	switch {
	case c.Prover == "":
		return nil
	case c.Prover == "proved":
		return &jsonProver{Status: "proved"}
	case strings.HasPrefix(c.Prover, "not applicable"):
		return &jsonProver{Status: "not-applicable", Reason: c.Prover}
	}
	return &jsonProver{Status: "not-proved", Reason: c.Prover, Clause: c.ProverDetail}
}

type jsonTrace struct {
	Length  int        `json:"length"`
	Hit     int        `json:"violated_step"`
	Hit2    *int       `json:"second_step,omitempty"`
	Witness string     `json:"witness,omitempty"`
	Explain string     `json:"explanation"`
	Steps   []jsonStep `json:"steps"`
}

type jsonStep struct {
	Kind    string   `json:"kind"`
	Session int      `json:"session"`
	Role    string   `json:"role,omitempty"`
	Agents  []string `json:"agents,omitempty"`
	Label   string   `json:"label,omitempty"`
	Term    string   `json:"term,omitempty"`
	Args    []string `json:"args,omitempty"`
	Line    int      `json:"line,omitempty"`
	// Violated marks the violated claim step (both steps for "unique").
	Violated bool `json:"violated,omitempty"`
}

func strs(ts []term.Term) []string {
	if ts == nil {
		return nil
	}
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.String()
	}
	return out
}

// WriteJSON writes reports in the documented schema.
func WriteJSON(w io.Writer, reps []*Report) error {
	doc := jsonDoc{Schema: SchemaVersion, Imcheck: version.String(), Models: []jsonReport{}}
	for _, r := range reps {
		jr := jsonReport{Protocol: r.Protocol, File: r.File, Codes: r.Codes()}
		for _, s := range r.Scenarios {
			js := jsonScenario{Name: s.Name, States: s.States, Rejected: s.Rejected,
				Bound: jsonBound{Sessions: s.Sessions, Honest: nonNil(s.Honest), Dishonest: nonNil(s.Dishonest), Typed: s.Typed}}
			if s.Prover != nil {
				n := s.Prover.Steps
				js.ProverSteps, js.ProverBudget = &n, s.Prover.Exhausted
			}
			for _, c := range s.Claims {
				jc := jsonClaim{ID: c.Claim.ID, Role: c.Claim.Role.Name, Kind: c.Claim.Kind.String(),
					Text: c.Claim.Text, Line: c.Claim.Pos.Line, Verdict: string(c.Verdict), NotApplicable: c.NotApplicable, Reached: c.Reached, HonestRun: c.HonestRun, AssumesUnguessed: s.AssumesUnguessed(c), Prover: proverJSON(c)}
				if t := c.Trace; t != nil {
					jt := &jsonTrace{Length: t.Length, Hit: t.Hit, Explain: t.Explain()}
					if t.Kind == proto.ClaimUnique {
						h := t.Hit2
						jt.Hit2 = &h
					}
					if t.Witness != nil {
						jt.Witness = t.Witness.String()
					}
					for i, st := range t.Steps {
						js := jsonStep{Kind: string(st.Kind), Session: st.Session, Role: st.Role,
							Agents: st.Agents, Label: st.Label, Args: strs(st.Args), Line: st.Line,
							Violated: st.Kind == proto.StepClaim && t.Violated(i)}
						if st.Term != nil {
							js.Term = st.Term.String()
						}
						jt.Steps = append(jt.Steps, js)
					}
					jc.Trace = jt
				}
				js.Claims = append(js.Claims, jc)
			}
			jr.Scenarios = append(jr.Scenarios, js)
		}
		doc.Models = append(doc.Models, jr)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// WriteMermaid writes one Mermaid sequenceDiagram per attack trace, raw
// (no Markdown): each starts with a "%%" comment line naming the model,
// scenario and claim, and a blank line separates them, so each diagram
// with its comment is a valid Mermaid file on its own.
func (r *Report) WriteMermaid(w io.Writer) {
	for _, s := range r.Scenarios {
		for _, c := range s.Claims {
			if c.Trace == nil {
				continue
			}
			fmt.Fprintf(w, "%%%% %s / %s: attack on %s (%s)\n", r.Name(), s.Name, c.Claim.ID, oneLine(c.Claim.Text))
			c.Trace.WriteMermaid(w)
			fmt.Fprintln(w)
		}
	}
}

// oneLine keeps a Mermaid comment on its line.
func oneLine(s string) string { return strings.NewReplacer("\n", " ", "\r", " ").Replace(s) }
