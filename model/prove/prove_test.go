package prove

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/imcheck/imcheck/model/lang"
	"github.com/imcheck/imcheck/model/proto"
)

func load(t testing.TB, name string) *proto.Protocol {
	t.Helper()
	f := filepath.Join("..", "protocols", name+".imp")
	src, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	p, err := lang.Parse(f, string(src))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestShow(t *testing.T) {
	name := os.Getenv("PROVE_MODEL")
	if name == "" {
		t.Skip("PROVE_MODEL not set")
	}
	p := load(t, name)
	for _, sc := range p.Scenarios {
		res := Scenario(context.Background(), p, sc, DefaultBudget)
		t.Logf("scenario %s: %d steps, %d clauses, exhausted %v", sc.Name, res.Steps, res.Clauses, res.Exhausted)
		for _, c := range res.Claims {
			st := map[Status]string{Proved: "PROVED", NotProved: "no", NotApplicable: "n/a"}[c.Status]
			t.Logf("  %-20s %-8s %s", c.Claim.ID, st, c.Reason)
		}
	}
}

func TestShowAll(t *testing.T) {
	if os.Getenv("PROVE_ALL") == "" {
		t.Skip("PROVE_ALL not set")
	}
	files, _ := filepath.Glob(filepath.Join("..", "protocols", "*.imp"))
	for _, f := range files {
		name := filepath.Base(f)
		name = name[:len(name)-4]
		p := load(t, name)
		for _, sc := range p.Scenarios {
			t0 := time.Now()
			res := Scenario(context.Background(), p, sc, DefaultBudget)
			np, nn, na := 0, 0, 0
			for _, c := range res.Claims {
				switch c.Status {
				case Proved:
					np++
				case NotProved:
					nn++
				default:
					na++
				}
			}
			t.Logf("%-24s %-22s P%3d N%3d X%3d steps %7d clauses %7d exh %-5v %v", name, sc.Name, np, nn, na, res.Steps, res.Clauses, res.Exhausted, time.Since(t0).Round(time.Millisecond))
		}
	}
}

func TestDumpClauses(t *testing.T) {
	name, scn, pat := os.Getenv("PROVE_MODEL"), os.Getenv("PROVE_SCENARIO"), os.Getenv("PROVE_GREP")
	if name == "" || scn == "" {
		t.Skip("PROVE_MODEL, PROVE_SCENARIO not set")
	}
	p := load(t, name)
	for _, sc := range p.Scenarios {
		if sc.Name != scn {
			continue
		}
		tr := newTranslator(p, sc)
		var open []*proto.Claim
		for _, c := range p.Claims {
			if tr.notApplicable(c) == "" && c.Kind != proto.ClaimUnique {
				open = append(open, c)
			}
		}
		for _, c := range tr.clauses(open) {
			if s := c.String(); pat == "" || strings.Contains(s, pat) {
				t.Log(s)
			}
		}
	}
}

func TestDumpSolved(t *testing.T) {
	name, scn, pat := os.Getenv("PROVE_MODEL"), os.Getenv("PROVE_SCENARIO"), os.Getenv("PROVE_SOLVED")
	if name == "" || scn == "" || pat == "" {
		t.Skip("PROVE_MODEL, PROVE_SCENARIO, PROVE_SOLVED not set")
	}
	p := load(t, name)
	for _, sc := range p.Scenarios {
		if sc.Name != scn {
			continue
		}
		tr := newTranslator(p, sc)
		var open []*proto.Claim
		for _, c := range p.Claims {
			if tr.notApplicable(c) == "" && c.Kind != proto.ClaimUnique {
				open = append(open, c)
			}
		}
		st := newSaturator(tr.ty, DefaultBudget, func(c *Clause) bool { t.Log("GOAL ", c); return false })
		if dh := os.Getenv("PROVE_HOOK"); dh != "" {
			debugHook = func(s, u, c *Clause) {
				if strings.Contains(u.String(), dh) && u.Hyps[u.sel].String() == os.Getenv("PROVE_SEL") {
					t.Log("RESOLVE", s, "\n  WITH", u, "\n  GIVES", c)
				}
			}
			subHook = func(d, c *Clause) {
				if strings.Contains(c.String(), "att(kreg(a, s)) & att(dkreg(a, s)) -> bad[A_key") {
					t.Log("SUBSUMED", c, "\n  BY", d)
				}
			}
			defer func() { debugHook, subHook = nil, nil }()
		}
		for _, c := range tr.clauses(open) {
			st.add(c)
		}
		t.Log("complete", st.run())
		for _, list := range st.byConcl {
			for _, c := range list {
				if s := c.String(); strings.Contains(s, pat) {
					t.Log(c.dead, c.sel, s)
				}
			}
		}
	}
}

// BenchmarkProve saturates every scenario of each shipped model with the
// default budget and reports the resolution steps and the claims proved.
func BenchmarkProve(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join("..", "protocols", "*.imp"))
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".imp")
		p := load(b, name)
		b.Run(name, func(b *testing.B) {
			steps, proved := 0, 0
			for i := 0; i < b.N; i++ {
				steps, proved = 0, 0
				for _, sc := range p.Scenarios {
					res := Scenario(context.Background(), p, sc, DefaultBudget)
					steps += res.Steps
					for _, c := range res.Claims {
						if c.Status == Proved {
							proved++
						}
					}
				}
			}
			b.ReportMetric(float64(steps), "steps")
			b.ReportMetric(float64(proved), "proved")
		})
	}
}
