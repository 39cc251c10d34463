package imke

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata/")

// TestGoldenTranscripts pins the bytes of the honest run (modern suite,
// seed 1) for both variants, direct and relayed: any change to a layout,
// a label or the order of draws shows up here (go test -update refreshes).
func TestGoldenTranscripts(t *testing.T) {
	for _, v := range Variants() {
		for _, relay := range []bool{false, true} {
			name := "run-modern-" + string(v)
			if relay {
				name += "-relay"
			}
			t.Run(name, func(t *testing.T) {
				res, err := Run(RunConfig{Variant: v, Seed: 1, Relay: relay})
				if err != nil {
					t.Fatal(err)
				}
				var got bytes.Buffer
				res.Transcript.Print(&got)
				for _, s := range res.Transcript.Steps {
					got.WriteString(s.Message.Label + " " + hexString(s.Message.Bytes) + "\n")
				}
				path := filepath.Join("testdata", name+".golden")
				if *update {
					if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update)", err)
				}
				if !bytes.Equal(got.Bytes(), want) {
					t.Errorf("transcript differs from %s (go test -update if intended)", path)
				}
			})
		}
	}
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
