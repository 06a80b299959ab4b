package centralsim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/motcua/kiosk/kiosk/central"
)

// getPage fetches a phone page and returns its status, headers and HTML.
func getPage(t *testing.T, u string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return resp.StatusCode, resp.Header, pageText(t, resp)
}

// checkPrivateHeaders asserts the headers every phone page must carry,
// and returns how many were missing.
func checkPrivateHeaders(t *testing.T, what string, h http.Header) (missing int) {
	t.Helper()
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		missing++
		t.Errorf("%s: Content-Security-Policy = %q; want default-src 'none'", what, csp)
	}
	if cc := h.Get("Cache-Control"); cc != "no-store" {
		missing++
		t.Errorf("%s: Cache-Control = %q; want no-store", what, cc)
	}
	return missing
}

func TestTrackingPageShowsProgressNotThePerson(t *testing.T) {
	clock := &stepClock{now: dossierTestNow}
	_, hs := testServer(t, func(o *Options) { o.Now, o.StepEvery = clock.Now, time.Hour })
	token := enrolDevice(t, hs)
	req := birthRequest()
	d := fileDossier(t, hs, token, "k", req)
	clock.Advance(90 * time.Minute)

	tests := []struct {
		lang string
		want []string
	}{
		{"", []string{d.Code, "Đăng ký khai sinh", "Đang giải quyết", "Đã tiếp nhận", "09:30 27/11/2026", "10:30 27/11/2026", "Miễn phí", `lang="vi"`}},
		{"?lang=en", []string{d.Code, "Birth registration", "Being processed", "Received", "27/11/2026", "Free", `lang="en"`}},
	}
	// Everything personal the request carried: none of it may show.
	private := []string{"Trần Thị", "Bích Ngọc", "036192004567", "036 192 004 567", "Nguyễn Minh Khôi", "Nguyễn Văn An",
		"001085012345", "0912345678", "912 345 678", "22/08/1992", "Trạm y tế"}
	headersMissing, shown := 0, 0 // for the summary line of make reliability
	for _, tt := range tests {
		status, h, page := getPage(t, d.TrackingURL+tt.lang)
		if status != http.StatusOK {
			t.Fatalf("GET /t/{code}%s = %d %s; want 200", tt.lang, status, page)
		}
		headersMissing += checkPrivateHeaders(t, "GET /t/{code}", h)
		for _, w := range tt.want {
			if !strings.Contains(page, w) {
				t.Errorf("GET /t/{code}%s lacks %q", tt.lang, w)
			}
		}
		for _, p := range private {
			if strings.Contains(page, p) {
				shown++
				t.Errorf("GET /t/{code}%s shows %q: the tracking page must hold no personal data", tt.lang, p)
			}
		}
	}
	t.Logf("RELIABILITY area=access case=phone-page-csp-no-store tried=%d lost=0 duplicated=0 corrupt=0 crashes=0 pii=%d headers-missing=%d",
		len(tests), shown, headersMissing)
	if strings.Contains(d.TrackingURL, "?") || !strings.HasSuffix(d.TrackingURL, "/t/"+url.PathEscape(d.Code)) {
		t.Errorf("tracking_url = %q; want …/t/%s", d.TrackingURL, d.Code)
	}
}

func TestTrackingPageShowsTheDueDateAndFee(t *testing.T) {
	_, hs := testServer(t, nil)
	token := enrolDevice(t, hs)
	d := fileDossier(t, hs, token, "k", marriageStatusRequest())
	_, _, page := getPage(t, d.TrackingURL)
	for _, w := range []string{"02/12/2026", "15.000 đ", "Đã tiếp nhận"} {
		if !strings.Contains(page, w) {
			t.Errorf("GET /t/{code} lacks %q", w)
		}
	}
}

func TestPhonePagesOfUnknownThings(t *testing.T) {
	_, hs := testServer(t, nil)
	tests := []struct {
		path, want string
	}{
		{"/t/000.00.01.H26-261127-9999", "Không tìm thấy hồ sơ"},
		{"/t/000.00.01.H26-261127-9999?lang=en", "No application has this code"},
		{"/p/pay_0000000000000000", "Không tìm thấy yêu cầu thanh toán"},
	}
	for _, tt := range tests {
		status, h, page := getPage(t, hs.URL+tt.path)
		if status != http.StatusNotFound || !strings.Contains(page, tt.want) {
			t.Errorf("GET %s = %d %s; want 404 with %q", tt.path, status, page, tt.want)
		}
		checkPrivateHeaders(t, "GET "+tt.path, h)
	}
	resp, err := http.PostForm(hs.URL+"/p/pay_0000000000000000", nil)
	if err != nil {
		t.Fatal(err)
	}
	if page := pageText(t, resp); resp.StatusCode != http.StatusNotFound {
		t.Errorf("POST /p/{unknown} = %d %s; want 404", resp.StatusCode, page)
	}
}

func TestPayPageInBothLanguages(t *testing.T) {
	clock := &stepClock{now: dossierTestNow}
	_, hs := testServer(t, func(o *Options) { o.Now = clock.Now })
	token := enrolDevice(t, hs)
	d, p := orderFee(t, hs, token)
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"Thanh toán lệ phí", "Kho bạc Nhà nước (demo)", "113000006100", "15.000 đ", d.Code, `<form method="post" action="/p/` + p.ID + `">`, "Thanh toán</button>", "09:45 27/11/2026"}},
		{"?lang=en", []string{"Pay the fee", "Kho bạc Nhà nước (demo)", "15.000 đ", d.Code, `action="/p/` + p.ID + `?lang=en"`, "Pay</button>"}},
	}
	for _, tt := range tests {
		status, h, page := getPage(t, p.PayURL+tt.query)
		if status != http.StatusOK {
			t.Fatalf("GET /p/{id}%s = %d %s; want 200", tt.query, status, page)
		}
		checkPrivateHeaders(t, "GET /p/{id}", h)
		for _, w := range tt.want {
			if !strings.Contains(page, w) {
				t.Errorf("GET /p/{id}%s lacks %q", tt.query, w)
			}
		}
	}

	// Another site's page posting the form is refused, and pays nothing.
	forged, err := http.NewRequest(http.MethodPost, p.PayURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	forged.Header.Set("Origin", "https://evil.example")
	forged.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(forged)
	if err != nil {
		t.Fatal(err)
	}
	if page := pageText(t, resp); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a cross-site POST /p/{id} = %d %s; want 403", resp.StatusCode, page)
	}
	if status, _, page := getPage(t, p.PayURL); status != http.StatusOK || !strings.Contains(page, "Thanh toán</button>") {
		t.Errorf("after a cross-site post the order shows %d %s; want it still unpaid", status, page)
	}

	resp, err = http.PostForm(p.PayURL+"?lang=en", nil)
	if err != nil {
		t.Fatal(err)
	}
	if page := pageText(t, resp); resp.StatusCode != http.StatusOK || !strings.Contains(page, "<h1>Paid</h1>") || strings.Contains(page, "<button") {
		t.Errorf("POST /p/{id}?lang=en = %d %s; want 200, the English paid page, no button", resp.StatusCode, page)
	}

	clock.Advance(time.Hour) // paid orders stay paid; a new one expires
	p2 := orderFeeAgain(t, hs, token, d.Code)
	clock.Advance(time.Hour)
	if status, h, page := getPage(t, p2.PayURL); status != http.StatusGone || !strings.Contains(page, "hết hạn") {
		t.Errorf("GET /p/{expired id} = %d %s; want 410 with hết hạn", status, page)
	} else {
		checkPrivateHeaders(t, "GET /p/{expired id}", h)
	}
}

// orderFeeAgain asks for another payment of the same dossier.
func orderFeeAgain(t *testing.T, hs *httptest.Server, token, code string) central.Payment {
	t.Helper()
	status, _, body := call(t, "POST", hs.URL+"/v1/payments", token, "pay-again", central.PaymentRequest{DossierCode: code})
	var p central.Payment
	if status != http.StatusCreated || json.Unmarshal(body, &p) != nil {
		t.Fatalf("POST /v1/payments again = %d %s; want 201", status, body)
	}
	return p
}
