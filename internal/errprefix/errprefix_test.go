package errprefix

import (
	"reflect"
	"testing"
)

func TestFind(t *testing.T) {
	got, err := Find("testdata/bad")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`bad.go:11: "no package name"`,
		`bad.go:12: "netio: another package's name %d"`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Find = %q, want %q", got, want)
	}
}

func TestOwnErrors(t *testing.T) {
	bad, err := Find(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Error(b)
	}
}
