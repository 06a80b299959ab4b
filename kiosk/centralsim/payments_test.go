package centralsim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/motcua/kiosk/kiosk/central"
)

// orderFee files a dossier with a fee and asks for its payment.
func orderFee(t *testing.T, hs *httptest.Server, token string) (central.Dossier, central.Payment) {
	t.Helper()
	d := fileDossier(t, hs, token, "fee-dossier", marriageStatusRequest())
	status, _, body := call(t, "POST", hs.URL+"/v1/payments", token, "pay-1", central.PaymentRequest{DossierCode: d.Code})
	var p central.Payment
	if status != http.StatusCreated || json.Unmarshal(body, &p) != nil {
		t.Fatalf("POST /v1/payments = %d %s; want 201", status, body)
	}
	return d, p
}

func getPayment(t *testing.T, hs *httptest.Server, token, id string) central.Payment {
	t.Helper()
	status, _, body := call(t, "GET", hs.URL+"/v1/payments/"+id, token, "", nil)
	var p central.Payment
	if status != http.StatusOK || json.Unmarshal(body, &p) != nil {
		t.Fatalf("GET /v1/payments/{id} = %d %s; want 200", status, body)
	}
	return p
}

func TestPaymentIsOrderedAndPaid(t *testing.T) {
	_, hs := testServer(t, nil)
	token := enrolDevice(t, hs)
	d, p := orderFee(t, hs, token)
	if !strings.HasPrefix(p.ID, "pay_") || p.DossierCode != d.Code || p.Amount != 15000 || p.State != central.PaymentPending {
		t.Errorf("POST /v1/payments = %+v; want a pending order of 15000 for %s", p, d.Code)
	}
	if !strings.HasPrefix(p.VietQR, "000201") {
		t.Errorf("vietqr = %q; want an EMVCo payload starting 000201", p.VietQR)
	}
	// EMVCo TLVs: the amount (54), the demo account, the dossier code as
	// the purpose (08, at most 25 characters).
	for _, want := range []string{"540515000", "0006970415", "0112113000006100", "0825" + d.Code} {
		if !strings.Contains(p.VietQR, want) {
			t.Errorf("vietqr = %q; want it to hold %q", p.VietQR, want)
		}
	}
	if p.PayURL != hs.URL+"/p/"+p.ID {
		t.Errorf("pay_url = %q; want %q", p.PayURL, hs.URL+"/p/"+p.ID)
	}
	if want := dossierTestNow.Add(15 * time.Minute); !p.ExpiresAt.Equal(want) {
		t.Errorf("expires_at = %s; want %s", p.ExpiresAt, want)
	}

	resp, err := http.PostForm(p.PayURL, nil) // follows the 303 back to the page
	if err != nil {
		t.Fatal(err)
	}
	page := pageText(t, resp)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Đã thanh toán") {
		t.Errorf("POST /p/{id} = %d %s; want 200 with Đã thanh toán", resp.StatusCode, page)
	}
	if got := getPayment(t, hs, token, p.ID); got.State != central.PaymentPaid {
		t.Errorf("GET /v1/payments/{id} after paying: state %q; want paid", got.State)
	}
	resp, err = http.PostForm(p.PayURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if page := pageText(t, resp); resp.StatusCode != http.StatusOK || !strings.Contains(page, "Đã thanh toán") {
		t.Errorf("paying twice = %d %s; want 200 Đã thanh toán: paying again is harmless", resp.StatusCode, page)
	}
}

func TestPaymentExpires(t *testing.T) {
	clock := &stepClock{now: dossierTestNow}
	_, hs := testServer(t, func(o *Options) { o.Now = clock.Now })
	token := enrolDevice(t, hs)
	_, p := orderFee(t, hs, token)
	clock.Advance(15*time.Minute - time.Second)
	if got := getPayment(t, hs, token, p.ID); got.State != central.PaymentPending {
		t.Errorf("a second before expiry: state %q; want pending", got.State)
	}
	clock.Advance(time.Second)
	if got := getPayment(t, hs, token, p.ID); got.State != central.PaymentExpired {
		t.Errorf("at expiry: state %q; want expired", got.State)
	}
	resp, err := http.PostForm(p.PayURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if page := pageText(t, resp); resp.StatusCode != http.StatusGone {
		t.Errorf("POST /p/{id} after expiry = %d %s; want 410", resp.StatusCode, page)
	}
	if got := getPayment(t, hs, token, p.ID); got.State != central.PaymentExpired {
		t.Errorf("after a late attempt to pay: state %q; want still expired", got.State)
	}
}

func TestPaidPaymentNeverExpires(t *testing.T) {
	clock := &stepClock{now: dossierTestNow}
	_, hs := testServer(t, func(o *Options) { o.Now = clock.Now })
	token := enrolDevice(t, hs)
	_, p := orderFee(t, hs, token)
	resp, err := http.PostForm(p.PayURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	pageText(t, resp)
	clock.Advance(24 * time.Hour)
	if got := getPayment(t, hs, token, p.ID); got.State != central.PaymentPaid {
		t.Errorf("a day after paying: state %q; want paid", got.State)
	}
}

func TestPaymentRefusals(t *testing.T) {
	s, hs := testServer(t, nil)
	mine := enrolKiosk(t, s, hs, "1234-5678")
	other := enrolKiosk(t, s, hs, "2222-3333")
	free := fileDossier(t, hs, mine.DeviceToken, "free", birthRequest())
	_, p := orderFee(t, hs, mine.DeviceToken)
	tests := []struct {
		name       string
		token      string
		code       string
		wantStatus int
	}{
		{"no fee to pay", mine.DeviceToken, free.Code, http.StatusUnprocessableEntity},
		{"no code", mine.DeviceToken, " ", http.StatusUnprocessableEntity},
		{"unknown dossier", mine.DeviceToken, "000.00.01.H26-261127-9999", http.StatusNotFound},
		{"another kiosk's dossier", other.DeviceToken, p.DossierCode, http.StatusNotFound},
	}
	for _, tt := range tests {
		status, _, body := call(t, "POST", hs.URL+"/v1/payments", tt.token, "refuse-"+tt.name, central.PaymentRequest{DossierCode: tt.code})
		if status != tt.wantStatus {
			t.Errorf("%s: POST /v1/payments = %d %s; want %d", tt.name, status, body, tt.wantStatus)
		}
		if status == http.StatusUnprocessableEntity && fieldErrors(t, body)["dossier_code"] == "" {
			t.Errorf("%s: POST /v1/payments = %s; want a message for dossier_code", tt.name, body)
		}
	}
	status, _, body := call(t, "GET", hs.URL+"/v1/payments/"+p.ID, other.DeviceToken, "", nil)
	if status != http.StatusNotFound {
		t.Errorf("GET /v1/payments/{id} by another kiosk = %d %s; want 404", status, body)
	}
}

// pageText reads and closes a response body.
func pageText(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestFeePurposeFitsVietQR(t *testing.T) {
	tests := []struct{ code, want string }{
		{"H26-0007", "LE PHI H26-0007"},
		{"000.00.01.H26-261127-0001", "000.00.01.H26-261127-0001"},
		{"000.00.01.H26.X-261127-0001", "0.00.01.H26.X-261127-0001"}, // keeps the end
		{"Hồ sơ-0001", "LE PHI H s-0001"},
	}
	for _, tt := range tests {
		got := feePurpose(tt.code)
		if len(got) > maxPurposeLen {
			t.Errorf("feePurpose(%q) = %q, %d characters; want at most %d", tt.code, got, len(got), maxPurposeLen)
		}
		if got != tt.want {
			t.Errorf("feePurpose(%q) = %q; want %q", tt.code, got, tt.want)
		}
	}
}
