package adversary

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
)

// ModelAttack is one attack found by the model, read from the JSON report
// of `imcheck check --format json` (schema imcheck.model/v3).
type ModelAttack struct {
	Claim       ClaimID
	Steps       int
	Explanation string
}

// IsModelReport reports whether b looks like a model report rather than
// an adversary trace.
func IsModelReport(b []byte) bool {
	var probe struct {
		Schema string `json:"schema"`
	}
	return json.Unmarshal(b, &probe) == nil && strings.HasPrefix(probe.Schema, "imcheck.model/")
}

// modelReport is the part of the model's JSON report (schema
// imcheck.model/v3, docs/model.md) the adversary reads.
type modelReport struct {
	Schema string `json:"schema"`
	Models []struct {
		File      string `json:"file"`
		Scenarios []struct {
			Name   string             `json:"name"`
			Bound  ModelBound         `json:"bound"`
			Claims []modelReportClaim `json:"claims"`
		} `json:"scenarios"`
	} `json:"models"`
}

// ModelBound is a scenario's bound as the report states it: the number
// of sessions and which agents are honest or dishonest (the scenario's
// compromises: an insider e, a dishonest server s, a dishonest a).
type ModelBound struct {
	Sessions  int      `json:"sessions"`
	Honest    []string `json:"honest"`
	Dishonest []string `json:"dishonest"`
}

type modelReportClaim struct {
	ID      string `json:"id"`
	Role    string `json:"role"`
	Kind    string `json:"kind"`
	Text    string `json:"text"`
	Verdict string `json:"verdict"`
	Trace   *struct {
		Length  int         `json:"length"`
		Witness string      `json:"witness"`
		Explain string      `json:"explanation"`
		Steps   []ModelStep `json:"steps"`
	} `json:"trace"`
}

// eachModelAttack decodes a model report and calls f for every claim that
// has an attack trace, in report order, with its scenario's bound.
func eachModelAttack(b []byte, f func(ClaimID, ModelBound, modelReportClaim)) error {
	var r modelReport
	if err := scanJSON(b); err != nil {
		return fmt.Errorf("adversary: model report: %w", err)
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("adversary: model report: %w", err)
	}
	if !strings.HasPrefix(r.Schema, "imcheck.model/") {
		return fmt.Errorf("adversary: not a model report (schema %q)", r.Schema)
	}
	for _, m := range r.Models {
		model := strings.TrimSuffix(filepath.Base(m.File), ".imp")
		for _, sc := range m.Scenarios {
			for _, c := range sc.Claims {
				if c.Trace != nil {
					f(ClaimID{model, sc.Name, c.ID}, sc.Bound, c)
				}
			}
		}
	}
	return nil
}

// ReadModelReport lists the attacks of a model report.
func ReadModelReport(b []byte) ([]ModelAttack, error) {
	var out []ModelAttack
	err := eachModelAttack(b, func(id ClaimID, _ ModelBound, c modelReportClaim) {
		out = append(out, ModelAttack{Claim: id, Steps: c.Trace.Length, Explanation: c.Trace.Explain})
	})
	return out, err
}
