package suite

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzParsePublicKey feeds arbitrary bytes to every suite's public-key
// parser (docs/spec/suites.md, "Public keys"): no panic, errors name the
// package, and a key that parses re-encodes to exactly the input (the
// encodings are canonical). Seeds: each suite's real keys, their
// truncations, and inputs far larger than any key.
func FuzzParsePublicKey(f *testing.F) {
	for i, s := range All() {
		sk, err := s.NewPrivateKey(bytes.Repeat([]byte{byte(i + 1)}, 32))
		if err != nil {
			f.Fatal(err)
		}
		pk := sk.Public().Bytes()
		f.Add(uint8(i), pk)
		f.Add(uint8(i), pk[:len(pk)/2])
		f.Add(uint8(i), append(pk, 0))
		f.Add(uint8(i), bytes.Repeat(pk, 256)) // hundreds of KiB
	}
	f.Add(uint8(0), bytes.Repeat([]byte{0x30, 0x84, 0xff, 0xff, 0xff, 0xf0}, 4096)) // DER lengths that lie
	suites := All()
	f.Fuzz(func(t *testing.T, which uint8, b []byte) {
		s := suites[int(which)%len(suites)]
		pk, err := s.ParsePublicKey(b)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "suite: ") {
				t.Fatalf("%s: error %q does not start with the package name", s.Name, err)
			}
			return
		}
		if !bytes.Equal(pk.Bytes(), b) {
			t.Fatalf("%s: parsed key re-encodes differently:\n in %x\nout %x", s.Name, b, pk.Bytes())
		}
	})
}
