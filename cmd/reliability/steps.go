package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Margins within the budget: what go needs besides the test's own time
// (building, starting), and how long past its -timeout a go test may run
// before it is killed.
const (
	buildMargin = 30 * time.Second
	killGrace   = time.Minute
)

// importPath is the import path of the package in dir.
func (c *config) importPath(dir string) string {
	if dir == "." {
		return c.module
	}
	return c.module + "/" + dir
}

// remaining is the budget left.
func (c *config) remaining() time.Duration { return time.Until(c.deadline) }

// goTest runs go test -json with args, in the module's root, without cgo,
// writes its output to logName in the log folder, and returns what it
// reported. The test binary stops itself at timeout; go is killed a
// minute later.
func (c *config) goTest(ctx context.Context, logName string, timeout time.Duration, env []string, args ...string) (*results, string, error) {
	logPath := filepath.Join(c.logDir, logName)
	log, err := os.Create(logPath)
	if err != nil {
		return nil, logPath, err
	}
	defer log.Close()
	ctx, cancel := context.WithTimeout(ctx, timeout+killGrace)
	defer cancel()
	all := append([]string{"test", "-json", "-tags", c.tags, "-timeout", timeout.Round(time.Second).String()}, args...)
	cmd := exec.CommandContext(ctx, c.goCmd, all...)
	cmd.Dir = c.root
	cmd.Env = append(append(os.Environ(), "CGO_ENABLED=0"), env...)
	cmd.WaitDelay = 10 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = io.MultiWriter(log, &stderr)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, logPath, err
	}
	fmt.Fprintf(log, "# %s %s\n", c.goCmd, strings.Join(all, " "))
	if err := cmd.Start(); err != nil {
		return nil, logPath, err
	}
	res := newResults()
	readErr := res.read(io.TeeReader(out, log))
	waitErr := cmd.Wait()
	for _, l := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		res.keep(testID{}, l)
	}
	if readErr != nil {
		return res, logPath, readErr
	}
	if _, failed := waitErr.(*exec.ExitError); failed && ctx.Err() == nil {
		waitErr = nil // go test exits 1 when a test fails: the events say which
	}
	return res, logPath, waitErr
}

// runSuite runs every test of the suite in one go test, the packages
// side by side as go test runs them, and returns their rows.
func (c *config) runSuite(ctx context.Context, tests []suiteTest) []row {
	if len(tests) == 0 {
		return nil
	}
	var dirs, names []string
	for _, t := range tests {
		if !slices.Contains(dirs, pkgArg(t.Dir)) {
			dirs = append(dirs, pkgArg(t.Dir))
		}
		if name := regexp.QuoteMeta(t.Name); !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	timeout := min(c.remaining()-buildMargin, 10*time.Minute)
	if timeout <= 0 {
		return suiteUnrun(c, tests, "not run: time budget spent")
	}
	fmt.Fprintf(c.progress, "reliability: %d tests in %d packages (%d kills, %d dossiers)…\n", len(tests), len(dirs), c.kills, c.dossiers)
	start := time.Now()
	env := []string{"OFFLINE_CRASH_KILLS=" + strconv.Itoa(c.kills), "KIOSK_CRASH_KILLS=" + strconv.Itoa(c.kills),
		"OFFLINE_FAULT_DOSSIERS=" + strconv.Itoa(c.dossiers)}
	args := append([]string{"-count=1", "-run", "^(" + strings.Join(names, "|") + ")$"}, dirs...)
	res, logPath, err := c.goTest(ctx, "suite.json", timeout, env, args...)
	fmt.Fprintf(c.progress, "reliability: the suite took %v\n", time.Since(start).Round(time.Second))
	if err != nil && (res == nil || len(res.status) == 0) {
		return suiteUnrun(c, tests, "go test: "+err.Error())
	}
	return c.suiteRows(tests, res, logPath)
}

func suiteUnrun(c *config, tests []suiteTest, problem string) []row {
	var rows []row
	for _, t := range tests {
		rows = append(rows, row{Area: t.Area, Case: t.Name, Pkg: c.importPath(t.Dir), Test: t.Name, Problem: problem})
	}
	return rows
}

// suiteRows turns what go test reported into rows: each summary line,
// marked failed if its test failed; a failing row for each test of the
// suite that logged none, and for any other test or package that failed.
func (c *config) suiteRows(tests []suiteTest, res *results, logPath string) []row {
	var rows []row
	logged := map[testID]bool{}
	for _, r := range append(slices.Clone(res.rows), res.bad...) {
		id := testID{r.Pkg, r.Test}
		logged[id] = true
		if o := res.outcome(id); o != "pass" {
			r.Problem = strings.TrimPrefix(r.Problem+"; test "+o, "; ")
		}
		rows = append(rows, c.withDetail(r, res, logPath))
	}
	for _, t := range tests {
		id := testID{c.importPath(t.Dir), t.Name}
		if logged[id] {
			continue
		}
		logged[id] = true
		rows = append(rows, c.withDetail(row{Area: t.Area, Case: t.Name, Pkg: id.Pkg, Test: t.Name,
			Problem: "no summary line; test " + res.outcome(id)}, res, logPath))
	}
	for id, s := range res.status {
		if s != "fail" || logged[id] || (id.Test == "" && anyFailed(rows, id.Pkg)) || strings.Contains(id.Test, "/") {
			continue
		}
		name := strings.TrimPrefix(strings.TrimPrefix(id.Pkg, c.module), "/")
		if id.Test != "" {
			name += "." + id.Test
		}
		rows = append(rows, c.withDetail(row{Area: "?", Case: name, Pkg: id.Pkg, Test: id.Test, Problem: "failed"}, res, logPath))
	}
	return rows
}

func anyFailed(rows []row, pkg string) bool {
	return slices.ContainsFunc(rows, func(r row) bool { return r.Pkg == pkg && !r.ok() })
}

// withDetail adds, to a failing row, the end of its test's output (or its
// package's, for a build failure) and the log's path.
func (c *config) withDetail(r row, res *results, logPath string) row {
	if r.ok() {
		return r
	}
	r.Log = logPath
	r.Tail = res.output[testID{r.Pkg, r.Test}]
	if len(r.Tail) == 0 {
		r.Tail = append(res.output[testID{Pkg: r.Pkg}], res.output[testID{}]...)
	}
	return r
}

// runFuzz fuzzes one target for the fuzz time and returns its row. Go
// 1.26's fuzzing coordinator can fail a target that found nothing with a
// bare "context deadline exceeded" as -fuzztime ends (a race between the
// deadline and its workers, go.dev/issue/75804, fixed in Go 1.27): such a
// run is fuzzed once more, and the row says so; twice in a row, the row
// fails as unrun, never as a crash.
func (c *config) runFuzz(ctx context.Context, f fuzzTarget) row {
	r, race := c.fuzzOnce(ctx, f)
	if !race {
		return r
	}
	fmt.Fprintf(c.progress, "reliability: %s ended in Go's fuzz deadline race (go.dev/issue/75804) with no failing input; fuzzing it once more\n", r.Case)
	r, race = c.fuzzOnce(ctx, f)
	if race {
		r.Crashes, r.Problem = 0, "not run: Go's fuzz deadline race twice (go.dev/issue/75804), no failing input"
	}
	r.Notes = strings.TrimSpace(r.Notes + " retried=go#75804")
	return r
}

// coordinatorRace reports whether a fuzz target's output ends in the
// race's signature: the bare error line right after the target's FAIL,
// where a failing input or a target's own message would be.
func coordinatorRace(output []string) bool {
	for i := len(output) - 1; i > 0; i-- {
		if strings.TrimSpace(output[i]) == "context deadline exceeded" {
			return strings.HasPrefix(strings.TrimSpace(output[i-1]), "--- FAIL: Fuzz")
		}
	}
	return false
}

// fuzzOnce fuzzes one target for the fuzz time and returns its row, and
// whether it ended in Go's coordinator race rather than a finding.
func (c *config) fuzzOnce(ctx context.Context, f fuzzTarget) (row, bool) {
	id := testID{c.importPath(f.Dir), f.Name}
	r := row{Area: "hostile", Case: f.Dir + "." + f.Name, Pkg: id.Pkg, Test: f.Name}
	if f.Dir == "." {
		r.Case = path.Base(c.module) + "." + f.Name
	}
	if c.remaining() < c.fuzzTime+buildMargin {
		r.Problem = "not run: time budget spent"
		return r, false
	}
	timeout := min(c.fuzzTime+2*time.Minute, c.remaining()-buildMargin)
	cache := filepath.Join(c.logDir, "fuzzcache", strings.ReplaceAll(f.Dir, "/", "_"))
	logName := "fuzz-" + strings.ReplaceAll(f.Dir, "/", "_") + "-" + f.Name + ".json"
	start := time.Now()
	res, logPath, err := c.goTest(ctx, logName, timeout, nil,
		// Minimising a new interesting input may otherwise take most of a
		// short run (the fuzzer does nothing else meanwhile): a quarter of
		// the run at most.
		"-run", "^$", "-fuzz", "^"+regexp.QuoteMeta(f.Name)+"$", "-fuzztime", c.fuzzTime.String(),
		"-fuzzminimizetime", (c.fuzzTime / 4).String(), pkgArg(f.Dir),
		"-args", "-test.fuzzcachedir="+cache)
	if res == nil {
		res = newResults()
	}
	r.Tried = res.execs[id]
	_, found := res.inputs[id]
	race := false
	switch o := res.outcome(id); {
	case err != nil:
		r.Problem = "go test: " + err.Error()
	case o == "fail":
		r.Crashes = 1
		if in, ok := res.inputs[id]; ok {
			r.Notes = "input " + filepath.ToSlash(filepath.Join(f.Dir, in))
		}
		race = !found && coordinatorRace(res.output[id])
	case o != "pass":
		r.Problem = "fuzzing: " + o
	}
	fmt.Fprintf(c.progress, "reliability: fuzzed %s for %v: %d execs, %s\n", r.Case, time.Since(start).Round(time.Second), r.Tried, res.outcome(id))
	return c.withDetail(r, res, logPath), race
}
