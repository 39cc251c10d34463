package version

import (
	"runtime"
	"runtime/debug"
)

// Info is what the go command stamped into the binary.
type Info struct {
	// Version is the module version of imcheck: a release ("v1.2.0"), a
	// pseudo-version for a commit ("v0.0.0-20261202071058-86f553d1a2b3",
	// "+dirty" when the tree had changes), or "devel" when the binary
	// carries none (go test, builds without version control).
	Version string `json:"version"`
	// Revision and Time are the commit and its time, when stamped.
	Revision string `json:"revision,omitempty"`
	Time     string `json:"time,omitempty"`
	// Modified reports a build from a tree with uncommitted changes.
	Modified bool `json:"modified,omitempty"`
	// Go is the Go version that built the binary.
	Go string `json:"go"`
}

// Get returns the build information of the running binary.
func Get() Info {
	info := Info{Version: "devel", Go: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return info
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		info.Version = v
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Revision = s.Value
		case "vcs.time":
			info.Time = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		}
	}
	return info
}

// String is the version alone, as reports record it ("imcheck_version").
func String() string { return Get().Version }
