package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAttackList(t *testing.T) {
	var out, errb bytes.Buffer
	if st := run([]string{"attack", "list"}, &out, &errb); st != exitOK {
		t.Fatalf("status %d: %s", st, errb.String())
	}
	for _, want := range []string{"imke-reflection", "imke-unknown-key-share", "model: imke-c / default (G3_A_data_auth)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("list lacks %q:\n%s", want, out.String())
		}
	}
	if st := run([]string{"attack", "list", "extra"}, &out, &errb); st != exitUsage {
		t.Errorf("extra argument: status %d", st)
	}
}

func TestAttackReplay(t *testing.T) {
	dir := t.TempDir()
	tr := filepath.Join(dir, "t.json")
	var out, errb bytes.Buffer
	// As published the reflection succeeds: exit 1, the violation named.
	st := run([]string{"attack", "replay", "imke-reflection", "--trace", tr, "--mermaid", filepath.Join(dir, "t.mmd")}, &out, &errb)
	if st != exitFailure || !strings.Contains(out.String(), "RESULT: the attack succeeded") || !strings.Contains(out.String(), "agreement: message of alice with bob") {
		t.Fatalf("status %d:\n%s\n%s", st, out.String(), errb.String())
	}
	// The recorded trace replayed on the hardened variant is blocked: exit 0.
	out.Reset()
	st = run([]string{"attack", "replay", tr, "--variant", "hardened"}, &out, &errb)
	if st != exitOK || !strings.Contains(out.String(), "RESULT: blocked: at step 19, alice rejected 4.7 with decrypt_error") {
		t.Fatalf("status %d:\n%s", st, out.String())
	}
	if b, err := os.ReadFile(filepath.Join(dir, "t.mmd")); err != nil || !strings.HasPrefix(string(b), "sequenceDiagram") {
		t.Fatalf("mermaid file: %v", err)
	}
	for _, bad := range [][]string{{"attack", "replay"}, {"attack", "replay", "no-such-attack"}, {"attack", "replay", "imke-reflection", "--suite", "nope"}, {"attack", "replay", filepath.Join(dir, "missing.json")}} {
		if st := run(bad, &out, &errb); st != exitUsage {
			t.Errorf("%v: status %d, want %d", bad, st, exitUsage)
		}
	}
}

func TestAttackClaimsFillsConcreteColumn(t *testing.T) {
	file := filepath.Join(t.TempDir(), "claims.md")
	table := "| paper | attack ID | verdict | concrete verdict |\n|---|---|---|---|\n" +
		"| IMKE | `imke-c/default#G3_A_data_auth` | ATTACK | |\n" +
		"| IMKE | `imke-c-hardened/default#G3_A_data_auth` | no attack | |\n" +
		"| SIMP | `simp-login/default#L2_from_S` | ATTACK | kept by hand |\n"
	if err := os.WriteFile(file, []byte(table), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if st := run([]string{"attack", "claims", "-o", file}, &out, &errb); st != exitOK {
		t.Fatalf("status %d: %s", st, errb.String())
	}
	b, _ := os.ReadFile(file)
	for _, want := range []string{
		"| IMKE | `imke-c/default#G3_A_data_auth` | ATTACK | ATTACK reproduced by γ: agreement: message of alice with bob |",
		"| IMKE | `imke-c-hardened/default#G3_A_data_auth` | no attack | the imke-c trace on hardened: blocked: alice rejected 4.7 with decrypt_error (IMKE H4, as declared) |",
		"| SIMP | `simp-login/default#L2_from_S` | ATTACK | kept by hand |",
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("table lacks %q:\n%s", want, b)
		}
	}
}

// TestAttackReplayWrongBlock: the as-published strategy of simp-e4-replay
// (E1 forged in alice's name) replayed on hardened is stopped at E1
// (decode_error), not at E4 where H6 must stop the attack: that is not
// "blocked", so the replay fails; the hardened script itself is blocked
// at E4 as declared.
func TestAttackReplayWrongBlock(t *testing.T) {
	tr := filepath.Join(t.TempDir(), "t.json")
	var out, errb bytes.Buffer
	if st := run([]string{"attack", "replay", "simp-e4-replay", "--trace", tr}, &out, &errb); st != exitFailure {
		t.Fatalf("as published: status %d:\n%s", st, out.String())
	}
	out.Reset()
	st := run([]string{"attack", "replay", tr, "--variant", "hardened"}, &out, &errb)
	if st != exitFailure || !strings.Contains(out.String(), "RESULT: NOT blocked as declared: blocked for the wrong reason: S rejected E1 with decode_error") {
		t.Fatalf("status %d:\n%s", st, out.String())
	}
	out.Reset()
	st = run([]string{"attack", "replay", "simp-e4-replay", "--variant", "hardened"}, &out, &errb)
	if st != exitOK || !strings.Contains(out.String(), "rejected E4 with wrong_identity") || !strings.Contains(out.String(), "as the attack declares (SIMP H6") {
		t.Fatalf("hardened: status %d:\n%s", st, out.String())
	}
}

// TestAttackReplayGamma: every attack of a model report is concretised
// by γ, step by step: simp-keydist-paper's E2 retyped E3 is not realisable
// on the code (the distinct E2/E3 labels), and with --variant hardened
// the forged E1 is blocked by H5 as the profile declares.
func TestAttackReplayGamma(t *testing.T) {
	report := filepath.Join(t.TempDir(), "r.json")
	var out, errb bytes.Buffer
	run([]string{"check", "--format", "json", "../../model/protocols/simp-keydist-paper.imp"}, &out, &errb)
	if err := os.WriteFile(report, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if st := run([]string{"attack", "replay", report}, &out, &errb); st != exitOK {
		t.Errorf("status %d, want %d: nothing reproduced", st, exitOK)
	}
	for _, want := range []string{
		"simp-keydist-paper / default (E3_requested_by_A): model attack (10 steps) → γ on as-published:",
		"injected #", "retyped E3",
		`→ not realisable: recv E3 in session 2: `, `sealed under the distinct AEAD labels "simp E2" and "simp E3": alice rejected it with decrypt_error`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("lacks %q:\n%s\n%s", want, out.String(), errb.String())
		}
	}
	out.Reset()
	if st := run([]string{"attack", "replay", report, "--variant", "hardened"}, &out, &errb); st != exitOK {
		t.Errorf("hardened: status %d, want %d", st, exitOK)
	}
	if want := "→ blocked: S rejected E1 with bad_mac (SIMP H5, as declared)"; !strings.Contains(out.String(), want) {
		t.Errorf("hardened lacks %q:\n%s", want, out.String())
	}
}

// TestAttackReplayModelClaim: a model claim named as docs/claims.md
// names it is replayed from the model's own trace; an unknown part of the
// name, or a claim the model finds no attack on, is a usage error that
// says which.
func TestAttackReplayModelClaim(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args   []string
		status int
		want   string // in stdout, or in stderr for a usage error
	}{
		{[]string{"imke-c/default#T4_A_agree", "--mermaid", filepath.Join(dir, "t4.mmd")}, exitFailure, "ATTACK reproduced by γ: agreement"},
		{[]string{"imke-c/default#T4_A_agree", "--variant", "hardened"}, exitOK, "blocked: "},
		{[]string{"imke-c/default#T4_A_agree", "--json"}, exitFailure, `"want": [`},
		{[]string{"imke-c/nope#T4_A_agree"}, exitUsage, `has no scenario "nope"`},
		{[]string{"imke-c/default#nope"}, exitUsage, `has no claim "nope"`},
		{[]string{"nspk/default#x"}, exitUsage, "not of SIMP or IMKE"},
		{[]string{"imke-full/default#T4_A_agree"}, exitUsage, "finds no attack on T4_A_agree"},
	} {
		t.Run(strings.Join(tc.args[:min(2, len(tc.args))], " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			st := run(append([]string{"attack", "replay"}, tc.args...), &out, &errb)
			got := out.String()
			if tc.status == exitUsage {
				got = errb.String()
			}
			if st != tc.status || !strings.Contains(got, tc.want) {
				t.Fatalf("status %d, want %d; no %q in:\n%s%s", st, tc.status, tc.want, out.String(), errb.String())
			}
		})
	}
	if b, err := os.ReadFile(filepath.Join(dir, "t4.mmd")); err != nil || !strings.HasPrefix(string(b), "sequenceDiagram") {
		t.Fatalf("mermaid file: %v", err)
	}
}
