// Command reliability runs the reliability suite and prints one table:
// the crash tests (SIGKILLs of the real kiosk binary, and of a child
// process running its store, during draft saves, submits and syncs), the
// fault test (dossiers through a server that fails, drops answers after
// committing and is slow), every fuzz target for a fixed time, the scan
// for personal data on disk, and the access-control tests. Every row
// must show 0 lost, 0 duplicated, 0 corrupt, 0 crashes and 0 personal-
// data hits; it exits 1 if one does not, or if a test failed.
//
//	reliability [-short] [-kills N] [-dossiers N] [-fuzztime D] [-budget D]
//
// The tests of the suite are found by what they log: a Test function
// whose body calls Logf("RELIABILITY area=… case=… tried=… lost=…
// duplicated=… corrupt=… crashes=… pii=… [notes]"), one line per row.
// The fuzz targets are every func FuzzXxx(*testing.F) in the module; each
// row's tried is the fuzzing engine's execs. Fuzzing keeps its cache in a
// temporary folder, so a passing run leaves the tree as it found it; a
// failing input is written to the package's testdata/fuzz, as go test
// does, and named in the table.
//
// make reliability runs it in full (under 15 minutes on 2 cores), make
// reliability-short with -short (a few minutes: what CI runs).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"go/build"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// config is what the flags set.
type config struct {
	root, goCmd, tags string
	kills, dossiers   int
	fuzzTime, budget  time.Duration
	logDir            string
	keepLogs          bool // -logdir given: never removed

	module   string    // the module path, from go.mod
	deadline time.Time // start + budget
	progress io.Writer
}

// The full and the short suite.
var (
	full  = config{kills: 200, dossiers: 500, fuzzTime: 20 * time.Second, budget: 14 * time.Minute}
	short = config{kills: 20, dossiers: 100, fuzzTime: 3 * time.Second, budget: 4 * time.Minute}
)

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("reliability", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &config{}
	isShort := fs.Bool("short", false, "the short suite, as CI runs it: 20 kills, 100 dossiers, 3 s per fuzz target")
	fs.StringVar(&c.root, "C", ".", "the module's root folder")
	fs.StringVar(&c.goCmd, "go", envOr("GO", "go"), "the go command")
	fs.StringVar(&c.tags, "tags", "ci,bench,no_animations,migrated_fynedo", "build tags for go test (bench: the real-kiosk crash test, which needs KIOSK_CRASH_BIN)")
	fs.IntVar(&c.kills, "kills", 0, "SIGKILLs in each crash test (default 200; -short 20)")
	fs.IntVar(&c.dossiers, "dossiers", 0, "dossiers in the fault test (default 500; -short 100)")
	fs.DurationVar(&c.fuzzTime, "fuzztime", 0, "time per fuzz target (default 20s; -short 3s)")
	fs.DurationVar(&c.budget, "budget", 0, "the whole run's bound: steps that would not fit fail unrun (default 14m; -short 4m)")
	fs.StringVar(&c.logDir, "logdir", "", "keep the go test -json logs here (default: a temporary folder, removed if all is OK)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	d := full
	if *isShort {
		d = short
	}
	c.kills = orDefault(c.kills, d.kills)
	c.dossiers = orDefault(c.dossiers, d.dossiers)
	c.fuzzTime = orDefault(c.fuzzTime, d.fuzzTime)
	c.budget = orDefault(c.budget, d.budget)
	c.keepLogs = c.logDir != ""
	return c, nil
}

func orDefault[T int | time.Duration](v, d T) T {
	if v > 0 {
		return v
	}
	return d
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "reliability:", err)
		return 2
	}
	start := time.Now()
	c.deadline, c.progress = start.Add(c.budget), stderr
	if c.module, err = modulePath(c.root); err != nil {
		fmt.Fprintln(stderr, "reliability:", err)
		return 2
	}
	ctxt := build.Default
	ctxt.BuildTags, ctxt.CgoEnabled = strings.Split(c.tags, ","), false
	tests, fuzz, err := discover(c.root, ctxt)
	if err != nil {
		fmt.Fprintln(stderr, "reliability:", err)
		return 2
	}
	if c.logDir == "" {
		c.logDir, err = os.MkdirTemp("", "reliability-")
	} else {
		err = os.MkdirAll(c.logDir, 0o755)
	}
	if err != nil {
		fmt.Fprintln(stderr, "reliability:", err)
		return 2
	}
	defer os.RemoveAll(filepath.Join(c.logDir, "fuzzcache"))

	rows := c.runSuite(ctx, tests)
	for _, f := range fuzz {
		rows = append(rows, c.runFuzz(ctx, f))
	}
	sortRows(rows)
	failed := printTable(stdout, rows)
	fmt.Fprintf(stdout, "\n%d tests of the suite, %d fuzz targets (%v each), %d kills, %d dossiers; wall time %v\n",
		len(tests), len(fuzz), c.fuzzTime, c.kills, c.dossiers, time.Since(start).Round(time.Second))
	printFailures(stdout, rows)
	if failed > 0 || len(rows) == 0 {
		fmt.Fprintln(stdout, "logs:", c.logDir)
		return 1
	}
	if !c.keepLogs {
		os.RemoveAll(c.logDir)
	}
	return 0
}

// printFailures shows, for each row that is not OK, the end of its
// test's output.
func printFailures(w io.Writer, rows []row) {
	for _, r := range rows {
		if r.ok() {
			continue
		}
		fmt.Fprintf(w, "\n--- FAIL %s %s (%s %s): %s\n", r.Area, r.Case, r.Pkg, r.Test, why(r))
		for _, l := range r.Tail {
			fmt.Fprintln(w, "    "+l)
		}
		if r.Log != "" {
			fmt.Fprintln(w, "    log:", r.Log)
		}
	}
}

// modulePath reads the module path from root's go.mod.
func modulePath(root string) (string, error) {
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	return "", fmt.Errorf("%s/go.mod names no module", root)
}
