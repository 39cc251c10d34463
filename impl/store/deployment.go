package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Deployment is what a database was made for. A server refuses a database
// made for another deployment: its records were built under those keys and
// parameters (a SIMP key set under m and n, an IMKE record under its
// password storage) and would fail, or mislead, under others.
type Deployment struct {
	Protocol string `json:"protocol"` // "simp" or "imke"
	Suite    string `json:"suite"`
	Variant  string `json:"variant"`
	ServerID string `json:"server_id"`
	// ServerKey is the fingerprint of the server's public key (hex), the
	// reference to the key the users were told to trust.
	ServerKey string `json:"server_key"`
	M         int    `json:"m,omitempty"`       // SIMP
	Rounds    int    `json:"rounds,omitempty"`  // SIMP
	Storage   string `json:"storage,omitempty"` // IMKE
}

const (
	metaBucket    = "meta"
	deploymentKey = "deployment"
)

func (d Deployment) fields() [][2]string {
	return [][2]string{
		{"protocol", d.Protocol}, {"suite", d.Suite}, {"variant", d.Variant}, {"server id", d.ServerID},
		{"server key", d.ServerKey}, {"m", fmt.Sprint(d.M)}, {"rounds", fmt.Sprint(d.Rounds)}, {"storage", d.Storage},
	}
}

// ParseDeployment decodes a stored deployment strictly.
func ParseDeployment(b []byte) (Deployment, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var d Deployment
	if err := dec.Decode(&d); err != nil {
		return Deployment{}, fmt.Errorf("store: deployment record: %w", err)
	}
	if dec.More() {
		return Deployment{}, fmt.Errorf("store: deployment record: trailing data")
	}
	if d.Protocol != "simp" && d.Protocol != "imke" {
		return Deployment{}, fmt.Errorf("store: deployment record: protocol %q", d.Protocol)
	}
	return d, nil
}

// Bind records want as the database's deployment if it has none, and
// otherwise checks that it is the one recorded. created reports a new
// database.
func (db *DB) Bind(want Deployment) (created bool, err error) {
	b, ok, err := db.Get(metaBucket, deploymentKey)
	if err != nil {
		return false, err
	}
	if !ok {
		enc, err := json.Marshal(want)
		if err != nil {
			return false, fmt.Errorf("store: %w", err)
		}
		return true, db.Put(metaBucket, KV{deploymentKey, enc})
	}
	have, err := ParseDeployment(b)
	if err != nil {
		return false, err
	}
	var diff []string
	hf, wf := have.fields(), want.fields()
	for i := range hf {
		if hf[i][1] != wf[i][1] {
			diff = append(diff, fmt.Sprintf("%s %s (asked for %s)", hf[i][0], orNone(hf[i][1]), orNone(wf[i][1])))
		}
	}
	if len(diff) > 0 {
		return false, fmt.Errorf("store: %s was made for another deployment: %s; use the same options or another --db", db.path, strings.Join(diff, ", "))
	}
	return false, nil
}

func orNone(s string) string {
	if s == "" || s == "0" {
		return "none"
	}
	return s
}
