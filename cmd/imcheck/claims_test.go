package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestClaimsKeepsConcreteVerdicts: imcheck claims writes a row per attack
// ID and keeps the concrete verdict column the adversary fills.
func TestClaimsKeepsConcreteVerdicts(t *testing.T) {
	file := filepath.Join(t.TempDir(), "claims.md")
	var out, errb bytes.Buffer
	if st := run([]string{"claims", "-o", file}, &out, &errb); st != exitOK {
		t.Fatalf("exit %d: %s", st, errb.String())
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	const id = "`simp-login/default#L1_fresh`"
	var edited []string
	found := false
	for _, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, id) {
			found = true
			if !strings.Contains(line, "ATTACK") {
				t.Errorf("row %s has no attack: %s", id, line)
			}
			line = strings.TrimSuffix(line, " |") + "replayed: accepted |"
		}
		edited = append(edited, line)
	}
	if !found {
		t.Fatalf("no row %s", id)
	}
	if err := os.WriteFile(file, []byte(strings.Join(edited, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	if st := run([]string{"claims", "-o", file}, &out, &errb); st != exitOK {
		t.Fatalf("exit %d: %s", st, errb.String())
	}
	b, _ = os.ReadFile(file)
	for _, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, id) && !strings.HasSuffix(line, "| replayed: accepted |") {
			t.Fatalf("concrete verdict lost: %s", line)
		}
	}
	if !strings.Contains(string(b), "### simp-nonrep/a_dishonest#NR_E2_key") {
		t.Error("no diagram for the non-repudiation attack")
	}
}
