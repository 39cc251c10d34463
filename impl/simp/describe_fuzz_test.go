package simp

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzDescribe feeds arbitrary bytes to Describe, which transcripts and
// the adversary call on anything that crosses the network: no panic,
// errors name the package, and a message Describe labels keeps its label
// for the same bytes. Seeds: every message of honest runs in each suite,
// their truncations, and inputs far larger than any message.
func FuzzDescribe(f *testing.F) {
	for _, s := range []string{"classic", "modern", "pq"} {
		res, err := Run(RunConfig{Suite: s, Variant: Hardened, Seed: 1, M: DefaultM, Rounds: DefaultRounds})
		if err != nil {
			f.Fatal(err)
		}
		for _, st := range res.Transcript.Steps {
			b := st.Message.Bytes
			f.Add(b)
			f.Add(b[:len(b)/2])
			if st.Message.Label == "E5" {
				big := append(append([]byte(nil), b...), bytes.Repeat([]byte{0xff}, 1<<20)...)
				f.Add(big) // a 1 MiB tail
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		label, _, err := Describe(b)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "simp: ") {
				t.Fatalf("error %q does not start with the package name", err)
			}
			return
		}
		if label == "" {
			t.Fatal("Describe accepted a message without a label")
		}
		if again, _, _ := Describe(b); again != label {
			t.Fatalf("label %q, then %q", label, again)
		}
	})
}
