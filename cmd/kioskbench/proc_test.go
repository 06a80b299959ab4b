package main

import (
	"os"
	"sync/atomic"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	// A command name with a space and a parenthesis, as Chromium's
	// threads and some daemons have.
	line := "4033 (chro) me) S 4030 4030 4030 0 -1 4194560 21360 0 0 0 152 47 0 0 20 0 30 0 98765 470000000 30000 18446744073709551615 1 1 0 0 0 0 0 4098 1260 0 0 0 17 1 0 0 0 0 0"
	st, err := parseStat(line)
	if err != nil {
		t.Fatal(err)
	}
	want := procStat{PID: 4033, PPID: 4030, Comm: "chro) me", UTime: 152, STime: 47, StartTime: 98765}
	if st != want {
		t.Errorf("parseStat = %+v; want %+v", st, want)
	}
	if got := stateOf(line); got != "S" {
		t.Errorf("stateOf = %q; want S", got)
	}
	for _, bad := range []string{"", "12 no-parens S 1", "x (a) S 1 2 3", "1 (a) S 1 2"} {
		if _, err := parseStat(bad); err == nil {
			t.Errorf("parseStat(%q): no error", bad)
		}
	}
}

func TestParseStatOfThisProcess(t *testing.T) {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Skip("no /proc here")
	}
	st, err := parseStat(string(b))
	if err != nil || st.PID != os.Getpid() || st.PPID != os.Getppid() || st.StartTime == 0 {
		t.Errorf("parseStat(/proc/self/stat) = %+v, %v; want this process (%d, parent %d)", st, err, os.Getpid(), os.Getppid())
	}
}

func TestTreeOf(t *testing.T) {
	procs := []procStat{
		{PID: 1, PPID: 0}, {PID: 10, PPID: 1}, {PID: 11, PPID: 10}, {PID: 12, PPID: 10},
		{PID: 13, PPID: 12}, {PID: 20, PPID: 1}, {PID: 21, PPID: 20},
	}
	var got []int
	for _, p := range treeOf(10, procs) {
		got = append(got, p.PID)
	}
	if len(got) != 4 || got[0] != 10 || !contains(got, 11) || !contains(got, 12) || !contains(got, 13) {
		t.Errorf("treeOf(10) = %v; want 10 and its descendants 11, 12, 13", got)
	}
	if tree := treeOf(99, procs); tree != nil {
		t.Errorf("treeOf(a gone process) = %v; want none", tree)
	}
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func TestParsePss(t *testing.T) {
	rollup := []byte(`55d0c0a00000-7ffd8b7fd000 ---p 00000000 00:00 0                          [rollup]
Rss:              135140 kB
Pss:               98321 kB
Pss_Dirty:         60000 kB
Pss_Anon:          58000 kB
Shared_Clean:      40000 kB
`)
	kb, err := parsePss(rollup)
	if err != nil || kb != 98321 {
		t.Errorf("parsePss = %d, %v; want 98321 (not Pss_Dirty or Pss_Anon)", kb, err)
	}
	if _, err := parsePss([]byte("Rss: 12 kB\n")); err == nil {
		t.Error("parsePss without a Pss line: no error")
	}
}

func TestTreePssOfThisProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/smaps_rollup"); err != nil {
		t.Skip("no smaps_rollup here")
	}
	m, err := treePss(os.Getpid())
	if err != nil || m.PssKB == 0 || m.Processes < 1 {
		t.Errorf("treePss(self) = %+v, %v; want some memory in at least this process", m, err)
	}
}

func TestCPUDelta(t *testing.T) {
	before := map[procKey]uint64{{1, 100}: 50, {2, 100}: 10, {3, 100}: 7}
	after := map[procKey]uint64{
		{1, 100}: 80, // 30 more
		{2, 100}: 10, // idle
		{4, 300}: 5,  // started meanwhile: all of it
		{3, 999}: 2,  // PID 3 reused by a new process: all of it
	}
	if got := cpuDelta(before, after); got != 37 {
		t.Errorf("cpuDelta = %d; want 30 + 0 + 5 + 2 = 37", got)
	}
}

func TestMeasureCPUOfABusyProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc here")
	}
	var stop atomic.Bool
	go func() { // this test's own process keeps one core busy
		for !stop.Load() {
		}
	}()
	defer stop.Store(true)
	c, err := measureCPU(os.Getpid(), os.Getpid(), 500*time.Millisecond, clockTicks())
	if err != nil {
		t.Fatal(err)
	}
	if c.Percent < 10 || c.Percent > 300 {
		t.Errorf("measureCPU of a spinning process = %.1f%%; want about 100%% (at least 10%% on a busy machine)", c.Percent)
	}
}

func TestParseAnswer(t *testing.T) {
	if d, err := parseAnswer("journey", "ok journey 438"); err != nil || d != 438*time.Millisecond {
		t.Errorf("parseAnswer(ok) = %v, %v; want 438ms", d, err)
	}
	for _, line := range []string{"error journey the kiosk refused x", "ok qr 12", "ok journey soon", "hello"} {
		if _, err := parseAnswer("journey", line); err == nil {
			t.Errorf("parseAnswer(%q): no error", line)
		}
	}
}

func TestProcessLabel(t *testing.T) {
	tests := []struct{ comm, cmdline, want string }{
		{"kiosk-bench", "/work/bin/kiosk-bench\x00--demo\x00", "kiosk-bench"},
		{"chromium", "/usr/lib/chromium/chromium\x00--type=renderer\x00--lang=en-US\x00", "chromium renderer"},
		{"chromium", "/usr/lib/chromium/chromium\x00--type=utility\x00--utility-sub-type=network.mojom.NetworkService\x00", "chromium utility network.mojom.NetworkService"},
		{"chromium", "/usr/lib/chromium/chromium --type=gpu-process --no-sandbox", "chromium gpu-process"},
		{"chromium", "", "chromium"},
	}
	for _, tt := range tests {
		if got := processLabel(tt.comm, []byte(tt.cmdline)); got != tt.want {
			t.Errorf("processLabel(%q, %q) = %q; want %q", tt.comm, tt.cmdline, got, tt.want)
		}
	}
}
