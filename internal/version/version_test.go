package version

import (
	"runtime"
	"testing"
)

func TestGet(t *testing.T) {
	info := Get()
	if info.Version == "" || info.Version == "(devel)" {
		t.Errorf("Version %q: want a module version or %q", info.Version, "devel")
	}
	if info.Go != runtime.Version() {
		t.Errorf("Go %q, want %q", info.Go, runtime.Version())
	}
	if String() != info.Version {
		t.Errorf("String() %q, Version %q", String(), info.Version)
	}
}
