package errprefix

import (
	"reflect"
	"testing"
)

func TestFind(t *testing.T) {
	tests := []struct {
		dir  string
		want []string
	}{
		{"testdata/bad", []string{
			`bad.go:11: "no package name"`,
			`bad.go:12: "netio: another package's name %d"`,
		}},
		{"testdata/cmd", nil},
	}
	for _, tt := range tests {
		got, err := Find(tt.dir)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Find(%s) = %q, want %q", tt.dir, got, tt.want)
		}
	}
}
