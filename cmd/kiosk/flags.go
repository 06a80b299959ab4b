package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/logging"
	"github.com/motcua/kiosk/offline/printer"
	"github.com/motcua/kiosk/offline/provision"
)

// config is what the kiosk runs with: the defaults, under the
// configuration file (kiosk.json), under the command line.
type config struct {
	demo       bool
	dataDir    string
	dataDirSet bool   // --data-dir was given: a demo then keeps its data there
	configFile string // the configuration file read; "" when there was none

	// settings is the merged configuration; the fields below are its
	// values in the types the kiosk uses.
	settings  provision.Config
	lang      kiosk.Lang
	langSet   bool   // -lang was given: it wins over the admin screen's default
	unit      string // "" shows the enrolled unit's name
	window    windowMode
	scanDir   string // the document scanner's folder; "" when the kiosk has none
	printer   printer.Config
	idle      time.Duration
	logLevel  string
	logFormat logging.Format
}

var errHelp = errors.New("help requested")

// flagKeys names the configuration key each flag sets.
var flagKeys = map[string]string{
	"lang":           "languages.default",
	"unit":           "unit",
	"idle-timeout":   "idle_timeout",
	"window":         "window",
	"scan-dir":       "scan_dir",
	"printer":        "printer.kind",
	"printer-queue":  "printer.queue",
	"printer-device": "printer.device",
	"printer-paper":  "printer.paper_mm",
	"log-level":      "log_level",
	"log-format":     "log_format",
}

// commonFlags are the flags of every subcommand that reads the kiosk's
// data: where the data directory and the configuration file are.
type commonFlags struct {
	dataDir, configFile string
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.dataDir, "data-dir", defaultDataDir(), "the kiosk's data directory: configuration (kiosk.json), enrolment, data key, drafts, outbox, catalog cache")
	fs.StringVar(&c.configFile, "config", "", "the configuration file (default: kiosk.json in the data directory, if there is one)")
}

// load reads the configuration file: the one --config names (which must
// exist), or kiosk.json in the data directory (which may not).
func (c commonFlags) load() (provision.Config, string, error) {
	path, must := c.configFile, true
	if path == "" {
		path, must = filepath.Join(c.dataDir, provision.ConfigFile), false
	}
	cfg, err := provision.LoadConfig(path)
	switch {
	case err == nil:
		return cfg, path, nil
	case errors.Is(err, fs.ErrNotExist) && !must:
		return provision.Defaults(), "", nil
	case errors.Is(err, fs.ErrNotExist):
		return cfg, path, fmt.Errorf("--config %s: no such file", path)
	}
	return cfg, path, err
}

// parseFlags reads the flags of `kiosk [run] [flags]` and the
// configuration file, and merges them: a flag overrides the file, the
// file the defaults. Errors are already printed to stderr when it
// returns them.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	var common commonFlags
	var lang, format, window, unit, scanDir, level string
	var idle time.Duration
	var prn printer.Config
	def := provision.Defaults()
	fs := flag.NewFlagSet("kiosk", flag.ContinueOnError)
	fs.SetOutput(stderr)
	common.register(fs)
	fs.BoolVar(&cfg.demo, "demo", false, "run as a demonstration kiosk, with the reference central server in-process (a temporary data directory unless --data-dir is given)")
	fs.StringVar(&lang, "lang", string(def.Lang), "language the kiosk starts in and returns to: vi or en (languages.default)")
	fs.StringVar(&unit, "unit", "", "the counter's name shown in the header (default: the enrolled unit's name)")
	fs.DurationVar(&idle, "idle-timeout", def.IdleTimeout, "time without a touch before the kiosk warns, then (20 s later) returns home and clears the session; 0 never (the central system may set it)")
	fs.StringVar(&window, "window", "", "kiosk: full screen, no decorations, closing refused (the default); normal: a 1280×800 window (the default with --demo)")
	fs.StringVar(&scanDir, "scan-dir", "", "the folder the document scanner saves pages into (\"scan to folder\"); the kiosk takes each page, deletes it and offers it on the papers step")
	fs.StringVar(&prn.Kind, "printer", "", "the receipt printer: none (the default: the receipt is shown as a QR only), cups (the system's printer, through lp) or escpos (a thermal receipt printer)")
	fs.StringVar(&prn.Queue, "printer-queue", "", "cups: the queue to print to (lp -d); default: the system's default printer")
	fs.StringVar(&prn.Device, "printer-device", "", "escpos: the printer's device file (/dev/usb/lp0) or network address (tcp:192.168.1.50:9100)")
	fs.IntVar(&prn.PaperMM, "printer-paper", 0, "escpos: the thermal roll's width in mm, 58 or 80")
	fs.StringVar(&level, "log-level", def.LogLevel, "log level: debug, info, warn or error")
	fs.StringVar(&format, "log-format", def.LogFormat, "log format: console (for people) or json (for log shipping)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: kiosk [run] [flags]\n       kiosk enroll --server URL --code CODE [--data-dir DIR] [--config FILE] [--force]\n       kiosk version\n\n"+
			"Flags override the configuration file (docs/configuration.md), which overrides the defaults.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, errHelp
		}
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, usageError(fs, stderr, fmt.Sprintf("unknown command %q", fs.Arg(0)))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	cfg.dataDir, cfg.dataDirSet = common.dataDir, set["data-dir"]
	cfg.langSet = set["lang"]
	settings, path, err := common.load()
	if err != nil {
		fmt.Fprintln(stderr, "kiosk:", err)
		return cfg, err
	}
	cfg.configFile = path
	// Each flag given overrides its key.
	over := map[string]func(){
		"lang": func() { settings.Lang = kiosk.Lang(lang) }, "unit": func() { settings.Unit = unit },
		"idle-timeout": func() { settings.IdleTimeout = idle }, "window": func() { settings.Window = window },
		"scan-dir": func() { settings.ScanDir = scanDir }, "printer": func() { settings.Printer.Kind = prn.Kind },
		"printer-queue": func() { settings.Printer.Queue = prn.Queue }, "printer-device": func() { settings.Printer.Device = prn.Device },
		"printer-paper": func() { settings.Printer.PaperMM = prn.PaperMM }, "log-level": func() { settings.LogLevel = level },
		"log-format": func() { settings.LogFormat = format },
	}
	for name, apply := range over {
		if set[name] {
			apply()
		}
	}
	if problems := settings.Validate(); len(problems) > 0 {
		var msgs []string
		for _, p := range problems {
			msgs = append(msgs, describeProblem(p, set, path))
		}
		return cfg, usageError(fs, stderr, strings.Join(msgs, "\nkiosk: "))
	}
	cfg.apply(settings)
	return cfg, nil
}

// apply takes the merged settings into cfg.
func (cfg *config) apply(s provision.Config) {
	cfg.settings = s
	cfg.lang, cfg.unit, cfg.scanDir, cfg.printer, cfg.idle = s.Lang, s.Unit, s.ScanDir, s.Printer, s.IdleTimeout
	cfg.logLevel, cfg.logFormat = s.LogLevel, logging.Format(s.LogFormat)
	switch windowMode(s.Window) {
	case windowKiosk, windowNormal:
		cfg.window = windowMode(s.Window)
	default:
		cfg.window = windowKiosk
		if cfg.demo {
			cfg.window = windowNormal // a demo runs on a desk, beside other windows
		}
	}
}

// describeProblem names a problem's key the way its value was given: as
// the flag that set it, or as the file's key. A key set by neither (a
// thermal printer without its roll width) is named as the flag when no
// file was read, as both otherwise.
func describeProblem(p provision.Problem, set map[string]bool, file string) string {
	flagName := ""
	for name, key := range flagKeys {
		if key == p.Key {
			flagName = name
		}
	}
	rest, _ := strings.CutPrefix(p.Text, p.Key)
	switch {
	case flagName != "" && set[flagName]:
		return "-" + flagName + rest
	case file == "" && flagName != "":
		return "-" + flagName + rest
	case flagName != "":
		return fmt.Sprintf("%s: %s (or -%s)%s", file, p.Key, flagName, rest)
	}
	return file + ": " + p.Text
}

func usageError(fs *flag.FlagSet, stderr io.Writer, msg string) error {
	fmt.Fprintln(stderr, "kiosk:", msg)
	fs.Usage()
	return errors.New(msg)
}
