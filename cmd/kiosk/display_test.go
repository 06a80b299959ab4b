package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// What the tests that run the real binary in a window share: the
// end-to-end tests (make e2e) and the crash test (make reliability).

// syncBuffer collects the kiosk's output, written by exec's copying
// goroutines while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// xvfbSize is the virtual screen: a common kiosk panel.
const xvfbSize = "1366x768"

// startXvfb starts a virtual display on a free number and returns it.
func startXvfb(t *testing.T) string {
	for n := 99; n < 200; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		display := fmt.Sprintf(":%d", n)
		x := exec.Command("Xvfb", display, "-screen", "0", xvfbSize+"x24", "-nolisten", "tcp")
		if err := x.Start(); err != nil {
			t.Fatalf("Xvfb: %v (install the xvfb package: make deps)", err)
		}
		t.Cleanup(func() { _ = x.Process.Kill(); _ = x.Wait() })
		t.Setenv("DISPLAY", display) // for xdotool
		waitFor(t, 10*time.Second, "Xvfb", func() bool {
			_, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n))
			return err == nil
		})
		return display
	}
	t.Fatal("no free X display number between :99 and :199")
	return ""
}

func waitFor(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", limit, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
