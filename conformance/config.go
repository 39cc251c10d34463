package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
)

// Config is an implementation's gate configuration (docs/conformance.md):
// cases it disables and cases it is expected to fail, each with a reason.
// Keys are globs over case IDs or full names.
type Config struct {
	// Disabled cases are not run; each needs a reason.
	Disabled map[string]string `json:"disabled,omitempty"`
	// ExpectedFailures are run; a failure is reported as xfail, a pass as
	// xpass (which fails the run, so that the list is kept current).
	ExpectedFailures map[string]string `json:"expected_failures,omitempty"`
	// LenientAlerts accepts a rejection of another alert class where a
	// case names specific classes, but only where the run goes on after it
	// and so shows that the rejection left the state as the profile says;
	// the case then passes with the mismatch in its detail.
	LenientAlerts bool `json:"lenient_alerts,omitempty"`
}

// ParseConfig reads a configuration strictly: unknown fields, trailing
// data and empty reasons are errors.
func ParseConfig(r io.Reader) (*Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("conformance: config: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("conformance: config: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("conformance: config: trailing data after the object")
	}
	for _, m := range []map[string]string{c.Disabled, c.ExpectedFailures} {
		for k, v := range m {
			if k == "" || v == "" {
				return nil, fmt.Errorf("conformance: config: pattern %q needs a non-empty reason", k)
			}
		}
	}
	return &c, nil
}

// Unmatched lists the patterns of the configuration that match no instance
// of cases (sorted): a misspelt pattern would otherwise disable or expect
// nothing, silently.
func (c *Config) Unmatched(cases []Case) ([]string, error) {
	insts, err := Instances(cases, Options{})
	if err != nil {
		return nil, err
	}
	var bad []string
	for _, m := range []map[string]string{c.Disabled, c.ExpectedFailures} {
		for p := range m {
			if !slices.ContainsFunc(insts, func(in Instance) bool { return matchAny([]string{p}, in) }) {
				bad = append(bad, p)
			}
		}
	}
	slices.Sort(bad)
	return bad, nil
}

// lookup returns the reason of the first pattern (in sorted order) in m
// that matches in.
func lookup(m map[string]string, in Instance) (string, bool) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if Glob(k, in.Name()) || Glob(k, in.Case.ID) {
			return m[k], true
		}
	}
	return "", false
}
