package conformance

import (
	"strings"
	"testing"

	_ "github.com/imcheck/imcheck/impl/imke"
)

func TestCatalogueBuiltin(t *testing.T) {
	o := Options{Timeout: 20 * 1e9}
	if testing.Short() {
		o.Suites = []string{"modern"}
	}
	rep, err := Run(NewBuiltin, o)
	require.NoError(t, err)
	n := 0
	for _, r := range rep.Results {
		if r.Verdict != Pass {
			n++
			if n <= 40 {
				t.Errorf("%s: %s: %s\n%s", r.Name, r.Verdict, r.Detail, strings.Join(r.Trace, "\n"))
			}
		}
	}
	t.Logf("%s", rep.CountLine())
}
