package adversary

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
)

// ModelAttack is one attack found by the model, read from the JSON report
// of `imcheck check --format json` (schema imcheck.model/v1).
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

// ReadModelReport lists the attacks of a model report.
func ReadModelReport(b []byte) ([]ModelAttack, error) {
	var r struct {
		Schema string `json:"schema"`
		Models []struct {
			File      string `json:"file"`
			Scenarios []struct {
				Name   string `json:"name"`
				Claims []struct {
					ID      string `json:"id"`
					Verdict string `json:"verdict"`
					Trace   *struct {
						Length  int    `json:"length"`
						Explain string `json:"explanation"`
					} `json:"trace"`
				} `json:"claims"`
			} `json:"scenarios"`
		} `json:"models"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("adversary: model report: %w", err)
	}
	if !strings.HasPrefix(r.Schema, "imcheck.model/") {
		return nil, fmt.Errorf("adversary: not a model report (schema %q)", r.Schema)
	}
	var out []ModelAttack
	for _, m := range r.Models {
		model := strings.TrimSuffix(filepath.Base(m.File), ".imp")
		for _, s := range m.Scenarios {
			for _, c := range s.Claims {
				if c.Trace == nil {
					continue
				}
				out = append(out, ModelAttack{Claim: ClaimID{model, s.Name, c.ID}, Steps: c.Trace.Length, Explanation: c.Trace.Explain})
			}
		}
	}
	return out, nil
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
