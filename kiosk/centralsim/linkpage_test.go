package centralsim

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
)

// checkLinkPageHeaders asserts the headers that keep a phone page private.
func checkLinkPageHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("%s: Content-Security-Policy = %q; want default-src 'none'", what, csp)
	}
	if cc := h.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("%s: Cache-Control = %q; want no-store", what, cc)
	}
}

// upload sends a file through the phone page's upload form for the
// attachment question field ("" for the generic box).
func (p *phone) upload(t *testing.T, u, filename string, data []byte, field string) (int, http.Header, string) {
	t.Helper()
	fields := map[string]string{"action": "upload"}
	if field != "" {
		fields["field"] = field
	}
	ctype, body := multipartBody(t, filename, data, fields)
	req, _ := http.NewRequest("POST", u, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	return p.do(t, req)
}

func TestSampleIdentitiesAreValid(t *testing.T) {
	for _, id := range sampleIdentities {
		pid, err := kiosk.ParsePersonalID(id.PersonalID)
		if err != nil {
			t.Errorf("%s: ParsePersonalID(%q) = %v", id.FullName, id.PersonalID, err)
			continue
		}
		born, err := kiosk.CheckBirthDate(id.BirthDate, dossierTestNow)
		if err != nil || born.Year() != pid.BirthYear {
			t.Errorf("%s: born %q (%v); the ID number says %d", id.FullName, id.BirthDate, err, pid.BirthYear)
		}
		if pid.Female != (id.Sex == kiosk.SexFemale) || (id.Sex != kiosk.SexMale && id.Sex != kiosk.SexFemale) {
			t.Errorf("%s: sex %q; the ID number says female=%v", id.FullName, id.Sex, pid.Female)
		}
		if name, err := kiosk.NormalizeName(id.FullName); err != nil || name != id.FullName || id.Address == "" {
			t.Errorf("%s: NormalizeName = %q, %v; want the name unchanged, and an address", id.FullName, name, err)
		}
	}
}

// pageCodes are the codes the match page offers, as posted.
var pageCodesRE = regexp.MustCompile(`name="code" value="(\d{6})">(\d{3} \d{3})<`)

func pageCodes(page string) []string {
	var codes []string
	for _, m := range pageCodesRE.FindAllStringSubmatch(page, -1) {
		codes = append(codes, m[1])
	}
	return codes
}

func TestMatchPageOffersThreeCodes(t *testing.T) {
	s, hs, _, token := linkTestServer(t)
	for _, purpose := range []string{central.PurposeLogin, central.PurposeUpload, central.PurposeHandoff} {
		l := createLink(t, hs, token, "k-"+purpose, central.LinkSessionRequest{Purpose: purpose})
		tests := []struct {
			query string
			want  []string
		}{
			{"", []string{`lang="vi"`, s.opts.Location, s.opts.Unit.Name, "Chạm vào mã giống mã đang hiện trên màn hình kiosk",
				l.ConfirmCode[:3] + " " + l.ConfirmCode[3:], "đừng chạm vào mã nào và hãy báo cán bộ tại quầy"}},
			{"?lang=en", []string{`lang="en"`, s.opts.Location, "Tap the code shown on the kiosk screen"}},
		}
		var first []string
		for _, tt := range tests {
			status, h, page := newPhone(t).get(t, l.URL+tt.query)
			if status != http.StatusOK {
				t.Fatalf("GET the %s page%s = %d %s; want 200", purpose, tt.query, status, page)
			}
			checkLinkPageHeaders(t, "GET /l/{token}", h)
			for _, w := range tt.want {
				if !strings.Contains(page, w) {
					t.Errorf("the %s match page%s lacks %q", purpose, tt.query, w)
				}
			}
			// Nothing of the purpose before the match: no sign-in, no upload, no form.
			for _, bad := range []string{"<script", "http://", "https://", `value="login"`, "multipart", "Đăng nhập với", `value="submit"`} {
				if strings.Contains(page, bad) {
					t.Errorf("the %s match page%s contains %q", purpose, tt.query, bad)
				}
			}
			codes := pageCodes(page)
			if len(codes) != 3 || !slices.Contains(codes, l.ConfirmCode) || codes[0] == codes[1] || codes[1] == codes[2] || codes[0] == codes[2] {
				t.Fatalf("the %s match page offers %v; want three different codes, one of them %s", purpose, codes, l.ConfirmCode)
			}
			if first == nil {
				first = codes
			} else if !slices.Equal(first, codes) {
				t.Errorf("the codes changed from %v to %v between two views: reloading must not reveal the right one", first, codes)
			}
		}
	}
	if status, _, _ := newPhone(t).get(t, hs.URL+"/l/"+strings.Repeat("ab", 16)); status != http.StatusNotFound {
		t.Errorf("GET an unknown token = %d; want 404", status)
	}
	if status, _, _ := newPhone(t).get(t, hs.URL+"/l/short"); status != http.StatusNotFound {
		t.Errorf("GET a malformed token = %d; want 404", status)
	}
}

// wrongCode is one of the page's codes that is not the confirm code.
func wrongCode(t *testing.T, p *phone, l central.LinkSession) string {
	t.Helper()
	_, _, page := p.get(t, l.URL)
	for _, c := range pageCodes(page) {
		if c != l.ConfirmCode {
			return c
		}
	}
	t.Fatalf("the match page offers no decoy\n%s", page)
	return ""
}

func TestWrongCodesCloseTheLink(t *testing.T) {
	_, hs, _, token := linkTestServer(t)
	l := createLink(t, hs, token, "k", central.LinkSessionRequest{Purpose: central.PurposeLogin})
	p := newPhone(t)
	decoy := wrongCode(t, p, l)
	tests := []struct {
		code       string
		wantStatus int
		want       string
	}{
		{decoy, http.StatusUnprocessableEntity, "Mã không khớp. Hãy xem lại mã trên màn hình kiosk. Còn 2 lần chọn."},
		{"000000", http.StatusUnprocessableEntity, "Mã không khớp. Hãy xem lại mã trên màn hình kiosk. Còn 1 lần chọn."},
		{decoy, http.StatusGone, "Đã chọn sai mã 3 lần nên phiên này đã đóng"},
	}
	if l.ConfirmCode == "000000" {
		tests[1].code = decoy
	}
	for i, tt := range tests {
		status, _, page := p.match(t, l.URL, tt.code)
		if status != tt.wantStatus || !strings.Contains(page, tt.want) {
			t.Errorf("wrong tap %d = %d; want %d saying %q\n%s", i+1, status, tt.wantStatus, tt.want, page)
		}
		if i < 2 && len(pageCodes(page)) != 3 {
			t.Errorf("after wrong tap %d the page offers %v; want the three codes again", i+1, pageCodes(page))
		}
		if i == 0 {
			if st := pollLink(t, hs, token, l.ID, ""); st.State != central.LinkPending || st.Version != 1 {
				t.Errorf("after one wrong tap the kiosk reads %+v; want pending, unchanged", st)
			}
		}
	}
	if st := pollLink(t, hs, token, l.ID, "?wait=25s&since=1"); st.State != central.LinkClosed {
		t.Errorf("after three wrong taps the kiosk's long poll reads %+v; want closed, so it shows a new QR", st)
	}
	// Now even the right code, from any phone, gets the plain closed page.
	for _, ph := range []*phone{p, newPhone(t)} {
		if status, _, page := ph.match(t, l.URL, l.ConfirmCode); status != http.StatusGone || !strings.Contains(page, "Hãy quét mã QR mới") {
			t.Errorf("the right code after the link closed = %d; want 410\n%s", status, page)
		}
	}
	if status, _, page := newPhone(t).get(t, l.URL+"?lang=en"); status != http.StatusGone || !strings.Contains(page, "A wrong code was tapped 3 times") {
		t.Errorf("GET a link closed by wrong codes = %d; want 410 saying why, in English\n%s", status, page)
	}
}

func TestActionsNeedTheCodeFirst(t *testing.T) {
	_, hs, _, token := linkTestServer(t)
	tests := []struct {
		purpose string
		form    url.Values
	}{
		{central.PurposeLogin, url.Values{"action": {"login"}, "identity": {"0"}}},
		{central.PurposeHandoff, url.Values{"action": {"save"}}},
		{central.PurposeHandoff, url.Values{"action": {"submit"}}},
		{central.PurposeUpload, url.Values{"action": {"connect"}}},
	}
	for i, tt := range tests {
		l := createLink(t, hs, token, fmt.Sprint("k", i), central.LinkSessionRequest{Purpose: tt.purpose})
		status, _, page := newPhone(t).post(t, l.URL, tt.form)
		if status != http.StatusForbidden || !strings.Contains(page, "Trước hết, hãy chạm vào mã") || len(pageCodes(page)) != 3 {
			t.Errorf("%s on a %s link before the match = %d; want 403 with the codes\n%s", tt.form.Get("action"), tt.purpose, status, page)
		}
		if st := pollLink(t, hs, token, l.ID, ""); st.State != central.LinkPending || st.Version != 1 {
			t.Errorf("after %s the session reads %+v; want pending, unchanged", tt.form.Get("action"), st)
		}
	}
	l := createLink(t, hs, token, "upload", central.LinkSessionRequest{Purpose: central.PurposeUpload})
	if status, _, _ := newPhone(t).upload(t, l.URL, "anh.jpg", tinyJPEG(t), ""); status != http.StatusForbidden {
		t.Errorf("an upload before the match = %d; want 403", status)
	}
}

func TestSignInRefusals(t *testing.T) {
	s, hs, _, token := linkTestServer(t)
	l := createLink(t, hs, token, "k", central.LinkSessionRequest{Purpose: central.PurposeLogin})
	otp := linkOTP(t, s, l.ID)
	wrong := "000000"
	if otp == wrong {
		wrong = "111111"
	}
	tests := []struct {
		name, pid, otp, want string
	}{
		{"a wrong OTP", sampleIdentities[1].PersonalID, wrong, "Mã OTP không đúng"},
		{"an ID not in the simulation", "001190000001", otp, "không có trong dữ liệu mô phỏng"},
		{"an old 9-digit number", "123456789", otp, "Chứng minh nhân dân"},
		{"no answer", "", "", "Vui lòng nhập số định danh"},
	}
	p := newPhone(t)
	p.connect(t, l)
	for _, tt := range tests {
		status, _, page := p.post(t, l.URL, url.Values{"action": {"login"}, "personal_id": {tt.pid}, "otp": {tt.otp}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, tt.want) {
			t.Errorf("sign in with %s = %d; want 422 saying %q\n%s", tt.name, status, tt.want, page)
		}
	}
	if status, _, _ := p.post(t, l.URL, url.Values{"action": {"login"}, "identity": {"9"}}); status != http.StatusUnprocessableEntity {
		t.Errorf("sign in as sample identity 9 = %d; want 422", status)
	}
	if st := pollLink(t, hs, token, l.ID, ""); st.State != central.LinkLinked || st.Identity != nil || st.Version != 2 {
		t.Errorf("after refused sign-ins the session reads %+v; want linked without an identity, unchanged since the match", st)
	}
}

func TestSignInWithIDNumberAndOTP(t *testing.T) {
	s, hs, _, token := linkTestServer(t)
	l := createLink(t, hs, token, "k", central.LinkSessionRequest{Purpose: central.PurposeLogin})
	otp := linkOTP(t, s, l.ID)
	want := sampleIdentities[1]
	p := newPhone(t)
	status, h, page := p.match(t, l.URL, l.ConfirmCode)
	if status != http.StatusSeeOther {
		t.Fatalf("tap the right code = %d %s; want 303", status, page)
	}
	cookie := h.Get("Set-Cookie")
	for _, attr := range []string{"HttpOnly", "SameSite=Strict", "Path=/l/", "Max-Age=7200"} {
		if !strings.Contains(cookie, attr) {
			t.Errorf("the phone's cookie %q lacks %s", cookie, attr)
		}
	}
	status, _, page = p.get(t, hs.URL+h.Get("Location"))
	if status != http.StatusOK || !strings.Contains(page, "Mã khớp. Đã kết nối với máy kiosk.") || !strings.Contains(page, "Mô phỏng VNeID") {
		t.Errorf("the page after the match = %d; want it to say so and offer the sign-in\n%s", status, page)
	}
	spaced := want.PersonalID[:3] + " " + want.PersonalID[3:6] + " " + want.PersonalID[6:]
	status, h, page = p.post(t, l.URL, url.Values{"action": {"login"}, "personal_id": {spaced}, "otp": {otp}})
	if status != http.StatusSeeOther {
		t.Fatalf("sign in with the ID number and OTP = %d %s; want 303", status, page)
	}
	status, _, page = p.get(t, hs.URL+h.Get("Location"))
	if status != http.StatusOK || !strings.Contains(page, "Đã đăng nhập — hãy quay lại máy kiosk") || !strings.Contains(page, want.FullName) {
		t.Errorf("the page after sign-in = %d; want it to say the citizen is signed in\n%s", status, page)
	}
	if st := pollLink(t, hs, token, l.ID, ""); st.State != central.LinkLinked || st.Identity == nil || *st.Identity != want {
		t.Errorf("the kiosk reads %+v; want linked with %+v", st, want)
	}
	// Signing in again from the same phone changes nothing.
	if status, _ := p.signIn(t, l.URL); status != http.StatusSeeOther {
		t.Errorf("a second sign-in from the same phone = %d; want 303", status)
	}
	if st := pollLink(t, hs, token, l.ID, ""); st.Identity == nil || *st.Identity != want {
		t.Errorf("after a second sign-in the identity is %+v; want still %+v", st.Identity, want)
	}
}

func linkOTP(t *testing.T, s *Server, id string) string {
	t.Helper()
	return linkRecordOf(t, s, id).OTP
}

// linkRecordOf reads a link session's record as stored.
func linkRecordOf(t *testing.T, s *Server, id string) linkRecord {
	t.Helper()
	var rec linkRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		found, err := getJSON(tx, bucketLinks, id, &rec)
		if err == nil && !found {
			err = errLinkUnknown
		}
		return err
	})
	if err != nil {
		t.Fatalf("link %s: %v", id, err)
	}
	return rec
}

func TestPhoneUploadsAppearOnTheKiosk(t *testing.T) {
	_, hs, _, token := linkTestServer(t)
	l := createLink(t, hs, token, "k", central.LinkSessionRequest{Purpose: central.PurposeUpload, ProcedureID: "dang-ky-khai-sinh"})
	p := newPhone(t)
	p.connect(t, l)
	tests := []struct{ query, label, help string }{
		{"", "Ảnh Giấy chứng sinh", "Chụp rõ cả tờ bằng điện thoại"},
		{"?lang=en", "Photo of the birth notice", "Take a clear photo with your phone"},
	}
	for _, tt := range tests {
		status, _, page := p.get(t, l.URL+tt.query)
		if status != http.StatusOK || !strings.Contains(page, `name="field" value="birth_notice_photo"`) ||
			!strings.Contains(page, tt.label) || !strings.Contains(page, tt.help) || strings.Count(page, `enctype="multipart/form-data"`) != 1 {
			t.Fatalf("the upload page%s = %d; want one upload form, for the birth notice with its label and help\n%s", tt.query, status, page)
		}
	}
	polled := longPoll(t, hs, token, l.ID, 2)
	photo := tinyJPEG(t)
	sent := time.Now()
	if status, _, page := p.upload(t, l.URL, "anh.jpg", photo, "birth_notice_photo"); status != http.StatusSeeOther {
		t.Fatalf("upload from the phone = %d %s; want 303", status, page)
	}
	st := awaitPoll(t, polled, sent, "the upload")
	if st.State != central.LinkLinked || len(st.Attachments) != 1 || st.Attachments[0].Field != "birth_notice_photo" || st.Attachments[0].MIME != "image/jpeg" {
		t.Fatalf("the kiosk's long poll reads %+v; want the JPEG under birth_notice_photo", st)
	}
	if status, _, page := p.upload(t, l.URL, "giay-chung-sinh.pdf", tinyPDF, "birth_notice_photo"); status != http.StatusSeeOther {
		t.Fatalf("a second upload from the same phone = %d %s; want 303", status, page)
	}
	st = pollLink(t, hs, token, l.ID, "")
	if len(st.Attachments) != 2 || st.Attachments[1].MIME != "application/pdf" || st.Attachments[1].Field != "birth_notice_photo" {
		t.Fatalf("the kiosk reads %+v; want the JPEG, then the PDF", st)
	}
	status, _, got := call(t, "GET", hs.URL+"/v1/attachments/"+st.Attachments[0].ID, token, "", nil)
	if status != http.StatusOK || !bytes.Equal(got, photo) {
		t.Errorf("the kiosk fetches the phone's photo = %d, %d bytes; want 200 and the photo", status, len(got))
	}
	if _, _, page := p.get(t, l.URL); !strings.Contains(page, "Đã gửi 2 tệp") {
		t.Errorf("the upload page does not say what was sent\n%s", page)
	}
}

func TestPhoneUploadWithoutQuestions(t *testing.T) {
	_, hs, _, token := linkTestServer(t)
	for _, proc := range []string{"", "dang-ky-ket-hon"} { // no procedure; a form with no attachment question
		l := createLink(t, hs, token, "k-"+proc, central.LinkSessionRequest{Purpose: central.PurposeUpload, ProcedureID: proc})
		p := newPhone(t)
		p.connect(t, l)
		_, _, page := p.get(t, l.URL)
		if strings.Count(page, `enctype="multipart/form-data"`) != 1 || strings.Contains(page, `name="field"`) || !strings.Contains(page, "Giấy tờ") {
			t.Errorf("the upload page for %q lacks the one generic box\n%s", proc, page)
		}
		if status, _, page := p.upload(t, l.URL, "anh.png", tinyPNG(t), ""); status != http.StatusSeeOther {
			t.Errorf("upload to the generic box for %q = %d %s; want 303", proc, status, page)
		}
		if status, _, _ := p.upload(t, l.URL, "anh.png", tinyPNG(t), "birth_notice_photo"); status != http.StatusUnprocessableEntity {
			t.Errorf("upload for a question %q does not have = %d; want 422", proc, status)
		}
		if st := pollLink(t, hs, token, l.ID, ""); len(st.Attachments) != 1 || st.Attachments[0].Field != "" {
			t.Errorf("the kiosk reads %+v; want one file without a field", st.Attachments)
		}
	}
}

func TestPhoneUploadRefusals(t *testing.T) {
	_, hs, _, token := linkTestServer(t)
	l := createLink(t, hs, token, "k", central.LinkSessionRequest{Purpose: central.PurposeUpload, ProcedureID: "dang-ky-khai-sinh"})
	p := newPhone(t)
	p.connect(t, l)
	if status, _, page := p.upload(t, l.URL, "anh.jpg", tinyJPEG(t), "birth_notice_photo"); status != http.StatusSeeOther {
		t.Fatalf("upload from the phone = %d %s; want 303", status, page)
	}
	// Refusals come back as the page with a plain message.
	tests := []struct {
		name       string
		data       []byte
		field      string
		wantStatus int
		want       string
	}{
		{"an HTML file named .jpg", []byte("<html>not a photo</html>"), "birth_notice_photo", http.StatusUnsupportedMediaType, "Chỉ nhận ảnh JPEG, PNG hoặc tệp PDF"},
		{"an 11 MiB file", append(tinyJPEG(t), make([]byte, 11<<20)...), "birth_notice_photo", http.StatusRequestEntityTooLarge, "tối đa 10 MB"},
		{"a file for another question", tinyJPEG(t), "mother_id", http.StatusUnprocessableEntity, "Giấy tờ này không có trong hồ sơ"},
		{"a file for no question", tinyJPEG(t), "", http.StatusUnprocessableEntity, "Giấy tờ này không có trong hồ sơ"},
		{"an empty file", []byte{}, "birth_notice_photo", http.StatusUnprocessableEntity, "Tệp trống"},
	}
	for _, tt := range tests {
		status, _, page := p.upload(t, l.URL, "anh.jpg", tt.data, tt.field)
		if status != tt.wantStatus || !strings.Contains(page, tt.want) {
			t.Errorf("%s from the phone = %d; want %d saying %q\n%s", tt.name, status, tt.wantStatus, tt.want, page)
		}
	}
	// Another phone cannot add to this visit.
	if status, _, _ := newPhone(t).upload(t, l.URL, "anh.jpg", tinyJPEG(t), "birth_notice_photo"); status != http.StatusConflict {
		t.Errorf("an upload from another phone = %d; want 409", status)
	}
	if st := pollLink(t, hs, token, l.ID, ""); len(st.Attachments) != 1 {
		t.Errorf("after the refusals the kiosk reads %d attachments; want 1", len(st.Attachments))
	}
}

func TestCrossSitePostsAreRefused(t *testing.T) {
	_, hs, _, token := linkTestServer(t)
	l := createLink(t, hs, token, "k", central.LinkSessionRequest{Purpose: central.PurposeLogin})
	for name, header := range map[string][2]string{
		"foreign origin":  {"Origin", "https://evil.example"},
		"cross-site post": {"Sec-Fetch-Site", "cross-site"},
	} {
		req, _ := http.NewRequest("POST", l.URL, strings.NewReader("action=match&code="+l.ConfirmCode))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set(header[0], header[1])
		if status, _, _ := newPhone(t).do(t, req); status != http.StatusForbidden {
			t.Errorf("a %s = %d; want 403", name, status)
		}
	}
	u, _ := url.Parse(hs.URL)
	req, _ := http.NewRequest("POST", l.URL, strings.NewReader("action=match&code="+l.ConfirmCode))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://"+u.Host)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if status, _, _ := newPhone(t).do(t, req); status != http.StatusSeeOther {
		t.Errorf("a same-origin post = %d; want 303", status)
	}
}
