package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
)

// machine is what the figures were measured on.
type machine struct {
	CPU      string `json:"cpu"`
	Cores    int    `json:"cores"`
	MemoryMB int    `json:"memory_mb"`
	Kernel   string `json:"kernel"`
	Go       string `json:"go"`
	Fyne     string `json:"fyne"`
	Chromium string `json:"chromium"`
	Hostname string `json:"hostname"`
	LoadAvg  string `json:"loadavg_at_start"`
	Harness  string `json:"harness_go"`
}

func machineInfo(chromium, moduleDir string) machine {
	m := machine{Cores: runtime.NumCPU(), Harness: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		m.CPU = procField(b, "model name")
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		kb, _ := strconv.Atoi(strings.TrimSuffix(procField(b, "MemTotal"), " kB"))
		m.MemoryMB = kb / 1024
	}
	m.Kernel = readTrim("/proc/sys/kernel/osrelease")
	m.LoadAvg = readTrim("/proc/loadavg")
	m.Hostname, _ = os.Hostname()
	m.Go = output(moduleDir, "go", "env", "GOVERSION")
	m.Fyne = output(moduleDir, "go", "list", "-m", "-f", "{{.Version}}", "fyne.io/fyne/v2")
	m.Chromium = output("", chromium, "--version")
	return m
}

// procField is the value of the first "key: value" line of a /proc file.
func procField(b []byte, key string) string {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func readTrim(path string) string {
	b, _ := os.ReadFile(path)
	return strings.TrimSpace(string(b))
}

// output is a command's standard output, trimmed; "" when it fails. Its
// standard error is dropped: Debian's chromium wrapper complains there.
func output(dir, name string, args ...string) string {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
