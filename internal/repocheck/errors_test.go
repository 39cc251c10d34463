package repocheck

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/imcheck/imcheck/internal/errprefix"
)

// TestModuleErrors runs errprefix.Find on every package directory of the module:
// the rule of docs/dev/README.md holds everywhere, not only where a
// package remembers to check itself. Test data, vendored assets and
// hidden directories are skipped.
func TestModuleErrors(t *testing.T) {
	root := moduleRoot(t)
	dirs := packageDirs(t, root)
	if len(dirs) < 10 {
		t.Fatalf("found only %d package directories under the module root", len(dirs))
	}
	for _, d := range dirs {
		bad, err := errprefix.Find(filepath.Join(root, d))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range bad {
			t.Errorf("%s/%s", filepath.ToSlash(d), b)
		}
	}
}

// packageDirs lists, relative to root, every directory holding a non-test
// Go file.
func packageDirs(t *testing.T, root string) []string {
	t.Helper()
	seen := map[string]bool{}
	var dirs []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if p != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		dir, err := filepath.Rel(root, filepath.Dir(p))
		if err != nil {
			return err
		}
		if !seen[dir] {
			seen[dir] = true
			dirs = append(dirs, dir)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}
