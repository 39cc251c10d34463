package errprefix

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Find parses the non-test Go files of dir and returns, as "file:line:
// text", every errors.New and fmt.Errorf whose format is a string literal
// that starts neither with the file's package name and ": " nor with a
// wrapped error ("%w"). Formats that are not literals are not judged, nor
// are the files of a command (package main): a command prints what fails
// under its own name ("imcheck check: ..."), so its strings are the text
// after that prefix.
func Find(dir string) ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, fmt.Errorf("errprefix: %w", err)
	}
	sort.Strings(paths)
	fset := token.NewFileSet()
	var bad []string
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("errprefix: %w", err)
		}
		f, err := parser.ParseFile(fset, filepath.Base(p), src, 0)
		if err != nil {
			return nil, fmt.Errorf("errprefix: %w", err)
		}
		if f.Name.Name == "main" {
			continue
		}
		prefix := f.Name.Name + ": "
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 || !isErrorCall(call.Fun) {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || strings.HasPrefix(s, prefix) || strings.HasPrefix(s, "%w") {
				return true
			}
			pos := fset.Position(lit.Pos())
			bad = append(bad, fmt.Sprintf("%s:%d: %q", pos.Filename, pos.Line, s))
			return true
		})
	}
	return bad, nil
}

// isErrorCall reports whether fun is errors.New or fmt.Errorf.
func isErrorCall(fun ast.Expr) bool {
	sel, ok := fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && (id.Name == "errors" && sel.Sel.Name == "New" || id.Name == "fmt" && sel.Sel.Name == "Errorf")
}
