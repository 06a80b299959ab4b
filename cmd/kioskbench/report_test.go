package main

import (
	"strings"
	"testing"
	"time"
)

const sampleBenchOutput = `goos: linux
goarch: amd64
pkg: github.com/motcua/kiosk/kiosk
cpu: Intel(R) Xeon(R) Processor
BenchmarkSearch/exact-2         	   19676	     61071 ns/op	        51.65 p50-µs	       147.3 p99-µs	     182 B/op	       2 allocs/op
BenchmarkSearch/prefix-2        	    9199	    170738 ns/op	       1123.2 p50-µs	      1075 p99-µs	     215 B/op	       2 allocs/op
PASS
ok  	github.com/motcua/kiosk/kiosk	10.447s
pkg: github.com/motcua/kiosk/kiosk/telex
BenchmarkConvert-2   	    1642	    727897 ns/op	   1.02 MB/s	  234993 B/op	    7081 allocs/op
pkg: github.com/motcua/kiosk/offline
BenchmarkDraftSaveVsFsync-2   	    1444	    751461 ns/op	      2265 draft-bytes	    117483 fsync-median-ns	         2.337 ratio_median	    274605 save-median-ns	   16443 B/op	     151 allocs/op
BenchmarkOutboxFlush
    bench_test.go:80: flushed 1000 dossiers
BenchmarkOutboxFlush-2   	       1	1500000000 ns/op	       666.7 dossiers/s
2026/11/29 09:29:20 Fyne error:  Error parsing user locale C
pkg: github.com/motcua/kiosk/ui
BenchmarkTapToNextScreen/home_to_catalog-2         	     150	   8568261 ns/op	         5.874 median-ms	        23.45 p99-ms	 2224486 B/op	   25800 allocs/op
BenchmarkTapToNextScreen/slow_screen-2         	     150	   8568261 ns/op	         31.2 median-ms	        43.45 p99-ms	 2224486 B/op	   25800 allocs/op
--- FAIL: BenchmarkBroken
FAIL	github.com/motcua/kiosk/ui	83.309s
`

func TestParseBenchOutput(t *testing.T) {
	out, err := parseBenchOutput(strings.NewReader(sampleBenchOutput))
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Results) != 7 {
		t.Fatalf("parsed %d results; want 7: %+v", len(out.Results), out.Results)
	}
	first := out.Results[0]
	if first.Package != "github.com/motcua/kiosk/kiosk" || first.Name != "BenchmarkSearch/exact" || first.Procs != 2 ||
		first.Iterations != 19676 || *first.NsPerOp != 61071 || *first.BPerOp != 182 || *first.AllocsOp != 2 {
		t.Errorf("first result = %+v", first)
	}
	if len(first.Custom) != 2 || first.Custom[0] != (metric{51.65, "p50-µs"}) || first.Custom[1] != (metric{147.3, "p99-µs"}) {
		t.Errorf("first result's custom metrics = %v; want p50-µs then p99-µs", first.Custom)
	}
	flush := out.Results[4]
	if flush.Name != "BenchmarkOutboxFlush" || flush.Package != "github.com/motcua/kiosk/offline" || flush.BPerOp != nil {
		t.Errorf("the result after a benchmark's logs = %+v", flush)
	}
	if v, ok := flush.metric("dossiers/s"); !ok || v != 666.7 {
		t.Errorf("metric(dossiers/s) = %v, %v; want 666.7", v, ok)
	}
	if len(out.Failures) != 2 {
		t.Errorf("failures = %q; want the --- FAIL and FAIL lines", out.Failures)
	}
	if _, err := parseBenchOutput(strings.NewReader("BenchmarkX-2 10 12 ns/op 5\n")); err == nil {
		t.Error("a value without a unit: no error")
	}
}

func TestSplitProcs(t *testing.T) {
	tests := []struct {
		in    string
		name  string
		procs int
	}{
		{"BenchmarkX-2", "BenchmarkX", 2},
		{"BenchmarkX/home_to-catalog-16", "BenchmarkX/home_to-catalog", 16},
		{"BenchmarkX", "BenchmarkX", 0},
		{"BenchmarkX/a-b", "BenchmarkX/a-b", 0},
	}
	for _, tt := range tests {
		if name, procs := splitProcs(tt.in); name != tt.name || procs != tt.procs {
			t.Errorf("splitProcs(%q) = %q, %d; want %q, %d", tt.in, name, procs, tt.name, tt.procs)
		}
	}
}

func TestDurationOf(t *testing.T) {
	tests := []struct {
		v    float64
		unit string
		want time.Duration
		ok   bool
	}{
		{61071, "ns/op", 61071, true},
		{51.65, "p50-µs", 51650, true},
		{5.874, "median-ms", 5874 * time.Microsecond, true},
		{274605, "save-median-ns", 274605, true},
		{2.3, "ratio_median", 0, false},
		{666, "dossiers/s", 0, false},
	}
	for _, tt := range tests {
		if got, ok := durationOf(tt.v, tt.unit); got != tt.want || ok != tt.ok {
			t.Errorf("durationOf(%v, %q) = %v, %v; want %v, %v", tt.v, tt.unit, got, ok, tt.want, tt.ok)
		}
	}
}

func TestBenchRows(t *testing.T) {
	out, err := parseBenchOutput(strings.NewReader(sampleBenchOutput))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][3]string{ // key metric, budget, verdict
		"kiosk BenchmarkSearch/exact":                 {"51.6 p50-µs", "median < 1 ms", pass},
		"kiosk BenchmarkSearch/prefix":                {"1123 p50-µs", "median < 1 ms", miss},
		"kiosk/telex BenchmarkConvert":                {"1.02 MB/s", "", ""},
		"offline BenchmarkDraftSaveVsFsync":           {"2.34 ratio_median", "median ≤ 3× fsync", pass},
		"offline BenchmarkOutboxFlush":                {"667 dossiers/s", "", ""},
		"ui BenchmarkTapToNextScreen/home_to_catalog": {"5.87 median-ms", "median < 30 ms", pass},
		"ui BenchmarkTapToNextScreen/slow_screen":     {"31.2 median-ms", "median < 30 ms", miss},
	}
	rows := benchRows(out.Results)
	if len(rows) != len(want) {
		t.Fatalf("%d rows; want %d", len(rows), len(want))
	}
	for _, r := range rows {
		w, ok := want[r.Benchmark]
		if !ok {
			t.Errorf("unexpected row %q", r.Benchmark)
			continue
		}
		if got := [3]string{r.Key, r.Budget, r.Verdict}; got != w {
			t.Errorf("row %s = %q; want %q", r.Benchmark, got, w)
		}
	}
	if rows[0].NsPerOp != "61.1 µs" {
		t.Errorf("ns/op of the first row = %q; want 61.1 µs", rows[0].NsPerOp)
	}
}

func TestFigures(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name string
		got  figure
		want string // ratio cell and verdict
	}{
		{"start-up well under half", ratioFigure("s", "ms", f(300), f(1000), 0.5), "0.300× PASS"},
		{"memory over its share", ratioFigure("m", "MB", f(90), f(200), 0.4), "0.450× MISS"},
		{"no Chromium figure", ratioFigure("m", "MB", f(90), nil, 0.4), "— "},
		{"idle CPU under 1%", limitFigure("c", "%", f(0.4), f(0.2), 1), "2.00× PASS"},
		{"idle CPU at 1%", limitFigure("c", "%", f(1), nil, 1), "— MISS"},
	}
	for _, tt := range tests {
		if got := ratioCell(tt.got.Ratio) + " " + tt.got.Verdict; got != tt.want {
			t.Errorf("%s: %q; want %q", tt.name, got, tt.want)
		}
	}
	if m := median([]float64{5, 1, 3}); m == nil || *m != 3 {
		t.Errorf("median(5, 1, 3) = %v; want 3", m)
	}
	if m := median([]float64{4, 1, 3, 2}); m == nil || *m != 2.5 {
		t.Errorf("median(4, 1, 3, 2) = %v; want 2.5", m)
	}
	if median(nil) != nil {
		t.Error("median of nothing is not nil")
	}
}

func TestFormatTable(t *testing.T) {
	got := formatTable([][]string{
		{"figure", "kiosk", "verdict"},
		{"search", "51.6 µs", "PASS"},
		{"khai sinh ≤", "5 ms", "MISS"},
	})
	want := "" +
		"figure       kiosk    verdict\n" +
		"-----------  -------  -------\n" +
		"search       51.6 µs  PASS\n" +
		"khai sinh ≤  5 ms     MISS\n"
	if got != want {
		t.Errorf("formatTable =\n%s\nwant\n%s", got, want)
	}
}

func TestFormatValue(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 812.4: "812", 94.34: "94.3", 1.234: "1.23", 0.4234: "0.423", 12500: "12500"} {
		if got := formatValue(v); got != want {
			t.Errorf("formatValue(%v) = %q; want %q", v, got, want)
		}
	}
}
