package main

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/kiosk/centralsim"
	"github.com/motcua/kiosk/kiosk/logging"
	"github.com/motcua/kiosk/offline/provision"
	"github.com/motcua/kiosk/ui"
)

const simCode = "4821-0937"

// refServer is the reference central server on a loopback port, over
// plain http or TLS (httptest's own certificate).
type refServer struct {
	*httptest.Server
	caFile, pin string // TLS only: the certificate as PEM, its key's pin-sha256
}

func startRefServer(t *testing.T, withTLS bool) *refServer {
	t.Helper()
	srv, err := centralsim.Open(centralsim.Options{DataFile: filepath.Join(t.TempDir(), "centralsim.db"), EnrollCode: simCode, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	s := &refServer{Server: httptest.NewUnstartedServer(srv.Handler())}
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // refused TLS handshakes are the point of some tests
	t.Cleanup(s.Close)
	if !withTLS {
		s.Start()
		return s
	}
	s.StartTLS()
	cert := s.Certificate()
	s.caFile = filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(s.caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	s.pin = central.SPKIPin(cert)
	return s
}

// writeFile writes text to a new file in a temporary directory.
func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// dirListing names the files in dir with their modes, or "absent".
func dirListing(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return "absent"
	}
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(e.Name() + " " + info.Mode().String() + "\n")
	}
	return b.String()
}

func TestEnrollCommand(t *testing.T) {
	isolate(t)
	s := startRefServer(t, false)
	dir := filepath.Join(t.TempDir(), "kiosk")
	var stdout, stderr bytes.Buffer
	code := run([]string{"enroll", "--server", s.URL, "--code", simCode, "--data-dir", dir}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("kiosk enroll = %d, stderr %q; want 0", code, stderr.String())
	}
	if l := dirListing(t, dir); l != "device.json -rw-------\ndevice.key -rw-------\ndevice.token -rw-------\n" {
		t.Errorf("after enrolling the data directory holds\n%s; want device.json, device.key and device.token, each 0600", l)
	}
	if info, err := os.Stat(dir); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("the data directory is %v (%v); want mode 0700", info.Mode(), err)
	}
	dev, err := provision.LoadDevice(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := stdout.String()
	for _, want := range []string{
		"Enrolled this kiosk with the central system at " + s.URL + ".\n",
		"  device:    " + dev.ID + "\n",
		"  unit:      UBND xã Tân Phú, 000.00.01.H26\n",
		"  location:  Bộ phận Một cửa, quầy số 1\n",
		"  data dir:  " + dir + " (mode 0700)\n",
		"  written:   device.key (mode 0600): a new data-encryption key for drafts and the outbox\n",
		"             device.token (mode 0600): the device's token for the central API; keep it secret\n",
		"             device.json (mode 0600): device id, unit, location, server, date\n",
		"Start the kiosk with: kiosk --data-dir " + dir + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("kiosk enroll printed\n%s\nwant a line %q", out, want)
		}
	}
	if strings.Contains(out+stderr.String(), dev.Token) {
		t.Errorf("kiosk enroll printed the device token")
	}

	// Once enrolled, again is refused, and says how.
	stdout.Reset()
	stderr.Reset()
	other := startRefServer(t, false)
	code = run([]string{"enroll", "--server", other.URL, "--code", simCode, "--data-dir", dir}, &stdout, &stderr)
	want := "kiosk enroll: this kiosk is already enrolled as " + dev.ID + " (UBND xã Tân Phú, 000.00.01.H26) with " + s.URL + " since "
	if code != exitEnrollRefused || !strings.HasPrefix(stderr.String(), want) ||
		!strings.HasSuffix(stderr.String(), "; to enrol it again, add --force: its saved drafts, outbox and data key will be deleted\nNothing on this kiosk was changed.\n") {
		t.Errorf("kiosk enroll on an enrolled kiosk = %d, %q; want %d and %q…", code, stderr.String(), exitEnrollRefused, want)
	}
	stdout.Reset()
	code = run([]string{"enroll", "--server", other.URL, "--code", simCode, "--data-dir", dir, "--force"}, &stdout, &stderr)
	if code != 0 || !strings.Contains(stdout.String(), "Enrolled this kiosk with the central system at "+other.URL) {
		t.Errorf("kiosk enroll --force = %d, %q; want it enrolled with the other server", code, stdout.String())
	}
}

// TestEnrollCommandFailures: each failure has its own message and exit
// code, and leaves the data directory as it was: not even created.
func TestEnrollCommandFailures(t *testing.T) {
	isolate(t)
	plain := startRefServer(t, false)
	secure := startRefServer(t, true)
	used := startRefServer(t, false)
	var sink bytes.Buffer
	if code := run([]string{"enroll", "--server", used.URL, "--code", simCode, "--data-dir", t.TempDir()}, &sink, &sink); code != 0 {
		t.Fatalf("the first enrolment with the code: %d, %s", code, sink.String())
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	ln.Close()
	wrongPin := writeFile(t, "kiosk.json", `{"api_url": "`+secure.URL+`", "ca_file": "`+secure.caFile+`", "pin": "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}`)
	badConfig := writeFile(t, "kiosk.json", `{"api_url": "`+plain.URL+`", "idle_timeout": "5s"}`)
	const unchanged = "\nNothing on this kiosk was changed.\n"

	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // the whole of it
	}{
		{"a wrong code", []string{"--server", plain.URL, "--code", "0000-0000"}, exitEnrollCode,
			`kiosk enroll: the central system at ` + plain.URL + ` refused the enrolment code "0000-0000": it is wrong, has expired or has already been used; check it, or ask for a new code` + unchanged},
		{"a code used already", []string{"--server", used.URL, "--code", simCode}, exitEnrollCode,
			`kiosk enroll: the central system at ` + used.URL + ` refused the enrolment code "4821-0937": it is wrong, has expired or has already been used; check it, or ask for a new code` + unchanged},
		{"the server down", []string{"--server", down, "--code", simCode}, exitEnrollNetwork,
			"kiosk enroll: cannot reach the central system at " + down + " (connect: connection refused); check the address, the network cable or Wi-Fi, and any proxy or firewall" + unchanged},
		{"the TLS key is not the pinned one", []string{"--config", wrongPin, "--code", simCode}, exitEnrollTLS,
			"kiosk enroll: the server at " + secure.URL + " is not the one this kiosk trusts: its certificate matches no pin in the configuration (its key is pin-sha256 " +
				secure.pin + "); either the server's key changed and the pin must be updated, or the connection is intercepted" + unchanged},
		{"a certificate from an unknown authority", []string{"--server", secure.URL, "--code", simCode}, exitEnrollTLS,
			"kiosk enroll: the server at " + secure.URL + " has a TLS certificate this kiosk does not trust (x509: certificate signed by unknown authority); " +
				"if the province uses its own certificate authority, set ca_file in kiosk.json; check also the kiosk's date and time" + unchanged},
		{"no code", []string{"--server", plain.URL}, exitEnrollUsage, "kiosk enroll: --code: missing; give the one-time enrolment code from the central system\n"},
		{"no server", []string{"--code", simCode}, exitEnrollUsage,
			"kiosk enroll: no central server: give its address (--server https://…) or set api_url in kiosk.json" + unchanged},
		{"a bad configuration", []string{"--config", badConfig, "--code", simCode}, exitEnrollUsage,
			"kiosk enroll: " + badConfig + `: line 1: idle_timeout "5s": want 0 (never) or between 30s and 1h` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "kiosk")
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"enroll", "--data-dir", dir}, tt.args...), &stdout, &stderr)
			got := stderr.String()
			if i := strings.Index(got, "Usage: kiosk enroll"); i >= 0 {
				got = got[:i] // the usage follows a flag error
			}
			if code != tt.code || got != tt.stderr || stdout.Len() != 0 {
				t.Errorf("kiosk enroll %q = %d,\nstderr %q,\nstdout %q;\nwant %d,\nstderr %q", tt.args, code, got, stdout.String(), tt.code, tt.stderr)
			}
			if l := dirListing(t, dir); l != "absent" {
				t.Errorf("after a failed enrolment the data directory holds\n%s; want it absent", l)
			}
		})
	}
}

func TestEnrollOverTLSFromTheConfiguration(t *testing.T) {
	isolate(t)
	s := startRefServer(t, true)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "kiosk.json"), []byte(`{"api_url": "`+s.URL+`", "ca_file": "`+s.caFile+`", "pin": ["`+s.pin+`"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"enroll", "--data-dir", dir, "--code", simCode}, &stdout, &stderr); code != 0 {
		t.Fatalf("kiosk enroll over TLS with the right pin = %d, %s", code, stderr.String())
	}
	if l := dirListing(t, dir); l != "device.json -rw-------\ndevice.key -rw-------\ndevice.token -rw-------\nkiosk.json -rw-------\n" {
		t.Errorf("the data directory holds\n%s", l)
	}
}

// TestFirstRunEnrolsThenServes: a kiosk that is not enrolled starts on the
// enrolment screen with the configured server; IT staff type the code on
// the on-screen keyboard; the kiosk enrols with the reference server,
// says what was set up, and on "start" serves citizens in the same
// process, with its store on the new key and the central system's idle
// timeout.
func TestFirstRunEnrolsThenServes(t *testing.T) {
	isolate(t)
	s := startRefServer(t, false)
	a := test.NewTempApp(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "kiosk.json"), []byte(`{"api_url": "`+s.URL+`", "window": "normal"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var logs walkLog
	cfg, err := parseFlags([]string{"--data-dir", dir}, &logs)
	if err != nil {
		t.Fatal(err)
	}
	lg, err := logging.New(&logs, logging.Options{Format: cfg.logFormat, Level: cfg.logLevel})
	if err != nil {
		t.Fatal(err)
	}
	b, err := openBackend(cfg, lg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.close)
	if b.store != nil || dirListing(t, dir) != "kiosk.json -rw-------\n" {
		t.Fatalf("a kiosk that is not enrolled opened its store: %s", dirListing(t, dir))
	}
	loop := startUILoop(a)
	w := newWindow(fyne.CurrentApp(), cfg.window, lg)
	t.Cleanup(w.Close)
	t.Cleanup(loop.stop)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("kiosk log:\n%s", logs.String())
		}
	})
	if err := b.show(w, cfg); err != nil {
		t.Fatal(err)
	}
	dr := &walker{t: t, w: w, loop: loop}
	dr.waitShows("Cài đặt kiosk")
	if !dr.shows(s.URL) {
		t.Errorf("the enrolment screen does not show the configured server %s: %q", s.URL, dr.texts())
	}
	for _, r := range simCode {
		dr.tapKey(string(r))
	}
	dr.tap("Đăng ký kiosk")
	dr.waitShows("Đã đăng ký kiosk")
	dev, err := provision.LoadDevice(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Mã thiết bị: " + dev.ID, "Đơn vị: UBND xã Tân Phú, 000.00.01.H26", "Địa điểm: Bộ phận Một cửa, quầy số 1", "Máy chủ: " + s.URL} {
		if !dr.shows(want) {
			t.Errorf("after enrolling the screen shows %q; want %q", dr.texts(), want)
		}
	}
	if l := dirListing(t, dir); l != "device.json -rw-------\ndevice.key -rw-------\ndevice.token -rw-------\nkiosk.db -rw-------\nkiosk.json -rw-------\nreserve -rw-------\n" {
		t.Errorf("after enrolling from the screen the data directory holds\n%s", l)
	}

	dr.tap("Bắt đầu phục vụ")
	dr.waitShows("Tiếp tục hồ sơ") // drafts: the store is open
	dr.waitShows("Đã kết nối")     // the sync loop reached the central system with the new token
	if !dr.shows("UBND xã Tân Phú") {
		t.Errorf("the header does not name the enrolled unit: %q", dr.texts())
	}
	deadline := time.Now().Add(10 * time.Second)
	for b.kiosk.IdleTimeout() != 120*time.Second {
		if time.Now().After(deadline) {
			t.Fatalf("the idle timeout is %v; want the central system's 120 s", b.kiosk.IdleTimeout())
		}
		loop.run()
		time.Sleep(5 * time.Millisecond)
	}
}

func TestEnabledOnly(t *testing.T) {
	cat := &kiosk.Catalog{Version: "v1",
		Sectors:    []kiosk.Sector{{ID: "ho-tich"}, {ID: "cu-tru"}},
		Procedures: []kiosk.Procedure{{ID: "khai-sinh", Sector: "ho-tich"}, {ID: "ket-hon", Sector: "ho-tich"}, {ID: "tam-tru", Sector: "cu-tru"}}}
	ids := func(c *kiosk.Catalog) (procs, sectors []string) {
		for _, p := range c.Procedures {
			procs = append(procs, p.ID)
		}
		for _, s := range c.Sectors {
			sectors = append(sectors, s.ID)
		}
		return procs, sectors
	}
	for _, tt := range []struct {
		enabled         []string
		procs, sectors  string
		wantSameCatalog bool
	}{
		{nil, "khai-sinh ket-hon tam-tru", "ho-tich cu-tru", true},
		{[]string{"tam-tru", "khai-sinh"}, "khai-sinh tam-tru", "ho-tich cu-tru", false},
		{[]string{"ket-hon"}, "ket-hon", "ho-tich", false},
		{[]string{"not-in-this-catalog"}, "khai-sinh ket-hon tam-tru", "ho-tich cu-tru", true},
	} {
		got := enabledOnly(cat, tt.enabled, zerolog.Nop())
		procs, sectors := ids(got)
		if strings.Join(procs, " ") != tt.procs || strings.Join(sectors, " ") != tt.sectors || (got == cat) != tt.wantSameCatalog {
			t.Errorf("enabledOnly(%q) = %v in %v; want %s in %s", tt.enabled, procs, sectors, tt.procs, tt.sectors)
		}
	}
	if len(cat.Procedures) != 3 {
		t.Errorf("enabledOnly changed the catalog it was given")
	}
}

// TestScreenEnrollErrorsKeepTheirKind: the screen's message depends on it.
func TestScreenEnrollErrorsKeepTheirKind(t *testing.T) {
	for kind, want := range map[provision.EnrollKind]ui.EnrollProblem{
		provision.EnrollCodeRefused: ui.EnrollBadCode, provision.EnrollUnreachable: ui.EnrollUnreachable,
		provision.EnrollPinMismatch: ui.EnrollUntrusted, provision.EnrollUntrusted: ui.EnrollUntrusted,
		provision.EnrollBadInput: ui.EnrollBadServer, provision.EnrollNotCentral: ui.EnrollBadServer,
		provision.EnrollHasDrafts: ui.EnrollFailed, provision.EnrollFailed: ui.EnrollFailed,
	} {
		var ue *ui.EnrollError
		if err := screenEnrollError(&provision.EnrollError{Kind: kind}); !errors.As(err, &ue) || ue.Kind != want {
			t.Errorf("screenEnrollError(kind %d) = %#v; want ui kind %d", kind, err, want)
		}
	}
}

// TestAnEnrolledKioskConnects: after `kiosk enroll`, `kiosk` starts with
// the store on the new key and a client with the stored token.
func TestAnEnrolledKioskConnects(t *testing.T) {
	isolate(t)
	s := startRefServer(t, false)
	dir := t.TempDir()
	var out bytes.Buffer
	if code := run([]string{"enroll", "--server", s.URL, "--code", simCode, "--data-dir", dir}, &out, &out); code != 0 {
		t.Fatalf("kiosk enroll = %d: %s", code, out.String())
	}
	cfg, err := parseFlags([]string{"--data-dir", dir}, &out)
	if err != nil {
		t.Fatal(err)
	}
	b, err := openBackend(cfg, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	if b.store == nil || b.client == nil || b.syncer == nil || b.device == nil || b.unit != "UBND xã Tân Phú" {
		t.Fatalf("an enrolled kiosk: store %v, client %v, device %+v, unit %q; want all set up with the enrolled unit", b.store != nil, b.client != nil, b.device, b.unit)
	}
	if opts := b.uiOptions(cfg); opts.Submitter == nil || opts.Drafts == nil || opts.Tracker == nil || opts.Unit != "UBND xã Tân Phú" {
		t.Errorf("an enrolled kiosk's screen gets %+v; want filing, drafts and tracking", opts)
	}
	if _, err := b.client.Heartbeat(context.Background(), central.Heartbeat{Version: version}); err != nil {
		t.Errorf("a heartbeat with the stored token: %v", err)
	}
}
