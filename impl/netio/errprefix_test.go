package netio

import (
	"testing"

	"github.com/imcheck/imcheck/internal/errprefix"
)

// TestErrorStringsNamePackage: every error string of the package starts
// with its name.
func TestErrorStringsNamePackage(t *testing.T) {
	bad, err := errprefix.Find(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Error(b)
	}
}
