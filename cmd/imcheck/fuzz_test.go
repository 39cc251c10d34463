package main

import (
	"bytes"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/imcheck/imcheck/impl/suite"
)

// FuzzServerKey feeds arbitrary text to the reader behind `client imke
// --server-key FILE` and `fingerprint imke --key FILE`: no panic, errors
// name the file, and a key that parses is the hex of its encoding.
// Seeds: each suite's real server key in hex, wrapped and spaced,
// truncated, and a text far larger than any key.
func FuzzServerKey(f *testing.F) {
	for i, s := range suite.All() {
		pk, err := imkeServerKey(s, 1)
		if err != nil {
			f.Fatal(err)
		}
		h := hex.EncodeToString(pk.Bytes())
		f.Add(uint8(i), []byte(h))
		f.Add(uint8(i), []byte(strings.ToUpper(h[:64])+"\n  "+h[64:]+"\n"))
		f.Add(uint8(i), []byte(h[:len(h)-1]))
		f.Add(uint8(i), bytes.Repeat([]byte(h+"\n"), 64)) // over 64 KiB for pq
	}
	suites := suite.All()
	f.Fuzz(func(t *testing.T, which uint8, text []byte) {
		s := suites[int(which)%len(suites)]
		pk, err := parseServerKey(s, "key.hex", text)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "key.hex: ") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if got := hex.EncodeToString(pk.Bytes()); got != strings.ToLower(strings.Join(strings.Fields(string(text)), "")) {
			t.Fatalf("%s: key %s from text %q", s.Name, got, text)
		}
	})
}

func TestServerKeyFileLimit(t *testing.T) {
	for _, s := range suite.All() {
		pk, err := imkeServerKey(s, 1)
		if err != nil {
			t.Fatal(err)
		}
		if n := 2 * len(pk.Bytes()); n > maxServerKeyFile/8 {
			t.Errorf("%s: a key is %d hex digits, too near the limit of %d bytes", s.Name, n, maxServerKeyFile)
		}
	}
	path := t.TempDir() + "/big.hex"
	var out, errb strings.Builder
	if err := os.WriteFile(path, bytes.Repeat([]byte("00"), maxServerKeyFile), 0o644); err != nil {
		t.Fatal(err)
	}
	if st := run([]string{"fingerprint", "imke", "--key", path}, &out, &errb); st != exitUsage || !strings.Contains(errb.String(), "over 65536 bytes") {
		t.Errorf("exit %d, stderr %q", st, errb.String())
	}
}
