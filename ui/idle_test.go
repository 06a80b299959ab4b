package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// overlayButton finds a button by its label in the window's pop-ups.
func overlayButton(t *testing.T, w fyne.Window, label string) *widget.Button {
	t.Helper()
	var found *widget.Button
	eachInOverlays(w, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == label {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q in a pop-up; pop-ups show %q", label, overlayTexts(w))
	}
	return found
}

func TestIdleWarnsThenResetsAndForgetsTheCitizen(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	k, w := newHomeKiosk(t, Options{Submitter: &recordingSubmitter{}, Now: clock, IdleTimeout: 90 * time.Second})
	tapCardNamed(t, w, "Nộp hồ sơ")
	test.Type(searchBox(t, w), "khai sinh")
	test.Tap(cardOf(t, w, "dang-ky-khai-sinh"))
	test.Tap(findButton(t, w, "Bắt đầu làm hồ sơ"))
	test.Tap(findButton(t, w, "Tôi đồng ý"))
	test.Tap(findButton(t, w, "Không có thẻ — tự nhập thông tin"))
	for _, answer := range []string{"Trần Minh An", "17/11/2026"} {
		test.Type(findShown(t, w, "the answer box", func(*widget.Entry) bool { return true }), answer)
		test.Tap(findButton(t, w, "Tiếp tục"))
	}

	now = now.Add(89 * time.Second)
	k.idleTick()
	if len(w.Canvas().Overlays().List()) != 0 {
		t.Fatalf("a warning after 89 s; want none before 90 s")
	}
	now = now.Add(2 * time.Second)
	k.idleTick()
	if got := strings.Join(overlayTexts(w), " | "); !strings.Contains(got, "Bạn còn đó không?") || !strings.Contains(got, "19 giây") {
		t.Fatalf("after 91 s idle the pop-up says %q; want the warning with 19 seconds left", got)
	}
	test.Tap(overlayButton(t, w, "Tôi vẫn ở đây"))
	if len(w.Canvas().Overlays().List()) != 0 {
		t.Errorf("the warning stays after \"Tôi vẫn ở đây\"")
	}
	if k.screen != screenWizard || k.journey.Answer("child_name") != "Trần Minh An" {
		t.Fatalf("after staying the citizen is not back on the form with the answers")
	}

	now = now.Add(90*time.Second + 20*time.Second)
	k.idleTick()
	if k.screen != screenHome {
		t.Fatalf("after 110 s idle the screen is %v; want home", k.screen)
	}
	secrets := []string{"Trần Minh An", "17/11/2026", "khai sinh"}
	for _, text := range append(shownTexts(w), overlayTexts(w)...) {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("after the reset a widget still shows %q", text)
			}
		}
	}
	if k.journey != nil || k.query != "" || k.draft != nil || !k.consent.IsZero() {
		t.Errorf("after the reset the interface still holds the journey, query, draft or consent")
	}
}
