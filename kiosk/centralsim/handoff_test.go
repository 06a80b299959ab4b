package centralsim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"html"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/motcua/kiosk/kiosk/central"
)

// birthDraft is a kiosk's draft of a birth registration: birthRequest's
// answers, with the applicant's phone number still too short.
func birthDraft() central.HandoffDraft {
	req := birthRequest()
	answers := maps.Clone(req.Fields)
	answers["applicant_phone"] = "0912 345"
	return central.HandoffDraft{ProcedureID: req.ProcedureID, Answers: answers, ConsentAt: req.ConsentAt}
}

// tokenLog records the resume tokens a server issues, so a test can do
// what a kiosk's scanner does with the page's QR.
type tokenLog struct {
	mu     sync.Mutex
	tokens []string
}

func (l *tokenLog) next() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	tok := randomToken(16)
	l.tokens = append(l.tokens, tok)
	return tok
}

func (l *tokenLog) last(t *testing.T) string {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.tokens) == 0 {
		t.Fatal("no resume QR was issued")
	}
	return l.tokens[len(l.tokens)-1]
}

// handoffTestServer is linkTestServer with the resume tokens logged.
func handoffTestServer(t *testing.T) (*Server, *httptest.Server, *stepClock, string, *tokenLog) {
	t.Helper()
	clock, tokens := &stepClock{now: dossierTestNow}, &tokenLog{}
	s, hs := testServer(t, func(o *Options) { o.Now, o.resumeToken = clock.Now, tokens.next })
	return s, hs, clock, enrolDevice(t, hs), tokens
}

func putDraft(t *testing.T, hs *httptest.Server, token, id string, d any) (int, []byte) {
	t.Helper()
	status, _, body := call(t, "PUT", hs.URL+"/v1/link-sessions/"+id+"/draft", token, "", d)
	return status, body
}

// startHandoff makes a birth-registration hand-over with d as the kiosk's
// draft and links a phone to it.
func startHandoff(t *testing.T, hs *httptest.Server, token string, d central.HandoffDraft) (central.LinkSession, *phone) {
	t.Helper()
	l := createLink(t, hs, token, "handoff-"+randomToken(4), central.LinkSessionRequest{Purpose: central.PurposeHandoff, ProcedureID: d.ProcedureID})
	if status, body := putDraft(t, hs, token, l.ID, d); status != http.StatusNoContent {
		t.Fatalf("PUT the draft = %d %s; want 204", status, body)
	}
	p := newPhone(t)
	p.connect(t, l)
	return l, p
}

func claimHandoff(t *testing.T, hs *httptest.Server, token, key, resume string) (int, http.Header, []byte) {
	t.Helper()
	return call(t, "POST", hs.URL+"/v1/handoffs/claim", token, key, central.HandoffClaim{Token: resume})
}

var (
	inputRE  = regexp.MustCompile(`<input id="q_[^"]*" name="(q_[^"]+)" type="[^"]*" value="([^"]*)"`)
	radioRE  = regexp.MustCompile(`<input type="radio" name="(q_[^"]+)" value="([^"]*)" checked>`)
	selectRE = regexp.MustCompile(`(?s)<select id="[^"]+" name="(q_[^"]+)"[^>]*>(.*?)</select>`)
	chosenRE = regexp.MustCompile(`<option value="([^"]*)" selected>`)
	codeRE   = regexp.MustCompile(`<p class="code">([^<]+)</p>`)
)

// formValues reads the hand-over form as a browser would send it: every
// input's value, the checked radios and the selected options.
func formValues(t *testing.T, page string) url.Values {
	t.Helper()
	v := url.Values{}
	for _, m := range inputRE.FindAllStringSubmatch(page, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	for _, m := range radioRE.FindAllStringSubmatch(page, -1) {
		v.Set(m[1], m[2])
	}
	for _, m := range selectRE.FindAllStringSubmatch(page, -1) {
		if c := chosenRE.FindStringSubmatch(m[2]); c != nil {
			v.Set(m[1], c[1])
		}
	}
	if len(v) == 0 {
		t.Fatalf("the page has no hand-over form\n%s", page)
	}
	return v
}

func TestHandoffRoundTrip(t *testing.T) {
	s, hs, _, token, _ := handoffTestServer(t)
	draft := birthDraft()
	l := createLink(t, hs, token, "k", central.LinkSessionRequest{Purpose: central.PurposeHandoff, ProcedureID: "dang-ky-khai-sinh"})
	if status, body := putDraft(t, hs, token, l.ID, draft); status != http.StatusNoContent {
		t.Fatalf("PUT the draft = %d %s; want 204", status, body)
	}
	if st := pollLink(t, hs, token, l.ID, "?since=1"); st.State != central.LinkPending || !strings.HasPrefix(st.DraftID, "drf_") || st.Version != 2 {
		t.Errorf("after the PUT the kiosk reads %+v; want pending with a draft id at version 2", st)
	}
	p := newPhone(t)
	if _, _, page := p.get(t, l.URL); strings.Contains(page, "Nguyễn Minh Khôi") {
		t.Errorf("the page shows the answers before the code match\n%s", page)
	}
	p.connect(t, l)

	status, h, page := p.get(t, l.URL)
	if status != http.StatusOK {
		t.Fatalf("the hand-over page = %d %s; want 200", status, page)
	}
	checkLinkPageHeaders(t, "the hand-over page", h)
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data:") {
		t.Errorf("Content-Security-Policy = %q; want data: images for the resume QR", csp)
	}
	for _, want := range []string{"Đăng ký khai sinh", `value="Nguyễn Minh Khôi"`, `<option value="nam" selected>`,
		`name="q_parents_married" value="yes" checked`, `inputmode="numeric" placeholder="dd/mm/yyyy"`, `type="tel"`,
		"Ảnh Giấy chứng sinh: chưa đính kèm", `value="save"`, "Nộp hồ sơ", "Tiếp tục trên máy kiosk", `src="data:image/png;base64,`} {
		if !strings.Contains(page, want) {
			t.Errorf("the hand-over page lacks %q", want)
		}
	}

	// The kiosk's answers as they are: the phone number is refused, next
	// to its question, and everything typed stays.
	form := formValues(t, page)
	form.Set("action", "submit")
	form.Set("q_child_dob", "20112026") // a phone's number pad has no "/"
	status, _, page = p.post(t, l.URL, form)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("submit with a short phone number = %d; want 422\n%s", status, page)
	}
	for _, want := range []string{`<p class="field-err" id="e-applicant_phone">Số điện thoại quá ngắn`, `href="#q-applicant_phone"`,
		`value="0912 345"`, `value="Nguyễn Minh Khôi"`, `value="20/11/2026"`, "Cần sửa các mục sau"} {
		if !strings.Contains(page, want) {
			t.Errorf("the refused submission's page lacks %q\n%s", want, page)
		}
	}
	if _, _, page := p.post(t, l.URL+"?lang=en", form); !strings.Contains(page, "Please correct the following") || !strings.Contains(page, "phone number is too short") {
		t.Errorf("the refused submission in English lacks its messages\n%s", page)
	}
	if n, _ := s.DossierCount(); n != 0 {
		t.Fatalf("%d dossiers after refused submissions; want 0", n)
	}

	form.Set("q_applicant_phone", "0912345678")
	status, h, page = p.post(t, l.URL, form)
	if status != http.StatusSeeOther {
		t.Fatalf("submit the corrected form = %d; want 303\n%s", status, page)
	}
	_, _, page = p.get(t, hs.URL+h.Get("Location"))
	m := codeRE.FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, "Hồ sơ đã được nộp") || !strings.Contains(page, `href="/t/`+url.PathEscape(m[1])+`"`) {
		t.Fatalf("the page after submitting lacks the dossier code and tracking link\n%s", page)
	}
	code := m[1]
	status, _, body := call(t, "GET", hs.URL+"/v1/dossiers/"+url.PathEscape(code), token, "", nil)
	if status != http.StatusOK || !strings.Contains(string(body), `"procedure_id":"dang-ky-khai-sinh"`) {
		t.Errorf("the kiosk reads the phone's dossier = %d %s; want 200", status, body)
	}
	rec, _, _ := s.loadDossier(code)
	want := central.Applicant{FullName: "Trần Thị Bích Ngọc", PersonalID: "036192004567", Phone: "0912345678"}
	if rec.Request.Channel != "phone" || rec.Request.Applicant != want || !rec.Request.ConsentAt.Equal(draft.ConsentAt) || rec.Request.Fields["child_dob"] != "20/11/2026" {
		t.Errorf("the phone's dossier was filed as %+v; want channel phone, applicant %+v and the kiosk's consent", rec.Request, want)
	}
	if st := pollLink(t, hs, token, l.ID, ""); st.DossierCode != code {
		t.Errorf("the kiosk reads %+v; want dossier_code %s", st, code)
	}

	// The hand-over accepts nothing more.
	for _, action := range []string{"submit", "save"} {
		form.Set("action", action)
		if status, _, _ := p.post(t, l.URL, form); status != http.StatusSeeOther {
			t.Errorf("%s after submitting = %d; want 303 back to the page", action, status)
		}
	}
	if n, _ := s.DossierCount(); n != 1 {
		t.Errorf("%d dossiers after submitting again; want 1", n)
	}
	if status, body := putDraft(t, hs, token, l.ID, draft); status != http.StatusGone || errorCode(t, body) != "gone" {
		t.Errorf("PUT a draft after the phone submitted = %d %s; want 410 gone", status, body)
	}
	if status, _, page := getPage(t, hs.URL+"/t/"+url.PathEscape(code)); status != http.StatusOK {
		t.Errorf("the tracking page of the phone's dossier = %d %s; want 200", status, page)
	}
}

func TestResumeQRHandsTheDraftBack(t *testing.T) {
	s, hs, _, token, tokens := handoffTestServer(t)
	other := enrolSecondKiosk(t, s, hs)
	draft := birthDraft()
	l, p := startHandoff(t, hs, token, draft)
	_, _, page := p.get(t, l.URL)
	first := tokens.last(t)
	png, err := qrcode.Encode("MCK1:HANDOFF:"+first, qrcode.Medium, resumeQRSize)
	if err != nil || !strings.Contains(html.UnescapeString(page), `src="data:image/png;base64,`+base64.StdEncoding.EncodeToString(png)+`"`) {
		t.Fatalf("the page's resume QR is not MCK1:HANDOFF:<token> (%v)", err)
	}

	form := formValues(t, page)
	form.Set("action", "save")
	form.Set("q_child_name", "  Nguyễn Minh   Khang ")
	if status, h, page := p.post(t, l.URL, form); status != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "msg=saved") {
		t.Fatalf("save = %d; want 303 saved\n%s", status, page)
	}
	if _, _, page := p.get(t, l.URL+"?msg=saved"); !strings.Contains(page, "Đã lưu") || !strings.Contains(page, `value="Nguyễn Minh Khang"`) {
		t.Errorf("the page after saving lacks the notice or the saved answer\n%s", page)
	}
	latest := tokens.last(t)
	if status, _, body := claimHandoff(t, hs, other, "old", first); status != http.StatusNotFound || errorCode(t, body) != "not_found" {
		t.Errorf("claim a QR a later view replaced = %d %s; want 404", status, body)
	}

	// Another kiosk of the office scans the latest QR.
	status, h, body := claimHandoff(t, hs, other, "claim-1", latest)
	var got central.HandoffDraft
	if status != http.StatusOK || json.Unmarshal(body, &got) != nil {
		t.Fatalf("claim = %d %s; want 200 with the draft", status, body)
	}
	if got.ProcedureID != draft.ProcedureID || !got.ConsentAt.Equal(draft.ConsentAt) || got.Answers["child_name"] != "Nguyễn Minh Khang" ||
		got.Answers["applicant_phone"] != "0912 345" || got.Answers["child_dob"] != "20/11/2026" {
		t.Errorf("claimed %+v; want the phone's saved answers (normalised when valid, as typed when not) and the kiosk's consent", got)
	}
	status, h, again := claimHandoff(t, hs, other, "claim-1", latest)
	if status != http.StatusOK || !bytes.Equal(again, body) || h.Get("Idempotent-Replayed") != "true" {
		t.Errorf("the same claim retried = %d %s; want the first answer replayed", status, again)
	}
	for who, tok := range map[string]string{"the same kiosk": other, "the first kiosk": token} {
		if status, _, body := claimHandoff(t, hs, tok, "claim-2-"+who, latest); status != http.StatusNotFound {
			t.Errorf("a second claim by %s = %d %s; want 404", who, status, body)
		}
	}
	if _, _, page := p.get(t, l.URL); !strings.Contains(page, "Hồ sơ đã được chuyển sang máy kiosk") || strings.Contains(page, "data:image/png") {
		t.Errorf("the phone page after the claim does not say the form went back to a kiosk\n%s", page)
	}
	form.Set("action", "submit")
	form.Set("q_applicant_phone", "0912345678")
	if status, _, _ := p.post(t, l.URL, form); status != http.StatusSeeOther {
		t.Errorf("submit after the claim = %d; want 303 back to the page", status)
	}
	if n, _ := s.DossierCount(); n != 0 {
		t.Errorf("%d dossiers filed from a phone whose form went back to a kiosk; want 0", n)
	}
	if status, _, body := claimHandoff(t, hs, other, "bad", "MCK1:HANDOFF:xyz"); status != http.StatusUnprocessableEntity || fieldMessage(t, body, "token") == "" {
		t.Errorf("claim a malformed token = %d %s; want 422 on token", status, body)
	}
}

func TestResumeQRExpires(t *testing.T) {
	_, hs, clock, token, tokens := handoffTestServer(t)
	l, p := startHandoff(t, hs, token, birthDraft())
	p.get(t, l.URL)
	old := tokens.last(t)
	clock.Advance(30*time.Minute + time.Second)
	if status, _, body := claimHandoff(t, hs, token, "late", old); status != http.StatusNotFound {
		t.Errorf("claim a 30-minute-old QR = %d %s; want 404", status, body)
	}
	p.get(t, l.URL) // a reload shows a new one
	if status, _, body := claimHandoff(t, hs, token, "fresh", tokens.last(t)); status != http.StatusOK {
		t.Errorf("claim the reloaded page's QR = %d %s; want 200", status, body)
	}
}

func TestHandoffOutlivesTheKiosksSession(t *testing.T) {
	s, hs, clock, token, _ := handoffTestServer(t)
	l, p := startHandoff(t, hs, token, birthDraft())
	if status, _, body := call(t, "DELETE", hs.URL+"/v1/link-sessions/"+l.ID, token, "", nil); status != http.StatusNoContent {
		t.Fatalf("DELETE = %d %s; want 204", status, body)
	}
	if st := pollLink(t, hs, token, l.ID, ""); st.State != central.LinkClosed {
		t.Errorf("the kiosk reads %+v; want closed", st)
	}
	status, _, page := p.get(t, l.URL)
	if status != http.StatusOK || !strings.Contains(page, `value="Nguyễn Minh Khôi"`) || !strings.Contains(page, "đến 09:30 ngày 28/11/2026") {
		t.Fatalf("the phone that took the draft, after the kiosk's DELETE = %d; want its form until 09:30 tomorrow\n%s", status, page)
	}
	fresh := newPhone(t)
	for name, do := range map[string]func() (int, http.Header, string){
		"opens the page":      func() (int, http.Header, string) { return fresh.get(t, l.URL) },
		"taps the right code": func() (int, http.Header, string) { return fresh.match(t, l.URL, l.ConfirmCode) },
	} {
		if status, _, page := do(); status != http.StatusGone || !strings.Contains(page, "Phiên đã kết thúc") || strings.Contains(page, "Nguyễn Minh Khôi") {
			t.Errorf("a fresh browser %s = %d; want 410 Phiên đã kết thúc, no answers\n%s", name, status, page)
		}
	}
	form := formValues(t, page)
	form.Set("action", "save")
	if status, _, page := p.post(t, l.URL, form); status != http.StatusSeeOther {
		t.Errorf("save after the kiosk's DELETE = %d; want 303\n%s", status, page)
	}
	if status, body := putDraft(t, hs, token, l.ID, birthDraft()); status != http.StatusGone {
		t.Errorf("PUT a draft after the DELETE = %d %s; want 410", status, body)
	}

	clock.Advance(23 * time.Hour)
	if status, _, _ := p.get(t, l.URL); status != http.StatusOK {
		t.Errorf("the phone's page 23 hours later = %d; want 200", status)
	}
	clock.Advance(time.Hour + time.Minute)
	if status, _, page := p.get(t, l.URL); status != http.StatusGone || !strings.Contains(page, "Phiên đã kết thúc") {
		t.Errorf("the phone's page 24 hours later = %d; want 410\n%s", status, page)
	}
	if status, _, _ := p.post(t, l.URL, form); status != http.StatusGone {
		t.Errorf("save 24 hours later = %d; want 410", status)
	}
	if err := s.PurgeExpired(); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := call(t, "GET", hs.URL+"/v1/link-sessions/"+l.ID, token, "", nil); status != http.StatusNotFound {
		t.Errorf("the session after the purge = %d; want 404", status)
	}

	// A hand-over ended before the kiosk put a draft leaves the phone nothing.
	l2 := createLink(t, hs, token, "empty", central.LinkSessionRequest{Purpose: central.PurposeHandoff})
	p2 := newPhone(t)
	p2.connect(t, l2)
	if _, _, page := p2.get(t, l2.URL); !strings.Contains(page, "Máy kiosk chưa gửi hồ sơ sang") {
		t.Errorf("the hand-over page before the kiosk's draft does not say it is waiting\n%s", page)
	}
	call(t, "DELETE", hs.URL+"/v1/link-sessions/"+l2.ID, token, "", nil)
	if status, _, _ := p2.get(t, l2.URL); status != http.StatusGone {
		t.Errorf("an ended hand-over without a draft = %d; want 410", status)
	}
}

func TestHandoffDraftIsSealedAtRest(t *testing.T) {
	s, hs, _, token, tokens := handoffTestServer(t)
	d := birthDraft()
	d.Answers["child_birthplace"] = "Nhà hộ sinh Zyxwvutsr"
	l, p := startHandoff(t, hs, token, d)
	_, _, page := p.get(t, l.URL)
	form := formValues(t, page)
	form.Set("action", "save")
	form.Set("q_child_hometown", "Làng Qwertyuiop")
	p.post(t, l.URL, form)
	p.get(t, l.URL)
	// The claim's replayable answer is kept too, and must be sealed as well.
	if status, _, body := claimHandoff(t, hs, token, "claim", tokens.last(t)); status != http.StatusOK || !strings.Contains(string(body), "Qwertyuiop") {
		t.Fatalf("claim = %d %s; want 200 with the saved answers", status, body)
	}
	data, err := os.ReadFile(s.opts.DataFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"Zyxwvutsr", "Qwertyuiop"} {
		if bytes.Contains(data, []byte(secret)) {
			t.Errorf("the data file holds %q in plain text", secret)
		}
	}
	key, err := os.Stat(s.opts.DataFile + ".key")
	if err != nil || key.Mode().Perm() != 0o600 || key.Size() != sealKeySize {
		t.Errorf("the seal key file = %v, %v; want %d bytes, mode 0600", key, err, sealKeySize)
	}
	// The search works: a dossier, which is kept in plain text, is found.
	req := birthRequest()
	req.Fields["child_birthplace"] = "Trạm y tế Plaincontrol"
	fileDossier(t, hs, token, "dossier", req)
	if data, _ := os.ReadFile(s.opts.DataFile); !bytes.Contains(data, []byte("Plaincontrol")) {
		t.Errorf("a dossier's answer is not found in the data file: the search proves nothing")
	}
}

func TestPutDraftRefusals(t *testing.T) {
	s, hs, clock, token, _ := handoffTestServer(t)
	login := createLink(t, hs, token, "login", central.LinkSessionRequest{Purpose: central.PurposeLogin})
	birth := createLink(t, hs, token, "birth", central.LinkSessionRequest{Purpose: central.PurposeHandoff, ProcedureID: "dang-ky-khai-sinh"})
	anyProc := createLink(t, hs, token, "any", central.LinkSessionRequest{Purpose: central.PurposeHandoff})
	closed := createLink(t, hs, token, "closed", central.LinkSessionRequest{Purpose: central.PurposeHandoff})
	call(t, "DELETE", hs.URL+"/v1/link-sessions/"+closed.ID, token, "", nil)
	with := func(change func(*central.HandoffDraft)) central.HandoffDraft {
		d := birthDraft()
		change(&d)
		return d
	}
	tests := []struct {
		name, id    string
		body        any
		status      int
		code, field string
	}{
		{"to a sign-in session", login.ID, birthDraft(), http.StatusConflict, "conflict", ""},
		{"to a closed session", closed.ID, birthDraft(), http.StatusGone, "gone", ""},
		{"to no session", "lnk_0000000000000000", birthDraft(), http.StatusNotFound, "not_found", ""},
		{"of another procedure", birth.ID, with(func(d *central.HandoffDraft) { d.ProcedureID = "dang-ky-ket-hon" }), http.StatusUnprocessableEntity, "validation_failed", "procedure_id"},
		{"of no procedure", anyProc.ID, with(func(d *central.HandoffDraft) { d.ProcedureID = "no-such" }), http.StatusUnprocessableEntity, "validation_failed", "procedure_id"},
		{"without consent", birth.ID, with(func(d *central.HandoffDraft) { d.ConsentAt = time.Time{} }), http.StatusUnprocessableEntity, "validation_failed", "consent_at"},
		{"with a 5000-byte answer", birth.ID, with(func(d *central.HandoffDraft) { d.Answers["child_hometown"] = strings.Repeat("a", 5000) }), http.StatusUnprocessableEntity, "validation_failed", "answers.child_hometown"},
		{"that is not an object", birth.ID, "a draft", http.StatusBadRequest, "bad_request", ""},
	}
	for _, tt := range tests {
		status, body := putDraft(t, hs, token, tt.id, tt.body)
		if status != tt.status || errorCode(t, body) != tt.code || tt.field != "" && fieldMessage(t, body, tt.field) == "" {
			t.Errorf("PUT a draft %s = %d %s; want %d %s %s", tt.name, status, body, tt.status, tt.code, tt.field)
		}
	}
	if st := pollLink(t, hs, token, birth.ID, ""); st.DraftID != "" || st.Version != 1 {
		t.Errorf("after refused drafts the session reads %+v; want no draft, unchanged", st)
	}
	// A session that names no procedure takes any; answers to questions
	// the form does not have are dropped.
	d := birthDraft()
	d.Answers["not_a_question"] = "x"
	if status, body := putDraft(t, hs, token, anyProc.ID, d); status != http.StatusNoContent {
		t.Errorf("PUT a draft to a session without a procedure = %d %s; want 204", status, body)
	}
	rec := linkRecordOf(t, s, anyProc.ID)
	if got, err := s.openDraft(&rec); err != nil || got.Answers["not_a_question"] != "" || got.Answers["child_name"] != "Nguyễn Minh Khôi" {
		t.Errorf("the stored draft = %+v, %v; want the form's answers only", got.Answers, err)
	}
	clock.Advance(2*time.Minute + time.Second) // nobody scanned the QR
	if status, body := putDraft(t, hs, token, anyProc.ID, birthDraft()); status != http.StatusGone {
		t.Errorf("PUT a draft to an expired session = %d %s; want 410", status, body)
	}
}
