package repocheck

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// forbidden are what a user's documentation must not hold. Each pattern
// is matched line by line.
var forbidden = []struct {
	what string
	re   *regexp.Regexp
}{
	{"an absolute path of a machine", regexp.MustCompile(`(?:^|[\s"'(\[=:,` + "`" + `])(/(?:work|tmp|home|root|Users|mnt|opt|srv|private|var/folders)(?:/|\b)[^\s"'` + "`" + `)]*)`)},
	{"a Windows path", regexp.MustCompile(`\b[A-Za-z]:\\[A-Za-z]`)},
	{"a marker file", regexp.MustCompile(`(?i)\b(?:readiness markers?|marker files?|ready-(?:simp|imke|protocols)\b|imcheck-ready)`)},
	{"a tracker number", regexp.MustCompile(`(?i)\b(?:issues?|pull requests?|PRs?|tickets?|bugs?)\s+(?:no\.\s*)?#?\d+\b`)},
	{"a tracker reference", regexp.MustCompile(`(?:^|[\s(\[,;])#\d+\b[^;]?`)},
	{"a tracker command", regexp.MustCompile(`\bissues\s+(?:show|list|resolved|blocked|note)\b`)},
}

// entity is a Mermaid or HTML character code such as "#35;", which is
// not a tracker reference.
var entity = regexp.MustCompile(`#\d+;`)

// TestDocsNameNoMachineOrTracker greps every file under docs/, every
// README and every doc.go.
func TestDocsNameNoMachineOrTracker(t *testing.T) {
	root := moduleRoot(t)
	files := userDocs(t, root)
	if len(files) < 10 {
		t.Fatalf("found only %d documentation files under %s", len(files), root)
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.IndexByte(b, 0) >= 0 || !utf8.Valid(b) {
			continue // an image or other binary file
		}
		for i, line := range strings.Split(string(b), "\n") {
			clean := entity.ReplaceAllString(line, "")
			for _, p := range forbidden {
				if m := p.re.FindString(clean); m != "" {
					t.Errorf("%s:%d: %s: %q", f, i+1, p.what, strings.TrimSpace(m))
				}
			}
		}
	}
}

// TestPatternsCatch keeps the patterns honest: each line below must be
// caught, and each line of the second list must pass.
func TestPatternsCatch(t *testing.T) {
	bad := []string{
		"The checkout is /work/main.", "see (/tmp/imcheck-ready-simp)", "cd /home/alice/imcheck",
		"paper `/work/shared/seeds/000.txt`", `C:\Users\bob`, "Readiness markers: the lead creates",
		"the adversary replay (issue 5)", "fixed in #31", "see issue #12", "PR 7 adds it",
		"run `issues show 4`",
	}
	good := []string{
		"PKCS#1 RSAPublicKey DER", "Note over E: #35;", "imke.md §3.7, §4",
		"a/b/c", "https://example.org/home/x", "`vectors/testvectors`", "go test ./model/ -update",
		"[trace](#simp-hardeneddefaultb_key_once)",
	}
	match := func(line string) string {
		clean := entity.ReplaceAllString(line, "")
		for _, p := range forbidden {
			if p.re.MatchString(clean) {
				return p.what
			}
		}
		return ""
	}
	for _, l := range bad {
		if match(l) == "" {
			t.Errorf("not caught: %q", l)
		}
	}
	for _, l := range good {
		if w := match(l); w != "" {
			t.Errorf("%q caught as %s", l, w)
		}
	}
}

// userDocs lists, relative to root, every file under docs/, every
// README* and every doc.go, skipping version-control and dependency
// directories.
func userDocs(t *testing.T, root string) []string {
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			if n := d.Name(); n == ".git" || n == "node_modules" || n == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(rel, "docs/") || strings.HasPrefix(d.Name(), "README") || d.Name() == "doc.go" {
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}
