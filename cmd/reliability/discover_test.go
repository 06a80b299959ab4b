package main

import (
	"go/build"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// writeTree writes files (slash paths → contents) under a new folder.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, data := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestDiscover(t *testing.T) {
	root := writeTree(t, map[string]string{
		"go.mod": "module example.com/m\n",
		"a/a_test.go": `package a

import "testing"

func TestSuite(t *testing.T) {
	t.Cleanup(func() {
		t.Logf("RELIABILITY area=crash case=x tried=%d lost=0 duplicated=0 corrupt=0 crashes=0 pii=0", 1)
	})
}

func TestOrdinary(t *testing.T) { t.Logf("not RELIABILITY area=crash") }

// The marker in a string that is not a Logf format does not count.
func TestMentions(t *testing.T) { _ = "RELIABILITY area=faults" }

func FuzzA(f *testing.F) { f.Fuzz(func(t *testing.T, s string) {}) }

func FuzzyHelper(t *testing.T) {}
`,
		"a/b/b_test.go": `package b

import "testing"

func TestAccess(t *testing.T) { t.Logf("RELIABILITY area=access case=y tried=1 lost=0 duplicated=0 corrupt=0 crashes=0 pii=0") }

func FuzzB(f *testing.F) {}
`,
		"a/e2e_test.go": `//go:build e2e

package a

import "testing"

func FuzzOnlyWithE2E(f *testing.F) {}
`,
		"a/ci_test.go": `//go:build ci

package a

import "testing"

func FuzzWithCI(f *testing.F) {}
`,
		"a/x_windows_test.go":        "package a\n\nimport \"testing\"\n\nfunc FuzzWindows(f *testing.F) {}\n",
		"a/testdata/x/x_test.go":     "package x\n\nimport \"testing\"\n\nfunc FuzzInTestdata(f *testing.F) {}\n",
		"nested/go.mod":              "module example.com/nested\n",
		"nested/n_test.go":           "package n\n\nimport \"testing\"\n\nfunc FuzzNested(f *testing.F) {}\n",
		".hidden/h_test.go":          "package h\n\nimport \"testing\"\n\nfunc FuzzHidden(f *testing.F) {}\n",
		"root_test.go":               "package m\n\nimport \"testing\"\n\nfunc FuzzRoot(f *testing.F) {}\n",
		"a/not_a_test_file.go":       "package a\n\nimport \"testing\"\n\nfunc FuzzNotATest(f *testing.F) {}\n",
		"a/b/testdata/fuzz/FuzzB/00": "go test fuzz v1\nstring(\"\")\n",
	})
	ctx := build.Default
	ctx.GOOS, ctx.BuildTags, ctx.CgoEnabled = "linux", []string{"ci"}, false
	tests, fuzz, err := discover(root, ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantTests := []suiteTest{{Dir: "a", Name: "TestSuite", Area: "crash"}, {Dir: "a/b", Name: "TestAccess", Area: "access"}}
	if !slices.Equal(tests, wantTests) {
		t.Errorf("tests = %+v; want %+v", tests, wantTests)
	}
	wantFuzz := []fuzzTarget{{".", "FuzzRoot"}, {"a", "FuzzA"}, {"a", "FuzzWithCI"}, {"a/b", "FuzzB"}}
	if !slices.Equal(fuzz, wantFuzz) {
		t.Errorf("fuzz targets = %+v; want %+v", fuzz, wantFuzz)
	}
}

// TestDiscoverThisModule: the suite finds the tests that the issue names,
// and the fuzz targets, in this module as it is.
func TestDiscoverThisModule(t *testing.T) {
	ctx := build.Default
	ctx.BuildTags, ctx.CgoEnabled = []string{"ci", "no_animations", "migrated_fynedo"}, false
	tests, fuzz, err := discover("../..", ctx)
	if err != nil {
		t.Fatal(err)
	}
	areas := map[string]bool{}
	for _, st := range tests {
		areas[st.Area] = true
	}
	for _, a := range []string{"crash", "faults", "privacy", "access"} {
		if !areas[a] {
			t.Errorf("no test of area %s among %+v", a, tests)
		}
	}
	if len(fuzz) == 0 {
		t.Errorf("no fuzz targets found")
	}
}

func TestModulePath(t *testing.T) {
	root := writeTree(t, map[string]string{"go.mod": "// comment\nmodule \"example.com/m\"\n\ngo 1.26\n"})
	if got, err := modulePath(root); err != nil || got != "example.com/m" {
		t.Errorf("modulePath = %q, %v; want example.com/m", got, err)
	}
	if _, err := modulePath(t.TempDir()); err == nil {
		t.Errorf("modulePath without a go.mod = nil error")
	}
}
