package lang

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkDeclareNames parses files of n constants, the last a duplicate
// of the first, and reports the time per name: a map lookup a name keeps
// it flat from 512 names to the limit of 4,096 (a list scanned per name
// would grow it eightfold).
func BenchmarkDeclareNames(b *testing.B) {
	for _, n := range []int{512, 4096} {
		var src strings.Builder
		src.WriteString("protocol p\nconst ")
		for i := 0; i < n-1; i++ {
			fmt.Fprintf(&src, "c%d, ", i)
		}
		src.WriteString("c0\n")
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := Parse("x.imp", src.String()); err == nil || !strings.Contains(err.Error(), `"c0" is already a constant`) {
					b.Fatalf("got %v", err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/name")
		})
	}
}
