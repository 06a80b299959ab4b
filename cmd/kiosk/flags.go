package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/logging"
	"github.com/motcua/kiosk/offline/printer"
)

// config is what the command line says.
type config struct {
	demo       bool
	dataDir    string
	dataDirSet bool // --data-dir was given: a demo then keeps its data there
	lang       kiosk.Lang
	unit       string
	window     windowMode
	scanDir    string // the document scanner's folder; "" when the kiosk has none
	printer    printer.Config
	idle       time.Duration
	logLevel   string
	logFormat  logging.Format
}

var errHelp = errors.New("help requested")

// printerFlags names the printer's configuration keys, in the messages of
// printer.Config.Validate, by the flags that set them.
var printerFlags = strings.NewReplacer("printer.kind", "-printer", "printer.queue", "-printer-queue",
	"printer.device", "-printer-device", "printer.paper_mm", "-printer-paper")

// parseFlags reads the flags of `kiosk [flags]`. Errors are already
// printed to stderr with the usage when it returns them.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	var lang, format, window string
	fs := flag.NewFlagSet("kiosk", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&cfg.demo, "demo", false, "run as a demonstration kiosk on the embedded sample catalog")
	fs.StringVar(&cfg.dataDir, "data-dir", defaultDataDir(), "the kiosk's data directory: device key, drafts, outbox, catalog cache (a --demo kiosk uses a temporary one unless this is given)")
	fs.StringVar(&lang, "lang", "vi", "language the kiosk starts in and returns to: vi or en")
	fs.StringVar(&cfg.unit, "unit", "Bộ phận Một cửa", "the counter's name shown in the header")
	fs.DurationVar(&cfg.idle, "idle-timeout", 90*time.Second, "time without a touch before the kiosk warns, then (20 s later) returns home and clears the session")
	fs.StringVar(&window, "window", "", "kiosk: full screen, no decorations, closing refused (the default); normal: a 1280×800 window (the default with --demo)")
	fs.StringVar(&cfg.scanDir, "scan-dir", "", "the folder the document scanner saves pages into (\"scan to folder\"); the kiosk takes each page, deletes it and offers it on the papers step")
	fs.StringVar(&cfg.printer.Kind, "printer", "", "the receipt printer: none (the default: the receipt is shown as a QR only), cups (the system's printer, through lp) or escpos (a thermal receipt printer)")
	fs.StringVar(&cfg.printer.Queue, "printer-queue", "", "cups: the queue to print to (lp -d); default: the system's default printer")
	fs.StringVar(&cfg.printer.Device, "printer-device", "", "escpos: the printer's device file (/dev/usb/lp0) or network address (tcp:192.168.1.50:9100)")
	fs.IntVar(&cfg.printer.PaperMM, "printer-paper", 0, "escpos: the thermal roll's width in mm, 58 or 80")
	fs.StringVar(&cfg.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&format, "log-format", "console", "log format: console (for people) or json (for log shipping)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: kiosk [flags]\n       kiosk version\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return cfg, errHelp
		}
		return cfg, err
	}
	fs.Visit(func(f *flag.Flag) { cfg.dataDirSet = cfg.dataDirSet || f.Name == "data-dir" })
	if fs.NArg() > 0 {
		return cfg, usageError(fs, stderr, fmt.Sprintf("unknown command %q", fs.Arg(0)))
	}
	switch kiosk.Lang(lang) {
	case kiosk.VI, kiosk.EN:
		cfg.lang = kiosk.Lang(lang)
	default:
		return cfg, usageError(fs, stderr, fmt.Sprintf("-lang %q: want vi or en", lang))
	}
	cfg.logFormat = logging.Format(format)
	if err := cfg.printer.Validate(); err != nil {
		return cfg, usageError(fs, stderr, printerFlags.Replace(err.Error()))
	}
	switch windowMode(window) {
	case "":
		cfg.window = windowKiosk
		if cfg.demo {
			cfg.window = windowNormal // a demo runs on a desk, beside other windows
		}
	case windowKiosk, windowNormal:
		cfg.window = windowMode(window)
	default:
		return cfg, usageError(fs, stderr, fmt.Sprintf("-window %q: want kiosk or normal", window))
	}
	return cfg, nil
}

func usageError(fs *flag.FlagSet, stderr io.Writer, msg string) error {
	fmt.Fprintln(stderr, "kiosk:", msg)
	fs.Usage()
	return errors.New(msg)
}
