//go:build mermaid

package main

// The Mermaid parser test, behind the "mermaid" build tag because it needs
// Node.js and installs the mermaid package from the npm registry (once,
// into the user cache directory): make mermaid, or
//
//	go test -tags mermaid -run TestMermaidDiagramsParse ./cmd/imcheck
//
// Without node or npm, or when the registry cannot be reached, it skips
// and says why.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/imcheck/imcheck/adversary"
)

// mermaidVersion is the mermaid release the diagrams are checked with.
const mermaidVersion = "12.3.0"

type diagram struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

type parsed struct {
	Name   string      `json:"name"`
	Error  string      `json:"error"`
	Type   string      `json:"type"`
	Actors [][2]string `json:"actors"`
}

// TestMermaidDiagramsParse parses every diagram that check, attack replay
// and run produce for the shipped models and attacks, and every diagram
// in the documentation (docs/), with the real Mermaid parser, and checks that each is
// a sequence diagram whose participants all have a label.
func TestMermaidDiagramsParse(t *testing.T) {
	dir := installMermaid(t)
	ds := append(checkDiagrams(t), replayDiagrams(t)...)
	ds = append(ds, runDiagrams(t)...)
	ds = append(ds, docsDiagrams(t)...)
	in, _ := json.Marshal(ds)
	cmd := exec.Command("node", "parse.mjs")
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node parse.mjs: %v\n%s", err, stderr.String())
	}
	var res []parsed
	if err := json.Unmarshal(out, &res); err != nil || len(res) != len(ds) {
		t.Fatalf("parser output (%d of %d diagrams): %v\n%s", len(res), len(ds), err, out)
	}
	for i, r := range res {
		switch {
		case r.Error != "":
			t.Errorf("%s: Mermaid rejects it: %s\n%s", r.Name, r.Error, ds[i].Text)
		case r.Type != "sequence":
			t.Errorf("%s: a %q diagram, want a sequence diagram", r.Name, r.Type)
		case len(r.Actors) == 0:
			t.Errorf("%s: no participants", r.Name)
		}
		for _, a := range r.Actors {
			if strings.TrimSpace(a[1]) == "" {
				t.Errorf("%s: participant %s has an empty label", r.Name, a[0])
			}
		}
	}
	t.Logf("%d diagrams parsed by mermaid %s", len(res), mermaidVersion)
}

// installMermaid returns a directory holding parse.mjs and the mermaid
// package, installing it with npm the first time.
func installMermaid(t *testing.T) string {
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("skipped: %s is not installed (the Mermaid parser runs on Node.js)", tool)
		}
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "imcheck", "mermaid-"+mermaidVersion)
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "mermaid", "package.json")); err != nil {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"name":"imcheck-mermaid-check","private":true,"type":"module"}`), 0o644)
		t.Logf("installing mermaid %s with npm into %s", mermaidVersion, dir)
		cmd := exec.Command("npm", "install", "--no-audit", "--no-fund", "--silent", "mermaid@"+mermaidVersion)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Skipf("skipped: npm install mermaid@%s failed (is the npm registry reachable?): %v\n%s", mermaidVersion, err, out)
		}
	}
	script, err := os.ReadFile(filepath.Join("testdata", "mermaid", "parse.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "parse.mjs"), script, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// checkDiagrams: `imcheck check --format mermaid` on every shipped model,
// split at the "%%" comment that starts each diagram.
func checkDiagrams(t *testing.T) []diagram {
	var out, errb strings.Builder
	if st := run([]string{"check", "--format", "mermaid"}, &out, &errb); st != exitFailure {
		t.Fatalf("check --format mermaid: exit %d\n%s", st, errb.String())
	}
	var ds []diagram
	for _, chunk := range strings.Split(out.String(), "\n\n") {
		if chunk = strings.TrimSpace(chunk); chunk == "" {
			continue
		}
		if !strings.HasPrefix(chunk, "%% ") {
			t.Fatalf("check --format mermaid: a diagram without its %%%% comment:\n%s", chunk)
		}
		name, _, _ := strings.Cut(chunk, "\n")
		ds = append(ds, diagram{"check: " + strings.TrimPrefix(name, "%% "), chunk + "\n"})
	}
	if len(ds) < 10 {
		t.Fatalf("check --format mermaid gave %d diagrams", len(ds))
	}
	return ds
}

// replayDiagrams: `imcheck attack replay ID --mermaid FILE` for every
// attack, as published and hardened.
func replayDiagrams(t *testing.T) []diagram {
	dir := t.TempDir()
	var ds []diagram
	for _, a := range adversary.Attacks() {
		for _, v := range []string{"as-published", "hardened"} {
			f := filepath.Join(dir, a.ID+"-"+v+".mmd")
			var out, errb strings.Builder
			if st := run([]string{"attack", "replay", a.ID, "--variant", v, "--mermaid", f}, &out, &errb); st == exitUsage {
				t.Fatalf("attack replay %s --variant %s: %s", a.ID, v, errb.String())
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			ds = append(ds, diagram{fmt.Sprintf("attack replay %s (%s)", a.ID, v), string(b)})
		}
	}
	return ds
}

// runDiagrams: `imcheck run simp|imke --mermaid` in every suite and
// variant.
func runDiagrams(t *testing.T) []diagram {
	var ds []diagram
	for _, p := range []string{"simp", "imke"} {
		for _, s := range []string{"classic", "modern", "pq"} {
			for _, v := range []string{"as-published", "hardened"} {
				var out, errb strings.Builder
				if st := run([]string{"run", p, "--suite", s, "--variant", v, "--mermaid"}, &out, &errb); st != exitOK {
					t.Fatalf("run %s --suite %s --variant %s: exit %d\n%s", p, s, v, st, errb.String())
				}
				ds = append(ds, diagram{fmt.Sprintf("run %s (%s, %s)", p, s, v), out.String()})
			}
		}
	}
	return ds
}

var fenced = regexp.MustCompile("(?s)```mermaid\n(.*?)```")

// docsDiagrams: every fenced Mermaid block of the Markdown files under
// docs/ (docs/claims.md has at least one).
func docsDiagrams(t *testing.T) []diagram {
	root := filepath.Join("..", "..", "docs")
	var ds []diagram
	claims := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(filepath.Join("..", ".."), p)
		for i, m := range fenced.FindAllSubmatch(b, -1) {
			ds = append(ds, diagram{fmt.Sprintf("%s diagram %d", filepath.ToSlash(rel), i+1), string(m[1])})
			if filepath.Base(p) == "claims.md" {
				claims++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if claims == 0 {
		t.Fatal("docs/claims.md has no Mermaid diagram")
	}
	return ds
}
