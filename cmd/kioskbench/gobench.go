package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// metric is one "value unit" pair of a benchmark's result line.
type metric struct {
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

// benchResult is one result line of go test -bench, whole.
type benchResult struct {
	Package    string   `json:"package"`
	Name       string   `json:"name"`  // without the -GOMAXPROCS suffix
	Procs      int      `json:"procs"` // the suffix; 0 when there is none
	Iterations int64    `json:"iterations"`
	NsPerOp    *float64 `json:"ns_per_op,omitempty"`
	BPerOp     *float64 `json:"bytes_per_op,omitempty"`
	AllocsOp   *float64 `json:"allocs_per_op,omitempty"`
	// Custom are the other metrics, b.ReportMetric's and MB/s, in the
	// order go test printed them.
	Custom []metric `json:"custom,omitempty"`
	Line   string   `json:"line"`
}

// metric returns the value of unit, standard or custom.
func (r benchResult) metric(unit string) (float64, bool) {
	std := map[string]*float64{"ns/op": r.NsPerOp, "B/op": r.BPerOp, "allocs/op": r.AllocsOp}
	if p, ok := std[unit]; ok {
		if p == nil {
			return 0, false
		}
		return *p, true
	}
	for _, m := range r.Custom {
		if m.Unit == unit {
			return m.Value, true
		}
	}
	return 0, false
}

// benchOutput is what parseBenchOutput found in go test's output.
type benchOutput struct {
	Results  []benchResult `json:"results"`
	Failures []string      `json:"failures,omitempty"` // "FAIL …" and "--- FAIL: …" lines
}

// parseBenchOutput reads go test -bench output: "pkg:" lines name the
// package of the results that follow, result lines are parsed whole, and
// failures are kept. Anything else (logs, "ok", goos…) is skipped.
func parseBenchOutput(r io.Reader) (benchOutput, error) {
	var out benchOutput
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), " \t")
		switch {
		case strings.HasPrefix(line, "pkg: "):
			pkg = strings.TrimPrefix(line, "pkg: ")
		case strings.HasPrefix(line, "FAIL") || strings.HasPrefix(strings.TrimSpace(line), "--- FAIL"):
			out.Failures = append(out.Failures, strings.TrimSpace(line))
		case strings.HasPrefix(line, "Benchmark"):
			res, ok, err := parseResultLine(line)
			if err != nil {
				return out, err
			}
			if ok {
				res.Package = pkg
				out.Results = append(out.Results, res)
			}
		}
	}
	return out, sc.Err()
}

// parseResultLine reads "BenchmarkName-N  iterations  value unit  value
// unit…". A line with only the name (printed before a benchmark's logs)
// is not a result: ok is false.
func parseResultLine(line string) (benchResult, bool, error) {
	f := strings.Fields(line)
	if len(f) < 2 {
		return benchResult{}, false, nil
	}
	iters, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return benchResult{}, false, nil // a name followed by log text
	}
	if len(f)%2 != 0 {
		return benchResult{}, false, fmt.Errorf("benchmark line %q: a value without its unit", line)
	}
	res := benchResult{Iterations: iters, Line: line}
	res.Name, res.Procs = splitProcs(f[0])
	for i := 2; i < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return benchResult{}, false, fmt.Errorf("benchmark line %q: value %q: %w", line, f[i], err)
		}
		switch unit := f[i+1]; unit {
		case "ns/op":
			res.NsPerOp = &v
		case "B/op":
			res.BPerOp = &v
		case "allocs/op":
			res.AllocsOp = &v
		default:
			res.Custom = append(res.Custom, metric{v, unit})
		}
	}
	return res, true, nil
}

// splitProcs splits "BenchmarkX/sub-4" into "BenchmarkX/sub" and 4.
func splitProcs(name string) (string, int) {
	i := strings.LastIndexByte(name, '-')
	if i < 0 {
		return name, 0
	}
	n, err := strconv.Atoi(name[i+1:])
	if err != nil || n <= 0 {
		return name, 0
	}
	return name[:i], n
}

// goBench is how the harness runs the Go benchmarks.
type goBench struct {
	dir       string   // the module's root
	pkgs      []string // e.g. ./kiosk/... ./offline/... ./ui/
	tags      string
	benchtime string // "" for go test's default
}

func (g goBench) args() []string {
	args := []string{"test", "-tags", g.tags, "-run", "^$", "-bench", ".", "-benchmem"}
	if g.benchtime != "" {
		args = append(args, "-benchtime", g.benchtime)
	}
	return append(args, g.pkgs...)
}

// run runs the benchmarks without cgo, as the unit tests run, echoing
// their output to progress, and parses it. A failing benchmark does not
// lose the others' results: the error is returned beside them.
func (g goBench) run(progress io.Writer) (benchOutput, string, error) {
	cmd := exec.Command("go", g.args()...)
	cmd.Dir = g.dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "LANG=vi_VN.UTF-8")
	var raw strings.Builder
	cmd.Stdout = io.MultiWriter(&raw, progress)
	cmd.Stderr = io.MultiWriter(&raw, progress)
	runErr := cmd.Run()
	out, err := parseBenchOutput(strings.NewReader(raw.String()))
	if err == nil {
		err = runErr
	}
	return out, "go " + strings.Join(g.args(), " "), err
}
