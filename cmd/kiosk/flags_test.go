package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/offline/printer"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    config
		wantErr string // a word the message must contain; "" for success
	}{
		{"defaults", nil, config{dataDir: defaultDataDir(), idle: 90 * time.Second, lang: kiosk.VI, unit: "Bộ phận Một cửa", window: windowKiosk, logLevel: "info", logFormat: "console"}, ""},
		{"demo in English, json logs", []string{"--demo", "-lang", "en", "-log-format", "json"},
			config{demo: true, dataDir: defaultDataDir(), idle: 90 * time.Second, lang: kiosk.EN, unit: "Bộ phận Một cửa", window: windowNormal, logLevel: "info", logFormat: "json"}, ""},
		{"demo on the kiosk's screen", []string{"--demo", "-window", "kiosk"},
			config{demo: true, dataDir: defaultDataDir(), idle: 90 * time.Second, lang: kiosk.VI, unit: "Bộ phận Một cửa", window: windowKiosk, logLevel: "info", logFormat: "console"}, ""},
		{"a data directory and a scanner", []string{"--data-dir", "/var/lib/kiosk", "-window", "normal", "-scan-dir", "/srv/scans"},
			config{dataDir: "/var/lib/kiosk", dataDirSet: true, idle: 90 * time.Second, lang: kiosk.VI, unit: "Bộ phận Một cửa", window: windowNormal, scanDir: "/srv/scans", logLevel: "info", logFormat: "console"}, ""},
		{"unknown window mode", []string{"-window", "tiny"}, config{}, "want kiosk or normal"},
		{"a thermal printer", []string{"-printer", "escpos", "-printer-device", "/dev/usb/lp0", "-printer-paper", "58"},
			config{dataDir: defaultDataDir(), idle: 90 * time.Second, lang: kiosk.VI, unit: "Bộ phận Một cửa", window: windowKiosk, logLevel: "info", logFormat: "console",
				printer: printer.Config{Kind: "escpos", Device: "/dev/usb/lp0", PaperMM: 58}}, ""},
		{"a thermal printer without its roll width", []string{"-printer", "escpos", "-printer-device", "/dev/usb/lp0"}, config{}, "-printer-paper: missing; want 58 or 80"},
		{"an unknown printer", []string{"-printer", "laser"}, config{}, `-printer "laser": want cups, escpos or none`},
		{"unknown language", []string{"-lang", "fr"}, config{}, "want vi or en"},
		{"stray argument", []string{"serve"}, config{}, `unknown command "serve"`},
		{"unknown flag", []string{"--nope"}, config{}, "nope"},
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
			if err != nil || got != tt.want {
				t.Errorf("parseFlags(%q) = %+v, %v; want %+v", tt.args, got, err, tt.want)
			}
		})
	}
}

func TestRunVersionAndHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"version"}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), version) {
		t.Errorf("kiosk version = %d, %q; want 0 and the version", code, stdout.String())
	}
	stderr.Reset()
	if code := run([]string{"-h"}, &stdout, &stderr); code != 0 || !strings.Contains(stderr.String(), "-demo") {
		t.Errorf("kiosk -h = %d, %q; want 0 and the flags documented", code, stderr.String())
	}
	if code := run([]string{"-log-level", "loud"}, &stdout, &stderr); code != 2 {
		t.Errorf("kiosk -log-level loud = %d; want 2", code)
	}
}
