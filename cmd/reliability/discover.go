package main

import (
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// suiteTest is a test that logs a summary line: a Test function whose
// body calls Logf with a format that starts with "RELIABILITY ".
type suiteTest struct {
	Dir  string // relative to the module root, slash-separated; "." for the root
	Name string
	Area string // from the format, to name the row if the test logs none
}

// fuzzTarget is a func FuzzXxx(*testing.F).
type fuzzTarget struct{ Dir, Name string }

// pkgArg is the package as go test takes it.
func pkgArg(dir string) string {
	if dir == "." {
		return "."
	}
	return "./" + dir
}

// discover finds the suite's tests and every fuzz target in the module at
// root, in the _test.go files that ctx builds: new ones join the suite
// without a list to keep.
func discover(root string, ctx build.Context) ([]suiteTest, []fuzzTarget, error) {
	var tests []suiteTest
	var fuzz []fuzzTarget
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && skipDir(path, d.Name()) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(d.Name(), "_test.go") {
			return nil
		}
		dir := filepath.Dir(path)
		if ok, err := ctx.MatchFile(dir, d.Name()); err != nil || !ok {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, dir)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || fn.Body == nil {
				continue
			}
			switch {
			case strings.HasPrefix(fn.Name.Name, "Fuzz") && takesF(fn):
				fuzz = append(fuzz, fuzzTarget{Dir: rel, Name: fn.Name.Name})
			case strings.HasPrefix(fn.Name.Name, "Test"):
				if area, ok := summaryArea(fn.Body); ok {
					tests = append(tests, suiteTest{Dir: rel, Name: fn.Name.Name, Area: area})
				}
			}
		}
		return nil
	})
	sort.SliceStable(tests, func(i, j int) bool { return tests[i].Dir < tests[j].Dir })
	sort.SliceStable(fuzz, func(i, j int) bool {
		if fuzz[i].Dir != fuzz[j].Dir {
			return fuzz[i].Dir < fuzz[j].Dir
		}
		return fuzz[i].Name < fuzz[j].Name
	})
	return tests, fuzz, err
}

// skipDir reports the folders go ./... leaves out too, and nested modules.
func skipDir(path, name string) bool {
	if name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
		return true
	}
	_, err := os.Stat(filepath.Join(path, "go.mod"))
	return err == nil
}

// takesF reports whether fn's one parameter is a *testing.F (or *x.F).
func takesF(fn *ast.FuncDecl) bool {
	p := fn.Type.Params.List
	if len(p) != 1 || len(p[0].Names) > 1 {
		return false
	}
	star, ok := p[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "F"
}

var areaRE = regexp.MustCompile(`\barea=(\S+)`)

// summaryArea finds a Logf("RELIABILITY …") call in body and returns its
// area.
func summaryArea(body *ast.BlockStmt) (string, bool) {
	area, found := "", false
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found || len(call.Args) == 0 {
			return !found
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Logf" {
			return true
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		format, err := strconv.Unquote(lit.Value)
		if err != nil || !strings.HasPrefix(format, marker) {
			return true
		}
		found = true
		if m := areaRE.FindStringSubmatch(format); m != nil {
			area = m[1]
		}
		return false
	})
	return area, found
}
