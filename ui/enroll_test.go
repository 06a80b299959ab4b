package ui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// fakeEnroller records what it is asked and answers as told.
type fakeEnroller struct {
	mu    sync.Mutex
	calls []string // "server code"
	err   error
}

func (f *fakeEnroller) Enroll(_ context.Context, server, code string) (Enrolment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, server+" "+code)
	if f.err != nil {
		return Enrolment{}, f.err
	}
	return Enrolment{DeviceID: "dev_0001_abc", Unit: "UBND xã Tân Phú, 000.00.01.H26", Location: "Bộ phận Một cửa, quầy số 1", Server: server}, nil
}

func (f *fakeEnroller) asked() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

// typeFocused types into the focused box, as the barcode scanner (a
// keyboard) does.
func typeFocused(t *testing.T, w fyne.Window, s string) {
	t.Helper()
	f := w.Canvas().Focused()
	if f == nil {
		t.Fatal("nothing is focused: the scanner would type nowhere")
	}
	test.Type(f, s)
}

const configuredServer = "https://motcua.example.gov.vn"

// newEnrollKiosk shows the first-run screen with the configured server.
func newEnrollKiosk(t *testing.T, e Enroller) (*Kiosk, fyne.Window, *bool) {
	t.Helper()
	k, w := newHomeKiosk(t, Options{IdleTimeout: 90 * time.Second})
	started := new(bool)
	k.ShowEnrolment(e, configuredServer, func() { *started = true })
	return k, w, started
}

func TestEnrolmentTypedOnTheKeyboard(t *testing.T) {
	e := &fakeEnroller{}
	k, w, started := newEnrollKiosk(t, e)
	if !shows(w, "Cài đặt kiosk") || !shows(w, configuredServer) {
		t.Fatalf("the first-run screen shows %q; want its title and the configured server", shownTexts(w))
	}
	if k.keyboard.Mode() != ModeNumbers || !k.keyboardView.Visible() {
		t.Errorf("the code is typed on the %v keyboard (shown %v); want the number pad, shown", k.keyboard.Mode(), k.keyboardView.Visible())
	}
	for _, key := range strings.Split("4821-0937", "") {
		tapKey(t, k.keyboard, key)
	}
	test.Tap(findButton(t, w, "Đăng ký kiosk"))
	if got := e.asked(); len(got) != 1 || got[0] != configuredServer+" 4821-0937" {
		t.Fatalf("the Enroller was asked %q; want the configured server and the typed code", got)
	}
	for _, want := range []string{"Đã đăng ký kiosk", "Mã thiết bị: dev_0001_abc", "Đơn vị: UBND xã Tân Phú, 000.00.01.H26",
		"Địa điểm: Bộ phận Một cửa, quầy số 1", "Máy chủ: " + configuredServer} {
		if !shows(w, want) {
			t.Errorf("after enrolling the screen shows %q; want %q", shownTexts(w), want)
		}
	}
	if *started {
		t.Error("the kiosk started before staff tapped start")
	}
	test.Tap(findButton(t, w, "Bắt đầu phục vụ"))
	if !*started {
		t.Error("\"Bắt đầu phục vụ\" did not start the kiosk")
	}
}

func TestEnrolmentFromAProvisioningQR(t *testing.T) {
	e := &fakeEnroller{}
	_, w, _ := newEnrollKiosk(t, e)
	// The barcode scanner types into the focused box, and ends with Enter.
	typeFocused(t, w, "MCK1:ENROLL:https://api.tinh.example.gov.vn/motcua|7310-2264")
	w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := e.asked(); len(got) != 1 || got[0] != "https://api.tinh.example.gov.vn/motcua 7310-2264" {
		t.Fatalf("a scanned provisioning QR asked the Enroller %q; want its server and code", got)
	}
	if !shows(w, "Máy chủ: https://api.tinh.example.gov.vn/motcua") {
		t.Errorf("after the scan the screen shows %q; want the QR's server", shownTexts(w))
	}
}

func TestEnrolmentScanIntoTheServerBox(t *testing.T) {
	e := &fakeEnroller{}
	_, w, _ := newEnrollKiosk(t, e)
	server := findShown(t, w, "the server box", func(e *widget.Entry) bool { return e.Text == configuredServer })
	w.Canvas().Focus(server)
	// The focus puts the cursor at the start of the configured server.
	typeFocused(t, w, "MCK1:ENROLL:https://api.tinh.example.gov.vn|7310-2264")
	server.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := e.asked(); len(got) != 1 || got[0] != "https://api.tinh.example.gov.vn 7310-2264" {
		t.Fatalf("a provisioning QR read into the server box asked the Enroller %q; want its server and code", got)
	}
}

func TestEnrolmentBadScanAndMissingCode(t *testing.T) {
	e := &fakeEnroller{}
	_, w, _ := newEnrollKiosk(t, e)
	test.Tap(findButton(t, w, "Đăng ký kiosk"))
	if !shows(w, "Hãy nhập mã đăng ký, hoặc quét mã QR cài đặt.") {
		t.Errorf("enrolling without a code shows %q; want it asked for", shownTexts(w))
	}
	typeFocused(t, w, "MCK1:ENROLL:https://motcua.example.gov.vn|")
	w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if !shows(w, "Mã QR cài đặt chưa đọc được trọn vẹn") {
		t.Errorf("a QR read short shows %q; want a rescan asked for", shownTexts(w))
	}
	if shows(w, "MCK1:ENROLL") {
		t.Errorf("the half-read QR stays in the code box")
	}
	if got := e.asked(); len(got) != 0 {
		t.Errorf("the Enroller was asked %q; want nothing sent", got)
	}
}

func TestEnrolmentFailuresSayWhatToDo(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"a wrong or used code", &EnrollError{Kind: EnrollBadCode, Detail: `the central system refused the enrolment code "1111-2222"`},
			"Hệ thống trung tâm không nhận mã đăng ký này: mã sai, đã hết hạn hoặc đã được dùng. Hãy kiểm tra lại mã, hoặc xin mã mới."},
		{"the server down", &EnrollError{Kind: EnrollUnreachable, Detail: "cannot reach the central system (connect: connection refused)"},
			"Không kết nối được với hệ thống trung tâm tại " + configuredServer + ". Hãy kiểm tra địa chỉ máy chủ, dây mạng hoặc Wi-Fi, rồi thử lại."},
		{"a TLS failure", &EnrollError{Kind: EnrollUntrusted, Detail: "its certificate matches no pin in the configuration"},
			"Kết nối tới " + configuredServer + " không an toàn: chứng chỉ của máy chủ không phải chứng chỉ kiosk tin cậy, nên kiosk chưa gửi mã đăng ký. Hãy báo bộ phận CNTT của tỉnh."},
		{"not the central API", &EnrollError{Kind: EnrollBadServer, Detail: "answered 404 to the enrolment"},
			"Địa chỉ máy chủ chưa đúng: cần là địa chỉ API của hệ thống trung tâm, dạng https://tên-máy-chủ."},
		{"anything else", errors.New("disk full"), "Chưa đăng ký được kiosk."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &fakeEnroller{err: tt.err}
			k, w, started := newEnrollKiosk(t, e)
			typeFocused(t, w, "1111-2222")
			test.Tap(findButton(t, w, "Đăng ký kiosk"))
			if !shows(w, tt.want) || !shows(w, tt.err.Error()) {
				t.Errorf("after %v the screen shows %q; want %q and the detail for IT staff", tt.err, shownTexts(w), tt.want)
			}
			if *started || k.screen != screenEnroll || !shows(w, "1111-2222") {
				t.Errorf("after a failure: started %v, screen %v, shown %q; want the form again with the code kept", *started, k.screen, shownTexts(w))
			}
			b := findButton(t, w, "Đăng ký kiosk").(*widget.Button)
			if b.Disabled() {
				t.Error("the button stays disabled after a failure: no second try")
			}
		})
	}
}

func TestEnrolmentInEnglishKeepsWhatWasTyped(t *testing.T) {
	_, w, _ := newEnrollKiosk(t, &fakeEnroller{})
	typeFocused(t, w, "4821")
	test.Tap(findButton(t, w, "English"))
	if !shows(w, "Set up the kiosk") || !shows(w, "4821") || !shows(w, configuredServer) {
		t.Errorf("in English the screen shows %q; want its English title with the typed code and the server", shownTexts(w))
	}
}

// TestTheEnrolmentScreenNeverResets: staff set the kiosk up at their own
// pace; the idle reset (and a central idle timeout) must not take the
// screen away, and every target is finger-sized.
func TestTheEnrolmentScreenNeverResets(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	k, w := newHomeKiosk(t, Options{IdleTimeout: 90 * time.Second, Now: func() time.Time { return now }})
	k.ShowEnrolment(&fakeEnroller{}, configuredServer, func() {})
	k.SetIdleTimeout(30 * time.Second)
	now = now.Add(time.Hour)
	k.idleTick()
	if k.screen != screenEnroll || len(w.Canvas().Overlays().List()) != 0 {
		t.Errorf("an hour idle on the enrolment screen: screen %v, %d pop-ups; want the screen kept, no warning", k.screen, len(w.Canvas().Overlays().List()))
	}
	eachShown(w, func(o fyne.CanvasObject) {
		switch o.(type) {
		case *widget.Button, *widget.Entry:
			if s := o.Size(); s.Width < minTarget || s.Height < minTarget {
				t.Errorf("a %T on the enrolment screen is %.0f × %.0f; want at least %d × %d", o, s.Width, s.Height, minTarget, minTarget)
			}
		}
	})
}

func TestSetIdleTimeout(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	k, w := newHomeKiosk(t, Options{Now: func() time.Time { return now }}) // no idle timeout of its own
	tapCardNamed(t, w, "Nộp hồ sơ")
	now = now.Add(130 * time.Second)
	k.idleTick()
	if len(w.Canvas().Overlays().List()) != 0 {
		t.Fatal("a warning without an idle timeout")
	}
	k.SetIdleTimeout(2 * time.Minute) // the central system's
	if k.IdleTimeout() != 2*time.Minute {
		t.Errorf("IdleTimeout() = %v; want 2m", k.IdleTimeout())
	}
	k.idleTick()
	if got := strings.Join(overlayTexts(w), " "); !strings.Contains(got, "Bạn còn đó không?") {
		t.Fatalf("130 s idle with a 2-minute timeout: pop-ups %q; want the warning", got)
	}
	k.SetIdleTimeout(0)
	if len(w.Canvas().Overlays().List()) != 0 {
		t.Error("the warning stays after the idle timeout is turned off")
	}
}
