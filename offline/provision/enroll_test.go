package provision

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

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/kiosk/centralsim"
	"github.com/motcua/kiosk/offline"
)

const testCode = "4821-0937"

// sim is the reference server on a loopback port, plain or with TLS.
type sim struct {
	*httptest.Server
	caFile string // the TLS server's certificate as PEM, for ca_file
	pin    string // its key's pin-sha256
}

func startSim(t *testing.T, withTLS bool) *sim {
	t.Helper()
	srv, err := centralsim.Open(centralsim.Options{DataFile: filepath.Join(t.TempDir(), "centralsim.db"), EnrollCode: testCode, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	s := &sim{}
	if !withTLS {
		s.Server = httptest.NewServer(srv.Handler())
		t.Cleanup(s.Close)
		return s
	}
	s.Server = httptest.NewUnstartedServer(srv.Handler())
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are the point
	s.StartTLS()
	t.Cleanup(s.Close)
	cert := s.Certificate()
	s.caFile = filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(s.caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	s.pin = central.SPKIPin(cert)
	return s
}

// enrollIn enrols a kiosk in dir with the reference server at url.
func enrollIn(t *testing.T, dir string, opts EnrollOptions) (Enrolled, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if opts.Code == "" {
		opts.Code = testCode
	}
	opts.Hostname, opts.Version, opts.Log = "kiosk-test", "test", zerolog.Nop()
	if opts.Config.LogLevel == "" {
		cfg := Defaults()
		cfg.APIURL, cfg.Pins, cfg.CAFile = opts.Config.APIURL, opts.Config.Pins, opts.Config.CAFile
		opts.Config = cfg
	}
	return Enroll(ctx, dir, opts)
}

// listing names the files in dir with their modes; "absent" if there is
// no dir.
func listing(t *testing.T, dir string) string {
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

func TestEnrollWritesTheDeviceFiles(t *testing.T) {
	s := startSim(t, false)
	dir := filepath.Join(t.TempDir(), "kiosk")
	got, err := enrollIn(t, dir, EnrollOptions{Server: s.URL})
	if err != nil {
		t.Fatal(err)
	}
	if got.Device.ID == "" || got.Device.Unit.Name != "UBND xã Tân Phú" || got.Device.Location == "" || got.Device.Server != s.URL {
		t.Errorf("Enroll() = %+v; want the device id, unit, location and server", got.Device)
	}
	if strings.Join(got.Written, " ") != "device.key device.token device.json" || len(got.Removed) != 0 {
		t.Errorf("Enroll() wrote %v and removed %v; want the key, token and device files, nothing removed", got.Written, got.Removed)
	}
	want := "device.json -rw-------\ndevice.key -rw-------\ndevice.token -rw-------\n"
	if l := listing(t, dir); l != want {
		t.Errorf("the data directory holds\n%s; want\n%s", l, want)
	}
	if info, err := os.Stat(dir); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("the data directory's mode is %v (%v); want 0700", info.Mode(), err)
	}
	info, _ := os.ReadFile(filepath.Join(dir, DeviceFile))
	if bytes.Contains(info, []byte(got.Device.Token)) {
		t.Errorf("device.json holds the token: %s", info)
	}

	dev, err := LoadDevice(dir)
	if err != nil || dev.ID != got.Device.ID || dev.Token == "" || dev.Token != got.Device.Token {
		t.Fatalf("LoadDevice() = %+v, %v; want the enrolment with its token", dev, err)
	}
	// The token works, and the store opens on the new key.
	client, err := central.New(central.Config{BaseURL: dev.Server, DeviceID: dev.ID, Token: dev.Token})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Heartbeat(context.Background(), central.Heartbeat{Version: "test"}); err != nil {
		t.Errorf("a heartbeat with the stored token: %v; want it accepted", err)
	}
	store, err := offline.Open(dir, offline.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatalf("the store does not open on the new key: %v", err)
	}
	store.Close()
}

func TestEnrollOverTLSWithAPin(t *testing.T) {
	s := startSim(t, true)
	dir := filepath.Join(t.TempDir(), "kiosk")
	got, err := enrollIn(t, dir, EnrollOptions{Config: Config{APIURL: s.URL, CAFile: s.caFile, Pins: []string{s.pin}}})
	if err != nil || got.Device.Server != s.URL {
		t.Fatalf("Enroll() over TLS with the right pin = %+v, %v; want it enrolled with %s", got, err, s.URL)
	}
}

// TestEnrollFailuresChangeNothing: every refusal leaves the data directory
// as it was (here: not even created), and says why in its own words.
func TestEnrollFailuresChangeNothing(t *testing.T) {
	plain := startSim(t, false)
	secure := startSim(t, true)
	used := startSim(t, false)
	if _, err := enrollIn(t, t.TempDir(), EnrollOptions{Server: used.URL}); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	ln.Close()
	otherPin := "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

	tests := []struct {
		name string
		opts EnrollOptions
		kind EnrollKind
		msg  string
	}{
		{"a wrong code", EnrollOptions{Server: plain.URL, Code: "0000-0000"}, EnrollCodeRefused,
			`refused the enrolment code "0000-0000": it is wrong, has expired or has already been used`},
		{"a code used already", EnrollOptions{Server: used.URL}, EnrollCodeRefused,
			`refused the enrolment code "4821-0937": it is wrong, has expired or has already been used`},
		{"the server down", EnrollOptions{Server: down}, EnrollUnreachable,
			"cannot reach the central system at " + down + " (connect: connection refused)"},
		{"a name that does not resolve", EnrollOptions{Server: "https://motcua.invalid"}, EnrollUnreachable,
			"cannot reach the central system at https://motcua.invalid (the name motcua.invalid is not known)"},
		{"plain http to a TLS server", EnrollOptions{Server: strings.Replace(secure.URL, "https:", "http:", 1)}, EnrollNotCentral,
			"answered 400 to the enrolment: it does not look like the central API"},
		{"the pin of another key", EnrollOptions{Config: Config{APIURL: secure.URL, CAFile: secure.caFile, Pins: []string{otherPin}}}, EnrollPinMismatch,
			"is not the one this kiosk trusts: its certificate matches no pin in the configuration (its key is pin-sha256 " + secure.pin + ")"},
		{"a certificate from an unknown authority", EnrollOptions{Server: secure.URL}, EnrollUntrusted,
			"has a TLS certificate this kiosk does not trust (x509: certificate signed by unknown authority)"},
		{"no code", EnrollOptions{Server: plain.URL, Code: " "}, EnrollBadInput, "no enrolment code"},
		{"no server", EnrollOptions{}, EnrollBadInput, "no central server: give its address (--server https://…) or set api_url in kiosk.json"},
		{"plain http to another machine", EnrollOptions{Server: "http://motcua.example.gov.vn"}, EnrollBadInput,
			`the server address "http://motcua.example.gov.vn" cannot be used: plain http is allowed only to a loopback address`},
		{"another server than api_url", EnrollOptions{Server: plain.URL, Config: Config{APIURL: "https://motcua.example.gov.vn"}}, EnrollServerMismatch,
			"the configuration's api_url is https://motcua.example.gov.vn, not " + plain.URL},
		{"not the central API", EnrollOptions{Server: plain.URL + "/elsewhere"}, EnrollNotCentral, "answered 404 to the enrolment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "kiosk")
			if tt.opts.Code == "" {
				tt.opts.Code = testCode
			}
			_, err := enrollIn(t, dir, tt.opts)
			var ee *EnrollError
			if !errors.As(err, &ee) || ee.Kind != tt.kind || !strings.Contains(ee.Error(), tt.msg) || ee.Changed {
				t.Errorf("Enroll() = %v (%#v); want kind %d saying %q, nothing changed", err, ee, tt.kind, tt.msg)
			}
			if l := listing(t, dir); l != "absent" {
				t.Errorf("after a failed enrolment the data directory holds\n%s; want it absent", l)
			}
		})
	}
}

// TestEnrollAgain: an enrolled kiosk is refused without --force, and the
// refusal does not spend the code; with --force it starts over on a new
// key, and the previous enrolment's drafts are gone.
func TestEnrollAgain(t *testing.T) {
	first, second := startSim(t, false), startSim(t, false)
	dir := t.TempDir()
	if _, err := enrollIn(t, dir, EnrollOptions{Server: first.URL}); err != nil {
		t.Fatal(err)
	}
	oldKey, _ := os.ReadFile(filepath.Join(dir, offline.KeyFile))
	store, err := offline.Open(dir, offline.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	d := offline.NewDraft("dang-ky-khai-sinh", "v1")
	d.Answers = map[string]string{"child_name": "Trần Minh An"}
	if err := store.SaveDraft(d); err != nil {
		t.Fatal(err)
	}
	store.Close()
	before := listing(t, dir)

	_, err = enrollIn(t, dir, EnrollOptions{Server: second.URL})
	var ee *EnrollError
	if !errors.As(err, &ee) || ee.Kind != EnrollAlreadyEnrolled || !strings.Contains(err.Error(), "this kiosk is already enrolled as dev_") ||
		!strings.Contains(err.Error(), "add --force") {
		t.Errorf("Enroll() on an enrolled kiosk = %v; want EnrollAlreadyEnrolled telling about --force", err)
	}
	if after := listing(t, dir); after != before {
		t.Errorf("a refused enrolment changed the data directory:\n%s\nwas\n%s", after, before)
	}

	got, err := enrollIn(t, dir, EnrollOptions{Server: second.URL, Force: true})
	if err != nil {
		t.Fatalf("Enroll(--force) = %v; want it enrolled: the refusal above must not have spent the code", err)
	}
	if strings.Join(got.Removed, " ") != offline.DBFile || got.Device.Server != second.URL {
		t.Errorf("Enroll(--force) = %+v; want the old kiosk.db removed and the new server", got)
	}
	newKey, _ := os.ReadFile(filepath.Join(dir, offline.KeyFile))
	if len(newKey) != 32 || bytes.Equal(oldKey, newKey) {
		t.Errorf("the data key after enrolling again is %d bytes, equal to the old one: %v; want a fresh 32-byte key", len(newKey), bytes.Equal(oldKey, newKey))
	}
	store, err = offline.Open(dir, offline.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if drafts, err := store.ListDrafts(); err != nil || len(drafts) != 0 {
		t.Errorf("after enrolling again the store holds %d drafts (%v); want none", len(drafts), err)
	}
}

func TestEnrollRefusesToLoseWork(t *testing.T) {
	s := startSim(t, false)
	dir := t.TempDir()
	store, err := offline.Open(dir, offline.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	d := offline.NewDraft("dang-ky-khai-sinh", "v1")
	d.ConsentAt = time.Now()
	if err := store.SaveDraft(d); err != nil {
		t.Fatal(err)
	}

	// A kiosk runs on the directory: its lock is held.
	_, err = enrollIn(t, dir, EnrollOptions{Server: s.URL, Force: true})
	var ee *EnrollError
	if !errors.As(err, &ee) || ee.Kind != EnrollRunning || !strings.Contains(err.Error(), "the kiosk is running on "+dir+"; stop it before enrolling") {
		t.Errorf("Enroll() while the kiosk runs = %v; want EnrollRunning", err)
	}
	store.Close()
	before := listing(t, dir)

	// A draft from before (a demo kiosk on this directory).
	_, err = enrollIn(t, dir, EnrollOptions{Server: s.URL})
	if !errors.As(err, &ee) || ee.Kind != EnrollHasDrafts || !strings.Contains(err.Error(), "holds 1 saved draft that enrolling will delete") {
		t.Errorf("Enroll() over a saved draft = %v; want EnrollHasDrafts", err)
	}
	if after := listing(t, dir); after != before {
		t.Errorf("a refused enrolment changed the data directory:\n%s\nwas\n%s", after, before)
	}

	// A dossier not sent yet: not even --force gives it up.
	store, err = offline.Open(dir, offline.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Submit(d); err != nil {
		t.Fatal(err)
	}
	store.Close()
	before = listing(t, dir)
	_, err = enrollIn(t, dir, EnrollOptions{Server: s.URL, Force: true})
	if !errors.As(err, &ee) || ee.Kind != EnrollUnsent || !strings.Contains(err.Error(), "this kiosk still has 1 dossier to send to the central system") {
		t.Errorf("Enroll(--force) with a dossier queued = %v; want EnrollUnsent", err)
	}
	if after := listing(t, dir); after != before {
		t.Errorf("a refused enrolment changed the data directory:\n%s\nwas\n%s", after, before)
	}
}

func TestLoadDevice(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadDevice(dir); !errors.Is(err, ErrNotEnrolled) {
		t.Errorf("LoadDevice(an empty directory) = %v; want ErrNotEnrolled", err)
	}
	if err := os.WriteFile(filepath.Join(dir, DeviceFile), []byte(`{"device_id": "dev_1", "server": "https://x.example"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDevice(dir); err == nil || errors.Is(err, ErrNotEnrolled) || !strings.Contains(err.Error(), "device.token") {
		t.Errorf("LoadDevice(without its token) = %v; want an error naming device.token", err)
	}
	if err := os.WriteFile(filepath.Join(dir, DeviceFile), []byte(`{"device_id": "dev_1"`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDevice(dir); err == nil || !strings.Contains(err.Error(), "device.json is damaged") {
		t.Errorf("LoadDevice(a damaged file) = %v; want it called damaged", err)
	}
}
