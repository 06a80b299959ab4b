package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// tool is a program the harness runs, with the Debian package that has it.
type tool struct{ program, pkg string }

// needTools finds each tool on PATH, or says which packages to install.
func needTools(tools ...tool) error {
	var missing []string
	for _, t := range tools {
		if _, err := exec.LookPath(t.program); err != nil {
			missing = append(missing, fmt.Sprintf("%s (Debian package %s)", t.program, t.pkg))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing %v: install them with make test-deps, or apt-get install", missing)
	}
	return nil
}

// xvfb is a virtual display of our own.
type xvfb struct {
	display string
	cmd     *exec.Cmd
	exited  chan struct{}
}

// startXvfb starts Xvfb on the first free display number from :99, as
// cmd/kiosk's end-to-end test does, with a 24-bit screen of size (e.g.
// "1280x800"), and waits for its socket.
func startXvfb(size string) (*xvfb, error) {
	for n := 99; n < 200; n++ {
		socket := fmt.Sprintf("/tmp/.X11-unix/X%d", n)
		if _, err := os.Stat(socket); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		x := &xvfb{display: fmt.Sprintf(":%d", n), exited: make(chan struct{})}
		x.cmd = exec.Command("Xvfb", x.display, "-screen", "0", size+"x24", "-nolisten", "tcp")
		x.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := x.cmd.Start(); err != nil {
			return nil, fmt.Errorf("cannot start Xvfb: %w (install the Debian package xvfb)", err)
		}
		go func() { _ = x.cmd.Wait(); close(x.exited) }()
		if err := waitSocket(socket, x.exited, 10*time.Second); err != nil {
			x.stop()
			return nil, err
		}
		return x, nil
	}
	return nil, errors.New("no free X display number between :99 and :199")
}

func waitSocket(path string, exited <-chan struct{}, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		if _, err := os.Stat(path); err == nil {
			return nil
		}
		select {
		case <-exited:
			return errors.New("the Xvfb server exited at start")
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("waited %v for Xvfb's socket %s", limit, path)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (x *xvfb) pid() int { return x.cmd.Process.Pid }

func (x *xvfb) stop() {
	_ = x.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-x.exited:
	case <-time.After(3 * time.Second):
		_ = x.cmd.Process.Kill()
		<-x.exited
	}
}
