package main

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkAttackClaims measures `imcheck attack claims`: one op fills
// the concrete column of a copy of docs/claims.md for every row (γ's
// replay of every shipped model's attacks, the random runs for the other
// claims). The first op also checks the shipped models (their traces are
// cached after it).
func BenchmarkAttackClaims(b *testing.B) {
	committed, err := os.ReadFile("../../docs/claims.md")
	if err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(b.TempDir(), "claims.md")
	for b.Loop() {
		if err := os.WriteFile(file, committed, 0o644); err != nil {
			b.Fatal(err)
		}
		if st := run([]string{"attack", "claims", "-o", file}, io.Discard, io.Discard); st != exitOK {
			b.Fatalf("attack claims: status %d", st)
		}
	}
}
