package ui

import (
	"context"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
)

// fakeAssistants knows one team member, by PIN or by badge.
type fakeAssistants struct {
	mu    sync.Mutex
	tries []string // "pin" or "badge" per sign-in
}

const (
	teamPIN   = "2468"
	teamBadge = "q7Vt2mXc9LpR4sWz8KdJ3a"
	teamName  = "Chị Lan (tổ công nghệ số)"
)

func (f *fakeAssistants) SignIn(_ context.Context, badge, pin string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if badge != "" {
		f.tries = append(f.tries, "badge")
	} else {
		f.tries = append(f.tries, "pin")
	}
	if pin == teamPIN || badge == teamBadge {
		return teamName, nil
	}
	return "", &PINError{Kind: PINWrong}
}

// signInAssistant calls for help and signs the team member in with the PIN.
func signInAssistant(t *testing.T, w fyne.Window, pin string) {
	t.Helper()
	test.Tap(findButton(t, w, "Gọi hỗ trợ"))
	tapOverlayButton(t, w, "Tôi là người hỗ trợ")
	for _, d := range pin {
		tapOverlayButton(t, w, string(d))
	}
	tapOverlayButton(t, w, "Đăng nhập")
}

// framed returns the hint the coach bar shows and whether a frame is
// visible on screen.
func framed(w fyne.Window) (frames int) {
	eachShown(w, func(o fyne.CanvasObject) {
		if r, ok := o.(*canvas.Rectangle); ok && r.StrokeColor == highlight && r.StrokeWidth > 0 {
			frames++
		}
	})
	return frames
}

func TestAssistantModeFramesTheNextControlAndTheCitizenConfirms(t *testing.T) {
	sub := &recordingSubmitter{give: Receipt{Code: "X-1", DueDate: "30/11/2026"}}
	desk := &fakeHelpDesk{}
	k, w := newHomeKiosk(t, Options{HelpDesk: desk, Assistants: &fakeAssistants{}, Submitter: sub})
	q := make(uiQueue, 8)
	k.post = q.post

	signInAssistant(t, w, teamPIN)
	if !shows(w, "Người hỗ trợ: "+teamName) || !shows(w, "Chạm vào ô này để bắt đầu nộp hồ sơ.") {
		t.Fatalf("after sign-in the screen shows %q; want the coach bar with the helper and the hint", shownTexts(w))
	}
	if n := framed(w); n != 1 {
		t.Errorf("%d controls framed on the home screen; want exactly the next one", n)
	}

	tapCardNamed(t, w, "Nộp hồ sơ")
	test.Tap(cardOf(t, w, "dang-ky-khai-sinh"))
	if !shows(w, "Chạm «Bắt đầu» để điền tờ khai.") {
		t.Errorf("the procedure page's hint: shown %q", shownTexts(w))
	}
	test.Tap(findButton(t, w, "Bắt đầu làm hồ sơ"))

	// Consent is refused until the citizen confirms themself.
	test.Tap(findButton(t, w, "Tôi đồng ý"))
	if k.screen != screenConsent || !shows(w, "Người dân cần tự bấm «Người dân tự xác nhận»") {
		t.Fatalf("a consent tap before the citizen confirmed: screen %d, shown %q; want it refused with the reason", k.screen, shownTexts(w))
	}
	test.Tap(findButton(t, w, "Người dân tự xác nhận"))
	test.Tap(findButton(t, w, "Tôi đồng ý"))
	if k.screen != screenIdentity {
		t.Fatalf("after the citizen confirmed, consent did not go on (screen %d)", k.screen)
	}
	test.Tap(findButton(t, w, "Không có thẻ — tự nhập thông tin"))

	// The form: the frame is on the answer box, and moves on with ▶.
	if !shows(w, "Gõ câu trả lời bằng bàn phím bên dưới.") {
		t.Errorf("the first question's hint: shown %q", shownTexts(w))
	}
	k.moveCoach(1)
	if !shows(w, "Chạm «Tiếp tục» để sang câu sau.") {
		t.Errorf("after ▶ the hint is not the next button's; shown %q", shownTexts(w))
	}
	for i := 0; k.journey.Current().Kind != kiosk.StepReview; i++ {
		if i > 40 {
			t.Fatal("the wizard does not reach the check page")
		}
		answerPage(t, k, w)
	}

	// Submit is refused before the citizen confirms; then it files, marked assisted.
	test.Tap(findButton(t, w, "Gửi hồ sơ"))
	if len(sub.submissions()) != 0 || k.screen != screenWizard {
		t.Fatalf("a submit tap before the citizen confirmed filed the dossier")
	}
	if !shows(w, "Người dân cần tự bấm «Người dân tự xác nhận»") {
		t.Errorf("the refused submit does not say why; shown %q", shownTexts(w))
	}
	test.Tap(findButton(t, w, "Người dân tự xác nhận"))
	test.Tap(findButton(t, w, "Gửi hồ sơ"))
	waitShows(t, w, "X-1")
	got := sub.submissions()
	if len(got) != 1 || !got[0].Assisted {
		t.Fatalf("submissions %+v; want one, marked assisted", got)
	}

	// The session's end signs the helper out: the next citizen is on their own.
	k.goHome()
	if shows(w, teamName) || k.assistant != nil {
		t.Errorf("after the session the coach bar is still shown")
	}
}

func TestAssistantSignsInWithTheBadgeScannedOrIsRefused(t *testing.T) {
	team := &fakeAssistants{}
	k, w := newHomeKiosk(t, Options{HelpDesk: &fakeHelpDesk{}, Assistants: team, Submitter: &recordingSubmitter{}})
	q := make(uiQueue, 8)
	k.post = q.post
	toFirstQuestion(t, w) // the citizen's answer box has the focus
	answer := findShown(t, w, "the answer box", func(*widget.Entry) bool { return true })

	signInAssistant(t, w, "1111")
	if k.assistant != nil || !overlayShows(w, "Mã PIN hoặc thẻ không đúng") {
		t.Fatalf("a wrong PIN: assistant %v, popup %q; want refused in plain words", k.assistant, overlayTexts(w))
	}
	scanIntoCanvas(w, "a shopping list")
	if !overlayShows(w, "Đây không phải thẻ nhân viên") {
		t.Errorf("another QR: popup %q; want it said", overlayTexts(w))
	}
	scanIntoCanvas(w, kiosk.StaffQRPrefix+teamBadge)
	if k.assistant == nil || k.assistant.name != teamName {
		t.Fatalf("the badge did not sign in; popup %q", overlayTexts(w))
	}
	if len(w.Canvas().Overlays().List()) != 0 {
		t.Errorf("the sign-in pad is still shown after signing in")
	}
	if w.Canvas().OnTypedRune() != nil {
		t.Errorf("the scanner's keys still go to the sign-in after it closed")
	}
	if answer.Text != "" {
		t.Errorf("the badge typed %q into the citizen's answer box behind the pad", answer.Text)
	}
}

// scanIntoCanvas types text then Enter with nothing focused, as a barcode
// scanner does.
func scanIntoCanvas(w fyne.Window, text string) {
	c := w.Canvas()
	for _, r := range text {
		c.OnTypedRune()(r)
	}
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

// tapOverlayButton taps the pop-up's button with this label.
func tapOverlayButton(t *testing.T, w fyne.Window, label string) {
	t.Helper()
	var found fyne.Tappable
	eachInOverlays(w, func(o fyne.CanvasObject) {
		if b, ok := o.(interface {
			fyne.Tappable
			fyne.CanvasObject
		}); ok && found == nil && buttonText(o) == label {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q in the pop-up; it shows %q", label, overlayTexts(w))
	}
	test.Tap(found)
}

// buttonText is a plain or touch button's label, "" for anything else.
func buttonText(o fyne.CanvasObject) string {
	switch b := o.(type) {
	case *widget.Button:
		return b.Text
	case *TouchButton:
		return b.Text
	}
	return ""
}
