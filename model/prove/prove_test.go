package prove

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
