package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// procStat is what the harness reads of /proc/<pid>/stat.
type procStat struct {
	PID, PPID int
	Comm      string
	UTime     uint64 // clock ticks in user mode
	STime     uint64 // clock ticks in kernel mode
	StartTime uint64 // clock ticks after boot: with the PID, who the process is
}

// parseStat reads one /proc/<pid>/stat line. The command name is in
// parentheses and may hold spaces and parentheses itself, so the fields
// are counted from the last ')'.
func parseStat(line string) (procStat, error) {
	open, end := strings.IndexByte(line, '('), strings.LastIndexByte(line, ')')
	if open < 0 || end < open {
		return procStat{}, fmt.Errorf("stat %q: no command name", line)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line[:open]))
	if err != nil {
		return procStat{}, fmt.Errorf("stat %q: %w", line, err)
	}
	// After ")": state(3) ppid(4) … utime(14) stime(15) … starttime(22),
	// numbered as in proc(5); f[0] is field 3.
	f := strings.Fields(line[end+1:])
	if len(f) < 20 {
		return procStat{}, fmt.Errorf("stat %q: %d fields", line, len(f))
	}
	st := procStat{PID: pid, Comm: line[open+1 : end]}
	nums := []struct {
		field int
		dst   *uint64
	}{{14, &st.UTime}, {15, &st.STime}, {22, &st.StartTime}}
	ppid, err := strconv.Atoi(f[4-3])
	if err != nil {
		return procStat{}, fmt.Errorf("stat %q: ppid: %w", line, err)
	}
	st.PPID = ppid
	for _, n := range nums {
		if *n.dst, err = strconv.ParseUint(f[n.field-3], 10, 64); err != nil {
			return procStat{}, fmt.Errorf("stat %q: field %d: %w", line, n.field, err)
		}
	}
	return st, nil
}

// allProcs reads the stat of every process; processes that end while it
// reads are skipped.
func allProcs() []procStat {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	out := make([]procStat, 0, len(dirs))
	for _, d := range dirs {
		b, err := os.ReadFile(d + "/stat")
		if err != nil {
			continue
		}
		if st, err := parseStat(string(b)); err == nil {
			out = append(out, st)
		}
	}
	return out
}

// treeOf returns root and all its descendants among procs, by parent PID.
func treeOf(root int, procs []procStat) []procStat {
	children := map[int][]procStat{}
	var out []procStat
	for _, p := range procs {
		children[p.PPID] = append(children[p.PPID], p)
		if p.PID == root {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil
	}
	for i := 0; i < len(out); i++ { // out grows as it is walked: breadth first
		out = append(out, children[out[i].PID]...)
	}
	return out
}

// parsePss reads the "Pss:" line of /proc/<pid>/smaps_rollup, in kB.
func parsePss(rollup []byte) (uint64, error) {
	sc := bufio.NewScanner(bytes.NewReader(rollup))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "Pss:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("smaps_rollup: odd Pss line %q", sc.Text())
		}
		return strconv.ParseUint(f[0], 10, 64)
	}
	return 0, fmt.Errorf("smaps_rollup: no Pss line")
}

// memSample is the proportional set size of a process tree: each shared
// page counted once across the processes sharing it, so the sum over a
// tree is what the tree costs the machine.
type memSample struct {
	PssKB     uint64 `json:"pss_kb"`
	Processes int    `json:"processes"`
	// ByProcess is each process's share, by command name.
	ByProcess map[string]uint64 `json:"by_process_kb"`
	// Others counts processes outside the tree running the same program:
	// they share its pages, so its PSS reads low while they run.
	Others int `json:"other_processes_of_the_same_program,omitempty"`
}

// treePss sums the Pss of root's process tree.
func treePss(root int) (memSample, error) {
	procs := allProcs()
	tree := treeOf(root, procs)
	if len(tree) == 0 {
		return memSample{}, fmt.Errorf("process %d is gone", root)
	}
	m := memSample{ByProcess: map[string]uint64{}, Others: othersRunning(tree, procs)}
	for _, p := range tree {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", p.PID))
		if err != nil {
			continue // it ended meanwhile
		}
		kb, err := parsePss(b)
		if err != nil {
			return memSample{}, fmt.Errorf("process %d: %w", p.PID, err)
		}
		m.PssKB += kb
		m.Processes++
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p.PID))
		m.ByProcess[processLabel(p.Comm, cmdline)] += kb
	}
	return m, nil
}

// othersRunning counts the processes outside tree that run the program
// of tree's root.
func othersRunning(tree, procs []procStat) int {
	exe := func(pid int) string { p, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid)); return p }
	program := exe(tree[0].PID)
	if program == "" {
		return 0
	}
	in := map[int]bool{}
	for _, p := range tree {
		in[p.PID] = true
	}
	n := 0
	for _, p := range procs {
		if !in[p.PID] && exe(p.PID) == program {
			n++
		}
	}
	return n
}

// processLabel names a process for the memory breakdown: its command
// name, with Chromium's process type ("chromium renderer", "chromium
// utility network.mojom.NetworkService").
func processLabel(comm string, cmdline []byte) string {
	label := comm
	// Chromium rewrites its children's command lines into one string,
	// arguments separated by spaces rather than NULs: split on both.
	args := strings.FieldsFunc(string(cmdline), func(r rune) bool { return r == 0 || r == ' ' })
	for _, arg := range args {
		if t, ok := strings.CutPrefix(arg, "--type="); ok {
			label += " " + t
		}
		if t, ok := strings.CutPrefix(arg, "--utility-sub-type="); ok {
			label += " " + t
		}
	}
	return label
}

// procKey names a process across time: a PID may be reused.
type procKey struct {
	pid   int
	start uint64
}

// cpuTicks is each process's user+system time in a tree, at one moment.
func cpuTicks(tree []procStat) map[procKey]uint64 {
	out := make(map[procKey]uint64, len(tree))
	for _, p := range tree {
		out[procKey{p.PID, p.StartTime}] = p.UTime + p.STime
	}
	return out
}

// cpuDelta is the CPU time a tree used between two readings: a process
// that started in between counts from zero; one that ended in between is
// lost (it is counted up to the first reading only), which the harness
// accepts for an idle screen where no process comes or goes.
func cpuDelta(before, after map[procKey]uint64) uint64 {
	var sum uint64
	for k, t := range after {
		if t >= before[k] {
			sum += t - before[k]
		}
	}
	return sum
}

// clockTicks is the kernel's USER_HZ, the unit of /proc/<pid>/stat times.
func clockTicks() float64 {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if err != nil {
		return 100 // USER_HZ on every Linux build that matters
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil || n <= 0 {
		return 100
	}
	return n
}

// cpuSample is a tree's CPU use over a window, in % of one core.
type cpuSample struct {
	Window  float64 `json:"window_s"`
	Ticks   uint64  `json:"ticks"`
	Percent float64 `json:"percent_of_one_core"`
	// XvfbPercent is the display server's CPU over the same window: the
	// pixels an app pushes are drawn there too, for either app.
	XvfbPercent float64 `json:"xvfb_percent_of_one_core"`
}

// measureCPU reads the CPU time of root's tree (and of the X server)
// over window.
func measureCPU(root, xserver int, window time.Duration, hz float64) (cpuSample, error) {
	procs := allProcs()
	tree := treeOf(root, procs)
	if len(tree) == 0 {
		return cpuSample{}, fmt.Errorf("process %d is gone", root)
	}
	before, xBefore := cpuTicks(tree), cpuTicks(treeOf(xserver, procs))
	start := time.Now()
	time.Sleep(window)
	procs = allProcs()
	after, xAfter := cpuTicks(treeOf(root, procs)), cpuTicks(treeOf(xserver, procs))
	secs := time.Since(start).Seconds()
	ticks := cpuDelta(before, after)
	return cpuSample{
		Window:      secs,
		Ticks:       ticks,
		Percent:     100 * float64(ticks) / hz / secs,
		XvfbPercent: 100 * float64(cpuDelta(xBefore, xAfter)) / hz / secs,
	}, nil
}

// stopTree ends a process tree that the harness started in its own
// process group: SIGTERM to the group, then SIGKILL to the group and to
// every process of the tree as last seen (a child may have left the
// group), then it checks that none is left. Only these PIDs, with their
// start times, are signalled: nothing else on the machine.
func stopTree(pgid int, seen map[procKey]bool, exited <-chan struct{}) error {
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(3 * time.Second):
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	deadline := time.Now().Add(5 * time.Second)
	for {
		left := alive(seen)
		if len(left) == 0 {
			return nil
		}
		for _, k := range left {
			_ = syscall.Kill(k.pid, syscall.SIGKILL)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d processes survive SIGKILL: %v", len(left), left)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// alive returns the processes of seen still running (and not zombies
// waiting for their parent, which are gone in all but name).
func alive(seen map[procKey]bool) []procKey {
	var out []procKey
	for k := range seen {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", k.pid))
		if err != nil {
			continue
		}
		st, err := parseStat(string(b))
		if err != nil || st.StartTime != k.start {
			continue // a new process with a reused PID
		}
		if state := stateOf(string(b)); state == "Z" || state == "X" {
			continue
		}
		out = append(out, k)
	}
	return out
}

func stateOf(statLine string) string {
	end := strings.LastIndexByte(statLine, ')')
	f := strings.Fields(statLine[end+1:])
	if len(f) == 0 {
		return ""
	}
	return f[0]
}
