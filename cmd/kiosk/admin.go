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
	"github.com/motcua/kiosk/kiosk/selfserve"
	"github.com/motcua/kiosk/offline"
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
	now func() time.Time // nil: time.Now
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

// figuresExportDays is how many days ExportFigures writes: all the kiosk
// keeps.
const figuresExportDays = int(offline.MetricsRetention / (24 * time.Hour))

func (a kioskAdmin) clock() time.Time {
	if a.now != nil {
		return a.now()
	}
	return time.Now()
}

// Figures reads the self-service figures of the days days ending today.
func (a kioskAdmin) Figures(_ context.Context, days int) ([]selfserve.Figures, error) {
	figs, err := a.figures(days, a.clock())
	a.b.log.Info().Str("action", "figures").Int("days", days).Int("entries", len(figs)).AnErr("error", err).Msg("admin action")
	return figs, err
}

func (a kioskAdmin) figures(days int, today time.Time) ([]selfserve.Figures, error) {
	if a.b.store == nil {
		return nil, errors.New("the kiosk's store is not open (not enrolled)")
	}
	if days <= 0 {
		return nil, nil
	}
	y, m, d := today.Date()
	// Noon, so that a daylight-saving change never skips a day (as selfserve.Totals).
	from := selfserve.DayOf(time.Date(y, m, d-(days-1), 12, 0, 0, 0, today.Location()))
	return a.b.store.Figures(from, selfserve.DayOf(today))
}

// ExportFigures writes the figures of the last figuresExportDays days
// into dir (a USB stick) as motcua-figures-<device>-<time>.csv. They hold
// no personal data, so the file has the stick's ordinary mode; it is
// written under a temporary name, synced and renamed, so a stick pulled
// out too soon leaves no half file under the real name.
func (a kioskAdmin) ExportFigures(dir string) (string, error) {
	now := a.clock()
	path := filepath.Join(dir, "motcua-figures-"+a.fileTag()+"-"+now.Format("20060102-150405")+".csv")
	figs, err := a.figures(figuresExportDays, now)
	if err == nil {
		err = writeFileAtomic(path, func(w io.Writer) error { return selfserve.WriteCSV(w, figs) })
	}
	a.b.log.Info().Str("action", "export_figures").Str("dir", dir).Int("entries", len(figs)).
		Bool("ok", err == nil).AnErr("error", err).Msg("admin action")
	if err != nil {
		return "", err
	}
	return path, nil
}

// fileTag names the kiosk in an export's file name: its device ID, else
// the host's name, with anything but letters, digits, '.', '_' and '-'
// made '-'.
func (a kioskAdmin) fileTag() string {
	tag := ""
	if a.b.device != nil {
		tag = a.b.device.ID
	}
	if tag == "" {
		tag, _ = os.Hostname()
	}
	tag = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			return r
		}
		return '-'
	}, tag)
	if tag == "" {
		return "kiosk"
	}
	return tag
}

// writeFileAtomic writes path through a temporary file in the same
// folder: write, fsync, close, rename, then fsync the folder where the
// system allows it (not on Windows). On any failure the temporary file
// is removed and path is untouched.
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	f.Chmod(0o644) // best effort (a FAT stick has no modes): anyone may read the figures
	bw := bufio.NewWriter(f)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	if d, derr := os.Open(filepath.Dir(path)); derr == nil {
		d.Sync() // best effort: the rename is durable where the system can say so
		d.Close()
	}
	return nil
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
