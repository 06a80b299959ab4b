package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/offline"
	"github.com/motcua/kiosk/offline/provision"
)

// enrolledKiosk enrols a new data directory with s. config, when given,
// is written to its kiosk.json first and names the server (api_url).
func enrolledKiosk(t *testing.T, s *refServer, config string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "kiosk")
	args := []string{"enroll", "--code", simCode, "--data-dir", dir}
	if config != "" {
		writeConfig(t, dir, config)
	} else {
		args = append(args, "--server", s.URL)
	}
	var out bytes.Buffer
	if code := run(args, &out, &out); code != 0 {
		t.Fatalf("kiosk enroll = %d: %s", code, out.String())
	}
	return dir
}

// writeConfig writes dir's kiosk.json, creating dir (0700) as needed.
func writeConfig(t *testing.T, dir, config string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, provision.ConfigFile), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
}

// copyKiosk copies a data directory's files, with their modes, so one
// enrolment serves several cases.
func copyKiosk(t *testing.T, dir string) string {
	t.Helper()
	to := filepath.Join(t.TempDir(), "kiosk")
	if err := os.Mkdir(to, 0o700); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		info, _ := e.Info()
		if err := os.WriteFile(filepath.Join(to, e.Name()), data, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	return to
}

// testDoctor is a doctor of dir on a quiet, roomy Linux machine with no
// display variables, the real clock and the real PATH.
func testDoctor(dir string) *doctor {
	return &doctor{
		probes: probes{
			now:      time.Now,
			getenv:   func(string) string { return "" },
			lookPath: exec.LookPath,
			goos:     "linux",
			diskFree: func(string) (int64, error) { return 10e9, nil },
		},
		dataDir: dir,
		common:  commonFlags{dataDir: dir},
	}
}

// checkOf runs d's checks in order up to the one named and returns it.
func checkOf(t *testing.T, d *doctor, name string) checkResult {
	t.Helper()
	for _, check := range d.checks() {
		if r := check(context.Background()); r.name == name {
			return r
		}
	}
	t.Fatalf("no check %q", name)
	return checkResult{}
}

// assertResult checks a result's status and that its detail and hint
// hold the given texts.
func assertResult(t *testing.T, r checkResult, status checkStatus, detail, hint string) {
	t.Helper()
	if r.status != status || !strings.Contains(r.detail, detail) || !strings.Contains(r.hint, hint) {
		t.Errorf("%s = %s %q, hint %q;\nwant %s with %q, hint with %q", r.name, r.status, r.detail, r.hint, status, detail, hint)
	}
}

// fakeCommands writes shell scripts into a new directory and puts it
// alone on PATH.
func fakeCommands(t *testing.T, scripts map[string]string) string {
	t.Helper()
	bin := t.TempDir()
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin)
	return bin
}

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestDoctorConfiguration(t *testing.T) {
	tests := []struct {
		name, config, configFlag string
		status                   checkStatus
		detail, hint             string
	}{
		{"a valid file", `{"idle_timeout": "2m"}`, "", statusOK, "kiosk.json is valid", ""},
		{"no file", "", "", statusOK, "no kiosk.json in ", ""},
		{"a value out of range", `{"idle_timeout": "5s", "window": "big"}`, "", statusFail,
			`kiosk.json: line 1: idle_timeout "5s": want 0 (never) or between 30s and 1h; line 1: window "big": want kiosk or normal`, "docs/configuration.md"},
		{"--config names no file", "", "/nonexistent/kiosk.json", statusFail, "--config /nonexistent/kiosk.json: no such file", "fix the file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.config != "" {
				writeConfig(t, dir, tt.config)
			}
			d := testDoctor(dir)
			d.common.configFile = tt.configFlag
			assertResult(t, checkOf(t, d, "configuration"), tt.status, tt.detail, tt.hint)
		})
	}
}

func TestDoctorEnrolment(t *testing.T) {
	enrolled := enrolledKiosk(t, startRefServer(t, false), "")
	dev, err := provision.LoadDevice(enrolled)
	if err != nil {
		t.Fatal(err)
	}
	since := dev.EnrolledAt.Local().Format("02/01/2006")
	tests := []struct {
		name         string
		change       func(t *testing.T, dir string)
		status       checkStatus
		detail, hint string
	}{
		{"enrolled", func(*testing.T, string) {}, statusOK, "device " + dev.ID + ", UBND xã Tân Phú, since " + since, ""},
		{"files others may read", func(t *testing.T, dir string) {
			if os.Chmod(filepath.Join(dir, provision.TokenFile), 0o644) != nil || os.Chmod(dir, 0o755) != nil {
				t.Fatal("chmod")
			}
		}, statusWarn, "but the data directory is mode 0755 (want 0700), device.token is mode 0644 (want 0600)", "chmod 600 "},
		{"not enrolled", func(t *testing.T, dir string) {
			for _, f := range []string{provision.DeviceFile, provision.TokenFile, offline.KeyFile} {
				os.Remove(filepath.Join(dir, f))
			}
		}, statusFail, "not enrolled: no device.json in ", "run kiosk enroll --server URL --code CODE"},
		{"an empty token", func(t *testing.T, dir string) {
			if os.WriteFile(filepath.Join(dir, provision.TokenFile), nil, 0o600) != nil {
				t.Fatal("write")
			}
		}, statusFail, "device.token is empty", "kiosk enroll --force"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyKiosk(t, enrolled)
			tt.change(t, dir)
			r := checkOf(t, testDoctor(dir), "enrolment")
			assertResult(t, r, tt.status, tt.detail, tt.hint)
			if strings.Contains(r.line(), dev.Token) {
				t.Errorf("the enrolment line shows the token: %s", r.line())
			}
		})
	}
}

func TestDoctorAPI(t *testing.T) {
	isolate(t)
	plain := startRefServer(t, false)
	secure := startRefServer(t, true)
	plainDir := enrolledKiosk(t, plain, "")
	pinned := `{"api_url": "` + secure.URL + `", "ca_file": "` + secure.caFile + `", "pin": ["` + secure.pin + `"]}`
	secureDir := enrolledKiosk(t, secure, pinned)
	busy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"error": {"code": "unavailable", "message": "down for maintenance"}}`)
	}))
	t.Cleanup(busy.Close)
	down := "http://" + closedPort(t)
	const wrongPin = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

	tests := []struct {
		name         string
		from         string
		config       string // replaces kiosk.json when set
		token        string // replaces device.token when set
		status       checkStatus
		detail, hint string
	}{
		{"plain http on loopback", plainDir, "", "", statusOK, plain.URL + " answered in ", ""},
		{"TLS with the right pin", secureDir, "", "", statusOK, secure.URL + " answered in ", ""},
		{"TLS with a wrong pin", secureDir, `{"api_url": "` + secure.URL + `", "ca_file": "` + secure.caFile + `", "pin": "` + wrongPin + `"}`, "", statusFail,
			"the server at " + secure.URL + " matches no pin in the configuration (its key is pin-sha256 " + secure.pin + ")", "put the new pin-sha256 in pin"},
		{"TLS from an unknown authority", secureDir, `{"api_url": "` + secure.URL + `"}`, "", statusFail,
			"has a TLS certificate this kiosk does not trust (x509: certificate signed by unknown authority)", "set ca_file"},
		{"the server down", plainDir, `{"api_url": "` + down + `"}`, "", statusFail,
			"cannot reach " + down + " (connect: connection refused)", "check the network cable, proxy, or api_url in kiosk.json"},
		{"the token refused", plainDir, "", "not-this-kiosks-token", statusFail,
			"refused this kiosk's token (401)", "kiosk enroll --force"},
		{"the server failing", plainDir, `{"api_url": "` + busy.URL + `"}`, "", statusFail,
			"has a problem: it answered 503 unavailable: down for maintenance", "not the kiosk's fault"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyKiosk(t, tt.from)
			if tt.config != "" {
				writeConfig(t, dir, tt.config)
			}
			if tt.token != "" {
				if err := os.WriteFile(filepath.Join(dir, provision.TokenFile), []byte(tt.token), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			dev, err := provision.LoadDevice(dir)
			if err != nil {
				t.Fatal(err)
			}
			r := checkOf(t, testDoctor(dir), "api")
			assertResult(t, r, tt.status, tt.detail, tt.hint)
			if strings.Contains(r.line(), dev.Token) {
				t.Errorf("the api line shows the token: %s", r.line())
			}
		})
	}
}

func TestDoctorClock(t *testing.T) {
	s := startRefServer(t, false)
	enrolled := enrolledKiosk(t, s, "")
	const hint = "enable NTP (timedatectl set-ntp true)"
	tests := []struct {
		name         string
		offset       time.Duration // of the kiosk's clock
		down         bool          // the central system cannot be reached
		status       checkStatus
		detail, hint string
	}{
		{"in time", 0, false, statusOK, "within 1s of the central system's", ""},
		{"5 minutes fast", 5 * time.Minute, false, statusWarn, "the kiosk's clock is 5m0s ahead of the central system's", hint},
		{"15 minutes slow", -15 * time.Minute, false, statusFail, "the kiosk's clock is 15m0s behind the central system's", hint},
		{"no server to ask", 0, true, statusSkip, "no answer from the central system", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyKiosk(t, enrolled)
			if tt.down {
				writeConfig(t, dir, `{"api_url": "http://`+closedPort(t)+`"}`)
			}
			d := testDoctor(dir)
			d.now = func() time.Time { return time.Now().Add(tt.offset) }
			assertResult(t, checkOf(t, d, "clock"), tt.status, tt.detail, tt.hint)
		})
	}
}

func TestDoctorDisk(t *testing.T) {
	tests := []struct {
		name   string
		free   int64
		err    error
		status checkStatus
		detail string
	}{
		{"roomy", 12_300_000_000, nil, statusOK, "12.3 GB free on the file system of "},
		{"filling up", 300_000_000, nil, statusWarn, "300 MB free"},
		{"full", 50_000_000, nil, statusFail, "50 MB free"},
		{"unknown", -1, errors.New("unknown on this system"), statusSkip, "cannot tell the free space"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := testDoctor(filepath.Join(t.TempDir(), "not", "yet"))
			d.diskFree = func(dir string) (int64, error) {
				if _, err := os.Stat(dir); err != nil {
					t.Errorf("diskFree(%s): %v; want an existing folder", dir, err)
				}
				return tt.free, tt.err
			}
			hint := ""
			if tt.status == statusWarn || tt.status == statusFail {
				hint = "on a full disk the kiosk cannot save drafts"
			}
			assertResult(t, checkOf(t, d, "disk"), tt.status, tt.detail, hint)
		})
	}
	if free, err := diskFree(t.TempDir()); err != nil || free <= 0 {
		t.Errorf("diskFree(a temporary folder) = %d, %v; want the bytes free", free, err)
	}
}

// A store without its reserve has met a full disk since it last opened:
// IT staff hear it even once space is free again.
func TestDoctorDiskReserveGone(t *testing.T) {
	dir := newStore(t)
	d := testDoctor(dir)
	d.diskFree = func(string) (int64, error) { return 12_300_000_000, nil }
	assertResult(t, checkOf(t, d, "disk"), statusOK, "12.3 GB free", "")
	if err := os.Remove(filepath.Join(dir, offline.ReserveFile)); err != nil {
		t.Fatalf("the store has no reserve to remove: %v", err)
	}
	assertResult(t, checkOf(t, d, "disk"), statusWarn, "the store's disk reserve is gone", "free some space")
}

// newStore creates a data directory with a store in it, closed, holding
// a few drafts.
func newStore(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	s, err := offline.Open(dir, offline.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		d := offline.NewDraft("khai-sinh", "v1")
		d.Applicant = central.Applicant{FullName: "Nguyễn Thị Mai", PersonalID: "001190012345"}
		d.Answers = map[string]string{"note": strings.Repeat("Gia đình xin nhận bản chính. ", 200)}
		if err := s.SaveDraft(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestDoctorDatabase(t *testing.T) {
	const damaged = "the kiosk moves a damaged database aside at start"
	tests := []struct {
		name         string
		damage       func(t *testing.T, path string)
		status       checkStatus
		detail, hint string
	}{
		{"sound", nil, statusOK, ", consistent", ""},
		{"garbage", func(t *testing.T, path string) {
			if os.WriteFile(path, bytes.Repeat([]byte("not a database "), 4096), 0o600) != nil {
				t.Fatal("write")
			}
		}, statusFail, "kiosk.db is damaged: ", damaged},
		{"truncated", func(t *testing.T, path string) {
			data, err := os.ReadFile(path)
			if err != nil || os.WriteFile(path, data[:3*4096], 0o600) != nil { // the meta pages and a little more
				t.Fatal("truncate")
			}
		}, statusFail, "kiosk.db is damaged: ", damaged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := newStore(t)
			path := filepath.Join(dir, offline.DBFile)
			if tt.damage != nil {
				tt.damage(t, path)
			}
			before, _ := os.ReadFile(path)
			assertResult(t, checkOf(t, testDoctor(dir), "database"), tt.status, tt.detail, tt.hint)
			// The doctor only looks: the file is where and what it was.
			if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
				t.Errorf("the doctor changed kiosk.db")
			}
			if moved := offline.MovedAside(dir); len(moved) != 0 {
				t.Errorf("the doctor moved the database aside: %v", moved)
			}
		})
	}

	t.Run("no database yet", func(t *testing.T) {
		assertResult(t, checkOf(t, testDoctor(t.TempDir()), "database"), statusSkip, "no kiosk.db yet", "")
	})
	t.Run("the kiosk running", func(t *testing.T) {
		dir := newStore(t)
		s, err := offline.Open(dir, offline.Options{Log: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		d := testDoctor(dir)
		assertResult(t, checkOf(t, d, "database"), statusSkip, "the kiosk is running; stop it for a full check (kiosk.db ", "")
		assertResult(t, checkOf(t, d, "outbox"), statusSkip, "the kiosk is running", "")
	})
}

// refusingSender is a central system that refuses every dossier.
type refusingSender struct{}

func (refusingSender) UploadAttachmentWithKey(context.Context, string, string, []byte, int) (central.Attachment, error) {
	return central.Attachment{}, errors.New("no attachments here")
}

func (refusingSender) SubmitDossierWithKey(context.Context, string, central.DossierRequest) (central.Dossier, error) {
	return central.Dossier{}, &central.ValidationError{Code: central.CodeValidationFailed, Fields: map[string]string{"mother_id": "không hợp lệ"}}
}

func (refusingSender) Catalog(context.Context, string) (*central.Catalog, []byte, string, bool, error) {
	return nil, nil, `"v1"`, true, nil
}

func (refusingSender) Heartbeat(context.Context, central.Heartbeat) (central.HeartbeatReply, error) {
	return central.HeartbeatReply{}, nil
}

// submit queues one dossier in dir's store, as if at queuedAt; with a
// refusing central system, it waits until the dossier is refused.
func submit(t *testing.T, dir string, queuedAt time.Time, refuse bool) {
	t.Helper()
	s, err := offline.Open(dir, offline.Options{Log: zerolog.Nop(), Now: func() time.Time { return queuedAt }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	d := offline.NewDraft("khai-sinh", "v1")
	d.Applicant = central.Applicant{FullName: "Nguyễn Thị Mai", PersonalID: "001190012345"}
	d.ConsentAt = queuedAt
	if _, err := s.Submit(d); err != nil {
		t.Fatal(err)
	}
	if !refuse {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	y := offline.NewSyncer(s, refusingSender{}, offline.SyncOptions{Log: zerolog.Nop()})
	done := make(chan error)
	go func() { done <- y.Run(ctx) }()
	defer func() { cancel(); <-done }()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if _, _, _, rejected, _ := s.OutboxCounts(); rejected == 1 {
			return
		}
	}
	t.Fatal("the dossier was not refused in 10 s")
}

func TestDoctorOutbox(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name         string
		prepare      func(t *testing.T, dir string)
		status       checkStatus
		detail, hint string
	}{
		{"empty", func(*testing.T, string) {}, statusOK, "nothing waiting to be sent", ""},
		{"just queued", func(t *testing.T, dir string) { submit(t, dir, now.Add(-time.Minute), false) },
			statusOK, "1 dossier waiting to be sent, the oldest since " + now.Add(-time.Minute).Format("02/01/2006 15:04"), ""},
		{"queued for hours", func(t *testing.T, dir string) { submit(t, dir, now.Add(-3*time.Hour), false) },
			statusWarn, "1 dossier waiting to be sent, the oldest since " + now.Add(-3*time.Hour).Format("02/01/2006 15:04") + "; 1 for more than an hour",
			"the kiosk sends them as soon as the central system answers"},
		{"refused", func(t *testing.T, dir string) { submit(t, dir, now, true) },
			statusWarn, "nothing waiting to be sent; 1 dossier refused by the central system", "a refused dossier needs a person"},
		{"a damaged data key", func(t *testing.T, dir string) {
			if os.WriteFile(filepath.Join(dir, offline.KeyFile), []byte("short"), 0o600) != nil {
				t.Fatal("write")
			}
		}, statusFail, "cannot open the store: ", "keep kiosk.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := newStore(t)
			tt.prepare(t, dir)
			r := checkOf(t, testDoctor(dir), "outbox")
			assertResult(t, r, tt.status, tt.detail, tt.hint)
			for _, personal := range []string{"Nguyễn", "001190012345", "mother_id", "không hợp lệ"} {
				if strings.Contains(r.line(), personal) {
					t.Errorf("the outbox line shows %q: %s", personal, r.line())
				}
			}
		})
	}
}

func TestDoctorDisplay(t *testing.T) {
	tests := []struct {
		name         string
		goos         string
		env          map[string]string
		scripts      map[string]string
		status       checkStatus
		detail, hint string
	}{
		{"X answers", "linux", map[string]string{"DISPLAY": ":0"}, map[string]string{"xdpyinfo": `[ "$DISPLAY" = ":0" ] && echo "name of display:    :0"`},
			statusOK, "X display :0 answers (xdpyinfo)", ""},
		{"X answers xset", "linux", map[string]string{"DISPLAY": ":1"}, map[string]string{"xset": `[ "$DISPLAY" = ":1" ] && [ "$1" = q ]`},
			statusOK, "X display :1 answers (xset)", ""},
		{"X without tools", "linux", map[string]string{"DISPLAY": ":0"}, nil, statusOK, "DISPLAY=:0 (install x11-utils", ""},
		{"Wayland", "linux", map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, nil, statusOK, "Wayland display wayland-0", ""},
		{"X does not answer", "linux", map[string]string{"DISPLAY": ":0"}, map[string]string{"xdpyinfo": `echo 'xdpyinfo:  unable to open display ":0".' >&2; exit 1`},
			statusFail, `cannot open the X display :0 (xdpyinfo: xdpyinfo:  unable to open display ":0".)`, "start the kiosk's graphical session"},
		{"no display", "linux", nil, nil, statusWarn, "neither DISPLAY nor WAYLAND_DISPLAY is set", "the kiosk needs a graphical session (see assets/deploy)"},
		{"Windows", "windows", nil, nil, statusSkip, "checked on Linux only", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fakeCommands(t, tt.scripts)
			d := testDoctor(t.TempDir())
			d.goos = tt.goos
			d.getenv = func(k string) string { return tt.env[k] }
			assertResult(t, checkOf(t, d, "display"), tt.status, tt.detail, tt.hint)
		})
	}
}

func TestDoctorPrinter(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	received := make(chan int, 10)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n, _ := io.Copy(io.Discard, c)
			c.Close()
			received <- int(n)
		}
	}()
	device := filepath.Join(t.TempDir(), "lp0")
	if err := os.WriteFile(device, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	lpstat := `case "$1" in
-d) echo "system default destination: office";;
-p) case "$2" in
    office) echo "printer office is idle.  enabled since Sat 28 Nov 2026 09:00:00";;
    paused) echo "printer paused disabled since Sat 28 Nov 2026 09:00:00 -"; echo "	Paused";;
    *) echo "lpstat: Invalid destination name in list \"$2\"." >&2; exit 1;;
    esac;;
esac`
	cups := map[string]string{"lp": "exit 0", "lpstat": lpstat}
	const escpos = `{"printer": {"kind": "escpos", "paper_mm": 80, "device": "`

	tests := []struct {
		name, config string
		scripts      map[string]string
		status       checkStatus
		detail, hint string
	}{
		{"none", `{}`, nil, statusOK, "no printer: receipts are shown as a QR", ""},
		{"cups, the default queue", `{"printer": {"kind": "cups"}}`, cups, statusOK,
			"cups: the default queue office (printer office is idle.  enabled since Sat 28 Nov 2026 09:00:00)", ""},
		{"cups, a named queue", `{"printer": {"kind": "cups", "queue": "office"}}`, cups, statusOK, "cups: queue office (printer office is idle.", ""},
		{"cups, no such queue", `{"printer": {"kind": "cups", "queue": "nope"}}`, cups, statusFail,
			`cups: lpstat -p nope: lpstat: Invalid destination name in list "nope".`, "lpstat -p lists the queues"},
		{"cups, a disabled queue", `{"printer": {"kind": "cups", "queue": "paused"}}`, cups, statusFail, "cups: queue paused is disabled", "cupsenable paused"},
		{"cups, no default queue", `{"printer": {"kind": "cups"}}`, map[string]string{"lp": "exit 0", "lpstat": `echo "no system default destination"`}, statusFail,
			"cups: no default printer (no system default destination)", "lpoptions -d QUEUE"},
		{"cups without lp", `{"printer": {"kind": "cups"}}`, nil, statusFail, "cups: the lp command is not on PATH", "cups-client"},
		{"escpos, a device file", escpos + device + `"}}`, nil, statusOK, "escpos: " + device + " is writable (80 mm paper)", ""},
		{"escpos, no device file", escpos + device + `-gone"}}`, nil, statusFail, "escpos: " + device + "-gone does not exist", "check the printer is plugged in"},
		{"escpos on the network", escpos + "tcp:" + ln.Addr().String() + `"}}`, nil, statusOK, "escpos: " + ln.Addr().String() + " accepts connections", ""},
		{"escpos, nothing listening", escpos + "tcp:" + closedPort(t) + `"}}`, nil, statusFail, "(connect: connection refused)", "check the printer is on and on the network"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fakeCommands(t, tt.scripts)
			dir := t.TempDir()
			writeConfig(t, dir, tt.config)
			assertResult(t, checkOf(t, testDoctor(dir), "printer"), tt.status, tt.detail, tt.hint)
		})
	}
	// Nothing was printed: the device file is empty, the network printer got no byte.
	if data, _ := os.ReadFile(device); len(data) != 0 {
		t.Errorf("the doctor wrote %d bytes to the printer's device file", len(data))
	}
	select {
	case n := <-received:
		if n != 0 {
			t.Errorf("the doctor sent %d bytes to the network printer", n)
		}
	case <-time.After(5 * time.Second):
		t.Errorf("the network printer saw no connection")
	}
}

// TestDoctorCommand runs the whole command: one aligned line per check,
// and the exit code of the worst.
func TestDoctorCommand(t *testing.T) {
	isolate(t)
	s := startRefServer(t, false)
	dir := enrolledKiosk(t, s, "")
	s2, err := offline.Open(dir, offline.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
	dev, err := provision.LoadDevice(dir)
	if err != nil {
		t.Fatal(err)
	}
	fakeCommands(t, map[string]string{"xdpyinfo": "exit 0", "espeak-ng": `echo 'Pty Language Age/Gender VoiceName File Other Languages'
echo ' 5  vi  --/M  Vietnamese_(Northern)  aav/vi'
echo ' 2  en-gb  --/M  English_(Great_Britain)  gmw/en'`})
	p := testDoctor(dir).probes
	withDisplay := p
	withDisplay.getenv = func(k string) string { return map[string]string{"DISPLAY": ":0"}[k] }

	var out, errOut bytes.Buffer
	code := doctorMain([]string{"--data-dir", dir}, &out, &errOut, withDisplay)
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	want := []string{
		"OK    configuration  no kiosk.json in " + dir + ": the defaults",
		"OK    enrolment      device " + dev.ID + ", UBND xã Tân Phú, since " + dev.EnrolledAt.Local().Format("02/01/2006"),
		"OK    api            " + s.URL + " answered in ",
		"OK    clock          within ",
		"OK    disk           10.0 GB free on the file system of " + dir,
		"OK    database       kiosk.db ",
		"OK    outbox         nothing waiting to be sent",
		"OK    display        X display :0 answers (xdpyinfo)",
		"OK    printer        no printer: receipts are shown as a QR",
		"OK    speech         Vietnamese and English voices",
	}
	if code != 0 || len(lines) != len(want) || errOut.Len() != 0 {
		t.Fatalf("kiosk doctor = %d,\n%s\nstderr %q; want 0 and %d lines", code, out.String(), errOut.String(), len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q; want it to start %q", i+1, lines[i], w)
		}
	}
	if strings.Contains(out.String(), dev.Token) {
		t.Errorf("kiosk doctor printed the device token")
	}

	// A warning: no graphical session.
	out.Reset()
	if code := doctorMain([]string{"--data-dir", dir}, &out, &errOut, p); code != 1 ||
		!strings.Contains(out.String(), "\nWARN  display        neither DISPLAY nor WAYLAND_DISPLAY is set — the kiosk needs a graphical session") {
		t.Errorf("kiosk doctor without a display = %d,\n%s; want 1 and a WARN display line", code, out.String())
	}

	// A failure: the receipt printer cannot be reached.
	addr := closedPort(t)
	writeConfig(t, dir, `{"printer": {"kind": "escpos", "paper_mm": 58, "device": "tcp:`+addr+`"}}`)
	out.Reset()
	if code := doctorMain([]string{"--data-dir", dir}, &out, &errOut, p); code != 2 ||
		!strings.Contains(out.String(), "\nFAIL  printer        escpos: cannot connect to "+addr+" (connect: connection refused) — check the printer") {
		t.Errorf("kiosk doctor with the printer off = %d,\n%s; want 2 and a FAIL printer line", code, out.String())
	}

	// Through the command line, with the machine's own probes.
	out.Reset()
	if code := run([]string{"doctor", "--data-dir", dir}, &out, &errOut); code != 2 || strings.Count(out.String(), "\n") != len(want) {
		t.Errorf("kiosk doctor = %d,\n%s; want 2 (the printer) and %d lines", code, out.String(), len(want))
	}
	errOut.Reset()
	if code := run([]string{"doctor", "-h"}, &out, &errOut); code != 0 || !strings.HasPrefix(errOut.String(), "Usage: kiosk doctor [--data-dir DIR] [--config FILE]") {
		t.Errorf("kiosk doctor -h = %d, %q; want 0 and the usage", code, errOut.String())
	}
	if code := run([]string{"doctor", "now"}, &out, &errOut); code != 2 {
		t.Errorf("kiosk doctor now = %d; want 2", code)
	}
}

func TestDoctorSpeech(t *testing.T) {
	const voices = `echo 'Pty Language       Age/Gender VoiceName          File                 Other Languages'`
	tests := []struct {
		name    string
		scripts map[string]string
		status  checkStatus
		detail  string
		hint    string
	}{
		{"both voices", map[string]string{"espeak-ng": voices + `
echo ' 5  vi              --/M      Vietnamese_(Northern) aav/vi'
echo ' 2  en-gb           --/M      English_(Great_Britain) gmw/en'`}, statusOK, "Vietnamese and English voices", ""},
		{"Vietnamese only", map[string]string{"espeak-ng": voices + `
echo ' 5  vi              --/M      Vietnamese_(Northern) aav/vi'`}, statusOK, "no English one", ""},
		{"no Vietnamese voice", map[string]string{"espeak-ng": voices + `
echo ' 2  en-gb           --/M      English_(Great_Britain) gmw/en'`}, statusWarn, "read-aloud button is hidden", "apt-get install espeak-ng"},
		{"no espeak-ng", nil, statusWarn, "no Vietnamese voice", "apt-get install espeak-ng"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if runtime.GOOS != "linux" {
				t.Skip("espeak-ng is the Linux synthesizer")
			}
			fakeCommands(t, tt.scripts)
			assertResult(t, checkOf(t, testDoctor(t.TempDir()), "speech"), tt.status, tt.detail, tt.hint)
		})
	}
}
