package main

import (
	"slices"
	"strings"
	"testing"
)

func TestFuzzExecs(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"fuzz: elapsed: 3s, execs: 31781 (10590/sec), new interesting: 54 (total: 60)\n", 31781, true},
		{"fuzz: elapsed: 1m0s, execs: 1234567 (20576/sec), new interesting: 0 (total: 6)", 1234567, true},
		{"fuzz: elapsed: 0s, gathering baseline coverage: 6/6 completed, now fuzzing with 2 workers\n", 0, false},
		{"    fuzz: elapsed: 0s, execs: 0 (0/sec), new interesting: 0 (total: 6)", 0, true},
		{"--- PASS: FuzzFold (4.01s)", 0, false},
	}
	for _, tt := range tests {
		got, ok := fuzzExecs(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("fuzzExecs(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestFailingInput(t *testing.T) {
	got, ok := failingInput("    Failing input written to testdata/fuzz/FuzzFold/771e938e4458e983\n")
	if !ok || got != "testdata/fuzz/FuzzFold/771e938e4458e983" {
		t.Errorf("failingInput = %q, %v; want the path", got, ok)
	}
	if got, ok := failingInput("    To re-run:"); ok {
		t.Errorf("failingInput(To re-run) = %q, true; want false", got)
	}
}

// A go test -json stream, cut from real runs: a suite test that passed,
// one that failed after logging its line, one that failed without, a
// fuzz run that found a crash, a package that did not build, and a line
// of go's own.
const stream = `{"Action":"start","Package":"m/offline"}
{"Action":"run","Package":"m/offline","Test":"TestCrashSafety"}
{"Action":"output","Package":"m/offline","Test":"TestCrashSafety","Output":"=== RUN   TestCrashSafety\n"}
{"Action":"output","Package":"m/offline","Test":"TestCrashSafety","Output":"    crash_test.go:70: 200 kills: 2330 drafts acknowledged\n"}
{"Action":"output","Package":"m/offline","Test":"TestCrashSafety","Output":"    crash_test.go:58: RELIABILITY area=crash case=sigkill tried=200 lost=0 duplicated=0 corrupt=0 crashes=0 pii=0 drafts=2330\n"}
{"Action":"output","Package":"m/offline","Test":"TestCrashSafety","Output":"--- PASS: TestCrashSafety (97.12s)\n"}
{"Action":"pass","Package":"m/offline","Test":"TestCrashSafety","Elapsed":97.12}
{"Action":"run","Package":"m/offline","Test":"TestFaultInjection"}
{"Action":"output","Package":"m/offline","Test":"TestFaultInjection","Output":"    sync_test.go:290: RELIABILITY area=faults case=sync tried=500 lost=2 duplicated=0 corrupt=0 crashes=0 pii=0\n"}
{"Action":"output","Package":"m/offline","Test":"TestFaultInjection","Output":"    sync_test.go:300: item 7 is queued; want accepted\n"}
{"Action":"fail","Package":"m/offline","Test":"TestFaultInjection","Elapsed":60}
{"Action":"run","Package":"m/offline","Test":"TestNoPersonalDataOnDisk"}
{"Action":"output","Package":"m/offline","Test":"TestNoPersonalDataOnDisk","Output":"    privacy_test.go:44: reading: no such file\n"}
{"Action":"fail","Package":"m/offline","Test":"TestNoPersonalDataOnDisk","Elapsed":0.1}
{"Action":"run","Package":"m/offline","Test":"TestBroken"}
{"Action":"output","Package":"m/offline","Test":"TestBroken","Output":"    x_test.go:1: RELIABILITY area=crash case=broken tried=x\n"}
{"Action":"pass","Package":"m/offline","Test":"TestBroken","Elapsed":0.1}
{"Action":"fail","Package":"m/offline","Elapsed":160}
{"Action":"run","Package":"m/kiosk","Test":"FuzzFold"}
{"Action":"output","Package":"m/kiosk","Test":"FuzzFold","Output":"fuzz: elapsed: 0s, gathering baseline coverage: 0/6 completed\n"}
{"Action":"output","Package":"m/kiosk","Test":"FuzzFold","Output":"fuzz: elapsed: 3s, execs: 31781 (10590/sec), new interesting: 54 (total: 60)\n"}
{"Action":"output","Package":"m/kiosk","Test":"FuzzFold","Output":"fuzz: elapsed: 4s, execs: 40000 (8410/sec), new interesting: 54 (total: 60)\n"}
{"Action":"output","Package":"m/kiosk","Test":"FuzzFold","Output":"    Failing input written to testdata/fuzz/FuzzFold/771e938e4458e983\n"}
{"Action":"fail","Package":"m/kiosk","Test":"FuzzFold","Elapsed":4.1}
{"ImportPath":"m/ui [m/ui.test]","Action":"build-output","Output":"# m/ui [m/ui.test]\n"}
{"ImportPath":"m/ui [m/ui.test]","Action":"build-output","Output":"ui/x_test.go:5:28: undefined: nothing\n"}
{"ImportPath":"m/ui [m/ui.test]","Action":"build-fail"}
{"Action":"fail","Package":"m/ui","Elapsed":0,"FailedBuild":"m/ui [m/ui.test]"}
go: downloading something
`

func TestReadEvents(t *testing.T) {
	res := newResults()
	if err := res.read(strings.NewReader(stream)); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[testID]string{
		{"m/offline", "TestCrashSafety"}:          "pass",
		{"m/offline", "TestFaultInjection"}:       "fail",
		{"m/offline", "TestNoPersonalDataOnDisk"}: "fail",
		{"m/offline", ""}:                         "fail",
		{"m/kiosk", "FuzzFold"}:                   "fail",
		{"m/ui", "FuzzX"}:                         "build failed",
		{"m/ui", "TestNeverRun"}:                  "build failed",
		{"m/other", "TestNeverRun"}:               "no result",
	} {
		if got := res.outcome(id); got != want {
			t.Errorf("outcome(%v) = %q; want %q", id, got, want)
		}
	}
	if len(res.rows) != 2 || res.rows[0].Case != "sigkill" || res.rows[0].Tried != 200 || res.rows[0].Notes != "drafts=2330" ||
		res.rows[0].Test != "TestCrashSafety" || res.rows[1].Lost != 2 || res.rows[1].Pkg != "m/offline" {
		t.Errorf("rows = %+v; want the crash and the fault lines", res.rows)
	}
	if len(res.bad) != 1 || !strings.Contains(res.bad[0].Problem, `tried="x"`) || res.bad[0].Test != "TestBroken" {
		t.Errorf("bad = %+v; want TestBroken's malformed line", res.bad)
	}
	fuzz := testID{"m/kiosk", "FuzzFold"}
	if res.execs[fuzz] != 40000 || res.inputs[fuzz] != "testdata/fuzz/FuzzFold/771e938e4458e983" {
		t.Errorf("fuzzing: execs %d, input %q; want the last count, 40000, and the input", res.execs[fuzz], res.inputs[fuzz])
	}
	if got := res.output[testID{Pkg: "m/ui"}]; !slices.Contains(got, "ui/x_test.go:5:28: undefined: nothing") {
		t.Errorf("m/ui's build output = %q; want the compiler's error", got)
	}
	if got := res.output[testID{}]; !slices.Equal(got, []string{"go: downloading something"}) {
		t.Errorf("go's own output = %q", got)
	}
}

func TestOutputKeepsTheLastLines(t *testing.T) {
	res := newResults()
	id := testID{"p", "T"}
	for i := range maxKept + 10 {
		res.add(event{Action: "output", Package: "p", Test: "T", Output: strings.Repeat("x", i) + "\n"})
	}
	if got := res.output[id]; len(got) != maxKept || got[0] != strings.Repeat("x", 10) {
		t.Errorf("kept %d lines starting %q; want the last %d", len(got), got[0], maxKept)
	}
}

func TestSuiteRows(t *testing.T) {
	res := newResults()
	if err := res.read(strings.NewReader(stream)); err != nil {
		t.Fatal(err)
	}
	c := &config{module: "m"}
	tests := []suiteTest{
		{Dir: "offline", Name: "TestCrashSafety", Area: "crash"},
		{Dir: "offline", Name: "TestFaultInjection", Area: "faults"},
		{Dir: "offline", Name: "TestNoPersonalDataOnDisk", Area: "privacy"},
		{Dir: "offline/adminpin", Name: "TestLock", Area: "access"},
	}
	rows := c.suiteRows(tests, res, "/tmp/suite.json")
	got := map[string]row{}
	for _, r := range rows {
		got[r.Case] = r
	}
	want := map[string]string{ // case → problem
		"sigkill":                  "",
		"sync":                     "test fail",
		"TestBroken":               "bad summary line",
		"TestNoPersonalDataOnDisk": "no summary line; test fail",
		"TestLock":                 "no summary line; test no result",
		"kiosk.FuzzFold":           "failed", // not of the suite, but it failed
		"ui":                       "failed", // a package that did not build
	}
	if len(rows) != len(want) {
		t.Errorf("%d rows: %+v; want %d", len(rows), rows, len(want))
	}
	for name, problem := range want {
		r, ok := got[name]
		switch {
		case !ok:
			t.Errorf("no row %s", name)
		case problem == "" && !r.ok():
			t.Errorf("row %s = %+v; want OK", name, r)
		case !strings.HasPrefix(r.Problem, problem):
			t.Errorf("row %s's problem = %q; want %q", name, r.Problem, problem)
		}
	}
	if r := got["TestNoPersonalDataOnDisk"]; r.Area != "privacy" || r.Log != "/tmp/suite.json" ||
		!slices.Contains(r.Tail, "    privacy_test.go:44: reading: no such file") {
		t.Errorf("the failed test's row = %+v; want its area, its output and the log", r)
	}
	if r := got["sigkill"]; r.Tail != nil || r.Log != "" {
		t.Errorf("an OK row carries output: %+v", r)
	}
}
