package simp_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/imcheck/imcheck/impl/role"

	"github.com/imcheck/imcheck/impl/memrun"
	. "github.com/imcheck/imcheck/impl/simp"
)

func TestHonestRun(t *testing.T) {
	type tc struct {
		suite     string
		variant   Variant
		m, rounds int
	}
	var cases []tc
	for _, s := range []string{"classic", "modern", "pq"} {
		for _, v := range Variants() {
			cases = append(cases, tc{s, v, 0, 0})
		}
	}
	for _, mr := range [][2]int{{MinM, MinRounds}, {9, 2}, {100, 5}, {MaxM, 1}, {33, MaxRounds}} {
		for _, v := range Variants() {
			cases = append(cases, tc{"modern", v, mr[0], mr[1]})
		}
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/%s/m=%d/n=%d", c.suite, c.variant, c.m, c.rounds), func(t *testing.T) {
			aToB := []string{"one", "two", ""}
			bToA := []string{"uno", "dos"}
			res, err := memrun.RunSIMP(memrun.SIMPConfig{Suite: c.suite, Variant: c.variant, Seed: 7, M: c.m, Rounds: c.rounds, AToB: aToB, BToA: bToA})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range res.Parties.Net.Events {
				if e.Kind == role.MessageAccepted {
					got = append(got, fmt.Sprintf("%s<-%s:%s", e.Role, e.Peer, e.Body))
				}
			}
			want := []string{"bob<-alice:one", "alice<-bob:uno", "bob<-alice:two", "alice<-bob:dos", "bob<-alice:"}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("accepted %q, want %q", got, want)
			}
			for _, st := range res.Transcript.Steps {
				if st.Alert != "" {
					t.Fatalf("honest run has an alert: %s", st.Alert)
				}
			}
			checkKeyUse(t, res.Parties.Net.Events, c.variant)
		})
	}
}

// checkKeyUse checks that no (set, index) protects two messages in the
// hardened variant, and that the as-published variant reuses L1's key for L2.
func checkKeyUse(t *testing.T, events []role.Event, v Variant) {
	t.Helper()
	seen := map[string]int{}
	for _, e := range events {
		if e.Kind != role.KeyUsed {
			continue
		}
		seen[string(e.Key)]++
	}
	reused := 0
	for _, n := range seen {
		if n > 1 {
			reused++
		}
	}
	if v == Hardened && reused != 0 {
		t.Fatalf("hardened: %d session keys protected more than one message", reused)
	}
	if v == AsPublished && reused == 0 {
		t.Fatal("as-published: L1 and L2 should share SK_j")
	}
}

func TestRunDeterministic(t *testing.T) {
	a, err := memrun.RunSIMP(memrun.SIMPConfig{Suite: "modern", Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	b, err := memrun.RunSIMP(memrun.SIMPConfig{Suite: "modern", Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	c, err := memrun.RunSIMP(memrun.SIMPConfig{Suite: "modern", Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Transcript.Steps) != len(b.Transcript.Steps) {
		t.Fatal("different lengths")
	}
	for i := range a.Transcript.Steps {
		if !bytes.Equal(a.Transcript.Steps[i].Message.Bytes, b.Transcript.Steps[i].Message.Bytes) {
			t.Fatalf("step %d differs under the same seed", i)
		}
	}
	if bytes.Equal(a.Transcript.Steps[0].Message.Bytes, c.Transcript.Steps[0].Message.Bytes) {
		t.Fatal("different seeds gave the same R1")
	}
}
