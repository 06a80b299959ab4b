package main

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Verdicts.
const (
	pass = "PASS"
	miss = "MISS"
)

// figure is one row of the apps' table.
type figure struct {
	Figure   string   `json:"figure"`
	Unit     string   `json:"unit"`
	Kiosk    *float64 `json:"kiosk,omitempty"`
	Chromium *float64 `json:"chromium,omitempty"`
	Ratio    *float64 `json:"ratio,omitempty"` // kiosk / Chromium
	Budget   string   `json:"budget,omitempty"`
	Verdict  string   `json:"verdict,omitempty"` // PASS, MISS, or none without a budget or a figure
}

// ratioFigure compares the kiosk with Chromium, within at most maxRatio×
// Chromium's figure.
func ratioFigure(name, unit string, kiosk, chromium *float64, maxRatio float64) figure {
	f := figure{Figure: name, Unit: unit, Kiosk: kiosk, Chromium: chromium,
		Budget: fmt.Sprintf("≤ %.1f× Chromium", maxRatio)}
	if kiosk != nil && chromium != nil && *chromium > 0 {
		r := *kiosk / *chromium
		f.Ratio = &r
		f.Verdict = verdict(r <= maxRatio)
	}
	return f
}

// limitFigure holds the kiosk's figure under an absolute limit; Chromium's,
// when there is one, is shown for comparison.
func limitFigure(name, unit string, kiosk, chromium *float64, limit float64) figure {
	f := figure{Figure: name, Unit: unit, Kiosk: kiosk, Chromium: chromium,
		Budget: fmt.Sprintf("< %s %s", formatValue(limit), unit)}
	if kiosk != nil && chromium != nil && *chromium > 0 {
		r := *kiosk / *chromium
		f.Ratio = &r
	}
	if kiosk != nil {
		f.Verdict = verdict(*kiosk < limit)
	}
	return f
}

// infoFigure is a figure without a budget.
func infoFigure(name, unit string, kiosk, chromium *float64) figure {
	f := figure{Figure: name, Unit: unit, Kiosk: kiosk, Chromium: chromium}
	if kiosk != nil && chromium != nil && *chromium > 0 {
		r := *kiosk / *chromium
		f.Ratio = &r
	}
	return f
}

func verdict(ok bool) string {
	if ok {
		return pass
	}
	return miss
}

// median of xs; nil for none.
func median(xs []float64) *float64 {
	if len(xs) == 0 {
		return nil
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return &m
}

// formatValue writes a figure with 3 significant digits or so, never in
// exponent form: 812, 94.3, 0.42.
func formatValue(v float64) string {
	switch a := math.Abs(v); {
	case a >= 100 || a == 0:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return strconv.FormatFloat(v, 'f', 3, 64)
}

func cell(v *float64, unit string) string {
	if v == nil {
		return "—"
	}
	return formatValue(*v) + " " + unit
}

func ratioCell(r *float64) string {
	if r == nil {
		return "—"
	}
	return formatValue(*r) + "×"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// figuresTable is the apps' table.
func figuresTable(fs []figure) string {
	rows := [][]string{{"figure", "kiosk", "chromium", "ratio", "budget", "verdict"}}
	for _, f := range fs {
		rows = append(rows, []string{f.Figure, cell(f.Kiosk, f.Unit), cell(f.Chromium, f.Unit),
			ratioCell(f.Ratio), orDash(f.Budget), orDash(f.Verdict)})
	}
	return formatTable(rows)
}

// formatTable aligns columns by their width in characters (not bytes:
// "µs", "≤" and Vietnamese take one column each), with a rule under the
// header.
func formatTable(rows [][]string) string {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	line := func(r []string) {
		for i, c := range r {
			if i == len(r)-1 {
				b.WriteString(c)
				break
			}
			b.WriteString(c + strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)+2))
		}
		b.WriteString("\n")
	}
	for i, r := range rows {
		line(r)
		if i == 0 {
			rule := make([]string, len(r))
			for j := range r {
				rule[j] = strings.Repeat("-", widths[j])
			}
			line(rule)
		}
	}
	return b.String()
}

// benchBudget is the target for some Go benchmarks.
type benchBudget struct {
	name  *regexp.Regexp
	pkg   string   // the package path's last elements, e.g. "/kiosk"; "" for any
	units []string // the metric judged: the first of these the result reports
	text  string
	ok    func(v float64, unit string) bool
}

var benchBudgets = []benchBudget{
	{name: regexp.MustCompile(`^BenchmarkSearch(/|$)`), pkg: "/kiosk",
		units: []string{"p50-µs", "median-µs", "p50-ns", "median-ns", "median-ms", "ns/op"},
		text:  "median < 1 ms", ok: under(time.Millisecond)},
	{name: regexp.MustCompile(`DraftSave.*Fsync|Fsync.*DraftSave`),
		units: []string{"ratio_median", "ratio"},
		text:  "median ≤ 3× fsync", ok: func(v float64, _ string) bool { return v <= 3 }},
	{name: regexp.MustCompile(`^BenchmarkTapToNextScreen/`),
		units: []string{"median-ms", "p50-ms", "median-µs", "ns/op"},
		text:  "median < 30 ms", ok: under(30 * time.Millisecond)},
}

// under is a time limit for a metric in any time unit.
func under(limit time.Duration) func(float64, string) bool {
	return func(v float64, unit string) bool {
		d, ok := durationOf(v, unit)
		return ok && d < limit
	}
}

// durationOf reads a time metric: "ns/op", "p50-µs", "median-ms",
// "save-median-ns"…
func durationOf(v float64, unit string) (time.Duration, bool) {
	u := strings.TrimSuffix(unit, "/op")
	if i := strings.LastIndexByte(u, '-'); i >= 0 {
		u = u[i+1:]
	}
	scale := map[string]float64{"ns": 1, "µs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}[u]
	if scale == 0 {
		return 0, false
	}
	return time.Duration(v * scale), true
}

// benchRow is one row of the Go benchmarks' table.
type benchRow struct {
	Benchmark string `json:"benchmark"`
	NsPerOp   string `json:"ns_per_op"`
	Key       string `json:"key_metric"`
	Budget    string `json:"budget,omitempty"`
	Verdict   string `json:"verdict,omitempty"`
}

// benchRows judges every result against its budget, if it has one.
func benchRows(results []benchResult) []benchRow {
	rows := make([]benchRow, 0, len(results))
	for _, r := range results {
		row := benchRow{Benchmark: shortPkg(r.Package) + " " + r.Name, NsPerOp: "—"}
		if r.NsPerOp != nil {
			row.NsPerOp = formatNs(*r.NsPerOp)
		}
		b, judged := budgetFor(r)
		if judged != nil {
			row.Key = formatValue(judged.Value) + " " + judged.Unit
			row.Budget, row.Verdict = b.text, verdict(b.ok(judged.Value, judged.Unit))
		} else if k := keyMetric(r); k != nil {
			row.Key = formatValue(k.Value) + " " + k.Unit
		}
		rows = append(rows, row)
	}
	return rows
}

// budgetFor finds r's budget and the metric it judges.
func budgetFor(r benchResult) (benchBudget, *metric) {
	for _, b := range benchBudgets {
		if !b.name.MatchString(r.Name) || b.pkg != "" && !strings.HasSuffix(r.Package, b.pkg) {
			continue
		}
		for _, u := range b.units {
			if v, ok := r.metric(u); ok {
				return b, &metric{v, u}
			}
		}
		return b, nil
	}
	return benchBudget{}, nil
}

// keyMetric is the figure that says most about a benchmark without a
// budget: a rate (dossiers/s, MB/s), a ratio, a median, another custom
// metric, or else nil (ns/op is in its own column).
func keyMetric(r benchResult) *metric {
	for _, want := range []func(string) bool{
		func(u string) bool { return strings.HasSuffix(u, "/s") },
		func(u string) bool { return strings.HasPrefix(u, "ratio") },
		func(u string) bool { return strings.Contains(u, "median") || strings.HasPrefix(u, "p50") },
		func(string) bool { return true },
	} {
		for _, m := range r.Custom {
			if want(m.Unit) {
				return &m
			}
		}
	}
	return nil
}

// shortPkg drops the module's path: "kiosk/telex", "ui".
func shortPkg(pkg string) string {
	return strings.TrimPrefix(pkg, "github.com/motcua/kiosk/")
}

// formatNs writes a time per operation in its natural unit.
func formatNs(ns float64) string {
	switch {
	case ns >= 1e9:
		return formatValue(ns/1e9) + " s"
	case ns >= 1e6:
		return formatValue(ns/1e6) + " ms"
	case ns >= 1e3:
		return formatValue(ns/1e3) + " µs"
	}
	return formatValue(ns) + " ns"
}

func benchTable(rows []benchRow) string {
	t := [][]string{{"benchmark", "ns/op", "key metric", "budget", "verdict"}}
	for _, r := range rows {
		t = append(t, []string{r.Benchmark, r.NsPerOp, orDash(r.Key), orDash(r.Budget), orDash(r.Verdict)})
	}
	return formatTable(t)
}
