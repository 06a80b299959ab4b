package main

import (
	"bufio"
	"encoding/json"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// event is one line of go test -json (cmd/test2json).
type event struct {
	Action     string
	Package    string
	Test       string
	Output     string
	ImportPath string // build-output and build-fail events
}

// testID names a test, or a package's own output with Test empty.
type testID struct{ Pkg, Test string }

// maxKept is how many output lines are kept per test, the last ones, to
// show why a test failed.
const maxKept = 40

// results is what one go test -json run reported.
type results struct {
	status    map[testID]string   // pass, fail or skip, per test and per package
	rows      []row               // summary lines, in the order logged
	execs     map[testID]int64    // fuzzing: the last execs count
	inputs    map[testID]string   // fuzzing: where a failing input was written
	output    map[testID][]string // the last lines of output
	buildFail map[string]bool     // packages that did not build
	bad       []row               // malformed summary lines, as rows with a problem
}

func newResults() *results {
	return &results{
		status: map[testID]string{}, execs: map[testID]int64{}, inputs: map[testID]string{},
		output: map[testID][]string{}, buildFail: map[string]bool{},
	}
}

// read collects the events of a go test -json stream. Lines that are not
// JSON (go's own errors when it cannot even start) are kept as package-
// less output.
func (r *results) read(in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			r.keep(testID{}, string(line))
			continue
		}
		r.add(e)
	}
	return sc.Err()
}

// add takes one event.
func (r *results) add(e event) {
	id := testID{e.Package, e.Test}
	switch e.Action {
	case "pass", "fail", "skip":
		r.status[id] = e.Action
	case "build-output":
		r.keep(testID{Pkg: buildPkg(e.ImportPath)}, e.Output)
	case "build-fail":
		r.buildFail[buildPkg(e.ImportPath)] = true
	case "output":
		r.output1(id, e.Output)
	}
}

func (r *results) output1(id testID, out string) {
	r.keep(id, out)
	if n, ok := fuzzExecs(out); ok {
		r.execs[id] = n
	}
	if p, ok := failingInput(out); ok {
		r.inputs[id] = p
	}
	row, found, err := parseLine(out)
	switch {
	case !found:
	case err != nil:
		r.bad = append(r.bad, row1(id, "bad summary line: "+err.Error()))
	default:
		row.Pkg, row.Test = id.Pkg, id.Test
		r.rows = append(r.rows, row)
	}
}

// buildPkg is the package of a build event's ImportPath, which names the
// test variant too: "example.com/m/p [example.com/m/p.test]".
func buildPkg(importPath string) string {
	p, _, _ := strings.Cut(importPath, " ")
	return p
}

func row1(id testID, problem string) row {
	return row{Area: "?", Case: id.Test, Pkg: id.Pkg, Test: id.Test, Problem: problem}
}

func (r *results) keep(id testID, out string) {
	out = strings.TrimRight(out, "\n")
	if out == "" {
		return
	}
	lines := append(r.output[id], out)
	if len(lines) > maxKept {
		lines = lines[len(lines)-maxKept:]
	}
	r.output[id] = lines
}

// outcome is how a test ended: pass, fail or skip, or a reason it has
// none (its package failed to build or was stopped).
func (r *results) outcome(id testID) string {
	if s, ok := r.status[id]; ok {
		return s
	}
	if r.buildFail[id.Pkg] {
		return "build failed"
	}
	return "no result"
}

// The fuzzing engine's progress, e.g.
//
//	fuzz: elapsed: 3s, execs: 31781 (10590/sec), new interesting: 54 (total: 60)
var execsRE = regexp.MustCompile(`^fuzz: elapsed: \S+, execs: (\d+) `)

// fuzzExecs reads the execs count out of a line of fuzzing progress.
func fuzzExecs(line string) (int64, bool) {
	m := execsRE.FindStringSubmatch(strings.TrimSpace(line))
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	return n, err == nil
}

// failingInput reads where go test wrote the input that failed, e.g.
//
//	Failing input written to testdata/fuzz/FuzzFold/4f3c…
func failingInput(line string) (string, bool) {
	const p = "Failing input written to "
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, p) {
		return "", false
	}
	return strings.TrimSpace(line[len(p):]), true
}
