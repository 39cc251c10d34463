// Command cmd's errors are printed under its name, so they carry no
// prefix of their own.
package main

import (
	"errors"
	"fmt"
	"os"
)

func main() {
	if err := errors.New("no package name"); err != nil {
		fmt.Fprintf(os.Stderr, "cmd: %v\n", err)
	}
}
