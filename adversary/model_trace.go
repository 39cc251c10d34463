package adversary

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
)

// ModelAttack is one attack found by the model, read from the JSON report
// of `imcheck check --format json` (schema imcheck.model/v2).
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
// imcheck.model/v2, docs/model.md) the adversary reads.
type modelReport struct {
	Schema string `json:"schema"`
	Models []struct {
		File      string `json:"file"`
		Scenarios []struct {
			Name   string             `json:"name"`
			Claims []modelReportClaim `json:"claims"`
		} `json:"scenarios"`
	} `json:"models"`
}

type modelReportClaim struct {
	ID      string `json:"id"`
	Role    string `json:"role"`
	Kind    string `json:"kind"`
	Verdict string `json:"verdict"`
	Trace   *struct {
		Length  int         `json:"length"`
		Explain string      `json:"explanation"`
		Steps   []ModelStep `json:"steps"`
	} `json:"trace"`
}

// eachModelAttack decodes a model report and calls f for every claim that
// has an attack trace, in report order.
func eachModelAttack(b []byte, f func(ClaimID, modelReportClaim)) error {
	var r modelReport
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
					f(ClaimID{model, sc.Name, c.ID}, c)
				}
			}
		}
	}
	return nil
}

// ReadModelReport lists the attacks of a model report.
func ReadModelReport(b []byte) ([]ModelAttack, error) {
	var out []ModelAttack
	err := eachModelAttack(b, func(id ClaimID, c modelReportClaim) {
		out = append(out, ModelAttack{Claim: id, Steps: c.Trace.Length, Explanation: c.Trace.Explain})
	})
	return out, err
}

// Concretise returns the adversary script that replays a model attack on
// the implementation, and the variant the model describes; nil if no
// script concretises it yet.
func Concretise(c ClaimID) (*Attack, string) {
	id, ok := modelAttacks[c]
	if !ok {
		return nil, ""
	}
	a, err := LookupAttack(id)
	if err != nil {
		return nil, ""
	}
	variant := "as-published"
	if strings.HasSuffix(c.Model, "-hardened") {
		variant = "hardened"
	}
	return a, variant
}
