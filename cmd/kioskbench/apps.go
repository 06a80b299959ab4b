package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// appSpec is how to start one app under test in a fresh directory.
type appSpec struct {
	name string
	// command gives the program and its arguments for a run whose fresh
	// directory is dir.
	command func(dir string) []string
	env     []string
	control bool // the kiosk's bench control on stdin/stdout
}

// kioskSpec runs `kiosk --demo` full screen, as on a counter, with a
// fresh data directory; its in-process reference server's temporary
// directory goes under the run's directory too (TMPDIR), so a killed
// kiosk leaves nothing behind.
func kioskSpec(bin, display string) appSpec {
	return appSpec{
		name: "kiosk",
		command: func(dir string) []string {
			return []string{bin, "--demo", "-window", "kiosk", "--data-dir", filepath.Join(dir, "data")}
		},
		env:     []string{"DISPLAY=" + display, "LANG=vi_VN.UTF-8", "MOTCUA_BENCH_CONTROL=1"},
		control: true,
	}
}

// chromiumFlags are the browser kiosk's: Debian's `chromium --kiosk` on
// the static home page, with a fresh profile, nothing fetched in the
// background (a kiosk on a government LAN fetches no updates, sync or
// components), and the window placed over the whole screen (Xvfb has no
// window manager to honour --kiosk's full-screen request). GPU use is left
// to Chromium, as on a counter: on Xvfb there is no GPU, so it renders in
// software like the kiosk's Mesa llvmpipe.
func chromiumFlags(profile, page string, root bool, extra []string) []string {
	flags := []string{"--kiosk", "--no-first-run", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
		"--window-position=0,0", "--window-size=1280,800"}
	if root {
		flags = append(flags, "--no-sandbox") // Chromium refuses to run as root with its sandbox
	}
	flags = append(flags, extra...)
	return append(flags, "file://"+page)
}

func chromiumSpec(bin, page, display string, extra []string) appSpec {
	return appSpec{
		name: "chromium",
		command: func(dir string) []string {
			return append([]string{bin}, chromiumFlags(filepath.Join(dir, "profile"), page, os.Geteuid() == 0, extra)...)
		},
		env: []string{"DISPLAY=" + display},
	}
}

// running is one run of an app.
type running struct {
	spec   appSpec
	cmd    *exec.Cmd
	dir    string
	logf   *os.File
	start  time.Time // just before exec
	exited chan struct{}
	seen   map[procKey]bool // every process of its tree the harness saw
	stdin  io.WriteCloser
	lines  chan string // the kiosk's answers on stdout
}

// launch starts a run of spec in a fresh directory under work, in its own
// process group so that it can be stopped whole.
func launch(spec appSpec, work string) (*running, error) {
	dir, err := os.MkdirTemp(work, spec.name+"-")
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(filepath.Join(dir, "output.log"))
	if err != nil {
		return nil, err
	}
	argv := spec.command(dir)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "TMPDIR="+dir)
	cmd.Env = append(cmd.Env, spec.env...)
	cmd.Stderr = logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	r := &running{spec: spec, cmd: cmd, dir: dir, logf: logf, exited: make(chan struct{}), seen: map[procKey]bool{}}
	if spec.control {
		if r.stdin, err = cmd.StdinPipe(); err != nil {
			return nil, err
		}
		// A pipe of our own rather than StdoutPipe: it is read until the
		// last writer is gone, and Wait need not wait for the reader.
		out, w, err := os.Pipe()
		if err != nil {
			return nil, err
		}
		defer w.Close() // the child has its copy once started
		cmd.Stdout = w
		r.lines = make(chan string, 16)
		go readLines(out, r.lines, logf)
	} else {
		cmd.Stdout = logf
	}
	r.start = time.Now()
	if err := cmd.Start(); err != nil {
		logf.Close()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	go func() { _ = cmd.Wait(); close(r.exited) }()
	return r, nil
}

// readLines hands the control's answers over; anything else the kiosk
// prints on stdout goes to its log.
func readLines(out io.ReadCloser, lines chan<- string, logf io.Writer) {
	defer close(lines)
	defer out.Close()
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "ok ") || strings.HasPrefix(line, "error ") {
			lines <- line
			continue
		}
		fmt.Fprintln(logf, line)
	}
}

func (r *running) pid() int { return r.cmd.Process.Pid }

// remember notes the processes of the run's tree, to be sure to stop
// every one of them.
func (r *running) remember() {
	for _, p := range treeOf(r.pid(), allProcs()) {
		r.seen[procKey{p.PID, p.StartTime}] = true
	}
}

// pss samples the run's memory.
func (r *running) pss() (memSample, error) {
	r.remember()
	return treePss(r.pid())
}

// send gives the kiosk a control command and waits for its answer: the
// time the kiosk says it took.
func (r *running) send(command string, limit time.Duration) (time.Duration, error) {
	if r.stdin == nil {
		return 0, errors.New(r.spec.name + " has no control")
	}
	if _, err := fmt.Fprintln(r.stdin, command); err != nil {
		return 0, fmt.Errorf("%s: %w", command, err)
	}
	timeout := time.After(limit)
	for {
		select {
		case line, ok := <-r.lines:
			if !ok {
				return 0, fmt.Errorf("%s: the kiosk closed its output (exited?)", command)
			}
			return parseAnswer(command, line)
		case <-timeout:
			return 0, fmt.Errorf("%s: no answer in %v", command, limit)
		}
	}
}

// parseAnswer reads "ok <command> <ms>" or "error <command> <message>".
func parseAnswer(command, line string) (time.Duration, error) {
	f := strings.SplitN(line, " ", 3)
	if len(f) < 3 || f[1] != command {
		return 0, fmt.Errorf("%s: unexpected answer %q", command, line)
	}
	if f[0] == "error" {
		return 0, fmt.Errorf("%s: the kiosk says: %s", command, f[2])
	}
	ms, err := strconv.Atoi(f[2])
	if f[0] != "ok" || err != nil {
		return 0, fmt.Errorf("%s: unexpected answer %q", command, line)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// stop ends the run and every process of its tree, and removes its
// directory. It keeps the run's output (for a failure's message).
func (r *running) stop() (string, error) {
	r.remember()
	if r.stdin != nil {
		r.stdin.Close()
	}
	err := stopTree(r.pid(), r.seen, r.exited)
	<-r.exited
	r.logf.Close()
	out := tail(filepath.Join(r.dir, "output.log"), 30)
	if rmErr := os.RemoveAll(r.dir); err == nil && rmErr != nil {
		err = rmErr
	}
	return out, err
}

// tail is the last n lines of a file.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
