package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestCheckExitStatus(t *testing.T) {
	cases := []struct {
		args []string
		want int
		out  string
	}{
		{[]string{"check", "../../model/protocols/nsl.imp"}, exitOK, "no attack within the bound"},
		{[]string{"check", "../../model/protocols/nspk.imp", "--sessions", "2"}, exitFailure, "ATTACK (6 steps)"},
		{[]string{"check", "--format", "mermaid", "../../model/protocols/nspk.imp"}, exitFailure, "sequenceDiagram"},
		{[]string{"check", "no/such/file.imp"}, exitUsage, ""},
		{[]string{"check", "--format", "xml"}, exitUsage, ""},
		{[]string{"check", "--sessions", "99"}, exitUsage, ""},
	}
	for _, tc := range cases {
		var out, errb bytes.Buffer
		if got := run(tc.args, &out, &errb); got != tc.want {
			t.Errorf("%v: exit %d, want %d (stderr %s)", tc.args, got, tc.want, errb.String())
		}
		if !strings.Contains(out.String(), tc.out) {
			t.Errorf("%v: output lacks %q", tc.args, tc.out)
		}
	}
}

func TestCheckJSON(t *testing.T) {
	var out, errb bytes.Buffer
	if got := run([]string{"check", "--format", "json", "../../model/protocols/nspk.imp"}, &out, &errb); got != exitFailure {
		t.Fatalf("exit %d", got)
	}
	var doc struct {
		Schema string `json:"schema"`
		Models []struct {
			Codes string `json:"codes"`
		} `json:"models"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != "imcheck.model/v2" || len(doc.Models) != 1 || !strings.Contains(doc.Models[0].Codes, "A") {
		t.Fatalf("unexpected JSON: %+v", doc)
	}
}

func TestCheckSummaryLine(t *testing.T) {
	for _, c := range []struct {
		file, want string
		status     int
	}{
		{"../../model/protocols/nsl.imp", "summary: 1 model, 1 scenario", exitOK},
		{"../../model/protocols/nspk.imp", "5 claims attacked", exitFailure},
	} {
		var out, errb strings.Builder
		if got := run([]string{"check", c.file}, &out, &errb); got != c.status {
			t.Errorf("%s: status %d, want %d", c.file, got, c.status)
		}
		if !strings.Contains(out.String(), c.want) {
			t.Errorf("%s: output lacks %q:\n%s", c.file, c.want, out.String())
		}
	}
}
