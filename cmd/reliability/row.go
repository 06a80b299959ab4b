package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The line a test of the suite logs, once per row it measured:
//
//	RELIABILITY area=crash case=sigkill tried=200 lost=0 duplicated=0 corrupt=0 crashes=0 pii=0 [key=value …]
//
// The counts are what the test measured; keys after the eight are notes.
const marker = "RELIABILITY "

// Areas, in the table's order.
var areas = []string{"crash", "faults", "hostile", "privacy", "access"}

// counted are the keys whose sum must be zero for a row to be OK.
var counted = []string{"lost", "duplicated", "corrupt", "crashes", "pii"}

// row is one line of the table.
type row struct {
	Area, Case string
	Tried      int64
	Lost       int64
	Duplicated int64
	Corrupt    int64
	Crashes    int64
	PII        int64
	Notes      string

	// Where the row came from, and what went wrong besides the counts: a
	// failed test, a missing summary line, a step that never ran.
	Pkg, Test string
	Problem   string
	Tail      []string // the last lines of the test's output, to show when the row fails
	Log       string   // the go test -json log it came from
}

// damage is the sum of the counts that must be zero.
func (r row) damage() int64 { return r.Lost + r.Duplicated + r.Corrupt + r.Crashes + r.PII }

// ok is the verdict: nothing lost, duplicated, corrupt, crashed or
// leaked, and nothing else went wrong.
func (r row) ok() bool { return r.damage() == 0 && r.Problem == "" }

// parseLine reads a summary line out of a line of test output (Logf
// prefixes it with the file and line). It reports false if the line holds
// no summary; an error if it holds a malformed one.
func parseLine(s string) (row, bool, error) {
	i := strings.Index(s, marker)
	if i < 0 {
		return row{}, false, nil
	}
	fields := strings.Fields(s[i+len(marker):])
	r := row{}
	seen := map[string]bool{}
	var notes []string
	for _, f := range fields {
		k, v, found := strings.Cut(f, "=")
		if !found || k == "" {
			return row{}, true, fmt.Errorf("%q is not key=value", f)
		}
		if seen[k] {
			return row{}, true, fmt.Errorf("%s given twice", k)
		}
		seen[k] = true
		switch k {
		case "area":
			r.Area = v
		case "case":
			r.Case = v
		case "tried", "lost", "duplicated", "corrupt", "crashes", "pii":
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return row{}, true, fmt.Errorf("%s=%q is not a count", k, v)
			}
			*r.count(k) = n
		default:
			notes = append(notes, f)
		}
	}
	for _, k := range append([]string{"area", "case", "tried"}, counted...) {
		if !seen[k] {
			return row{}, true, fmt.Errorf("no %s", k)
		}
	}
	if r.Area == "" || r.Case == "" {
		return row{}, true, errors.New("empty area or case")
	}
	r.Notes = strings.Join(notes, " ")
	return r, true, nil
}

func (r *row) count(key string) *int64 {
	switch key {
	case "tried":
		return &r.Tried
	case "lost":
		return &r.Lost
	case "duplicated":
		return &r.Duplicated
	case "corrupt":
		return &r.Corrupt
	case "crashes":
		return &r.Crashes
	case "pii":
		return &r.PII
	}
	panic("reliability: no count " + key)
}
