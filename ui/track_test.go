package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// fakeTracker knows one dossier.
type fakeTracker struct{ asked []string }

func (f *fakeTracker) Track(_ context.Context, code string) (TrackedDossier, error) {
	f.asked = append(f.asked, code)
	if code != "000.00.01.H26-261127-0001" {
		return TrackedDossier{}, ErrUnknownDossier
	}
	at := time.Date(2026, 11, 27, 9, 30, 0, 0, time.UTC)
	return TrackedDossier{Code: code, ProcedureID: "dang-ky-khai-sinh", Status: "processing", DueDate: "27/11/2026",
		Timeline: []TrackStep{{Status: "received", At: at}, {Status: "processing", At: at.Add(time.Hour)}}}, nil
}

func TestTrackByTypedCodeOrScannedReceipt(t *testing.T) {
	tracker := &fakeTracker{}
	_, w := newHomeKiosk(t, Options{Tracker: tracker})
	tapCardNamed(t, w, "Tra cứu hồ sơ")
	box := findShown(t, w, "the code box", func(*widget.Entry) bool { return true })
	test.Type(box, "000.00.01.H26-999999-0000")
	test.Tap(findButton(t, w, "Tra cứu"))
	if !shows(w, "Không có hồ sơ nào với mã này") {
		t.Errorf("an unknown code: shown %q; want it said plainly", shownTexts(w))
	}
	box.SetText("http://127.0.0.1:8787/t/000.00.01.H26-261127-0001") // the receipt's QR, from the scanner
	test.Tap(findButton(t, w, "Tra cứu"))
	for _, text := range []string{"Đăng ký khai sinh", "Đang giải quyết", "Hẹn trả kết quả: 27/11/2026", "27/11/2026 — Đã tiếp nhận"} {
		if !shows(w, text) {
			t.Errorf("tracking a known dossier does not show %q; shown %q", text, shownTexts(w))
		}
	}
	if last := tracker.asked[len(tracker.asked)-1]; last != "000.00.01.H26-261127-0001" {
		t.Errorf("the scanned receipt asked for %q; want the code taken out of the link", last)
	}
}
