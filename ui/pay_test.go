package ui

import (
	"cmp"
	"context"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
)

// fakePayer makes one order per call and answers State with the state
// the test sets.
type fakePayer struct {
	mu      sync.Mutex
	orders  int
	state   string
	amount  int64     // the order's amount; 0: 20.000 đ
	expires time.Time // the order's expiry; zero: 15 minutes from now
}

func (f *fakePayer) Order(_ context.Context, code string) (PaymentOrder, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.orders++
	return PaymentOrder{ID: "pay_1", Amount: cmp.Or(f.amount, 20000), Payee: "UBND xã Tân Phú",
		VietQR: "00020101021238570010A000000727012700069704030113001101234567802080QRIBFTTA530370454052000058025VN6304ABCD", ExpiresAt: cmp.Or(f.expires, time.Now().Add(15*time.Minute))}, nil
}

func (f *fakePayer) State(context.Context, string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.state, nil
}

func (f *fakePayer) made() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.orders
}

func (f *fakePayer) set(state string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.state = state
}

// toReceipt shows the receipt of a dossier with a 20.000 đ fee.
func toReceipt(t *testing.T, payer Payer) (*Kiosk, fyne.Window, uiQueue) {
	t.Helper()
	k, w := newHomeKiosk(t, Options{Submitter: &recordingSubmitter{}, Payer: payer})
	q := make(uiQueue, 16)
	k.post, k.payEvery = q.post, 10*time.Millisecond
	k.submitted(Receipt{Code: "000.00.01.H26-261129-0001", DueDate: "02/12/2026", TrackingURL: "http://127.0.0.1/t/x", Fee: 20000}, nil)
	return k, w, q
}

func TestPayingTheFeeByVietQR(t *testing.T) {
	payer := &fakePayer{state: PaymentPending}
	k, w, q := toReceipt(t, payer)
	if !shows(w, "Lệ phí: 20.000 đ — nộp tại quầy khi nhận kết quả") {
		t.Errorf("the receipt before paying shows %q; want the fee to pay", shownTexts(w))
	}
	test.Tap(findButton(t, w, "Thanh toán ngay bằng ứng dụng ngân hàng"))
	q.runUntil(t, "the VietQR", func() bool { return shows(w, "20.000 đ") && shows(w, "Người nhận: UBND xã Tân Phú") })
	if !shows(w, "Nội dung: lệ phí hồ sơ 000.00.01.H26-261129-0001") {
		t.Errorf("the pay screen shows %q; want the dossier code as the reference", shownTexts(w))
	}
	var qr *canvas.Image
	eachShown(w, func(o fyne.CanvasObject) {
		if img, ok := o.(*canvas.Image); ok && img.MinSize().Width == payQRSize {
			qr = img
		}
	})
	if qr == nil || qr.Image == nil {
		t.Fatalf("no VietQR on the pay screen")
	}
	k.tickPayment()
	if !shows(w, "Mã còn hiệu lực khoảng 15 phút") {
		t.Errorf("countdown: shown %q", shownTexts(w))
	}

	payer.set(PaymentPaid)
	q.runUntil(t, "the paid receipt", func() bool { return shows(w, "Lệ phí: 20.000 đ — đã thanh toán") })
	if shows(w, "Thanh toán ngay bằng ứng dụng ngân hàng") {
		t.Errorf("a paid receipt still offers to pay")
	}
}

func TestPayingLaterAtTheCounter(t *testing.T) {
	payer := &fakePayer{state: PaymentPending}
	_, w, _ := toReceipt(t, payer)
	test.Tap(findButton(t, w, "Nộp lệ phí tại quầy sau"))
	if !shows(w, "Lệ phí: 20.000 đ — nộp tại quầy khi nhận kết quả") || shows(w, "Thanh toán ngay bằng ứng dụng ngân hàng") {
		t.Errorf("after choosing to pay later: shown %q", shownTexts(w))
	}
	if n := payer.made(); n != 0 {
		t.Errorf("%d payment orders made; want none when paying at the counter", n)
	}
}

func TestAnExpiredOrderCanBeMadeAgain(t *testing.T) {
	payer := &fakePayer{state: PaymentExpired}
	_, w, q := toReceipt(t, payer)
	test.Tap(findButton(t, w, "Thanh toán ngay bằng ứng dụng ngân hàng"))
	q.runUntil(t, "the expiry", func() bool { return showsPrefix(w, "Mã thanh toán đã hết hạn") })
	payer.set(PaymentPending)
	test.Tap(findButton(t, w, "Tạo mã mới"))
	q.runUntil(t, "a new order", func() bool { return shows(w, "Người nhận: UBND xã Tân Phú") })
	if n := payer.made(); n != 2 {
		t.Errorf("%d orders; want a second one", n)
	}
}

func TestAFreeDossierOffersNoPayment(t *testing.T) {
	k, w := newHomeKiosk(t, Options{Submitter: &recordingSubmitter{}, Payer: &fakePayer{}})
	k.submitted(Receipt{Code: "X-1", DueDate: "02/12/2026"}, nil)
	if !shows(w, "Lệ phí: miễn phí") || shows(w, "Thanh toán ngay bằng ứng dụng ngân hàng") {
		t.Errorf("a free dossier's receipt shows %q", shownTexts(w))
	}
}
