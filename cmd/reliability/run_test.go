package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunOnAModule runs the whole command on a small module of its own:
// a suite test that passes, one whose row counts a loss, and a fuzz
// target that finds a crash at once; it leaves the corpus entry where
// go test writes it and nothing else in the module.
func TestRunOnAModule(t *testing.T) {
	goCmd := envOr("GO", "go")
	if _, err := exec.LookPath(goCmd); err != nil {
		t.Skip("no go command")
	}
	root := writeTree(t, map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.24\n",
		"p/p_test.go": `package p

import (
	"os"
	"testing"
)

func TestGood(t *testing.T) {
	t.Logf("RELIABILITY area=crash case=good tried=%s lost=0 duplicated=0 corrupt=0 crashes=0 pii=0 note=x", os.Getenv("OFFLINE_CRASH_KILLS"))
}

func TestLoses(t *testing.T) {
	t.Logf("RELIABILITY area=faults case=loses tried=%s lost=1 duplicated=0 corrupt=0 crashes=0 pii=0", os.Getenv("OFFLINE_FAULT_DOSSIERS"))
}

func TestNotInTheSuite(t *testing.T) { t.Fatal("never run") }

func FuzzCrash(f *testing.F) {
	f.Add("boom")
	f.Fuzz(func(t *testing.T, s string) {
		if s == "boom" {
			t.Fatal("crashed on boom")
		}
	})
}
`,
	})
	logs := filepath.Join(t.TempDir(), "logs")
	var out, progress strings.Builder
	code := run(context.Background(), []string{"-C", root, "-go", goCmd, "-tags", "ci", "-kills", "7", "-dossiers", "9",
		"-fuzztime", "1s", "-budget", "3m", "-logdir", logs}, &out, &progress)
	if code != 1 {
		t.Errorf("run = %d; want 1 (a loss and a crash)\n%s\n%s", code, out.String(), progress.String())
	}
	table := out.String()
	for _, want := range []string{
		"crash    good   ", "note=x",
		"faults   loses", "FAIL",
		"hostile  p.FuzzCrash",
		"total    3 rows", "FAIL (2)",
		"--- FAIL faults loses (example.com/m/p TestLoses): lost=1",
		"--- FAIL hostile p.FuzzCrash (example.com/m/p FuzzCrash): crashes=1", "crashed on boom",
		"logs: " + logs,
	} {
		if !strings.Contains(table, want) {
			t.Errorf("the output lacks %q:\n%s", want, table)
		}
	}
	for _, line := range strings.Split(table, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) < 9:
		case f[1] == "good" && (f[2] != "7" || f[len(f)-1] != "OK"):
			t.Errorf("row good = %q; want tried 7 (the kills) and OK", line)
		case f[1] == "loses" && (f[2] != "9" || f[3] != "1" || f[len(f)-1] != "FAIL"):
			t.Errorf("row loses = %q; want tried 9 (the dossiers), lost 1, FAIL", line)
		case f[1] == "p.FuzzCrash" && (f[6] != "1" || f[len(f)-1] != "FAIL"):
			t.Errorf("row p.FuzzCrash = %q; want 1 crash, FAIL", line)
		}
	}
	// The seed failed: go test names no new input, and writes none.
	if entries, _ := os.ReadDir(filepath.Join(root, "p")); len(entries) != 1 {
		t.Errorf("p holds %d entries; want only p_test.go", len(entries))
	}
	if _, err := os.Stat(filepath.Join(logs, "suite.json")); err != nil {
		t.Errorf("the suite's log: %v", err)
	}
	if _, err := os.Stat(filepath.Join(logs, "fuzzcache")); !os.IsNotExist(err) {
		t.Errorf("the fuzz cache is left behind: %v", err)
	}
}
