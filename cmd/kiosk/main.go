// Command kiosk runs the Một Cửa self-service kiosk.
//
//	kiosk [flags]        run the kiosk (see -h)
//	kiosk version        print the version
package main

import (
	"fmt"
	"io"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"github.com/motcua/kiosk/assets"
	"github.com/motcua/kiosk/kiosk/logging"
	"github.com/motcua/kiosk/ui"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

const appID = "vn.gov.motcua.kiosk"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "version" {
		fmt.Fprintf(stdout, "Một Cửa Kiosk %s\n", version)
		return 0
	}
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return exitUsage(err)
	}
	log, err := logging.New(stderr, logging.Options{Format: cfg.logFormat, Level: cfg.logLevel})
	if err != nil {
		fmt.Fprintln(stderr, "kiosk:", err)
		return 2
	}
	b, err := openBackend(cfg, log)
	if err != nil {
		// Plainly, not through the log's redaction: a start-up error names
		// paths and addresses, never a citizen, and IT staff must read it whole.
		fmt.Fprintln(stderr, "kiosk: cannot start:", err)
		return 1
	}
	defer b.close()

	// Fyne ships no Vietnamese for its own strings (OK, Cancel…).
	if err := lang.AddTranslationsForLocale(assets.FyneVietnamese(), fyne.Locale("vi")); err != nil {
		log.Warn().Err(err).Msg("cannot add Vietnamese for Fyne's own strings")
	}
	a := app.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon()))
	w := newWindow(a, cfg.window, log)
	k, err := ui.New(w, b.catalog, b.uiOptions(cfg))
	if err != nil {
		log.Error().Err(err).Msg("cannot build the interface")
		return 1
	}
	b.start(k, cfg)
	log.Info().Str("version", version).Str("catalog", b.catalog.Version).Int("procedures", len(b.catalog.Procedures)).Bool("demo", cfg.demo).Msg("kiosk started")
	w.ShowAndRun()
	return 0
}

// exitUsage turns a flag error into the exit code: 0 for -h, 2 otherwise.
func exitUsage(err error) int {
	if err == errHelp {
		return 0
	}
	return 2
}
