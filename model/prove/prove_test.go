package prove

import (
	"os"
	"path/filepath"
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
		res := Scenario(p, sc, DefaultBudget)
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
			res := Scenario(p, sc, DefaultBudget)
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
