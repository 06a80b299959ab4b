package main

import (
	"context"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/kiosk/vietqr"
	"github.com/motcua/kiosk/ui"
)

// TestWalkPaysATemporaryResidenceFee files a tạm trú the way a citizen
// does, on the kiosk wired as `kiosk --demo` wires it (as
// TestWalkBirthRegistration), then pays its fee: the receipt offers the
// bank app, the pay screen shows the order's VietQR, the reference
// server's simulated bank page is posted as a phone would post it, and
// the kiosk's own poll turns the receipt to "đã thanh toán".
func TestWalkPaysATemporaryResidenceFee(t *testing.T) {
	wk := startWalk(t, nil)
	b, k, w, loop := wk.b, wk.k, wk.w, wk.loop
	p := wk.procedure("dang-ky-tam-tru")
	dr := &walker{t: t, w: w, loop: loop}
	// However the test ends, the citizen leaves: going home stops the
	// kiosk's payment poll, which nothing else would stop.
	t.Cleanup(func() {
		if home := dr.find(func(o fyne.CanvasObject) bool {
			b, ok := o.(*widget.Button)
			return ok && b.Text == "Về trang chủ"
		}); home != nil {
			test.Tap(home.(fyne.Tappable))
		}
	})

	dr.waitShows("Đã kết nối") // the first sync lands on the home screen (see the birth walk)

	// Home → file a dossier → search → the procedure → consent → by hand.
	dr.tapCard("Nộp hồ sơ")
	dr.touch(dr.searchBox())
	dr.typeKeys("tam tru")
	dr.tapCard(p.Name.VI)
	dr.tap("Bắt đầu làm hồ sơ")
	dr.tap("Tôi đồng ý")
	dr.tap("Không có thẻ — tự nhập thông tin")

	since := kiosk.FormatDate(time.Now().AddDate(0, 0, -7))
	answers := map[string]walkAnswer{
		"resident_name":    {keys: "Traanf Vawn Binhf", want: "Trần Văn Bình"},
		"resident_id":      {keys: "001088012346", want: "001088012346"}, // Hà Nội, a man born in 1988
		"resident_dob":     {keys: "12/03/1988", want: "12/03/1988"},
		"resident_sex":     {want: "nam"},
		"stay_address":     {keys: "Soos 12 ngox 34 phoos Huees", want: "Số 12 ngõ 34 phố Huế"},
		"stay_from":        {keys: since, want: since},
		"stay_months":      {keys: "12", want: "12"},
		"purpose":          {want: "lao_dong"},
		"landlord_name":    {keys: "Nguyeenx Thij Mai", want: "Nguyễn Thị Mai"},
		"landlord_id":      {keys: "001190012345", want: "001190012345"}, // Hà Nội, a woman born in 1990
		"landlord_consent": {want: "yes"},
		"fee_group":        {want: "khong"}, // no exemption: the online price
		"applicant_phone":  {keys: "0912345678", want: "0912345678"},
		// applicant_email is skipped: it is optional.
	}
	dr.answerAll(p, answers)

	// The check page: the answers, and the fee they come to at a kiosk.
	for _, text := range []string{"Trần Văn Bình", "001088012346", "Số 12 ngõ 34 phố Huế", "Làm việc", "Nguyễn Thị Mai",
		"Không thuộc diện nào dưới đây", "0912345678", "Lệ phí", "15.000 đ", "Nộp trực tuyến: 7.000 đ thay vì 15.000 đ", "−8.000 đ",
		"Phải nộp", "7.000 đ"} {
		if !dr.shows(text) {
			t.Errorf("the check page does not show %q; shown %q", text, dr.texts())
		}
	}

	code := wk.submit(dr, p)

	// The receipt: the fee is still to pay, and it offers both ways.
	const payNow, payLater = "Thanh toán ngay bằng ứng dụng ngân hàng", "Nộp lệ phí tại quầy sau"
	for _, text := range []string{"Lệ phí: 7.000 đ — nộp tại quầy khi nhận kết quả", payNow, payLater} {
		if !dr.shows(text) {
			t.Errorf("the receipt does not show %q; shown %q", text, dr.texts())
		}
	}

	// Pay now: the kiosk asks the reference server for an order.
	dr.tap(payNow)
	dr.waitShows("Số tiền:")
	for _, text := range []string{"Thanh toán lệ phí bằng mã QR", "7.000 đ", "Người nhận: Kho bạc Nhà nước (demo) — VietinBank",
		"Nội dung: lệ phí hồ sơ " + code, "Mã còn hiệu lực"} {
		if !dr.shows(text) {
			t.Errorf("the pay screen does not show %q; shown %q", text, dr.texts())
		}
	}

	// What a banking app reads off the screen.
	payload, how := dr.payPayload(k)
	qr, err := vietqr.Decode(payload)
	if err != nil {
		t.Fatalf("the pay screen's QR (%s) is no VietQR: %v; it reads %q", how, err, payload)
	}
	if qr.Amount != 7000 {
		t.Errorf("the VietQR asks for %d đ; want 7000", qr.Amount)
	}
	if !strings.Contains(qr.BillNumber, code) && !strings.Contains(qr.Purpose, code) {
		t.Errorf("the VietQR's bill %q and purpose %q do not carry the dossier code %s", qr.BillNumber, qr.Purpose, code)
	}
	if qr.BankBIN == "" || qr.Account == "" {
		t.Errorf("the VietQR names no bank or account: %+v", qr)
	}
	if !dr.showsQR(payload) {
		t.Errorf("no QR on the pay screen is, module for module, the payload %q", payload)
	}

	// The order behind it, as the reference server keeps it: the bill
	// number is the order's token.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	order, err := b.client.Payment(ctx, "pay_"+strings.ToLower(qr.BillNumber))
	if err != nil {
		t.Fatalf("the reference server has no order for bill %s: %v", qr.BillNumber, err)
	}
	if order.DossierCode != code || order.Amount != 7000 || order.VietQR != payload || order.State != central.PaymentPending {
		t.Fatalf("the order behind the QR is %+v; want %s, 7000 đ, pending, with the payload shown", order, code)
	}
	if want := b.demo.url + "/p/" + order.ID; order.PayURL != want {
		t.Errorf("the order's pay URL is %q; want %q", order.PayURL, want)
	}

	// Play the bank: open the order's page and submit its form.
	payOnBankPage(t, order.PayURL, code)

	// The kiosk polls every 2 s and turns the receipt to paid.
	dr.waitShows("Lệ phí: 7.000 đ — đã thanh toán")
	if !dr.shows("Đã nộp hồ sơ thành công") || dr.labelAfter("Mã hồ sơ của bạn:") != code {
		t.Errorf("after paying, not the receipt of %s; shown %q", code, dr.texts())
	}
	for _, text := range []string{payNow, payLater, "nộp tại quầy khi nhận kết quả"} {
		if dr.shows(text) {
			t.Errorf("the paid receipt still shows %q; shown %q", text, dr.texts())
		}
	}
	if got, err := b.client.Payment(ctx, order.ID); err != nil || got.State != central.PaymentPaid {
		t.Errorf("the reference server's order is %+v, %v; want paid", got, err)
	}

	// Paid, the kiosk stops asking; home ends the session.
	waitNoGoroutine(t, "ui.(*payment).run")
	dr.tap("Về trang chủ")
	if dr.shows(code) {
		t.Errorf("after going home the screen still shows %s", code)
	}
}

// payPayload is the text of the pay screen's QR code, as a banking app
// reads it: the screen rendered by fyne's software painter and read by
// zbarimg. Without zbarimg it is the order the screen shows, read from
// the kiosk (the caller then compares the QR with it module for module),
// and how says which.
func (dr *walker) payPayload(k *ui.Kiosk) (payload, how string) {
	t := dr.t
	t.Helper()
	zbarimg, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Log("zbarimg is not installed (apt-get install zbar-tools): the pay QR is compared with the kiosk's order, not read back")
		return shownOrderQR(t, k), "the kiosk's order"
	}
	shot := filepath.Join(t.TempDir(), "pay.png")
	f, err := os.Create(shot)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, dr.w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(zbarimg, "--quiet", "--raw", shot).Output()
	if err != nil {
		t.Fatalf("zbarimg reads no code on the pay screen: %v", err)
	}
	codes := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(codes) != 1 {
		t.Fatalf("the pay screen shows %d codes; want one: %q", len(codes), codes)
	}
	return codes[0], "read by zbarimg"
}

// shownOrderQR is the VietQR of the order on the kiosk's pay screen. It
// reads unexported state, so only where zbarimg is missing, on the test
// goroutine (the UI goroutine of uiLoop).
func shownOrderQR(t *testing.T, k *ui.Kiosk) string {
	t.Helper()
	p := reflect.ValueOf(k).Elem().FieldByName("payment")
	if !p.IsValid() || p.Kind() != reflect.Pointer || p.IsNil() {
		t.Fatal("the kiosk follows no payment")
	}
	qr := p.Elem().FieldByName("order").FieldByName("VietQR")
	if !qr.IsValid() || qr.Kind() != reflect.String {
		t.Fatal("the kiosk's payment has no order.VietQR")
	}
	return qr.String()
}

var payFormAction = regexp.MustCompile(`<form method="post" action="([^"]+)">`)

// payOnBankPage does on the simulated bank page what a citizen's phone
// does: GET it, check it is the dossier's fee, submit its form (a
// same-origin POST, as a browser sends it) and follow the redirect to the
// page saying paid.
func payOnBankPage(t *testing.T, pageURL, code string) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()
	page := fetchPage(t, client, http.MethodGet, pageURL, nil)
	for _, text := range []string{"Thanh toán lệ phí", code, "7.000 đ"} {
		if !strings.Contains(page, text) {
			t.Fatalf("the bank page of the order does not show %q:\n%s", text, page)
		}
	}
	m := payFormAction.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the bank page has no pay form:\n%s", page)
	}
	base, err := url.Parse(pageURL)
	if err != nil {
		t.Fatal(err)
	}
	action, err := base.Parse(m[1])
	if err != nil {
		t.Fatalf("the form's action %q: %v", m[1], err)
	}
	origin := base.Scheme + "://" + base.Host
	paid := fetchPage(t, client, http.MethodPost, action.String(), http.Header{
		"Origin":         {origin},
		"Sec-Fetch-Site": {"same-origin"},
		"Content-Type":   {"application/x-www-form-urlencoded"},
	})
	if !strings.Contains(paid, "Đã thanh toán") || strings.Contains(paid, "<form") {
		t.Fatalf("after paying, the bank page says:\n%s", paid)
	}
}

// fetchPage makes one request and returns the final page's body; any
// status but 200 fails the test.
func fetchPage(t *testing.T, client *http.Client, method, target string, h http.Header) string {
	t.Helper()
	req, err := http.NewRequest(method, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %s\n%s", method, target, resp.Status, body)
	}
	return string(body)
}

// waitNoGoroutine waits up to 5 s until no goroutine runs fn.
func waitNoGoroutine(t *testing.T, fn string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		if !strings.Contains(stacks, fn) {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("a goroutine still runs %s after the order is paid", fn)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}
