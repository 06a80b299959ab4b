// Command kiosk runs the Một Cửa self-service kiosk.
//
//	kiosk [run] [flags]   run the kiosk (see -h); the first run shows the enrolment screen
//	kiosk enroll --server URL --code CODE [--data-dir DIR] [--config FILE] [--force]
//	kiosk admin-pin [--data-dir DIR]   set the admin screen's PIN (read from standard input)
//	kiosk doctor [--data-dir DIR] [--config FILE]   check the kiosk: exit 0 OK, 1 warnings, 2 a failure
//	kiosk version         print the version
package main

import (
	"fmt"
	"io"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/assets"
	"github.com/motcua/kiosk/kiosk/logging"
	"github.com/motcua/kiosk/ui"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

const appID = "vn.gov.motcua.kiosk"

func main() {
	if len(os.Args) > 1 && isSubcommand(os.Args[1]) {
		attachConsole() // Windows: the GUI exe prints in the console it was typed in
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// isSubcommand reports whether arg names one of the commands IT staff type
// (not `run`, which is the kiosk itself).
func isSubcommand(arg string) bool {
	switch arg {
	case "enroll", "doctor", "admin-pin", "version", "-h", "-help", "--help":
		return true
	}
	return false
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "version":
			fmt.Fprintf(stdout, "Một Cửa Kiosk %s\n", version)
			return 0
		case "enroll":
			return runEnroll(args[1:], stdout, stderr)
		case "doctor":
			return runDoctor(args[1:], stdout, stderr)
		case "admin-pin":
			return adminPINCommand(args[1:], os.Stdin, stdout, stderr)
		case "run":
			args = args[1:]
		}
	}
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return exitUsage(err)
	}
	log, logFile, err := openLog(cfg, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "kiosk:", err)
		return 2
	}
	if logFile != nil {
		defer logFile.Close()
	}
	// Fyne ships no Vietnamese for its own strings (OK, Cancel…).
	if err := lang.AddTranslationsForLocale(assets.FyneVietnamese(), fyne.Locale("vi")); err != nil {
		log.Warn().Err(err).Msg("cannot add Vietnamese for Fyne's own strings")
	}
	// The window opens first and the backend opens meanwhile: creating the
	// window's OpenGL context is the longest part of the start (about
	// 150 ms with software rendering), and the store, the central system's
	// answer and the fonts need not wait for it. The screen is built as
	// soon as both are ready.
	a := app.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon()))
	w := newWindow(a, cfg.window, log)
	go ui.WarmFonts()
	var b *backend
	code := 0
	go func() {
		opened, err := openBackend(cfg, log)
		fyne.Do(func() {
			if err != nil {
				// Plainly, not through the log's redaction: a start-up error names
				// paths and addresses, never a citizen, and IT staff must read it whole.
				fmt.Fprintln(stderr, "kiosk: cannot start:", err)
				code = 1
				a.Quit()
				return
			}
			b = opened
			if err := b.show(w, cfg); err != nil {
				log.Error().Err(err).Msg("cannot build the interface")
				code = 1
				a.Quit()
			}
		})
	}()
	w.ShowAndRun()
	if b == nil {
		return code
	}
	b.close()
	return max(code, b.exitCode)
}

// openLog logs to the console and, except for a demo without a data
// directory (which leaves nothing behind), to a rotating kiosk.log in the
// data directory as JSON lines, both redacted. A log file that cannot be
// opened does not stop the kiosk.
func openLog(cfg config, stderr io.Writer) (zerolog.Logger, *logging.File, error) {
	opts := logging.Options{Format: cfg.logFormat, Level: cfg.logLevel}
	if cfg.demo && !cfg.dataDirSet {
		log, err := logging.New(stderr, opts)
		return log, nil, err
	}
	f, err := logging.OpenFile(cfg.dataDir, logging.FileOptions{})
	if err != nil {
		fmt.Fprintln(stderr, "kiosk: no log file:", err)
		log, err := logging.New(stderr, opts)
		return log, nil, err
	}
	log, err := logging.NewTee(stderr, f, opts)
	return log, f, err
}

// exitUsage turns a flag error into the exit code: 0 for -h, 2 otherwise.
func exitUsage(err error) int {
	if err == errHelp {
		return 0
	}
	return 2
}
