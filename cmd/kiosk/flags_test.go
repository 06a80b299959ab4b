package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/logging"
	"github.com/motcua/kiosk/offline/printer"
)

// isolate points the OS's per-user config folder at a temporary one, so
// that the default data directory (and a kiosk.json in it) is the test's.
func isolate(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", home)
	t.Setenv("HOME", home)
	t.Setenv("AppData", home)
	return defaultDataDir()
}

// flagView is what parseFlags decides, without the merged settings.
type flagView struct {
	demo, dataDirSet bool
	dataDir          string
	lang             kiosk.Lang
	unit             string
	window           windowMode
	scanDir          string
	printer          printer.Config
	idle             time.Duration
	logLevel         string
	logFormat        logging.Format
}

func viewOf(c config) flagView {
	return flagView{c.demo, c.dataDirSet, c.dataDir, c.lang, c.unit, c.window, c.scanDir, c.printer, c.idle, c.logLevel, c.logFormat}
}

func TestParseFlags(t *testing.T) {
	def := isolate(t)
	base := flagView{dataDir: def, idle: 90 * time.Second, lang: kiosk.VI, window: windowKiosk, logLevel: "info", logFormat: "console"}
	with := func(change func(*flagView)) flagView {
		v := base
		change(&v)
		return v
	}
	tests := []struct {
		name    string
		args    []string
		want    flagView
		wantErr string // a word the message must contain; "" for success
	}{
		{"defaults", nil, base, ""},
		{"run, said explicitly", []string{"-unit", "UBND xã Tân Phú"}, with(func(v *flagView) { v.unit = "UBND xã Tân Phú" }), ""},
		{"demo in English, json logs", []string{"--demo", "-lang", "en", "-log-format", "json"},
			with(func(v *flagView) { v.demo, v.lang, v.window, v.logFormat = true, kiosk.EN, windowNormal, "json" }), ""},
		{"demo on the kiosk's screen", []string{"--demo", "-window", "kiosk"}, with(func(v *flagView) { v.demo = true }), ""},
		{"a data directory and a scanner", []string{"--data-dir", "/var/lib/kiosk", "-window", "normal", "-scan-dir", "/srv/scans"},
			with(func(v *flagView) {
				v.dataDir, v.dataDirSet, v.window, v.scanDir = "/var/lib/kiosk", true, windowNormal, "/srv/scans"
			}), ""},
		{"unknown window mode", []string{"-window", "tiny"}, flagView{}, `-window "tiny": want kiosk or normal`},
		{"a thermal printer", []string{"-printer", "escpos", "-printer-device", "/dev/usb/lp0", "-printer-paper", "58"},
			with(func(v *flagView) { v.printer = printer.Config{Kind: "escpos", Device: "/dev/usb/lp0", PaperMM: 58} }), ""},
		{"a thermal printer without its roll width", []string{"-printer", "escpos", "-printer-device", "/dev/usb/lp0"}, flagView{}, "-printer-paper: missing; want 58 or 80"},
		{"an unknown printer", []string{"-printer", "laser"}, flagView{}, `-printer "laser": want cups, escpos or none`},
		{"unknown language", []string{"-lang", "fr"}, flagView{}, `-lang "fr": want vi or en`},
		{"an idle timeout too short", []string{"-idle-timeout", "5s"}, flagView{}, `-idle-timeout "5s": want 0 (never) or between 30s and 1h`},
		{"a log level", []string{"-log-level", "loud"}, flagView{}, `-log-level "loud": want debug, info, warn or error`},
		{"stray argument", []string{"serve"}, flagView{}, `unknown command "serve"`},
		{"unknown flag", []string{"--nope"}, flagView{}, "nope"},
		{"a configuration file that is not there", []string{"--config", "/nonexistent/kiosk.json"}, flagView{}, "--config /nonexistent/kiosk.json: no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			got, err := parseFlags(tt.args, &stderr)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(stderr.String(), tt.wantErr) {
					t.Errorf("parseFlags(%q) error = %v, stderr %q; want a message with %q", tt.args, err, stderr.String(), tt.wantErr)
				}
				return
			}
			if err != nil || viewOf(got) != tt.want {
				t.Errorf("parseFlags(%q) = %+v, %v; want %+v", tt.args, viewOf(got), err, tt.want)
			}
		})
	}
}

// TestFlagsOverrideTheFile: kiosk.json in the data directory sets what
// the flags do not; a flag wins over its key; a bad key stops the start
// with the file's line.
func TestFlagsOverrideTheFile(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "kiosk.json")
	write := func(text string) {
		if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(`{
  "unit": "UBND xã Tân Phú",
  "idle_timeout": "2m",
  "draft_lifetime": "24h",
  "printer": {"kind": "cups", "queue": "front"},
  "languages": {"default": "en"},
  "window": "normal"
}`)
	var stderr bytes.Buffer
	got, err := parseFlags([]string{"--data-dir", dir, "-idle-timeout", "45s", "-lang", "vi"}, &stderr)
	if err != nil {
		t.Fatalf("parseFlags: %v: %s", err, stderr.String())
	}
	want := flagView{dataDir: dir, dataDirSet: true, unit: "UBND xã Tân Phú", idle: 45 * time.Second, lang: kiosk.VI, window: windowNormal,
		printer: printer.Config{Kind: "cups", Queue: "front"}, logLevel: "info", logFormat: "console"}
	if viewOf(got) != want || got.settings.DraftLifetime != 24*time.Hour || got.configFile != file {
		t.Errorf("parseFlags = %+v (drafts %v, file %q); want %+v, drafts 24h, from %s", viewOf(got), got.settings.DraftLifetime, got.configFile, want, file)
	}

	// A flag that contradicts the file names both.
	stderr.Reset()
	if _, err := parseFlags([]string{"--data-dir", dir, "-printer-device", "/dev/usb/lp0"}, &stderr); err == nil ||
		!strings.Contains(stderr.String(), `kiosk: -printer-device "/dev/usb/lp0": only for kind escpos; kind is cups`) {
		t.Errorf("a printer device for a cups printer: %v, %q; want it refused, naming the flag", err, stderr.String())
	}

	write("{\n  \"idle_timeout\": \"5s\",\n  \"windw\": \"kiosk\"\n}")
	stderr.Reset()
	_, err = parseFlags([]string{"--config", file}, &stderr)
	for _, want := range []string{file + " has 2 problems:", `line 2: idle_timeout "5s": want 0 (never) or between 30s and 1h`, "line 3: windw: unknown key; did you mean window?"} {
		if err == nil || !strings.Contains(stderr.String(), want) {
			t.Errorf("a bad kiosk.json: %v, %q; want %q", err, stderr.String(), want)
		}
	}
}

func TestRunVersionAndHelp(t *testing.T) {
	isolate(t)
	var stdout, stderr bytes.Buffer
	if code := run([]string{"version"}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), version) {
		t.Errorf("kiosk version = %d, %q; want 0 and the version", code, stdout.String())
	}
	stderr.Reset()
	if code := run([]string{"-h"}, &stdout, &stderr); code != 0 || !strings.Contains(stderr.String(), "-demo") || !strings.Contains(stderr.String(), "kiosk enroll") {
		t.Errorf("kiosk -h = %d, %q; want 0 and the flags and subcommands documented", code, stderr.String())
	}
	stderr.Reset()
	if code := run([]string{"enroll", "-h"}, &stdout, &stderr); code != 0 || !strings.Contains(stderr.String(), "-server") || !strings.Contains(stderr.String(), "-force") {
		t.Errorf("kiosk enroll -h = %d, %q; want 0 and its flags documented", code, stderr.String())
	}
	if code := run([]string{"-log-level", "loud"}, &stdout, &stderr); code != 2 {
		t.Errorf("kiosk -log-level loud = %d; want 2", code)
	}
	if code := run([]string{"run", "-log-level", "loud"}, &stdout, &stderr); code != 2 {
		t.Errorf("kiosk run -log-level loud = %d; want 2", code)
	}
}

func TestIsSubcommand(t *testing.T) {
	for arg, want := range map[string]bool{
		"enroll": true, "doctor": true, "admin-pin": true, "version": true, "--help": true,
		"run": false, "--demo": false, "": false, "-window": false,
	} {
		if got := isSubcommand(arg); got != want {
			t.Errorf("isSubcommand(%q) = %v; want %v", arg, got, want)
		}
	}
}
