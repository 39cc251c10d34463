package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imcheck/imcheck/impl/imke"
	"github.com/imcheck/imcheck/impl/suite"
)

func TestRunIMKE(t *testing.T) {
	for _, args := range [][]string{
		{"--suite", "modern"},
		{"--suite", "modern", "--variant", "hardened", "--relay"},
		{"--suite", "pq", "--storage", "image"},
	} {
		st, out, errs := runCmd(append([]string{"run", "imke"}, args...)...)
		if st != exitOK {
			t.Fatalf("%v: exit %d: %s", args, st, errs)
		}
		for _, want := range []string{"a1", "a2", "a3", "b1", "b2", "c1", "c2", "c3", "4.7", "4.4", "4.5", "keys-renewed", `body="hello bob, through S" (relayed)`, "operations per party"} {
			if !strings.Contains(out, want) {
				t.Errorf("%v: output lacks %q", args, want)
			}
		}
	}
	st, out, _ := runCmd("run", "imke", "--suite", "modern", "--mermaid")
	if st != exitOK || !strings.HasPrefix(out, "sequenceDiagram") {
		t.Errorf("--mermaid: %d %q", st, out[:min(len(out), 40)])
	}
}

func TestIMKEBadArguments(t *testing.T) {
	for _, args := range [][]string{
		{"run", "imke", "--suite", "rot13"},
		{"run", "imke", "--variant", "sloppy"},
		{"run", "imke", "--storage", "plaintext"},
		{"run", "imke", "extra"},
		{"run", "imke", "--mermaid", "--json"},
		{"serve", "imke"},
		{"serve", "imke", "--listen", "127.0.0.1:0", "--user", "nocolon"},
		{"client", "imke", "--user", "alice", "--password", "x"},
		{"client", "imke", "--server", "127.0.0.1:1", "--user", "alice", "--password", "x", "--reply", "hi"},
		{"client", "imke", "--server", "127.0.0.1:1", "--user", "alice", "--password", "x", "--send", "hi"},
		{"client", "imke", "--server", "127.0.0.1:1", "--user", "alice", "--password", "x", "--peer", "alice", "--send", "hi"},
		{"opcount", "imke", "--suite", "x"},
		{"opcount", "--suite", "x"},
		{"fingerprint", "imke", "--suite", "x"},
		{"fingerprint", "imke", "--seed", "2", "--key", "f"},
		{"fingerprint", "imke", "--key", "/nonexistent"},
	} {
		st, _, errs := runCmd(args...)
		if st != exitUsage || errs == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a reason", args, st, errs)
		}
	}
}

func TestOpcountIMKE(t *testing.T) {
	st, out, errs := runCmd("opcount", "imke", "--suite", "modern")
	if st != exitOK {
		t.Fatalf("exit %d: %s", st, errs)
	}
	for _, want := range []string{"Public-key encryption         2 | 1        2 | 2        2 | 2", "Hash + key derivations", "alice connect bob"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	st, out, errs = runCmd("opcount", "--suite", "modern")
	if st != exitOK || !strings.Contains(out, "SIMP C1") || !strings.Contains(out, "IMKE C1") {
		t.Fatalf("opcount: exit %d: %s%s", st, out, errs)
	}
}

func TestFingerprintIMKE(t *testing.T) {
	st, out, errs := runCmd("fingerprint", "imke", "--suite", "modern", "--seed", "5")
	if st != exitOK {
		t.Fatalf("exit %d: %s", st, errs)
	}
	s, _ := suite.ByName("modern")
	pub, err := imkeServerKey(s, 5)
	if err != nil {
		t.Fatal(err)
	}
	fp := imke.FingerprintOf(s, pub)
	if !strings.Contains(out, strings.Join(fp.Words, " ")) || !strings.Contains(out, fp.Hex) {
		t.Fatalf("output %q lacks %v", out, fp)
	}
	// The same key from a file gives the same fingerprint.
	path := filepath.Join(t.TempDir(), "ku_s.hex")
	if err := os.WriteFile(path, []byte(strings.ToUpper(hexOf(pub.Bytes()))+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	st, out2, errs := runCmd("fingerprint", "imke", "--suite", "modern", "--key", path)
	if st != exitOK || out2 != out {
		t.Fatalf("--key: exit %d %s%s", st, out2, errs)
	}
	// Another seed, another fingerprint.
	_, out3, _ := runCmd("fingerprint", "imke", "--suite", "modern", "--seed", "6")
	if out3 == out {
		t.Fatal("different keys, same fingerprint")
	}
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	var sb strings.Builder
	for _, c := range b {
		sb.WriteByte(digits[c>>4])
		sb.WriteByte(digits[c&15])
	}
	return sb.String()
}
