package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"github.com/rs/zerolog"
	"golang.org/x/term"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/logging"
	"github.com/motcua/kiosk/offline/adminpin"
	"github.com/motcua/kiosk/ui"
)

// adminPIN checks the admin screen's PIN and logs every try (never the
// PIN: the guard's errors do not hold it).
type adminPIN struct {
	g   *adminpin.Guard
	log zerolog.Logger
}

func (a adminPIN) Ready() error { return pinErr(a.g.Ready()) }

func (a adminPIN) Check(pin string) error {
	err := a.g.Check(pin)
	a.log.Info().Str("action", "admin_unlock").Bool("ok", err == nil).AnErr("refused", err).Msg("admin PIN try")
	return pinErr(err)
}

// pinErr turns the guard's refusals into the screen's.
func pinErr(err error) error {
	var locked *adminpin.LockedError
	var wrong *adminpin.WrongPINError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &locked):
		return &ui.PINError{Kind: ui.PINLocked, Until: locked.Until}
	case errors.As(err, &wrong):
		return &ui.PINError{Kind: ui.PINWrong, TriesLeft: wrong.TriesLeft}
	case errors.Is(err, adminpin.ErrNotSet):
		return &ui.PINError{Kind: ui.PINNotSet}
	case errors.Is(err, adminpin.ErrDamaged):
		return &ui.PINError{Kind: ui.PINDamaged}
	}
	return err
}

// kioskAdmin is what the admin screen may do. Every action is logged,
// with the admin's outcome and never a citizen's data.
type kioskAdmin struct {
	b   *backend
	win fyne.Window
}

func (a kioskAdmin) audit(action string, err error) {
	a.b.log.Info().Str("action", action).Bool("ok", err == nil).AnErr("error", err).Msg("admin action")
}

func (a kioskAdmin) Status(context.Context) (ui.AdminStatus, error) {
	b := a.b
	hb, err := b.store.Health()
	if b.syncer != nil {
		hb, err = b.syncer.Health(), nil
	}
	st := ui.AdminStatus{Unit: b.unit, Version: version, Outbox: hb.OutboxQueued + hb.OutboxSending, Drafts: hb.Drafts,
		DiskFree: hb.DiskFreeBytes, DBSize: hb.DBSizeBytes, LastSync: hb.LastSyncAt}
	if b.device != nil {
		st.DeviceID = b.device.ID
	}
	a.audit("status", err)
	return st, err
}

func (a kioskAdmin) SyncNow() error {
	if a.b.syncer == nil {
		err := errors.New("no central system configured")
		a.audit("sync_now", err)
		return err
	}
	a.b.syncer.Wake()
	a.audit("sync_now", nil)
	return nil
}

func (a kioskAdmin) PurgeDrafts() (int, error) {
	n, err := a.b.store.PurgeExpiredDrafts()
	a.b.log.Info().Str("action", "purge_drafts").Int("purged", n).AnErr("error", err).Msg("admin action")
	return n, err
}

// ExportLogs copies the log files into a new folder under dir (a USB
// stick): kiosk-logs-<time>. The logs are redacted as they are written.
func (a kioskAdmin) ExportLogs(dir string) (string, error) {
	dst := filepath.Join(dir, "kiosk-logs-"+time.Now().Format("20060102-150405"))
	_, err := logging.Export(a.b.dataDir, dst)
	a.audit("export_logs", err)
	return dst, err
}

// SetDefaultLanguage keeps the language the kiosk returns to in the data
// directory; the next start reads it (languageFile).
func (a kioskAdmin) SetDefaultLanguage(l kiosk.Lang) error {
	err := os.WriteFile(filepath.Join(a.b.dataDir, languageFile), []byte(l), 0o600)
	a.audit("set_default_language_"+string(l), err)
	return err
}

// Restart quits with exitRestart: the service manager starts the kiosk
// again (the systemd unit restarts it on any exit but a clean one).
func (a kioskAdmin) Restart() error {
	a.audit("restart", nil)
	a.b.exitCode = exitRestart
	fyne.Do(fyne.CurrentApp().Quit)
	return nil
}

// LeaveKioskMode gives IT staff an ordinary window: not full screen, and
// closing it quits the kiosk (exit 0: the service manager leaves it).
func (a kioskAdmin) LeaveKioskMode() error {
	a.audit("leave_kiosk_mode", nil)
	fyne.Do(func() {
		a.win.SetFullScreen(false)
		a.win.SetCloseIntercept(nil)
		a.win.Resize(fyne.NewSize(1280, 800))
	})
	return nil
}

// languageFile holds the default language set on the admin screen.
const languageFile = "language"

// exitRestart is the exit code that asks the service manager for a
// restart (EX_TEMPFAIL).
const exitRestart = 75

// savedLanguage is the default language the admin screen set, if any.
func savedLanguage(dataDir string) (kiosk.Lang, bool) {
	raw, err := os.ReadFile(filepath.Join(dataDir, languageFile))
	switch l := kiosk.Lang(raw); {
	case err != nil:
		return "", false
	case l == kiosk.VI || l == kiosk.EN:
		return l, true
	}
	return "", false
}

// adminPINCommand sets the admin screen's PIN: `kiosk admin-pin
// [--data-dir DIR]` reads it from standard input, twice (never from a
// flag, which shell history and ps would keep).
func adminPINCommand(args []string, stdin *os.File, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kiosk admin-pin", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data-dir", defaultDataDir(), "the kiosk's data directory")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	pin, err := readPINTwice(stdin, stdout)
	if err != nil {
		fmt.Fprintln(stderr, "kiosk admin-pin:", err)
		return 1
	}
	g, err := adminpin.Open(*dataDir, adminpin.Options{})
	if err == nil {
		err = g.Set(pin)
	}
	if err != nil {
		fmt.Fprintln(stderr, "kiosk admin-pin:", err)
		return 1
	}
	fmt.Fprintf(stdout, "The admin PIN is set (%s).\n", g.Path())
	return 0
}

// readPINTwice reads the PIN and its repetition: without echo from a
// terminal, else one a line (printf '%s\n%s\n' "$PIN" "$PIN" | kiosk
// admin-pin, for provisioning scripts).
func readPINTwice(in *os.File, out io.Writer) (string, error) {
	var first, second string
	if term.IsTerminal(int(in.Fd())) {
		for i, p := range []*string{&first, &second} {
			fmt.Fprint(out, [2]string{"New admin PIN (6+ digits, not shown): ", "Again: "}[i])
			b, err := term.ReadPassword(int(in.Fd()))
			fmt.Fprintln(out)
			if err != nil {
				return "", err
			}
			*p = string(b)
		}
	} else {
		sc := bufio.NewScanner(in)
		for _, p := range []*string{&first, &second} {
			if !sc.Scan() {
				return "", errors.New("give the PIN twice on standard input, one a line")
			}
			*p = strings.TrimSpace(sc.Text())
		}
	}
	if first != second {
		return "", errors.New("the two PINs differ; nothing was changed")
	}
	return first, nil
}
