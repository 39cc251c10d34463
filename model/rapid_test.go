package model

import (
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// TestNoRejectedTraces: on every shipped model, the search and the trace
// checker agree: no attack the search found is refused by the checker.
func TestNoRejectedTraces(t *testing.T) {
	for _, rep := range shippedReports(t) {
		for _, s := range rep.Scenarios {
			if s.Rejected != 0 {
				t.Errorf("%s/%s: %d attack traces refused by the checker", rep.Protocol, s.Name, s.Rejected)
			}
		}
	}
}

// genProtocol draws a two-role protocol over the constructs of the
// language (Diffie-Hellman, the bijective cipher, a shared key, an
// unordered pair, signatures) with an optional session-value reveal and
// unless-revealed claims.
func genProtocol(t *rapid.T) string {
	var b strings.Builder
	b.WriteString("protocol gen\nsecret sk(X)\npublic pk(sk(X))\nsecret k{X, Y}\npassword pw(X, Y)\n")
	// I's message: built from what I has
	iterms := []string{"exp(g, X)", "senc(N, k(A, B))", "benc(pk(E), pw(A, B))", "sign(<A, exp(g, X)>, sk(A))", "N", "h(N, pw(A, B))"}
	m1 := rapid.SampledFrom(iterms).Draw(t, "m1")
	// R's pattern for it, and R's answer
	pats := map[string]string{
		"exp(g, X)":                   "GX",
		"senc(N, k(A, B))":            "senc(N, k(B, A))",
		"benc(pk(E), pw(A, B))":       "benc(PK, pw(A, B))",
		"sign(<A, exp(g, X)>, sk(A))": "sign(<A, GX>, sk(A))",
		"N":                           "N",
		"h(N, pw(A, B))":              "H",
	}
	answers := []string{"senc(M, exp(GX, Y))", "<exp(g, Y), senc(M, exp(GX, Y))>", "senc(M, k(A, B))", "benc(aenc(M, PK), pw(A, B))", "h(M)"}
	if !strings.Contains(pats[m1], "GX") {
		answers = []string{"senc(M, k(A, B))", "<M, h(M, pw(A, B))>", "M"}
		if strings.Contains(pats[m1], "PK") {
			answers = append(answers, "benc(aenc(M, PK), pw(A, B))")
		}
	}
	m2 := rapid.SampledFrom(answers).Draw(t, "m2")
	unless := ""
	if rapid.Bool().Draw(t, "unless") {
		unless = " unless revealed"
	}
	fmt.Fprintf(&b, `role I(A: user, B: user) {
  knows A, B, sk(A), pk(sk(B)), k(A, B), pw(A, B)
  fresh X: nonce, N: nonce, E: key
  var R2
  send m1: %s
  recv m2: R2
  event Sent(A, B, N)
  claim I_n: secret N%s
}
role R(B: user, A: user) {
  knows A, B, sk(B), pk(sk(A)), k(A, B), pw(A, B)
  fresh Y: nonce, M: nonce
  var GX: dh, N: nonce, PK: pkey, H
  recv m1: %s
  send m2: %s
  claim R_m: secret M%s
  claim R_pw: weaksecret pw(A, B)
}
`, m1, unless, pats[m1], m2, unless)
	b.WriteString("scenario s { users a, b  dishonest e  sessions 2")
	if rapid.Bool().Draw(t, "reveal") {
		b.WriteString(rapid.SampledFrom([]string{"  reveal M of R", "  reveal N of I after m1", "  reveal X of I", "  reveal k(a, b)"}).Draw(t, "what"))
	}
	b.WriteString(" }\n")
	return b.String()
}

// TestRapidProtocols: on generated protocols the search and the checker
// agree (no refused trace), every attack replays, and reports are the same
// twice (determinism). make fuzz runs it with -rapid.checks=RAPIDCHECKS.
func TestRapidProtocols(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		src := genProtocol(t)
		p, err := Parse("gen.imp", src)
		if err != nil {
			t.Skipf("not a model: %v", err) // the generator's combination is refused by a static check
		}
		var codes string
		for run := 0; run < 2; run++ {
			rep, err := Check(nil, p, Options{MaxStates: 5000})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range rep.Scenarios {
				if s.Rejected != 0 {
					t.Fatalf("%d traces refused by the checker\n%s", s.Rejected, src)
				}
				for _, c := range s.Claims {
					if c.Trace != nil {
						if err := CheckTrace(p, p.Scenarios[0], c.Trace); err != nil {
							t.Fatalf("%s: %v\n%s", c.Claim.ID, err, src)
						}
					}
				}
			}
			if run == 1 && rep.Codes() != codes {
				t.Fatalf("verdicts differ between two runs: %s, %s", codes, rep.Codes())
			}
			codes = rep.Codes()
		}
	})
}

// TestRapidProverSound: on generated protocols (Diffie-Hellman, the
// bijective cipher, shared keys, unordered pairs, signatures, session
// reveals) the unbounded prover never proves a claim the bounded search
// attacks with a trace the checker replays.
func TestRapidProverSound(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		src := genProtocol(t)
		p, err := Parse("gen.imp", src)
		if err != nil {
			t.Skipf("not a model: %v", err)
		}
		rb, err := Check(nil, p, Options{MaxStates: 5000, Mode: ModeBounded})
		if err != nil {
			t.Fatal(err)
		}
		rp, err := Check(nil, p, Options{Mode: ModeProve})
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range rp.Scenarios {
			for j, c := range s.Claims {
				if b := rb.Scenarios[i].Claims[j]; c.Verdict == VerdictProved && b.Verdict == VerdictAttack {
					t.Fatalf("%s: proved, and attacked:\n%s", c.Claim.ID, src)
				}
			}
		}
	})
}
