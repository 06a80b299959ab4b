package ui

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/motcua/kiosk/kiosk"
)

type fakePrinter struct {
	mu      sync.Mutex
	printed []PrintedReceipt
	err     error
}

func (f *fakePrinter) Print(_ context.Context, r PrintedReceipt) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.printed = append(f.printed, r)
	return f.err
}

func TestTheReceiptPrintsWithWhatItIsFor(t *testing.T) {
	printer := &fakePrinter{}
	now := time.Date(2026, 11, 30, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600))
	k, w := newHomeKiosk(t, Options{Submitter: &recordingSubmitter{}, Printer: printer, Now: func() time.Time { return now }})
	p, _ := k.catalog.Procedure("dang-ky-khai-sinh")
	k.current, k.journey = p, kiosk.NewJourney(p, map[string]string{"applicant_name": "Nguyễn Thị Mai"}, k.opts.Now)
	k.submitted(Receipt{Code: "000.00.01.H26-261130-0001", DueDate: "30/11/2026", TrackingURL: "http://127.0.0.1/t/x"}, nil)

	test.Tap(findButton(t, w, "In giấy hẹn"))
	if !shows(w, "Đã in giấy hẹn. Hãy lấy giấy ở khe máy in.") {
		t.Errorf("after printing: shown %q", shownTexts(w))
	}
	if len(printer.printed) != 1 {
		t.Fatalf("printed %d receipts; want 1", len(printer.printed))
	}
	got := printer.printed[0]
	if got.Code != "000.00.01.H26-261130-0001" || got.Applicant != "Nguyễn Thị Mai" || got.ProcedureName.VI != "Đăng ký khai sinh" ||
		!got.ReceivedAt.Equal(now) || got.Unit != "UBND xã Tân Phú" || got.Lang != kiosk.VI {
		t.Errorf("printed %+v; want the dossier, its applicant, procedure, time and counter", got)
	}
}

func TestAFailedPrintSaysWhatToDo(t *testing.T) {
	printer := &fakePrinter{err: errors.New("printer unreachable")}
	k, w := newHomeKiosk(t, Options{Submitter: &recordingSubmitter{}, Printer: printer})
	k.submitted(Receipt{Code: "X-1", DueDate: "30/11/2026"}, nil)
	test.Tap(findButton(t, w, "In giấy hẹn"))
	if !shows(w, "Chưa in được giấy hẹn. Hãy chụp mã QR trên màn hình, hoặc hỏi cán bộ.") {
		t.Errorf("after a failed print: shown %q", shownTexts(w))
	}
	findButton(t, w, "In giấy hẹn") // and it can be tried again
}
