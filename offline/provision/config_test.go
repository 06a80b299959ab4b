package provision

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/offline/printer"
)

// A pin and a CA file that parse, for the cases that need one.
const goodPin = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), ConfigFile)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadConfig(t *testing.T) {
	full := Defaults()
	full.APIURL = "https://motcua.example.gov.vn"
	full.Pins = []string{goodPin, "sha256//" + goodPin}
	full.Unit = "UBND xã Tân Phú"
	full.IdleTimeout = 2 * time.Minute
	full.DraftLifetime = 48 * time.Hour
	full.Printer = printer.Config{Kind: "escpos", Device: "/dev/usb/lp0", PaperMM: 80}
	full.Lang = kiosk.EN
	full.LogLevel, full.LogFormat = "debug", "json"
	full.ScanDir, full.Window = "/srv/scans", "normal"

	onePin := Defaults()
	onePin.APIURL, onePin.Pins = "https://motcua.example.gov.vn", []string{goodPin}

	never := Defaults()
	never.IdleTimeout = 0

	tests := []struct {
		name string
		text string
		want Config
	}{
		{"empty object: the defaults", `{}`, Defaults()},
		{"every key", `{
  "api_url": "https://motcua.example.gov.vn",
  "pin": ["` + goodPin + `", "sha256//` + goodPin + `"],
  "unit": "UBND xã Tân Phú",
  "idle_timeout": "2m",
  "draft_lifetime": "48h",
  "printer": {"kind": "escpos", "device": "/dev/usb/lp0", "paper_mm": 80},
  "languages": {"default": "en"},
  "log_level": "debug",
  "log_format": "json",
  "scan_dir": "/srv/scans",
  "window": "normal"
}`, full},
		{"one pin as a string", `{"api_url": "https://motcua.example.gov.vn", "pin": "` + goodPin + `"}`, onePin},
		{"idle timeout 0: never", `{"idle_timeout": "0"}`, never},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LoadConfig(writeConfig(t, tt.text))
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("LoadConfig(%s) = %+v, %v; want %+v", tt.text, got, err, tt.want)
			}
		})
	}
}

func TestLoadConfigNamesEveryProblem(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string // each a problem's text, with its line
	}{
		{"a misspelt key", `{"idle_timout": "90s"}`, []string{"line 1: idle_timout: unknown key; did you mean idle_timeout?"}},
		{"dashes for underscores", `{"log-level": "info"}`, []string{"line 1: log-level: unknown key; did you mean log_level?"}},
		{"a printer key at the top", `{"paper_mm": 58}`, []string{`line 1: paper_mm: unknown key; did you mean printer.paper_mm (inside "printer": {…})?`}},
		{"a misspelt nested key", "{\n  \"printer\": {\n    \"kind\": \"cups\",\n    \"qeue\": \"front\"\n  }\n}", []string{"line 4: printer.qeue: unknown key; did you mean printer.queue?"}},
		{"a key nothing like any", `{"colour": "red"}`, []string{"line 1: colour: unknown key; the keys are api_url, ca_file, draft_lifetime, idle_timeout, languages, log_format, log_level, pin, printer, scan_dir, unit, window"}},
		{"a key given twice", "{\n\"unit\": \"A\",\n\"unit\": \"B\"}", []string{"line 3: unit: given twice; keep one"}},
		{"null", `{"scan_dir": null}`, []string{"line 1: scan_dir: null; leave the key out to use the default"}},
		{"a duration as a number", `{"idle_timeout": 90}`, []string{`line 1: idle_timeout: want a duration in double quotes, like "90s", "2m" or "72h"`}},
		{"a duration without a unit", `{"draft_lifetime": "72"}`, []string{`line 1: draft_lifetime: "72" is not a duration; write it like "90s", "2m" or "72h"`}},
		{"an idle timeout too short", `{"idle_timeout": "5s"}`, []string{`line 1: idle_timeout "5s": want 0 (never) or between 30s and 1h`}},
		{"drafts kept too long", `{"draft_lifetime": "2000h"}`, []string{`line 1: draft_lifetime "2000h": want between 1h and 720h (30 days): drafts hold personal data`}},
		{"plain http to another host", `{"api_url": "http://motcua.example.gov.vn"}`, []string{`line 1: api_url "http://motcua.example.gov.vn": plain http is allowed only to a loopback address (127.0.0.1, localhost); use https://motcua.example.gov.vn`}},
		{"not a URL", `{"api_url": "motcua.example.gov.vn"}`, []string{`line 1: api_url "motcua.example.gov.vn": not a URL; want https://host[:port][/path]`}},
		{"a pin that is not one", `{"pin": "abc"}`, []string{`line 1: pin "abc": not a pin-sha256`}},
		{"a pin with plain http", `{"api_url": "http://127.0.0.1:8787", "pin": "` + goodPin + `"}`, []string{"line 1: pin is set, but api_url is plain http"}},
		{"a pin as a number", `{"pin": 7}`, []string{`line 1: pin: want a pin in double quotes, or a list of them`}},
		{"a CA file that is not there", `{"ca_file": "/nonexistent/ca.pem"}`, []string{`line 1: ca_file "/nonexistent/ca.pem": no such file`}},
		{"an unknown language", `{"languages": {"default": "fr"}}`, []string{`line 1: languages.default "fr": want vi or en`}},
		{"a log level", `{"log_level": "loud"}`, []string{`line 1: log_level "loud": want debug, info, warn or error`}},
		{"a log format", `{"log_format": "xml"}`, []string{`line 1: log_format "xml": want console or json`}},
		{"a window", `{"window": "tiny"}`, []string{`line 1: window "tiny": want kiosk or normal`}},
		{"a unit on two lines", `{"unit": "UBND\nxã"}`, []string{`line 1: unit "UBND\nxã": want the counter's name on one line`}},
		{"the printer's own checks, on their lines", "{\n\"printer\": {\n  \"kind\": \"escpos\",\n  \"device\": \"/dev/usb/lp0\",\n  \"paper_mm\": 57\n}}",
			[]string{`line 5: printer.paper_mm 57: want 58 or 80`}},
		{"a thermal printer without its roll", `{"printer": {"kind": "escpos", "device": "/dev/usb/lp0"}}`, []string{`line 1: printer.paper_mm: missing; want 58 or 80`}},
		{"paper as a string", `{"printer": {"kind": "escpos", "device": "/dev/usb/lp0", "paper_mm": "58"}}`, []string{`line 1: printer.paper_mm: want a whole number, without quotes`}},
		{"the printer as a string", `{"printer": "escpos"}`, []string{`line 1: printer: want an object in braces { … }`}},
		{"several at once", "{\n  \"idle_timeout\": \"fast\",\n  \"window\": 1,\n  \"lang\": \"en\"\n}", []string{
			`line 2: idle_timeout: "fast" is not a duration`, `line 3: window: want a string in double quotes`, `line 4: lang: unknown key`}},
		{"broken JSON", "{\n  \"unit\": \"A\"\n  \"window\": \"kiosk\"\n}", []string{"line 3: not valid JSON: invalid character '\"' after object key:value pair"}},
		{"cut short", `{"unit": "A"`, []string{"line 1: not valid JSON: the file ends too early"}},
		{"a list, not an object", `["unit"]`, []string{"line 1: the file: want an object in braces { … }"}},
		{"an empty file", ``, []string{"line 1: the file is empty"}},
		{"two objects", `{} {}`, []string{"line 1: unexpected text after the closing }"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.text)
			_, err := LoadConfig(path)
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("LoadConfig(%s) = %v; want a *ConfigError", tt.text, err)
			}
			if len(ce.Problems) != len(tt.want) {
				t.Errorf("LoadConfig(%s) found %d problems: %v; want %d", tt.text, len(ce.Problems), err, len(tt.want))
			}
			for i, want := range tt.want {
				if i < len(ce.Problems) && !strings.HasPrefix(ce.Problems[i].Error(), want) {
					t.Errorf("LoadConfig(%s) problem %d = %q; want it to start %q", tt.text, i, ce.Problems[i].Error(), want)
				}
			}
			if !strings.HasPrefix(err.Error(), path) {
				t.Errorf("the error %q does not name the file %s", err, path)
			}
		})
	}
}

func TestLoadConfigMissingFile(t *testing.T) {
	_, err := LoadConfig(filepath.Join(t.TempDir(), ConfigFile))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("LoadConfig(a file that is not there) = %v; want fs.ErrNotExist", err)
	}
}

func TestConfigKeysAreDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range ConfigKeys() {
		if !strings.Contains(string(doc), "`"+k+"`") {
			t.Errorf("docs/configuration.md does not document the key %s", k)
		}
	}
}

// TestTheDocumentedExampleLoads: the example in docs/configuration.md is
// a valid file, but for its CA file, which is not on this machine.
func TestTheDocumentedExampleLoads(t *testing.T) {
	doc, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	_, example, ok := strings.Cut(string(doc), "```json\n")
	example, _, _ = strings.Cut(example, "```")
	if !ok {
		t.Fatal("docs/configuration.md has no JSON example")
	}
	_, err = LoadConfig(writeConfig(t, example))
	var ce *ConfigError
	if !errors.As(err, &ce) || len(ce.Problems) != 1 || ce.Problems[0].Key != "ca_file" {
		t.Errorf("the documented example: %v; want only its CA file missing here", err)
	}
}

func TestCAFile(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.txt")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := Defaults()
	c.CAFile = notPEM
	if ps := c.Validate(); len(ps) != 1 || !strings.Contains(ps[0].Text, "holds no PEM certificate") {
		t.Errorf("Validate() with a CA file that is not PEM = %v; want it named", ps)
	}
}

func TestCheckIdleTimeout(t *testing.T) {
	for d, ok := range map[time.Duration]bool{0: true, 30 * time.Second: true, 90 * time.Second: true, time.Hour: true,
		29 * time.Second: false, 2 * time.Hour: false, -time.Second: false} {
		if err := CheckIdleTimeout(d); (err == nil) != ok {
			t.Errorf("CheckIdleTimeout(%v) = %v; want ok %v", d, err, ok)
		}
	}
}

func TestSameServer(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		same bool
	}{
		{"https://motcua.example.gov.vn", "https://motcua.example.gov.vn/", true},
		{"HTTPS://Motcua.Example.gov.vn/api", "https://motcua.example.gov.vn/api/", true},
		{"https://motcua.example.gov.vn", "https://motcua.example.gov.vn:8443", false},
		{"https://motcua.example.gov.vn/a", "https://motcua.example.gov.vn/b", false},
	} {
		if got := SameServer(tt.a, tt.b); got != tt.same {
			t.Errorf("SameServer(%q, %q) = %v; want %v", tt.a, tt.b, got, tt.same)
		}
	}
}
