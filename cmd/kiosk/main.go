// Command kiosk runs the Một Cửa self-service kiosk.
//
//	kiosk [flags]        run the kiosk (see -h)
//	kiosk version        print the version
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/assets"
	"github.com/motcua/kiosk/kiosk"
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
	cat, unit, cleanup, err := loadCatalog(cfg, log)
	if err != nil {
		log.Error().Err(err).Msg("cannot start")
		return 1
	}
	defer cleanup()

	a := app.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon()))
	a.Settings().SetTheme(ui.Theme())
	w := a.NewWindow("Một Cửa Kiosk")
	w.SetFullScreen(cfg.fullScreen)
	w.Resize(fyne.NewSize(1280, 800))
	if _, err := ui.New(w, cat, ui.Options{Lang: cfg.lang, Unit: unit}); err != nil {
		log.Error().Err(err).Msg("cannot build the interface")
		return 1
	}
	log.Info().Str("version", version).Str("catalog", cat.Version).Int("procedures", len(cat.Procedures)).Bool("demo", cfg.demo).Msg("kiosk started")
	w.ShowAndRun()
	return 0
}

// loadCatalog gets the catalog to show. With --demo it starts the
// reference server in-process, enrols with it and fetches the catalog over
// HTTP; otherwise (until a kiosk is enrolled with a real server) it uses
// the embedded sample.
func loadCatalog(cfg config, log zerolog.Logger) (*kiosk.Catalog, string, func(), error) {
	if !cfg.demo {
		log.Warn().Msg("no central API configured: showing the embedded sample catalog")
		cat, err := kiosk.ParseCatalog(assets.SampleCatalog())
		return cat, cfg.unit, func() {}, err
	}
	d, err := startDemo(log)
	if err != nil {
		return nil, "", nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, enr, cat, err := connectDemo(ctx, d)
	if err != nil {
		d.stop()
		return nil, "", nil, err
	}
	log.Info().Str("server", d.url).Str("device", enr.DeviceID).Str("catalog", cat.Version).Msg("demo: enrolled with the in-process reference server")
	return cat, enr.Unit.Name, d.stop, nil
}

// exitUsage turns a flag error into the exit code: 0 for -h, 2 otherwise.
func exitUsage(err error) int {
	if err == errHelp {
		return 0
	}
	return 2
}
