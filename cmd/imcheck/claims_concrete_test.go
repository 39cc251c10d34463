package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/imcheck/imcheck/adversary"
)

// TestCommittedClaimsAreFresh: docs/claims.md is what `imcheck claims`
// followed by `imcheck attack claims` writes, concrete column included.
// Regenerate it with those two commands.
func TestCommittedClaimsAreFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("regenerates every verdict (about a minute); run without -short")
	}
	file := filepath.Join(t.TempDir(), "claims.md")
	var out, errb bytes.Buffer
	if st := run([]string{"claims", "-o", file}, &out, &errb); st != exitOK {
		t.Fatalf("claims: status %d: %s", st, errb.String())
	}
	if st := run([]string{"attack", "claims", "-o", file}, &out, &errb); st != exitOK {
		t.Fatalf("attack claims: status %d: %s", st, errb.String())
	}
	fresh, _ := os.ReadFile(file)
	committed, err := os.ReadFile("../../docs/claims.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(fresh, committed) {
		fl, cl := strings.Split(string(fresh), "\n"), strings.Split(string(committed), "\n")
		for i := range max(len(fl), len(cl)) {
			if i >= len(fl) || i >= len(cl) || fl[i] != cl[i] {
				t.Fatalf("docs/claims.md is stale from line %d: run `imcheck claims` then `imcheck attack claims`\ncommitted: %q\nfresh:     %q",
					i+1, at(cl, i), at(fl, i))
			}
		}
	}
}

func at(l []string, i int) string {
	if i < len(l) {
		return l[i]
	}
	return "(end of file)"
}

// cited matches one violation a concrete verdict cites.
var cited = regexp.MustCompile(`(confidentiality|agreement|replay|key-reuse): ([\w-]+) of (\w+) with (\w+)`)

// TestClaimsCiteTheModelsClaim: every concrete verdict of docs/claims.md
// that reports an attack on a claim the model has a trace for cites
// violations of the claim's own kind, for the trace's own claimant and
// peer, and comes from γ, never from a hand script.
func TestClaimsCiteTheModelsClaim(t *testing.T) {
	b, err := os.ReadFile("../../docs/claims.md")
	if err != nil {
		t.Fatal(err)
	}
	properties := map[string][]string{"niagree": {"agreement"}, "injagree": {"replay", "agreement"}, "unique": {"key-reuse"},
		"secret": {"confidentiality"}, "weaksecret": {"confidentiality"}, "fsecret": {"confidentiality"}}
	checked := 0
	for _, line := range strings.Split(string(b), "\n") {
		id, ok := claimRowID(line)
		if !ok {
			continue
		}
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		concrete := strings.TrimSpace(cells[len(cells)-1])
		if strings.Contains(concrete, "(`") {
			t.Errorf("%s cites a hand script: %s", id, concrete)
		}
		if !strings.HasPrefix(concrete, "ATTACK reproduced") {
			continue
		}
		trs, err := adversary.ShippedModelTraces(id.Model)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(trs, func(tr adversary.ModelTrace) bool { return tr.Claim == id })
		if i < 0 {
			t.Errorf("%s: the concrete column reports an attack the model does not find: %s", id, concrete)
			continue
		}
		tr := trs[i]
		ms := cited.FindAllStringSubmatch(concrete, -1)
		if len(ms) == 0 {
			t.Errorf("%s: no violation cited in %q", id, concrete)
		}
		for _, m := range ms {
			if !slices.Contains(properties[tr.Kind], m[1]) {
				t.Errorf("%s: a %s claim, but the row cites %s", id, tr.Kind, m[0])
			}
			if !slices.Contains(tr.ClaimParties(), adversary.ClaimParties{Claimant: m[3], Peer: m[4]}) {
				t.Errorf("%s: the trace's claim is of %v, but the row cites %s", id, tr.ClaimParties(), m[0])
			}
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no row reports a reproduced attack")
	}
}
