package ui

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/selfserve"
)

// The admin screen: staff open it with a long press on the header's logo
// (adminHold), then the admin PIN. It shows the kiosk's health — counts
// and sizes, never a citizen's data — and the few things staff do at the
// kiosk. Opening it ends the citizen's session, as a reset does.
const (
	// adminHold is how long the logo must be held to open the PIN pad.
	adminHold = 3 * time.Second
	// adminIdle ends an admin session after this long without a touch,
	// whatever IdleTimeout says (it may be off).
	adminIdle = 2 * time.Minute
	// adminWait bounds each call to Admin.
	adminWait = 30 * time.Second
)

// AdminStatus is the kiosk as the admin screen shows it. It holds no
// personal data: identities of the device, counts and sizes.
type AdminStatus struct {
	DeviceID, Unit, Version string
	LastSync                time.Time // the central system last answered; zero: never
	Outbox                  int       // dossiers waiting to be sent
	Drafts                  int       // drafts kept on the kiosk
	DiskFree                int64     // bytes free for the data directory; negative: unknown
	DBSize                  int64     // bytes of the kiosk's database; negative: unknown
}

// Admin is what staff may do at the kiosk. cmd/kiosk implements it over the
// store, the sync loop and the log. Every method is called off the UI
// goroutine (an implementation that touches Fyne, to quit, uses fyne.Do).
//
// The implementation logs every call — which action, its argument (a
// folder, a language) and its outcome — as the audit trail of the admin
// screen; the screen itself logs nothing. Nothing it returns may hold
// personal data: the screen shows what it returns.
type Admin interface {
	// Status reads the kiosk's state; the network's comes from SetSyncStatus.
	Status(ctx context.Context) (AdminStatus, error)
	// SyncNow wakes the sync loop: it sends the outbox and fetches the
	// catalog at once rather than at its next turn.
	SyncNow() error
	// PurgeDrafts deletes the drafts past their expiry and says how many.
	PurgeDrafts() (int, error)
	// ExportLogs copies the kiosk's logs into dir (a USB stick) and
	// returns the path of what it wrote.
	ExportLogs(dir string) (string, error)
	// Figures reads the self-service figures of the last days days, today
	// included: one entry per day and procedure that has any.
	Figures(ctx context.Context, days int) ([]selfserve.Figures, error)
	// ExportFigures writes the figures of the last 90 days into dir (a USB
	// stick) as one CSV file (selfserve.WriteCSV) and returns its path.
	ExportFigures(dir string) (string, error)
	// SetDefaultLanguage keeps l as the language the kiosk starts in and
	// returns to after each citizen, across restarts.
	SetDefaultLanguage(l kiosk.Lang) error
	// Restart restarts the kiosk program; LeaveKioskMode ends it so the
	// desktop is reachable until the kiosk is started again.
	Restart() error
	LeaveKioskMode() error
}

// AdminPIN guards the admin screen (package offline/adminpin, adapted in
// cmd/kiosk). Both methods are called off the UI goroutine; the
// implementation logs every try and its result, never the PIN.
type AdminPIN interface {
	// Ready says, without trying a PIN, whether one may be tried: nil, or
	// the *PINError Check would give (PINNotSet, PINDamaged, PINLocked).
	Ready() error
	// Check tries pin: nil when it is right; else a *PINError (PINWrong,
	// PINLocked when this try locks it or it was locked, PINNotSet,
	// PINDamaged) or another error. It is slow on purpose (argon2id).
	Check(pin string) error
}

// PINError says why the admin PIN pad did not open.
type PINError struct {
	Kind      PINRefusal
	Until     time.Time // PINLocked: when tries are allowed again
	TriesLeft int       // PINWrong: wrong tries left before it locks
}

func (e *PINError) Error() string { return "admin PIN refused: " + string(e.Kind) }

// PINRefusal is the kind of a PINError.
type PINRefusal string

const (
	PINNotSet  PINRefusal = "not_set" // no PIN provisioned: `kiosk admin-pin`
	PINDamaged PINRefusal = "damaged" // the PIN's file is unreadable: set it again
	PINLocked  PINRefusal = "locked"  // too many wrong tries: wait until Until
	PINWrong   PINRefusal = "wrong"
)

// adminSession is an admin's visit: first the PIN pad, then the panel.
// It lives in the session, so every way a session ends (Thoát, idle,
// goHome) ends it too.
type adminSession struct {
	from  screenID    // where the long press came from: Hủy goes back there
	pad   *pinPad     // until the PIN is right
	panel *adminPanel // after
}

// openAdminPad is the hidden corner's long press. A kiosk without Admin
// or AdminPIN has no admin screen, and the press does nothing.
func (k *Kiosk) openAdminPad() {
	if k.opts.Admin == nil || k.opts.AdminPIN == nil || k.screen == screenAdmin {
		return
	}
	a := &adminSession{from: k.screen}
	a.pad = newAdminPad(k, a)
	k.admin = a
	k.goTo(screenAdmin)
	a.pad.askReady()
}

// adminScreen is the body of screenAdmin: the PIN pad or the panel.
func (k *Kiosk) adminScreen() fyne.CanvasObject {
	a := k.admin
	switch {
	case a == nil:
		return k.homeScreen() // unreachable: screenAdmin always has a session
	case a.panel != nil:
		return a.panel.build()
	}
	return a.pad.build()
}

// openAdminPanel follows a right PIN. The citizen's session ends first
// (payment, phone links, scanned papers, answers), so nothing of theirs
// is in memory or on screen while the admin works.
func (k *Kiosk) openAdminPanel(a *adminSession) {
	k.endSession()
	k.session = session{admin: a}
	a.pad, a.panel = nil, newAdminPanel(k, a)
	k.goTo(screenAdmin)
	a.panel.load()
	a.panel.loadFigures()
}

// cancelAdmin is the PIN pad's Hủy: back where the long press came from,
// with the citizen's session as it was.
func (k *Kiosk) cancelAdmin() {
	from := screenHome
	if k.admin != nil {
		from = k.admin.from
	}
	k.admin = nil
	k.goTo(from)
}

// leaveAdmin ends the admin session: home, in the kiosk's language.
func (k *Kiosk) leaveAdmin() {
	k.tr.lang = k.opts.Lang
	k.goHome()
}

// adminCurrent reports whether a is still the admin session on screen: a
// background result for an ended one is dropped.
func (k *Kiosk) adminCurrent(a *adminSession) bool {
	return a != nil && k.admin == a && k.screen == screenAdmin
}

// tickAdmin ends an admin session left alone for adminIdle and counts a
// lock down; the once-a-second ticker calls it.
func (k *Kiosk) tickAdmin() {
	a := k.admin
	if a == nil || k.screen != screenAdmin {
		return
	}
	if k.opts.Now().Sub(k.lastActivity) >= adminIdle {
		k.leaveAdmin()
		return
	}
	if a.pad != nil {
		a.pad.tick()
	}
}

// clockLeft writes a wait as m:ss, or h:mm:ss from an hour, rounded up: a
// lock never shows 0:00 while it holds.
func clockLeft(d time.Duration) string {
	s := int(math.Ceil(max(d, 0).Seconds()))
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// byteSize writes a size for people: "12,3 GB" in Vietnamese (a decimal
// comma), "12.3 GB" in English.
func byteSize(n int64, lang kiosk.Lang) string {
	units := []string{"B", "KB", "MB", "GB", "TB"}
	v, u := float64(n), 0
	for v >= 1024 && u < len(units)-1 {
		v /= 1024
		u++
	}
	s := fmt.Sprintf("%.0f %s", v, units[u])
	if u > 0 && v < 100 {
		s = fmt.Sprintf("%.1f %s", v, units[u])
	}
	if lang == kiosk.VI {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
