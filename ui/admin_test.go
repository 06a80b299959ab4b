package ui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/selfserve"
)

// fakeAdmin answers with a fixed status and records the actions asked.
type fakeAdmin struct {
	mu        sync.Mutex
	status    AdminStatus
	calls     []string
	fail      map[string]error // by action
	exportTo  string
	purgeGave int
	figures   []selfserve.Figures // what Figures gives
}

func (f *fakeAdmin) did(call string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
	return f.fail[strings.Fields(call)[0]]
}

func (f *fakeAdmin) called() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func (f *fakeAdmin) Status(context.Context) (AdminStatus, error) { return f.status, f.did("status") }
func (f *fakeAdmin) SyncNow() error                              { return f.did("sync") }
func (f *fakeAdmin) PurgeDrafts() (int, error)                   { return f.purgeGave, f.did("purge") }
func (f *fakeAdmin) Restart() error                              { return f.did("restart") }
func (f *fakeAdmin) LeaveKioskMode() error                       { return f.did("leave") }
func (f *fakeAdmin) SetDefaultLanguage(l kiosk.Lang) error       { return f.did("lang " + string(l)) }
func (f *fakeAdmin) Figures(_ context.Context, days int) ([]selfserve.Figures, error) {
	f.mu.Lock()
	figs := slices.Clone(f.figures)
	f.mu.Unlock()
	return figs, f.did(fmt.Sprint("figures ", days))
}

func (f *fakeAdmin) ExportFigures(dir string) (string, error) {
	if err := f.did("export_figures " + dir); err != nil {
		return "", err
	}
	return dir + "/motcua-figures-KIOSK-0042-20261127-090000.csv", nil
}

func (f *fakeAdmin) ExportLogs(dir string) (string, error) {
	if err := f.did("export " + dir); err != nil {
		return "", err
	}
	return dir + "/kiosk-logs-20261127-0900.zip", nil
}

// fakeAdminPIN keeps adminpin's policy in small: five wrong tries lock it
// for five minutes.
type fakeAdminPIN struct {
	pin    string // "": no PIN set
	now    func() time.Time
	fails  int
	until  time.Time
	checks int
}

func (f *fakeAdminPIN) Ready() error {
	switch {
	case f.pin == "":
		return &PINError{Kind: PINNotSet}
	case f.now().Before(f.until):
		return &PINError{Kind: PINLocked, Until: f.until}
	}
	return nil
}

func (f *fakeAdminPIN) Check(pin string) error {
	if err := f.Ready(); err != nil {
		return err
	}
	f.checks++
	if pin == f.pin {
		f.fails, f.until = 0, time.Time{}
		return nil
	}
	f.fails++
	if f.fails >= 5 {
		f.until = f.now().Add(5 * time.Minute)
		return &PINError{Kind: PINLocked, Until: f.until}
	}
	return &PINError{Kind: PINWrong, TriesLeft: 5 - f.fails}
}

const adminTestPIN = "482913"

// adminKiosk is a kiosk at home with an admin screen behind the PIN
// adminTestPIN, and a clock the test moves.
type adminKiosk struct {
	k     *Kiosk
	w     fyne.Window
	now   time.Time
	admin *fakeAdmin
	pin   *fakeAdminPIN
}

func newAdminKiosk(t *testing.T, opts Options) *adminKiosk {
	t.Helper()
	a := &adminKiosk{now: time.Date(2026, 11, 27, 9, 0, 0, 0, time.Local)}
	clock := func() time.Time { return a.now }
	a.admin = &fakeAdmin{purgeGave: 2, status: AdminStatus{
		DeviceID: "KIOSK-0042", Unit: "UBND xã Tân Phú", Version: "1.4.0",
		LastSync: time.Date(2026, 11, 27, 8, 55, 0, 0, time.Local), Outbox: 3, Drafts: 5,
		DiskFree: 12_345 * 1 << 20, DBSize: 4 << 20,
	}}
	a.pin = &fakeAdminPIN{pin: adminTestPIN, now: clock}
	opts.Now, opts.Admin, opts.AdminPIN = clock, a.admin, a.pin
	a.k, a.w = newHomeKiosk(t, opts)
	return a
}

func (a *adminKiosk) wait(d time.Duration) { a.now = a.now.Add(d) }

// press holds the hidden corner for d, as a finger does: MouseDown, the
// clock moves, MouseUp where it went down.
func (a *adminKiosk) press(t *testing.T, d time.Duration) {
	t.Helper()
	c := a.corner(t)
	at := &desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(20, 20)}, Button: desktop.MouseButtonPrimary}
	c.MouseDown(at)
	a.wait(d)
	c.MouseUp(at)
}

func (a *adminKiosk) corner(t *testing.T) *holdCorner {
	t.Helper()
	return findShown(t, a.w, "the hidden corner", func(*holdCorner) bool { return true })
}

// typePIN taps the pad's digit keys, then Mở.
func (a *adminKiosk) typePIN(t *testing.T, pin string) {
	t.Helper()
	for _, d := range pin {
		test.Tap(findButton(t, a.w, string(d)))
	}
	test.Tap(findButton(t, a.w, "Mở"))
}

// unlock opens the admin panel with the right PIN.
func (a *adminKiosk) unlock(t *testing.T) {
	t.Helper()
	a.press(t, adminHold)
	a.typePIN(t, adminTestPIN)
	if a.k.admin == nil || a.k.admin.panel == nil {
		t.Fatalf("the right PIN did not open the admin panel; shown: %q", shownTexts(a.w))
	}
}

// tapAction taps one of the panel's buttons (the header has an "English"
// of its own: the language switch).
func (a *adminKiosk) tapAction(t *testing.T, label string) {
	t.Helper()
	test.Tap(findShown(t, a.w, "button "+label, func(b *TouchButton) bool { return b.Text == label }))
}

func (a *adminKiosk) wantShown(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !shows(a.w, s) {
			t.Errorf("the screen does not show %q; shown: %q", s, shownTexts(a.w))
		}
	}
}

func TestAdminLongPressOpensThePINPad(t *testing.T) {
	a := newAdminKiosk(t, Options{})
	c := a.corner(t)
	if s := c.Size(); s.Width < minTarget || s.Height < minTarget {
		t.Errorf("the hidden corner is %.0f × %.0f; want at least %d × %d", s.Width, s.Height, minTarget, minTarget)
	}

	a.press(t, adminHold-100*time.Millisecond)
	if a.k.screen != screenHome || a.k.admin != nil {
		t.Fatalf("a press of 2.9 s opened %v; want nothing", a.k.screen)
	}
	a.press(t, 0) // a tap is nothing either (the corner is not even Tappable)
	if a.k.screen != screenHome {
		t.Fatalf("a tap on the corner opened %v; want nothing", a.k.screen)
	}

	// A press that slides off the corner is cancelled, even if it comes back.
	at := &desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(20, 20)}, Button: desktop.MouseButtonPrimary}
	c.MouseDown(at)
	c.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(200, 20)}})
	a.wait(5 * time.Second)
	c.MouseUp(at)
	if a.k.screen != screenHome {
		t.Fatalf("a press that slid off opened %v; want nothing", a.k.screen)
	}
	c.MouseDown(at)
	c.MouseOut()
	a.wait(5 * time.Second)
	c.MouseUp(at)
	if a.k.screen != screenHome {
		t.Fatalf("a press that left the corner opened %v; want nothing", a.k.screen)
	}
	// The secondary button is not a finger.
	right := &desktop.MouseEvent{PointEvent: at.PointEvent, Button: desktop.MouseButtonSecondary}
	c.MouseDown(right)
	a.wait(5 * time.Second)
	c.MouseUp(right)
	if a.k.screen != screenHome {
		t.Fatalf("a held secondary button opened %v; want nothing", a.k.screen)
	}

	a.press(t, adminHold)
	if a.k.screen != screenAdmin {
		t.Fatalf("a press of 3 s left the screen at %v; want the PIN pad", a.k.screen)
	}
	a.wantShown(t, "Quản trị máy", "Nhập mã PIN quản trị", "_ _ _ _ _ _", "Mở", "Hủy")
	test.Tap(findButton(t, a.w, "Hủy"))
	if a.k.screen != screenHome || a.k.admin != nil {
		t.Errorf("Hủy left the screen at %v; want home", a.k.screen)
	}
}

func TestAdminLongPressDoesNothingWithoutAnAdminScreen(t *testing.T) {
	k, w := newHomeKiosk(t, Options{})
	c := findShown(t, w, "the hidden corner", func(*holdCorner) bool { return true })
	c.hold = 0 // any press is long enough
	at := &desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(20, 20)}, Button: desktop.MouseButtonPrimary}
	c.MouseDown(at)
	c.MouseUp(at)
	if k.screen != screenHome {
		t.Errorf("without Admin and AdminPIN a long press opened %v; want nothing", k.screen)
	}
}

func TestAdminPINPadMasksAndNeedsSixDigits(t *testing.T) {
	a := newAdminKiosk(t, Options{})
	a.press(t, adminHold)
	for _, d := range "48291" {
		test.Tap(findButton(t, a.w, string(d)))
	}
	a.wantShown(t, "• • • • • _")
	if shows(a.w, "48291") {
		t.Errorf("the pad shows the digits typed; want them masked")
	}
	test.Tap(findButton(t, a.w, "Mở"))
	a.wantShown(t, "Mã PIN có ít nhất 6 chữ số.")
	if a.pin.checks != 0 {
		t.Errorf("a 5-digit PIN was checked; want it refused on the pad")
	}
	test.Tap(findButton(t, a.w, "Xóa"))
	a.wantShown(t, "• • • • _ _")
}

func TestAdminPINLocksAfterFiveWrongTriesThenOpensAfterTheLock(t *testing.T) {
	a := newAdminKiosk(t, Options{})
	a.press(t, adminHold)
	for left := 4; left > 0; left-- {
		a.typePIN(t, "000111")
		a.wantShown(t, fmt.Sprintf("Mã PIN không đúng. Còn %d lần thử", left))
	}
	a.typePIN(t, "000111")
	a.wantShown(t, "Đã khóa, thử lại sau 5:00")

	// Locked: the keys do nothing and the countdown follows the clock.
	test.Tap(findButton(t, a.w, "1"))
	a.wantShown(t, "_ _ _ _ _ _")
	a.wait(time.Second)
	a.k.tickAdmin()
	a.wantShown(t, "Đã khóa, thử lại sau 4:59")
	a.wait(60 * time.Second)
	a.k.tickAdmin()
	a.wantShown(t, "Đã khóa, thử lại sau 3:59")

	// Left alone for 2 minutes the admin session ends, lock or not.
	a.wait(60 * time.Second)
	a.k.tickAdmin()
	if a.k.screen != screenHome || a.k.admin != nil {
		t.Fatalf("2 minutes without a touch left the screen at %v; want home", a.k.screen)
	}

	// Opened again while still locked, the pad counts down at once.
	a.wait(101 * time.Second)
	a.press(t, adminHold) // the lock has 1:15 left when the pad opens
	a.wantShown(t, "Đã khóa, thử lại sau 1:15")
	a.wait(75 * time.Second)
	a.k.tickAdmin()
	a.wantShown(t, "Đã mở khóa")
	if shows(a.w, "Đã khóa") {
		t.Errorf("after the lock the pad still says locked: %q", shownTexts(a.w))
	}
	a.typePIN(t, adminTestPIN)
	if a.k.admin == nil || a.k.admin.panel == nil {
		t.Fatalf("the right PIN after the lock did not open the panel; shown: %q", shownTexts(a.w))
	}
	a.wantShown(t, "KIOSK-0042")
}

func TestAdminPINNotSetSaysHowToSetIt(t *testing.T) {
	a := newAdminKiosk(t, Options{})
	a.pin.pin = ""
	a.press(t, adminHold)
	a.wantShown(t, "Máy chưa có mã PIN quản trị", "kiosk admin-pin")
	a.typePIN(t, adminTestPIN)
	if a.pin.checks != 0 || a.k.admin.panel != nil {
		t.Errorf("with no PIN set the pad checked a PIN or opened; want the keys held")
	}
}

func TestAdminPanelShowsStatusAndActionResults(t *testing.T) {
	a := newAdminKiosk(t, Options{})
	a.k.SetSyncStatus(SyncStatus{Online: true, Queued: 3})
	a.unlock(t)
	a.wantShown(t, "Mã máy", "KIOSK-0042", "UBND xã Tân Phú", "1.4.0", "Đang gửi 3 hồ sơ",
		"08:55 27/11/2026", "Hồ sơ chờ gửi", "Bản nháp trên máy", "còn trống 12,1 GB, dữ liệu 4,0 MB")

	tests := []struct {
		tap       []string
		wantCall  string
		wantShown string
	}{
		{[]string{"Đồng bộ ngay"}, "sync", "Đã yêu cầu đồng bộ."},
		{[]string{"Xóa bản nháp hết hạn"}, "purge", "Đã xóa 2 bản nháp hết hạn."},
		{[]string{"English"}, "lang en", "Ngôn ngữ mặc định: English."},
		{[]string{"Khởi động lại", "Có, làm ngay"}, "restart", "Đang khởi động lại…"},
		{[]string{"Thoát chế độ kiosk", "Có, làm ngay"}, "leave", "Đang thoát chế độ kiosk…"},
	}
	for _, tt := range tests {
		before := len(a.admin.called())
		for _, label := range tt.tap {
			a.tapAction(t, label)
		}
		calls := a.admin.called()[before:]
		if !slices.Contains(calls, tt.wantCall) {
			t.Errorf("tapping %q called %q; want %q", tt.tap, calls, tt.wantCall)
		}
		a.wantShown(t, tt.wantShown)
	}
	if a.k.opts.Lang != kiosk.EN {
		t.Errorf("after choosing English the default language is %q", a.k.opts.Lang)
	}

	// "Không" asks nothing of Admin.
	before := len(a.admin.called())
	test.Tap(findButton(t, a.w, "Khởi động lại"))
	a.wantShown(t, "Khởi động lại phần mềm kiosk?")
	test.Tap(findButton(t, a.w, "Không"))
	if calls := a.admin.called()[before:]; len(calls) != 0 || shows(a.w, "Khởi động lại phần mềm kiosk?") {
		t.Errorf("after Không: calls %q, question still shown %v; want neither", calls, shows(a.w, "Khởi động lại phần mềm kiosk?"))
	}

	// A failure says so plainly.
	a.admin.fail = map[string]error{"purge": errors.New("disk I/O error")}
	test.Tap(findButton(t, a.w, "Xóa bản nháp hết hạn"))
	a.wantShown(t, "Chưa làm được.")
	if shows(a.w, "disk I/O error") {
		t.Errorf("the screen shows the error's own text; want plain words")
	}

	// Thoát: home, in the (new) default language, the session gone.
	test.Tap(findButton(t, a.w, "Thoát"))
	if a.k.screen != screenHome || a.k.admin != nil || a.k.tr.lang != kiosk.EN {
		t.Errorf("after Thoát: screen %v, admin %v, language %q; want home in English without the admin session", a.k.screen, a.k.admin != nil, a.k.tr.lang)
	}
}

func TestAdminExportLogsToUSBOrATypedFolder(t *testing.T) {
	a := newAdminKiosk(t, Options{})
	a.unlock(t)
	a.k.admin.panel.media = func() []string { return []string{"/media/kiosk/USB DISK"} }

	test.Tap(findButton(t, a.w, "Xuất nhật ký"))
	a.wantShown(t, "Xuất nhật ký ra ổ USB")
	test.Tap(findButton(t, a.w, "/media/kiosk/USB DISK"))
	if calls := a.admin.called(); !slices.Contains(calls, "export /media/kiosk/USB DISK") {
		t.Errorf("Admin was asked %q; want an export to the USB stick", calls)
	}
	a.wantShown(t, "Đã lưu nhật ký vào /media/kiosk/USB DISK/kiosk-logs-20261127-0900.zip")

	// No stick: a typed folder, on the view's own keyboard with Telex off
	// ("us" would become "ú" with it on).
	a.k.admin.panel.media = func() []string { return nil }
	test.Tap(findButton(t, a.w, "Xuất nhật ký"))
	a.wantShown(t, "Không thấy ổ USB nào")
	path := findShown(t, a.w, "the folder box", func(*widget.Entry) bool { return true })
	a.w.Canvas().Focus(path)
	kb := findShown(t, a.w, "the export keyboard", func(*Keyboard) bool { return true })
	for _, key := range []string{"u", "s", "b"} {
		tapKey(t, kb, key) // as the driver taps: focus stays on the box
	}
	if path.Text != "/media/usb" {
		t.Fatalf("typed on the keyboard the folder box says %q; want /media/usb", path.Text)
	}
	test.Tap(findButton(t, a.w, "Lưu vào thư mục này"))
	if calls := a.admin.called(); !slices.Contains(calls, "export /media/usb") {
		t.Errorf("Admin was asked %q; want an export to /media/usb", calls)
	}

	test.Tap(findButton(t, a.w, "Xuất nhật ký"))
	path = findShown(t, a.w, "the folder box", func(*widget.Entry) bool { return true })
	path.SetText("usb")
	test.Tap(findButton(t, a.w, "Lưu vào thư mục này"))
	a.wantShown(t, "Hãy gõ đường dẫn đầy đủ")

	a.admin.fail = map[string]error{"export": fmt.Errorf("open /media/gone: %w", fs.ErrNotExist)}
	path.SetText("/media/gone")
	test.Tap(findButton(t, a.w, "Lưu vào thư mục này"))
	a.wantShown(t, "Không tìm thấy thư mục này.")
}

// TestAdminNeverShowsTheCitizen: the admin screen opened in the middle of a
// citizen's form ends their session first; nothing of theirs is shown or
// kept. Hủy on the PIN pad, before that, gives the form back.
func TestAdminNeverShowsTheCitizen(t *testing.T) {
	a := newAdminKiosk(t, Options{Submitter: &recordingSubmitter{}, Drafts: &fakeDrafts{}})
	tapCardNamed(t, a.w, "Nộp hồ sơ")
	test.Tap(cardOf(t, a.w, "dang-ky-khai-sinh"))
	test.Tap(findButton(t, a.w, "Bắt đầu làm hồ sơ"))
	test.Tap(findButton(t, a.w, "Tôi đồng ý"))
	test.Tap(findButton(t, a.w, "Không có thẻ — tự nhập thông tin"))
	test.Type(findShown(t, a.w, "the answer box", func(*widget.Entry) bool { return true }), "Trần Minh An")
	test.Tap(findButton(t, a.w, "Tiếp tục"))

	secret := func(where string) {
		t.Helper()
		for _, text := range append(shownTexts(a.w), overlayTexts(a.w)...) {
			if strings.Contains(text, "Trần Minh An") {
				t.Errorf("%s shows %q", where, text)
			}
		}
	}
	a.press(t, adminHold)
	secret("the PIN pad")
	test.Tap(findButton(t, a.w, "Hủy"))
	if a.k.screen != screenWizard || a.k.journey.Answer("child_name") != "Trần Minh An" {
		t.Fatalf("after Hủy the citizen is not back on the form with the answers")
	}

	a.unlock(t)
	secret("the admin screen")
	if a.k.journey != nil || a.k.draft != nil || a.k.current != nil || !a.k.consent.IsZero() {
		t.Errorf("with the admin screen open the interface still holds the citizen's journey, draft, procedure or consent")
	}
	test.Tap(findButton(t, a.w, "Xuất nhật ký"))
	secret("the export screen")
}

func TestAdminSessionEndsWhenIdle(t *testing.T) {
	t.Run("the kiosk's idle reset", func(t *testing.T) {
		a := newAdminKiosk(t, Options{IdleTimeout: 90 * time.Second})
		a.unlock(t)
		a.wait(111 * time.Second)
		a.k.idleTick()
		if a.k.screen != screenHome || a.k.admin != nil {
			t.Errorf("after the idle timeout the screen is %v; want home without the admin session", a.k.screen)
		}
	})
	t.Run("two minutes, with the idle reset off", func(t *testing.T) {
		a := newAdminKiosk(t, Options{})
		a.unlock(t)
		a.wait(adminIdle - time.Second)
		test.Tap(findButton(t, a.w, "Đồng bộ ngay")) // a touch starts the two minutes again
		a.wait(adminIdle - time.Second)
		a.k.tickAdmin()
		if a.k.screen != screenAdmin {
			t.Fatalf("the admin session ended %v after a touch; want it kept for %v", adminIdle-time.Second, adminIdle)
		}
		a.wait(time.Second)
		a.k.tickAdmin()
		if a.k.screen != screenHome || a.k.admin != nil {
			t.Errorf("after 2 minutes without a touch the screen is %v; want home", a.k.screen)
		}
	})
}

// TestAdminTouchTargetsAndFit runs the 48 px rule of targets_test.go over
// the admin screens, and checks they fit the kiosk's panel.
func TestAdminTouchTargetsAndFit(t *testing.T) {
	a := newAdminKiosk(t, Options{})
	check := func(name string) {
		t.Helper()
		eachShown(a.w, func(o fyne.CanvasObject) {
			var what string
			switch v := o.(type) {
			case *widget.Button:
				what = "button " + v.Text
			case *TouchButton:
				what = "button " + v.Text
			case *widget.Entry:
				what = "text box"
			case *holdCorner:
				what = "the hidden corner"
			default:
				return
			}
			if s := o.Size(); s.Width < minTarget || s.Height < minTarget {
				t.Errorf("%s: %s is %.0f × %.0f; want at least %d × %d", name, what, s.Width, s.Height, minTarget, minTarget)
			}
		})
		if min := a.w.Content().MinSize(); min.Width > 1280 || min.Height > 800 {
			t.Errorf("%s needs %.0f × %.0f; want it to fit 1280 × 800", name, min.Width, min.Height)
		}
	}
	check("home")
	a.press(t, adminHold)
	check("PIN pad")
	a.admin.figures = sampleFigures()
	a.typePIN(t, adminTestPIN)
	check("admin panel")
	test.Tap(findButton(t, a.w, "Khởi động lại"))
	check("admin panel, confirming")
	a.k.admin.panel.media = func() []string { return []string{"/media/kiosk/USB"} }
	test.Tap(findButton(t, a.w, "Xuất nhật ký"))
	check("export")
	test.Tap(findButton(t, a.w, "Quay lại"))
	test.Tap(findButton(t, a.w, "Xuất số liệu (CSV)"))
	check("export of the figures")
}

func TestMediaMounts(t *testing.T) {
	table := `sysfs /sys sysfs rw,nosuid 0 0
/dev/sda1 / ext4 rw,relatime 0 0
/dev/sdb1 /media/kiosk/USB\040DISK vfat rw,nosuid,nodev 0 0
/dev/sdc1 /run/media/staff/LOGS exfat rw 0 0
/dev/sdd1 /media/usb0 vfat rw 0 0
/dev/sdd1 /media/usb0 vfat rw 0 0
tmpfs /mediabox tmpfs rw 0 0
`
	got := mediaMounts([]byte(table))
	want := []string{"/media/kiosk/USB DISK", "/media/usb0", "/run/media/staff/LOGS"}
	if !slices.Equal(got, want) {
		t.Errorf("mediaMounts = %q; want %q", got, want)
	}
}

func TestClockLeftAndByteSize(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{{5 * time.Minute, "5:00"}, {299*time.Second + 500*time.Millisecond, "5:00"}, {299 * time.Second, "4:59"},
		{time.Millisecond, "0:01"}, {-time.Second, "0:00"}, {80 * time.Minute, "1:20:00"}, {24 * time.Hour, "24:00:00"}} {
		if got := clockLeft(tt.d); got != tt.want {
			t.Errorf("clockLeft(%v) = %q; want %q", tt.d, got, tt.want)
		}
	}
	for _, tt := range []struct {
		n    int64
		lang kiosk.Lang
		want string
	}{{512, kiosk.VI, "512 B"}, {4 << 20, kiosk.VI, "4,0 MB"}, {4 << 20, kiosk.EN, "4.0 MB"}, {250 << 30, kiosk.VI, "250 GB"}} {
		if got := byteSize(tt.n, tt.lang); got != tt.want {
			t.Errorf("byteSize(%d, %s) = %q; want %q", tt.n, tt.lang, got, tt.want)
		}
	}
}

// blockingPIN is a PIN check as slow as the test wants: Check waits for
// release.
type blockingPIN struct {
	started, release chan struct{}
}

func (b *blockingPIN) Ready() error { return nil }

func (b *blockingPIN) Check(pin string) error {
	b.started <- struct{}{}
	<-b.release
	if pin != adminTestPIN {
		return &PINError{Kind: PINWrong, TriesLeft: 4}
	}
	return nil
}

// TestAdminChecksThePINOffTheUIGoroutine: the slow check runs on a
// goroutine of its own while the pad says it is checking, and a result
// that comes back after Hủy opens nothing.
func TestAdminChecksThePINOffTheUIGoroutine(t *testing.T) {
	a := newAdminKiosk(t, Options{})
	slow := &blockingPIN{started: make(chan struct{}), release: make(chan struct{})}
	a.k.opts.AdminPIN = slow
	q := make(uiQueue, 4)
	a.k.background = func(work func() func()) { go func() { q.post(work()) }() }

	a.press(t, adminHold)
	(<-q)() // the pad's Ready
	a.typePIN(t, adminTestPIN)
	<-slow.started
	a.wantShown(t, "Đang kiểm tra mã PIN…")
	test.Tap(findButton(t, a.w, "Hủy"))
	close(slow.release)
	(<-q)() // the check's result
	if a.k.screen != screenHome || a.k.admin != nil {
		t.Fatalf("a right PIN checked after Hủy opened %v; want home", a.k.screen)
	}

	slow.release = make(chan struct{})
	a.press(t, adminHold)
	a.typePIN(t, adminTestPIN)
	<-slow.started
	close(slow.release)
	q.runUntil(t, "the admin panel", func() bool { return a.k.admin != nil && a.k.admin.panel != nil })
	q.runUntil(t, "the status", func() bool { return shows(a.w, "KIOSK-0042") })
}
