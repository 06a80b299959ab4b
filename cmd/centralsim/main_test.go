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
	"sync"
	"testing"
	"time"
)

func TestFlagsAreDocumentedAndChecked(t *testing.T) {
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, io.Discard, &stderr); code != 0 {
		t.Errorf("centralsim -h = %d; want 0", code)
	}
	for _, flag := range []string{"-addr", "-data", "-enroll-code", "-public-url", "-fault-rate", "-latency", "-drop-after-commit", "-step-every", "-catalog", "-seed", "-holidays", "-log-level", "-log-format", "-staff-token", "-assistant"} {
		if !strings.Contains(stderr.String(), flag) {
			t.Errorf("centralsim -h does not document %s", flag)
		}
	}
	for _, args := range [][]string{{"-fault-rate", "1.5"}, {"-drop-after-commit", "-0.1"}, {"-holidays", "2027-13-01"}, {"-staff-token", "short"}, {"serve"},
		{"-assistant", "Lan"}, {"-assistant", "Lan:123"}, {"-assistant", "Lan:12345678901"}, {"-assistant", ":1234"}, {"-assistant", "Lan:12a4"}} {
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

// lockedBuffer collects a log written from the server's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startCommand runs centralsim with args and returns its address, the
// lines it printed after the enrolment code (n of them), and a stop
// function that returns its exit code.
func startCommand(t *testing.T, args []string, n int, stderr io.Writer) (addr string, printed []string, stop func() int) {
	t.Helper()
	t.Setenv("CENTRALSIM_STAFF_TOKEN", "staff-token-for-tests-0001") // no made-up token line
	ctx, cancel := context.WithCancel(context.Background())
	out, stdout := io.Pipe()
	done := make(chan int, 1)
	go func() { done <- run(ctx, args, stdout, stderr) }()
	lines := bufio.NewScanner(out)
	lines.Scan()
	addr = regexp.MustCompile(`http://\S+`).FindString(lines.Text())
	lines.Scan() // the enrolment code
	for range n {
		lines.Scan()
		printed = append(printed, lines.Text())
	}
	go io.Copy(io.Discard, out)
	return addr, printed, func() int {
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(15 * time.Second):
			t.Fatal("centralsim did not stop after its context ended")
			return -1
		}
	}
}

// postJSON sends a JSON POST and returns the status and body.
func postJSON(t *testing.T, url, token, key, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// TestAssistantBadgesArePrinted: each -assistant gets a badge whose
// printed QR payload signs them in at an enrolled kiosk; the PIN and
// badge never reach the log; a restart without -assistant keeps the team.
func TestAssistantBadgesArePrinted(t *testing.T) {
	data := filepath.Join(t.TempDir(), "c.db")
	var logs lockedBuffer
	args := []string{"-addr", "127.0.0.1:0", "-data", data, "-enroll-code", "2468-1357", "-log-format", "json",
		"-assistant", "Nguyễn Thị Lan:48291357", "-assistant", "Trần: Văn Minh:5512"}
	addr, printed, stop := startCommand(t, args, 2, &logs)
	badgeRE := regexp.MustCompile(`^assistant badge: MCK1:STAFF:([A-Za-z0-9_-]{22,}) \((.+), asst_[0-9a-f]+\)$`)
	var badges []string
	for i, wantName := range []string{"Nguyễn Thị Lan", "Trần: Văn Minh"} {
		m := badgeRE.FindStringSubmatch(printed[i])
		if m == nil || m[2] != wantName {
			t.Fatalf("line %d = %q; want the badge QR of %s", i+3, printed[i], wantName)
		}
		badges = append(badges, m[1])
	}

	status, body := postJSON(t, addr+"/v1/devices/enroll", "", "enrol-1", `{"code":"2468-1357","hostname":"kiosk-01","version":"test"}`)
	token := regexp.MustCompile(`"device_token":"([0-9a-f]+)"`).FindStringSubmatch(body)
	if status != http.StatusCreated || token == nil {
		t.Fatalf("enrol = %d %s; want 201 with a token", status, body)
	}
	for _, try := range []struct{ body, want string }{
		{`{"badge":"` + badges[0] + `"}`, "Nguyễn Thị Lan"},
		{`{"pin":"5512"}`, "Trần: Văn Minh"},
	} {
		if status, body := postJSON(t, addr+"/v1/assistants/sign-in", token[1], "", try.body); status != http.StatusOK || !strings.Contains(body, try.want) {
			t.Errorf("sign-in with %s = %d %s; want 200 naming %s", try.body, status, body, try.want)
		}
	}
	if status, _ := postJSON(t, addr+"/v1/assistants/sign-in", token[1], "", `{"pin":"0000"}`); status != http.StatusUnauthorized {
		t.Errorf("sign-in with a wrong PIN = %d; want 401", status)
	}
	if code := stop(); code != 0 {
		t.Errorf("exit code = %d; want 0", code)
	}
	for _, secret := range append(badges, "48291357", "5512") {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds a PIN or badge:\n%s", logs.String())
		}
	}

	addr, printed, stop = startCommand(t, []string{"-addr", "127.0.0.1:0", "-data", data}, 1, io.Discard)
	if printed[0] != "assistants: 2 kept from the data file (their badges as printed when registered)" {
		t.Errorf("after a restart without -assistant, line 3 = %q; want the team kept", printed[0])
	}
	if status, body := postJSON(t, addr+"/v1/assistants/sign-in", token[1], "", `{"badge":"`+badges[0]+`"}`); status != http.StatusOK {
		t.Errorf("the printed badge after a restart = %d %s; want 200", status, body)
	}
	stop()
}
