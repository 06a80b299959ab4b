package ui

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/practice"
)

// minTarget is the smallest touch target a finger can hit reliably.
const minTarget = 48

// visitScreens shows each screen of a citizen's journey in turn and calls
// check on it, named.
func visitScreens(t *testing.T, check func(name string, w fyne.Window)) {
	t.Helper()
	sub := &recordingSubmitter{give: Receipt{Code: "000.00.01.H26-261127-0001", DueDate: "27/11/2026", TrackingURL: "http://127.0.0.1/t/x", Fee: 8000}}
	// A fixed clock: the procedure page's expected due date and the
	// countdowns must not change the pictures from day to day.
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	k, w := newHomeKiosk(t, Options{Submitter: sub, Drafts: &fakeDrafts{}, Tracker: nil, Scanner: true, Linker: newFakeLinker(),
		Payer: &fakePayer{state: PaymentPending, amount: 8000, expires: now.Add(15 * time.Minute)}, Now: func() time.Time { return now },
		HelpDesk: &fakeHelpDesk{}, Assistants: &fakeAssistants{}, Practice: practice.Default(),
		Speaker: &fakeSpeaker{voices: map[kiosk.Lang]bool{kiosk.VI: true, kiosk.EN: true}}})
	q := make(uiQueue, 16)
	k.post = q.post
	check("home", w)
	tapCardNamed(t, w, "Nộp hồ sơ")
	check("catalog", w)
	test.Tap(cardOf(t, w, "dang-ky-khai-sinh"))
	check("procedure", w)
	test.Tap(findButton(t, w, "Bắt đầu làm hồ sơ"))
	check("consent", w)
	test.Tap(findButton(t, w, "Tôi đồng ý"))
	q.runUntil(t, "the phone link's QR", func() bool { return shows(w, "482 913") })
	check("card scan", w)
	test.Tap(findButton(t, w, "Không có thẻ — tự nhập thông tin"))
	for i := 0; k.journey != nil && k.journey.Current().Kind != kiosk.StepReview; i++ {
		if i < 4 { // a text question, a date, a choice, …
			check(fmt.Sprintf("question %d", i+1), w)
		}
		if k.journey.Current().Kind == kiosk.StepAttachments {
			q.runUntil(t, "the upload QR", func() bool { return shows(w, "482 913") })
			k.AddScan("giay-chung-sinh.png", "image/png", samplePage(t))
			check("papers", w)
		}
		answerPage(t, k, w)
	}
	check("check answers", w)
	test.Tap(findButton(t, w, "Gửi hồ sơ"))
	waitShows(t, w, "000.00.01.H26-261127-0001")
	check("receipt", w)
	test.Tap(findButton(t, w, "Thanh toán ngay bằng ứng dụng ngân hàng"))
	q.runUntil(t, "the VietQR", func() bool { return shows(w, "8.000 đ") })
	check("pay", w)
	test.Tap(findButton(t, w, "Nộp lệ phí tại quầy sau"))
	test.Tap(findButton(t, w, "Về trang chủ"))
	tapCardNamed(t, w, "Tiếp tục hồ sơ")
	check("resume", w)
	k.goHome()
	tapCardNamed(t, w, "Luyện tập")
	check("practice", w)
	tapCardNamed(t, w, "Luyện tập: Đăng ký tạm trú")
	test.Tap(findButton(t, w, "Bắt đầu làm hồ sơ"))
	signInAssistant(t, w, teamPIN)
	check("practice consent assisted", w)
	test.Tap(findButton(t, w, "Người dân tự xác nhận"))
	test.Tap(findButton(t, w, "Tôi đồng ý"))
	test.Tap(findButton(t, w, "Không có thẻ — tự nhập thông tin"))
	check("practice question assisted", w)
}

func TestEveryTouchTargetIsAtLeast48px(t *testing.T) {
	visitScreens(t, func(name string, w fyne.Window) {
		eachShown(w, func(o fyne.CanvasObject) {
			var what string
			switch v := o.(type) {
			case *widget.Button:
				what = "button " + v.Text
			case *TouchButton:
				what = "button " + v.Text
			case *widget.Entry:
				what = "text box"
			default:
				return
			}
			if s := o.Size(); s.Width < minTarget || s.Height < minTarget {
				t.Errorf("%s: %s is %.0f × %.0f; want at least %d × %d", name, what, s.Width, s.Height, minTarget, minTarget)
			}
		})
	})
}

// TestEveryScreenFitsTheKioskDisplay: no screen asks for more than a
// 1280 × 800 panel (the test window would grow to fit, hiding it).
func TestEveryScreenFitsTheKioskDisplay(t *testing.T) {
	visitScreens(t, func(name string, w fyne.Window) {
		if min := w.Content().MinSize(); min.Width > 1280 || min.Height > 800 {
			t.Errorf("%s needs %.0f × %.0f; want it to fit 1280 × 800", name, min.Width, min.Height)
		}
	})
}
