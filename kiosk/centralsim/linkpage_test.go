package centralsim

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

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

// uploadFromPhone sends a file through the phone page's upload form.
func (p *phone) upload(t *testing.T, u, filename string, data []byte, document string) (int, http.Header, string) {
	t.Helper()
	fields := map[string]string{"action": "upload"}
	if document != "" {
		fields["document"] = document
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

func TestLoginPageShowsTheKioskAndTheCode(t *testing.T) {
	s, hs, _, token := linkTestServer(t)
	l := createLink(t, hs, token, "k", central.LinkSessionRequest{Purpose: central.PurposeLogin})
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{`lang="vi"`, `class="code">` + l.ConfirmCode + "<", s.opts.Location, s.opts.Unit.Name,
			"Kiểm tra: mã này phải giống mã trên màn hình máy kiosk", "Mô phỏng VNeID — chỉ dùng để thử",
			"Đăng nhập với " + sampleIdentities[0].FullName, "Mã OTP (mô phỏng)"}},
		{"?lang=en", []string{`lang="en"`, l.ConfirmCode, s.opts.Location, "Simulated VNeID", "Sign in as"}},
	}
	for _, tt := range tests {
		status, h, page := newPhone(t).get(t, l.URL+tt.query)
		if status != http.StatusOK {
			t.Fatalf("GET /l/{token}%s = %d %s; want 200", tt.query, status, page)
		}
		checkLinkPageHeaders(t, "GET /l/{token}", h)
		for _, w := range tt.want {
			if !strings.Contains(page, w) {
				t.Errorf("GET /l/{token}%s lacks %q", tt.query, w)
			}
		}
		for _, bad := range []string{"<script", "http://", "https://"} {
			if strings.Contains(page, bad) {
				t.Errorf("GET /l/{token}%s contains %q: phone pages load nothing external and run no script", tt.query, bad)
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
	for _, tt := range tests {
		status, _, page := p.post(t, l.URL, url.Values{"action": {"login"}, "personal_id": {tt.pid}, "otp": {tt.otp}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, tt.want) {
			t.Errorf("sign in with %s = %d; want 422 saying %q\n%s", tt.name, status, tt.want, page)
		}
	}
	if status, _, _ := p.post(t, l.URL, url.Values{"action": {"login"}, "identity": {"9"}}); status != http.StatusUnprocessableEntity {
		t.Errorf("sign in as sample identity 9 = %d; want 422", status)
	}
	if st := pollLink(t, hs, token, l.ID, ""); st.State != central.LinkPending || st.Version != 1 {
		t.Errorf("after refused sign-ins the session reads %+v; want pending, unchanged", st)
	}
}

func TestSignInWithIDNumberAndOTP(t *testing.T) {
	s, hs, _, token := linkTestServer(t)
	l := createLink(t, hs, token, "k", central.LinkSessionRequest{Purpose: central.PurposeLogin})
	otp := linkOTP(t, s, l.ID)
	want := sampleIdentities[1]
	p := newPhone(t)
	spaced := want.PersonalID[:3] + " " + want.PersonalID[3:6] + " " + want.PersonalID[6:]
	status, h, page := p.post(t, l.URL, url.Values{"action": {"login"}, "personal_id": {spaced}, "otp": {otp}})
	if status != http.StatusSeeOther {
		t.Fatalf("sign in with the ID number and OTP = %d %s; want 303", status, page)
	}
	cookie := h.Get("Set-Cookie")
	for _, attr := range []string{"HttpOnly", "SameSite=Strict", "Path=/l/"} {
		if !strings.Contains(cookie, attr) {
			t.Errorf("the phone's cookie %q lacks %s", cookie, attr)
		}
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
	return rec.OTP
}

func TestPhoneUploadsAppearOnTheKiosk(t *testing.T) {
	_, hs, _, token := linkTestServer(t)
	l := createLink(t, hs, token, "k", central.LinkSessionRequest{Purpose: central.PurposeUpload, ProcedureID: "dang-ky-khai-sinh"})
	p := newPhone(t)
	status, _, page := p.get(t, l.URL)
	if status != http.StatusOK || !strings.Contains(page, "Tờ khai đăng ký khai sinh") || !strings.Contains(page, `enctype="multipart/form-data"`) {
		t.Fatalf("the upload page = %d; want the procedure's documents with upload forms\n%s", status, page)
	}
	photo := tinyJPEG(t)
	if status, _, page := p.upload(t, l.URL, "anh.jpg", photo, "1"); status != http.StatusSeeOther {
		t.Fatalf("upload from the phone = %d %s; want 303", status, page)
	}
	if status, _, page := p.upload(t, l.URL, "to-khai.pdf", tinyPDF, "0"); status != http.StatusSeeOther {
		t.Fatalf("a second upload from the same phone = %d %s; want 303", status, page)
	}
	st := pollLink(t, hs, token, l.ID, "")
	if st.State != central.LinkLinked || len(st.Attachments) != 2 || st.Attachments[0].Document != 1 ||
		st.Attachments[0].MIME != "image/jpeg" || st.Attachments[1].MIME != "application/pdf" {
		t.Fatalf("the kiosk reads %+v; want linked with the JPEG for document 1, then the PDF", st)
	}
	status, _, got := call(t, "GET", hs.URL+"/v1/attachments/"+st.Attachments[0].ID, token, "", nil)
	if status != http.StatusOK || !bytes.Equal(got, photo) {
		t.Errorf("the kiosk fetches the phone's photo = %d, %d bytes; want 200 and the photo", status, len(got))
	}

}

func TestPhoneUploadRefusals(t *testing.T) {
	_, hs, _, token := linkTestServer(t)
	l := createLink(t, hs, token, "k", central.LinkSessionRequest{Purpose: central.PurposeUpload, ProcedureID: "dang-ky-khai-sinh"})
	p := newPhone(t)
	if status, _, page := p.upload(t, l.URL, "anh.jpg", tinyJPEG(t), "1"); status != http.StatusSeeOther {
		t.Fatalf("upload from the phone = %d %s; want 303", status, page)
	}
	// Refusals come back as the page with a plain message.
	tests := []struct {
		name       string
		data       []byte
		document   string
		wantStatus int
		want       string
	}{
		{"an HTML file named .jpg", []byte("<html>not a photo</html>"), "1", http.StatusUnsupportedMediaType, "Chỉ nhận ảnh JPEG, PNG hoặc tệp PDF"},
		{"an 11 MiB file", append(tinyJPEG(t), make([]byte, 11<<20)...), "1", http.StatusRequestEntityTooLarge, "tối đa 10 MB"},
		{"a file for document 99", tinyJPEG(t), "99", http.StatusUnprocessableEntity, "Số thứ tự giấy tờ không hợp lệ"},
		{"an empty file", []byte{}, "1", http.StatusUnprocessableEntity, "Tệp trống"},
	}
	for _, tt := range tests {
		status, _, page := p.upload(t, l.URL, "anh.jpg", tt.data, tt.document)
		if status != tt.wantStatus || !strings.Contains(page, tt.want) {
			t.Errorf("%s from the phone = %d; want %d saying %q\n%s", tt.name, status, tt.wantStatus, tt.want, page)
		}
	}
	// Another phone cannot add to this visit.
	if status, _, _ := newPhone(t).upload(t, l.URL, "anh.jpg", tinyJPEG(t), "1"); status != http.StatusConflict {
		t.Errorf("an upload from another phone = %d; want 409", status)
	}
	if st := pollLink(t, hs, token, l.ID, ""); len(st.Attachments) != 1 {
		t.Errorf("after the refusals the kiosk reads %d attachments; want 1", len(st.Attachments))
	}
}

func TestUploadAndHandoffPagesConnect(t *testing.T) {
	_, hs, _, token := linkTestServer(t)
	for _, purpose := range []string{central.PurposeUpload, central.PurposeHandoff} {
		l := createLink(t, hs, token, "k-"+purpose, central.LinkSessionRequest{Purpose: purpose})
		p := newPhone(t)
		_, _, page := p.get(t, l.URL)
		if purpose == central.PurposeHandoff && (!strings.Contains(page, "Tiếp tục hồ sơ trên điện thoại") || !strings.Contains(page, "chưa hỗ trợ")) {
			t.Errorf("the hand-over page does not say plainly that continuing on the phone is not available yet\n%s", page)
		}
		if status, _ := p.signIn(t, l.URL); status != http.StatusBadRequest {
			t.Errorf("a sign-in posted to a %s link = %d; want 400", purpose, status)
		}
		status, h, _ := p.post(t, l.URL, url.Values{"action": {"connect"}})
		if status != http.StatusSeeOther {
			t.Fatalf("connect on a %s link = %d; want 303", purpose, status)
		}
		_, _, page = p.get(t, hs.URL+h.Get("Location"))
		if !strings.Contains(page, "Đã kết nối với máy kiosk") {
			t.Errorf("the %s page after connecting does not say so\n%s", purpose, page)
		}
		if st := pollLink(t, hs, token, l.ID, ""); st.State != central.LinkLinked || len(st.Attachments) != 0 || st.Identity != nil {
			t.Errorf("a connected %s session reads %+v; want linked with nothing in it", purpose, st)
		}
	}
}

func TestCrossSitePostsAreRefused(t *testing.T) {
	_, hs, _, token := linkTestServer(t)
	l := createLink(t, hs, token, "k", central.LinkSessionRequest{Purpose: central.PurposeLogin})
	for name, header := range map[string][2]string{
		"foreign origin":  {"Origin", "https://evil.example"},
		"cross-site post": {"Sec-Fetch-Site", "cross-site"},
	} {
		req, _ := http.NewRequest("POST", l.URL, strings.NewReader("action=login&identity=0"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set(header[0], header[1])
		if status, _, _ := newPhone(t).do(t, req); status != http.StatusForbidden {
			t.Errorf("a %s = %d; want 403", name, status)
		}
	}
	u, _ := url.Parse(hs.URL)
	req, _ := http.NewRequest("POST", l.URL, strings.NewReader("action=login&identity=0"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://"+u.Host)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if status, _, _ := newPhone(t).do(t, req); status != http.StatusSeeOther {
		t.Errorf("a same-origin post = %d; want 303", status)
	}
}
