// Command refshim is the reference implementation behind the shim
// protocol (docs/spec/shim.md), as `imcheck shim` serves it, in a binary
// small enough to rebuild for every mutant (package mutation).
package main

import (
	"fmt"
	"os"

	"github.com/imcheck/imcheck/conformance"
	_ "github.com/imcheck/imcheck/impl/protocols" // registers simp and imke
)

func main() {
	if err := conformance.ServeShim(&conformance.Builtin{}, "imcheck reference (refshim)", os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "refshim:", err)
		os.Exit(1)
	}
}
