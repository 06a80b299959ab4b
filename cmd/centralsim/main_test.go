package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestFlagsAreDocumentedAndChecked(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, io.Discard, &stderr); code != 0 {
		t.Errorf("centralsim -h = %d; want 0", code)
	}
	for _, flag := range []string{"-addr", "-data", "-enroll-code", "-public-url", "-fault-rate", "-latency", "-drop-after-commit", "-step-every", "-catalog", "-seed", "-holidays", "-log-level", "-log-format", "-staff-token"} {
		if !strings.Contains(stderr.String(), flag) {
			t.Errorf("centralsim -h does not document %s", flag)
		}
	}
	for _, args := range [][]string{{"-fault-rate", "1.5"}, {"-drop-after-commit", "-0.1"}, {"-holidays", "2027-13-01"}, {"-staff-token", "short"}, {"serve"}} {
		if code := run(context.Background(), args, io.Discard, io.Discard); code != 2 {
			t.Errorf("centralsim %q = %d; want 2", args, code)
		}
	}
}

// TestServesAndStopsOnSignal runs the command as a user would and stops it
// as SIGTERM would, through its context.
func TestServesAndStopsOnSignal(t *testing.T) {
	t.Setenv("CENTRALSIM_STAFF_TOKEN", "") // so that it makes one up and prints it
	ctx, cancel := context.WithCancel(context.Background())
	out, stdout := io.Pipe()
	done := make(chan int, 1)
	args := []string{"-addr", "127.0.0.1:0", "-data", filepath.Join(t.TempDir(), "c.db"), "-enroll-code", "2468-1357"}
	go func() { done <- run(ctx, args, stdout, io.Discard) }()

	lines := bufio.NewScanner(out)
	lines.Scan()
	addr := regexp.MustCompile(`http://\S+`).FindString(lines.Text())
	lines.Scan()
	if got := lines.Text(); got != "enrolment code: 2468-1357" {
		t.Errorf("second line = %q; want the enrolment code", got)
	}
	lines.Scan()
	token, ok := strings.CutPrefix(lines.Text(), "staff token: ")
	token, _, _ = strings.Cut(token, " ")
	if !ok || len(token) < 16 {
		t.Errorf("third line = %q; want the made-up staff token", lines.Text())
	}
	go io.Copy(io.Discard, out)
	resp, err := http.Get(addr + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz = %v, %v; want 200", resp, err)
	}
	resp.Body.Close()
	req, _ := http.NewRequest("GET", addr+"/v1/devices", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if resp, err = http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /v1/devices with the printed staff token = %v, %v; want 200", resp, err)
	}
	resp.Body.Close()

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit code after SIGTERM = %d; want 0", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("centralsim did not stop after its context ended")
	}
}
