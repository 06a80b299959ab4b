package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/offline"
	"github.com/motcua/kiosk/offline/provision"
	"github.com/motcua/kiosk/ui"
)

// Exit codes of `kiosk enroll`, one for each kind of failure IT staff act
// on differently.
const (
	exitEnrollFailed    = 1 // the files could not be written, or an unexpected answer
	exitEnrollUsage     = 2 // flags, the configuration file, the server address
	exitEnrollCode      = 3 // the code was refused: wrong, expired or used
	exitEnrollNetwork   = 4 // the server cannot be reached, or is not the central API
	exitEnrollTLS       = 5 // the server's certificate is not trusted, or not the pinned key
	exitEnrollRefused   = 6 // this kiosk's state forbids it: enrolled, running, work not sent
	enrollTimeout       = 2 * time.Minute
	enrollUsageSynopsis = "Usage: kiosk enroll --server URL --code CODE [--data-dir DIR] [--config FILE] [--force]\n\n" +
		"Registers this kiosk with the central system and stores its enrolment in the data\n" +
		"directory: device.json, device.token and a new data-encryption key (device.key).\n\nFlags:\n"
)

// runEnroll is `kiosk enroll`.
func runEnroll(args []string, stdout, stderr io.Writer) int {
	var common commonFlags
	var server, code string
	var force bool
	fs := flag.NewFlagSet("kiosk enroll", flag.ContinueOnError)
	fs.SetOutput(stderr)
	common.register(fs)
	fs.StringVar(&server, "server", "", "the central API's root URL, e.g. https://motcua.example.gov.vn (default: api_url in the configuration)")
	fs.StringVar(&code, "code", "", "the one-time enrolment code the central system gave for this kiosk")
	fs.BoolVar(&force, "force", false, "enrol a kiosk that is enrolled already: its drafts, outbox and data key are deleted (dossiers not yet sent never are)")
	fs.Usage = func() {
		fmt.Fprint(stderr, enrollUsageSynopsis)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return exitEnrollUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kiosk enroll: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return exitEnrollUsage
	}
	if strings.TrimSpace(code) == "" {
		fmt.Fprintln(stderr, "kiosk enroll: --code: missing; give the one-time enrolment code from the central system")
		fs.Usage()
		return exitEnrollUsage
	}
	settings, path, err := common.load()
	if err != nil {
		fmt.Fprintln(stderr, "kiosk enroll:", err)
		return exitEnrollUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, enrollTimeout)
	defer cancel()
	host, _ := os.Hostname()
	got, err := provision.Enroll(ctx, common.dataDir, provision.EnrollOptions{Server: server, Code: code, Config: settings, Force: force,
		Hostname: host, Version: version, Log: zerolog.Nop()})
	if err != nil {
		fmt.Fprintln(stderr, "kiosk enroll:", err)
		var ee *provision.EnrollError
		if errors.As(err, &ee) && !ee.Changed {
			fmt.Fprintln(stderr, "Nothing on this kiosk was changed.")
		}
		return enrollExitCode(err)
	}
	printEnrolled(stdout, got, common, path)
	return 0
}

// enrollExitCode is the exit code for an enrolment's error.
func enrollExitCode(err error) int {
	var ee *provision.EnrollError
	if !errors.As(err, &ee) {
		return exitEnrollFailed
	}
	switch ee.Kind {
	case provision.EnrollBadInput, provision.EnrollServerMismatch:
		return exitEnrollUsage
	case provision.EnrollCodeRefused:
		return exitEnrollCode
	case provision.EnrollUnreachable, provision.EnrollNotCentral:
		return exitEnrollNetwork
	case provision.EnrollPinMismatch, provision.EnrollUntrusted:
		return exitEnrollTLS
	case provision.EnrollAlreadyEnrolled, provision.EnrollUnsent, provision.EnrollHasDrafts, provision.EnrollRunning:
		return exitEnrollRefused
	}
	return exitEnrollFailed
}

// fileRoles says what each file of an enrolment is, for the summary.
var fileRoles = map[string]string{
	offline.KeyFile:      "a new data-encryption key for drafts and the outbox",
	provision.TokenFile:  "the device's token for the central API; keep it secret",
	provision.DeviceFile: "device id, unit, location, server, date",
	offline.DBFile:       "the previous enrolment's drafts, outbox and catalog cache",
}

// printEnrolled says plainly what was set up; never the token.
func printEnrolled(w io.Writer, got provision.Enrolled, common commonFlags, configFile string) {
	d := got.Device
	fmt.Fprintf(w, "Enrolled this kiosk with the central system at %s.\n", d.Server)
	fmt.Fprintf(w, "  device:    %s\n", d.ID)
	fmt.Fprintf(w, "  unit:      %s\n", provision.UnitText(d.Unit))
	fmt.Fprintf(w, "  location:  %s\n", d.Location)
	fmt.Fprintf(w, "  data dir:  %s (mode 0700)\n", got.Dir)
	for i, name := range got.Written {
		label := "written:"
		if i > 0 {
			label = ""
		}
		fmt.Fprintf(w, "  %-10s %s (mode 0600): %s\n", label, name, fileRoles[name])
	}
	for i, name := range got.Removed {
		label := "removed:"
		if i > 0 {
			label = ""
		}
		role := fileRoles[name]
		if role == "" {
			role = "a damaged copy of the previous enrolment's database"
		}
		fmt.Fprintf(w, "  %-10s %s: %s\n", label, name, role)
	}
	start := "kiosk"
	if common.dataDir != defaultDataDir() {
		start += " --data-dir " + common.dataDir
	}
	if common.configFile != "" {
		start += " --config " + configFile
	}
	fmt.Fprintf(w, "Start the kiosk with: %s\n", start)
}

// screenEnroller enrols from the first-run screen, then opens the store
// on the fresh data key and connects to the central system, all off the
// UI goroutine. The screen's "start" then builds the kiosk's home.
type screenEnroller struct{ b *backend }

func (e screenEnroller) Enroll(ctx context.Context, server, code string) (ui.Enrolment, error) {
	b := e.b
	host, _ := os.Hostname()
	got, err := provision.Enroll(ctx, b.dataDir, provision.EnrollOptions{Server: server, Code: code, Config: b.cfg.settings,
		Hostname: host, Version: version, Log: b.log})
	if err != nil {
		b.log.Warn().Err(err).Msg("enrolment from the screen failed")
		return ui.Enrolment{}, screenEnrollError(err)
	}
	dev := got.Device
	b.device = &dev
	if err := b.open(); err != nil {
		b.log.Error().Err(err).Msg("enrolled, but the kiosk cannot start")
		return ui.Enrolment{}, &ui.EnrollError{Kind: ui.EnrollFailed,
			Detail: fmt.Sprintf("the kiosk enrolled as %s, but cannot start (%v); restart it", dev.ID, err)}
	}
	return ui.Enrolment{DeviceID: dev.ID, Unit: provision.UnitText(dev.Unit), Location: dev.Location, Server: dev.Server}, nil
}

// screenEnrollError turns an enrolment's error into the screen's kinds;
// the detail is the full message, for IT staff.
func screenEnrollError(err error) error {
	var ee *provision.EnrollError
	if !errors.As(err, &ee) {
		return &ui.EnrollError{Kind: ui.EnrollFailed, Detail: err.Error()}
	}
	kind := ui.EnrollFailed
	switch ee.Kind {
	case provision.EnrollCodeRefused:
		kind = ui.EnrollBadCode
	case provision.EnrollUnreachable:
		kind = ui.EnrollUnreachable
	case provision.EnrollPinMismatch, provision.EnrollUntrusted:
		kind = ui.EnrollUntrusted
	case provision.EnrollBadInput, provision.EnrollNotCentral:
		kind = ui.EnrollBadServer
	}
	return &ui.EnrollError{Kind: kind, Detail: ee.Error()}
}
