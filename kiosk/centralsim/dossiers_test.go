package centralsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
)

// dossierTestNow is testServer's clock: Friday 27/11/2026, 09:30 in Hà Nội.
var dossierTestNow = time.Date(2026, 11, 27, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600))

// stepClock is a clock a test moves by hand.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// enrolKiosk enrols one more kiosk with its own one-time code.
func enrolKiosk(t *testing.T, s *Server, hs *httptest.Server, code string) central.Enrollment {
	t.Helper()
	if _, err := s.ensureEnrollCode(code); err != nil {
		t.Fatal(err)
	}
	status, _, body := call(t, "POST", hs.URL+"/v1/devices/enroll", "", "enrol-"+code, central.EnrollRequest{Code: code, Hostname: "kiosk-" + code})
	var e central.Enrollment
	if status != http.StatusCreated || json.Unmarshal(body, &e) != nil {
		t.Fatalf("POST /v1/devices/enroll with %s = %d %s; want 201", code, status, body)
	}
	return e
}

// birthRequest is a valid birth registration: a mother files for her baby.
// Her name, number and phone are written loosely, as people type them.
func birthRequest() central.DossierRequest {
	return central.DossierRequest{
		ProcedureID: "dang-ky-khai-sinh",
		Applicant: central.Applicant{
			FullName:   "  Trần Thị  Bích Ngọc ",
			PersonalID: "036 192 004 567",
			Phone:      "+84 912 345 678",
		},
		Fields: map[string]string{
			"child_name":             "Nguyễn Minh Khôi",
			"child_dob":              "20/11/2026",
			"child_sex":              "nam",
			"child_birthplace":       "Trạm y tế xã Tân Phú",
			"child_ethnicity":        "kinh",
			"child_hometown":         "Ninh Bình",
			"mother_name":            "Trần Thị Bích Ngọc",
			"mother_id":              "036192004567",
			"mother_dob":             "22/08/1992",
			"father_name":            "Nguyễn Văn An",
			"father_id":              "001085012345",
			"father_dob":             "15/03/1985",
			"parents_married":        "có",
			"applicant_name":         "Trần Thị Bích Ngọc",
			"applicant_id":           "036192004567",
			"applicant_relationship": "me",
			"extract_copies":         "0",
			"applicant_phone":        "0912 345 678",
		},
		Channel:   "kiosk",
		ConsentAt: dossierTestNow.Add(-5 * time.Minute),
	}
}

// dossierFor is a request for procedure id by Nguyễn Văn An with the
// procedure's own answers.
func dossierFor(id string, fields map[string]string) central.DossierRequest {
	answers := map[string]string{
		"applicant_name":  "Nguyễn Văn An",
		"applicant_id":    "001085012345",
		"applicant_phone": "0912345678",
	}
	for k, v := range fields {
		answers[k] = v
	}
	return central.DossierRequest{
		ProcedureID: id,
		Applicant:   central.Applicant{FullName: "Nguyễn Văn An", PersonalID: "001085012345", Verified: true},
		Fields:      answers,
		Channel:     "kiosk",
		ConsentAt:   dossierTestNow,
	}
}

// marriageStatusRequest is a valid request for a certificate of marital
// status: a fixed fee of 15.000 đ and 3 working days.
func marriageStatusRequest() central.DossierRequest {
	return dossierFor("xac-nhan-tinh-trang-hon-nhan", map[string]string{
		"applicant_dob":   "15/03/1985",
		"applicant_sex":   "nam",
		"marital_status":  "chua_ket_hon",
		"purpose":         "ket_hon",
		"lived_elsewhere": "không",
	})
}

// fileDossier posts a dossier and decodes the 201.
func fileDossier(t *testing.T, hs *httptest.Server, token, key string, req central.DossierRequest) central.Dossier {
	t.Helper()
	status, _, body := call(t, "POST", hs.URL+"/v1/dossiers", token, key, req)
	var d central.Dossier
	if status != http.StatusCreated || json.Unmarshal(body, &d) != nil {
		t.Fatalf("POST /v1/dossiers = %d %s; want 201", status, body)
	}
	return d
}

func fieldErrors(t *testing.T, body []byte) map[string]string {
	t.Helper()
	var e central.ErrorBody
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %s is not the contract's error shape: %v", body, err)
	}
	return e.Error.Fields
}

var dossierCodeRE = regexp.MustCompile(`^000\.00\.01\.H26-261127-\d{4}$`)

func TestCreateDossierFilesItNormalised(t *testing.T) {
	s, hs := testServer(t, nil)
	token := enrolDevice(t, hs)
	d := fileDossier(t, hs, token, "dossier-1", birthRequest())
	if !dossierCodeRE.MatchString(d.Code) {
		t.Errorf("code = %q; want it to match %s", d.Code, dossierCodeRE)
	}
	want := central.Dossier{
		Code:        d.Code,
		ProcedureID: "dang-ky-khai-sinh",
		ReceivedAt:  dossierTestNow.UTC(),
		DueDate:     "2026-11-27", // trong ngày: the day it is received
		Fee:         0,
		Status:      central.StatusReceived,
		Timeline:    []central.TimelineEntry{{Status: central.StatusReceived, At: dossierTestNow.UTC()}},
		TrackingURL: hs.URL + "/t/" + d.Code,
	}
	if got, _ := json.Marshal(d); string(got) != string(mustJSON(want)) {
		t.Errorf("POST /v1/dossiers = %s; want %s", got, mustJSON(want))
	}

	rec, found, err := s.loadDossier(d.Code)
	if err != nil || !found {
		t.Fatalf("loadDossier(%q) = %v, %v; want the stored dossier", d.Code, found, err)
	}
	wantApplicant := central.Applicant{FullName: "Trần Thị Bích Ngọc", PersonalID: "036192004567", Phone: "0912345678"}
	if rec.Request.Applicant != wantApplicant {
		t.Errorf("stored applicant = %+v; want the normalised %+v", rec.Request.Applicant, wantApplicant)
	}
	if got := rec.Request.Fields["parents_married"]; got != "yes" {
		t.Errorf("stored parents_married = %q; want the normalised %q", got, "yes")
	}
	if got := rec.Request.Fields["applicant_phone"]; got != "0912345678" {
		t.Errorf("stored applicant_phone = %q; want %q", got, "0912345678")
	}

	second := fileDossier(t, hs, token, "dossier-2", birthRequest())
	if d.Code[len(d.Code)-4:] != "0001" || second.Code[len(second.Code)-4:] != "0002" {
		t.Errorf("codes of the day's first two dossiers = %q, %q; want sequences 0001 and 0002", d.Code, second.Code)
	}
}

func TestCreateDossierDueDateAndFee(t *testing.T) {
	tests := []struct {
		name    string
		req     central.DossierRequest
		wantDue string
		wantFee int64
	}{
		{"free, same day", birthRequest(), "2026-11-27", 0},
		// Friday 27/11: Mon 30/11, Tue 1/12, Wed 2/12.
		{"fixed, 3 working days", marriageStatusRequest(), "2026-12-02", 15000},
		{"per copy", dossierFor("cap-ban-sao-trich-luc-ho-tich", map[string]string{
			"event": "khai_sinh", "subject_name": "Nguyễn Văn An", "subject_dob": "15/03/1985",
			"subject_sex": "nam", "register_place": "UBND xã Tân Phú", "copies": "3",
			"applicant_relationship": "ban_than",
		}), "2026-11-27", 3 * 8000},
		{"per page, reduced from page 3, two copies", dossierFor("chung-thuc-ban-sao", map[string]string{
			"document_type": "khai_sinh", "pages": "5", "copies": "2", "foreign_issued": "no",
		}), "2026-11-27", 2 * (2*2000 + 3*1000)},
		{"per page, capped a copy", dossierFor("chung-thuc-ban-sao", map[string]string{
			"document_type": "bang_cap", "pages": "300", "copies": "1", "foreign_issued": "no",
		}), "2026-11-27", 200000},
	}
	_, hs := testServer(t, nil)
	token := enrolDevice(t, hs)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := fileDossier(t, hs, token, "fee-"+string(rune('a'+i)), tt.req)
			if d.DueDate != tt.wantDue || d.Fee != tt.wantFee {
				t.Errorf("POST /v1/dossiers %s = due %s, fee %d; want due %s, fee %d", tt.req.ProcedureID, d.DueDate, d.Fee, tt.wantDue, tt.wantFee)
			}
		})
	}
}

// sampleAnswers answers every required question of proc, and every
// number question with "3" so copies and pages count, for one woman born
// in 1990; set overrides some answers.
func sampleAnswers(t *testing.T, s *Server, deviceID string, proc *kiosk.Procedure, set map[string]string) map[string]string {
	t.Helper()
	byKind := map[kiosk.FieldKind]string{
		kiosk.KindText: "Hà Nội", kiosk.KindAddress: "Số 1 Lê Lợi, xã Tân Phú",
		kiosk.KindPersonName: "Nguyễn Thị Mai", kiosk.KindPersonalID: "001190012345",
		kiosk.KindDate: "05/09/1990", kiosk.KindNumber: "3", kiosk.KindYesNo: "yes",
		kiosk.KindPhone: "0912345678", kiosk.KindEmail: "mai@example.com",
	}
	answers := map[string]string{}
	for _, f := range proc.Form {
		if !f.Required && f.Kind != kiosk.KindNumber {
			continue
		}
		v := byKind[f.Kind]
		switch {
		case f.Role == kiosk.RoleSex:
			v = kiosk.SexFemale
		case f.Kind == kiosk.KindSelect:
			v = f.Options[0].Value
		case f.Kind == kiosk.KindAttachment:
			v = "att_" + proc.ID + "_" + f.ID
			seedAttachment(t, s, v, deviceID)
		}
		answers[f.ID] = v
	}
	maps.Copy(answers, set)
	return answers
}

// TestServerFeeIsTheKiosksQuote files every sample procedure, and each of
// its exemptions, and checks that the server charges what the kiosk shows
// before payment: kiosk.QuoteFee on the same answers and channel.
func TestServerFeeIsTheKiosksQuote(t *testing.T) {
	s, hs := testServer(t, nil)
	e := enrolKiosk(t, s, hs, "2468-1357")
	type filing struct {
		name    string
		proc    *kiosk.Procedure
		answers map[string]string
	}
	var filings []filing
	for i := range s.catalog.Procedures {
		p := &s.catalog.Procedures[i]
		filings = append(filings, filing{p.ID, p, sampleAnswers(t, s, e.DeviceID, p, nil)})
		for j, ex := range p.Fee.Exempt {
			set := map[string]string{ex.Field: ex.Values[0]}
			filings = append(filings, filing{fmt.Sprintf("%s exempt %d", p.ID, j+1), p, sampleAnswers(t, s, e.DeviceID, p, set)})
		}
	}
	reliefs := map[kiosk.FeeReliefKind]int{}
	charged := 0
	for i, f := range filings {
		req := dossierFor(f.proc.ID, f.answers)
		req.Applicant = central.Applicant{FullName: "Nguyễn Thị Mai", PersonalID: "001190012345"}
		clean, problems := kiosk.ValidateForm(f.proc.Form, f.answers, dossierTestNow)
		if problems != nil {
			t.Fatalf("%s: the sample answers are not valid: %v", f.name, problems)
		}
		want := kiosk.QuoteFee(f.proc, clean, kiosk.ChannelKiosk)
		d := fileDossier(t, hs, e.DeviceToken, fmt.Sprintf("quote-%d", i), req)
		if d.Fee != want.Total {
			t.Errorf("%s: POST /v1/dossiers fee = %d; want QuoteFee's %d (%v)", f.name, d.Fee, want.Total, want.Lines)
		}
		if want.Relief != nil {
			reliefs[want.Relief.Kind]++
		}
		if want.Total > 0 {
			charged++
		}
	}
	if charged < 10 || reliefs[kiosk.FeeReliefExempt] == 0 || reliefs[kiosk.FeeReliefOnline] == 0 {
		t.Errorf("%d filings charged, reliefs %v; want a sample that charges, exempts and discounts", charged, reliefs)
	}
}

// TestPhoneDossierFeeIsOnline: a dossier the phone files after a
// hand-over is filed online too, and gets the online price.
func TestPhoneDossierFeeIsOnline(t *testing.T) {
	s, hs := testServer(t, nil)
	e := enrolKiosk(t, s, hs, "2468-1357")
	proc, _ := s.catalog.Procedure("dang-ky-tam-tru")
	req := dossierFor(proc.ID, sampleAnswers(t, s, e.DeviceID, proc, nil))
	req.Applicant = central.Applicant{FullName: "Nguyễn Thị Mai", PersonalID: "001190012345"}
	req.Channel = channelPhone
	var d central.Dossier
	err := s.db.Update(func(tx *bolt.Tx) error {
		_, resp, apiErr := s.createDossier(tx, e.DeviceID, hs.URL, channelPhone, req)
		if apiErr != nil {
			return fmt.Errorf("createDossier: %+v", apiErr)
		}
		d = resp.(central.Dossier)
		return nil
	})
	want := kiosk.QuoteFee(proc, req.Fields, kiosk.ChannelPhone)
	if err != nil || d.Fee != want.Total || want.Relief == nil || want.Relief.Kind != kiosk.FeeReliefOnline {
		t.Errorf("createDossier(%s, by phone) = fee %d, %v; want the online price %d", proc.ID, d.Fee, err, want.Total)
	}
}

func TestCreateDossierRefusesTooManyCopies(t *testing.T) {
	_, hs := testServer(t, nil)
	token := enrolDevice(t, hs)
	req := dossierFor("chung-thuc-ban-sao", map[string]string{
		"document_type": "khai_sinh", "pages": "1001", "copies": "2", "foreign_issued": "no",
	})
	status, _, body := call(t, "POST", hs.URL+"/v1/dossiers", token, "too-many", req)
	if got := fieldErrors(t, body); status != http.StatusUnprocessableEntity || got["pages"] == "" || got["copies"] != "" {
		t.Errorf("POST /v1/dossiers with 1001 pages = %d %v; want 422 naming pages only", status, got)
	}
}

func TestCreateDossierIsIdempotent(t *testing.T) {
	s, hs := testServer(t, nil)
	token := enrolDevice(t, hs)
	req := birthRequest()
	first, _, body1 := call(t, "POST", hs.URL+"/v1/dossiers", token, "key-1", req)
	again, h, body2 := call(t, "POST", hs.URL+"/v1/dossiers", token, "key-1", req)
	if first != http.StatusCreated || again != first || string(body2) != string(body1) || h.Get("Idempotent-Replayed") != "true" {
		t.Errorf("POST /v1/dossiers again with the same key = %d %s (Idempotent-Replayed %q); want %d %s replayed",
			again, body2, h.Get("Idempotent-Replayed"), first, body1)
	}
	if n, err := s.DossierCount(); n != 1 || err != nil {
		t.Errorf("DossierCount() after a replay = %d, %v; want 1", n, err)
	}

	req.Fields["child_name"] = "Nguyễn Minh Khang"
	status, _, body := call(t, "POST", hs.URL+"/v1/dossiers", token, "key-1", req)
	if status != http.StatusUnprocessableEntity || errorCode(t, body) != "idempotency_key_reused" {
		t.Errorf("POST /v1/dossiers, same key, other body = %d %s; want 422 idempotency_key_reused", status, body)
	}
	status, _, body = call(t, "POST", hs.URL+"/v1/dossiers", token, "", req)
	if status != http.StatusBadRequest || errorCode(t, body) != "idempotency_key_missing" {
		t.Errorf("POST /v1/dossiers without a key = %d %s; want 400 idempotency_key_missing", status, body)
	}
	if n, _ := s.DossierCount(); n != 1 {
		t.Errorf("DossierCount() = %d; want still 1", n)
	}
}

// TestCreateDossierExplainsInBothLanguages checks a 422 round trip: the
// messages are the kiosk validators' own, in the language asked for.
func TestCreateDossierExplainsInBothLanguages(t *testing.T) {
	_, hs := testServer(t, nil)
	token := enrolDevice(t, hs)
	req := birthRequest()
	req.Applicant.PersonalID = "03619200"
	req.Fields["mother_dob"] = "22/08/1993"
	want := map[string]map[string]string{
		"vi": {
			"applicant.personal_id": "Số định danh phải có đúng 12 chữ số. Bạn đã nhập 8 chữ số.",
			"mother_id":             "Năm sinh trong số định danh (1992) khác với ngày sinh đã nhập (1993). Vui lòng kiểm tra lại số định danh hoặc ngày sinh.",
		},
		"en": {
			"applicant.personal_id": "The ID number must have exactly 12 digits. You entered 8.",
			"mother_id":             "The year of birth in the ID number (1992) differs from the date of birth you entered (1993). Please check the ID number or the date of birth.",
		},
	}
	for _, lang := range []string{"vi", "en"} {
		r, _ := http.NewRequest("POST", hs.URL+"/v1/dossiers", bytes.NewReader(mustJSON(req)))
		r.Header.Set("Authorization", "Bearer "+token)
		r.Header.Set(central.HeaderIdempotencyKey, "bad-"+lang)
		r.Header.Set("Accept-Language", lang)
		status, body := sendRequest(t, r)
		if status != http.StatusUnprocessableEntity || errorCode(t, body) != "validation_failed" {
			t.Fatalf("POST /v1/dossiers (%s) = %d %s; want 422 validation_failed", lang, status, body)
		}
		got := fieldErrors(t, body)
		if len(got) != len(want[lang]) {
			t.Errorf("POST /v1/dossiers (%s) fields = %v; want exactly %v", lang, got, want[lang])
		}
		for field, msg := range want[lang] {
			if got[field] != msg {
				t.Errorf("POST /v1/dossiers (%s) fields[%q] = %q; want %q", lang, field, got[field], msg)
			}
		}
	}
}

func TestCreateDossierRefuses(t *testing.T) {
	s, hs := testServer(t, nil)
	enr := enrolKiosk(t, s, hs, "1234-5678")
	other := enrolKiosk(t, s, hs, "2222-3333")
	seedAttachment(t, s, "att_mine", enr.DeviceID)
	seedAttachment(t, s, "att_theirs", other.DeviceID)
	tests := []struct {
		name      string
		change    func(*central.DossierRequest)
		wantField string
	}{
		{"unknown procedure", func(r *central.DossierRequest) { r.ProcedureID = "lam-ho-chieu" }, "procedure_id"},
		{"another channel", func(r *central.DossierRequest) { r.Channel = "web" }, "channel"},
		{"no consent", func(r *central.DossierRequest) { r.ConsentAt = time.Time{} }, "consent_at"},
		{"no name", func(r *central.DossierRequest) { r.Applicant.FullName = " " }, "applicant.full_name"},
		{"a landline", func(r *central.DossierRequest) { r.Applicant.Phone = "024 3825 3536" }, "applicant.phone"},
		{"a bad email", func(r *central.DossierRequest) { r.Applicant.Email = "an@gmail" }, "applicant.email"},
		{"a required answer missing", func(r *central.DossierRequest) { delete(r.Fields, "child_dob") }, "child_dob"},
		{"an unknown attachment", func(r *central.DossierRequest) { r.Attachments = []string{"att_mine", "att_nope"} }, "attachments"},
		{"another kiosk's attachment", func(r *central.DossierRequest) { r.Attachments = []string{"att_theirs"} }, "attachments"},
		{"an answer naming another kiosk's file", func(r *central.DossierRequest) { r.Fields["birth_notice_photo"] = "att_theirs" }, "birth_notice_photo"},
		{"too many copies to count a fee on", func(r *central.DossierRequest) {
			*r = dossierFor("chung-thuc-ban-sao", map[string]string{"document_type": "khac", "pages": "2", "copies": "5000", "foreign_issued": "no"})
		}, "copies"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := birthRequest()
			tt.change(&req)
			status, _, body := call(t, "POST", hs.URL+"/v1/dossiers", enr.DeviceToken, "refuse-"+tt.name, req)
			if status != http.StatusUnprocessableEntity {
				t.Fatalf("POST /v1/dossiers = %d %s; want 422", status, body)
			}
			if got := fieldErrors(t, body); got[tt.wantField] == "" {
				t.Errorf("POST /v1/dossiers fields = %v; want a message for %q", got, tt.wantField)
			}
		})
	}
	if n, _ := s.DossierCount(); n != 0 {
		t.Errorf("DossierCount() after only refusals = %d; want 0", n)
	}
}

func TestCreateDossierKeepsItsAttachments(t *testing.T) {
	s, hs := testServer(t, nil)
	enr := enrolKiosk(t, s, hs, "1234-5678")
	seedAttachment(t, s, "att_notice", enr.DeviceID)
	seedAttachment(t, s, "att_extra", enr.DeviceID)
	req := birthRequest()
	req.Fields["birth_notice_photo"] = "att_notice"
	req.Attachments = []string{"att_extra", "att_extra"}
	d := fileDossier(t, hs, enr.DeviceToken, "with-files", req)
	rec, _, _ := s.loadDossier(d.Code)
	if want := []string{"att_extra", "att_notice"}; !slices.Equal(rec.Request.Attachments, want) {
		t.Errorf("stored attachments = %v; want %v (each once, the answer's file too)", rec.Request.Attachments, want)
	}
}

func TestDossiersNeedADeviceToken(t *testing.T) {
	_, hs := testServer(t, nil)
	for _, token := range []string{"", "0123456789abcdef"} {
		status, _, body := call(t, "POST", hs.URL+"/v1/dossiers", token, "k", birthRequest())
		if status != http.StatusUnauthorized {
			t.Errorf("POST /v1/dossiers with token %q = %d %s; want 401", token, status, body)
		}
		status, _, body = call(t, "GET", hs.URL+"/v1/dossiers/000.00.01.H26-261127-0001", token, "", nil)
		if status != http.StatusUnauthorized {
			t.Errorf("GET /v1/dossiers/{code} with token %q = %d %s; want 401", token, status, body)
		}
	}
}

func TestGetDossierIsTheFilingKiosksOnly(t *testing.T) {
	s, hs := testServer(t, nil)
	mine := enrolKiosk(t, s, hs, "1234-5678")
	other := enrolKiosk(t, s, hs, "2222-3333")
	d := fileDossier(t, hs, mine.DeviceToken, "k", birthRequest())
	url := hs.URL + "/v1/dossiers/" + d.Code
	if status, _, body := call(t, "GET", url, mine.DeviceToken, "", nil); status != http.StatusOK {
		t.Errorf("GET /v1/dossiers/{code} by the filing kiosk = %d %s; want 200", status, body)
	}
	status, _, body := call(t, "GET", url, other.DeviceToken, "", nil)
	if status != http.StatusNotFound || errorCode(t, body) != "not_found" {
		t.Errorf("GET /v1/dossiers/{code} by another kiosk = %d %s; want 404 not_found", status, body)
	}
	if status, _, _ := call(t, "GET", hs.URL+"/v1/dossiers/000.00.01.H26-261127-9999", mine.DeviceToken, "", nil); status != http.StatusNotFound {
		t.Errorf("GET /v1/dossiers/{unknown code} = %d; want 404", status)
	}
}

func TestDossierStatusAdvancesOnTheServersClock(t *testing.T) {
	clock := &stepClock{now: dossierTestNow}
	_, hs := testServer(t, func(o *Options) { o.Now, o.StepEvery = clock.Now, time.Hour })
	token := enrolDevice(t, hs)
	d := fileDossier(t, hs, token, "k", birthRequest())
	received := dossierTestNow.UTC()
	tests := []struct {
		advance    time.Duration
		wantStatus string
		wantSteps  []central.TimelineEntry
	}{
		{0, central.StatusReceived, []central.TimelineEntry{{Status: "received", At: received}}},
		{59 * time.Minute, central.StatusReceived, []central.TimelineEntry{{Status: "received", At: received}}},
		{time.Minute, central.StatusProcessing, []central.TimelineEntry{
			{Status: "received", At: received}, {Status: "processing", At: received.Add(time.Hour)}}},
		{time.Hour, central.StatusDone, []central.TimelineEntry{
			{Status: "received", At: received}, {Status: "processing", At: received.Add(time.Hour)},
			{Status: "done", At: received.Add(2 * time.Hour)}}},
		{24 * time.Hour, central.StatusDone, []central.TimelineEntry{
			{Status: "received", At: received}, {Status: "processing", At: received.Add(time.Hour)},
			{Status: "done", At: received.Add(2 * time.Hour)}}},
	}
	for _, tt := range tests {
		clock.Advance(tt.advance)
		status, _, body := call(t, "GET", hs.URL+"/v1/dossiers/"+d.Code, token, "", nil)
		var got central.Dossier
		if status != http.StatusOK || json.Unmarshal(body, &got) != nil {
			t.Fatalf("GET /v1/dossiers/{code} = %d %s; want 200", status, body)
		}
		if got.Status != tt.wantStatus || !slices.Equal(got.Timeline, tt.wantSteps) {
			t.Errorf("at %s: status %q, timeline %v; want %q, %v", clock.Now().Format(time.TimeOnly), got.Status, got.Timeline, tt.wantStatus, tt.wantSteps)
		}
	}
}

func TestDossiersListsThemAllByCode(t *testing.T) {
	s, hs := testServer(t, nil)
	token := enrolDevice(t, hs)
	a := fileDossier(t, hs, token, "a", birthRequest())
	b := fileDossier(t, hs, token, "b", marriageStatusRequest())
	got, err := s.Dossiers()
	if err != nil || len(got) != 2 || got[0].Code != a.Code || got[1].Code != b.Code || got[1].Fee != 15000 {
		t.Errorf("Dossiers() = %+v, %v; want %s then %s", got, err, a.Code, b.Code)
	}
}

// TestRestartKeepsDossiersAndKeys closes the server and opens the same
// file again: the dossier is still there and a retry is still replayed.
func TestRestartKeepsDossiersAndKeys(t *testing.T) {
	file := filepath.Join(t.TempDir(), "central.db")
	onFile := func(o *Options) { o.DataFile = file }
	s, hs := testServer(t, onFile)
	token := enrolDevice(t, hs)
	_, _, first := call(t, "POST", hs.URL+"/v1/dossiers", token, "before-restart", birthRequest())
	var d central.Dossier
	if err := json.Unmarshal(first, &d); err != nil {
		t.Fatal(err)
	}
	hs.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, hs = testServer(t, onFile)
	if status, _, body := call(t, "GET", hs.URL+"/v1/dossiers/"+d.Code, token, "", nil); status != http.StatusOK {
		t.Errorf("GET /v1/dossiers/{code} after a restart = %d %s; want 200", status, body)
	}
	status, h, again := call(t, "POST", hs.URL+"/v1/dossiers", token, "before-restart", birthRequest())
	if status != http.StatusCreated || string(again) != string(first) || h.Get("Idempotent-Replayed") != "true" {
		t.Errorf("retry after a restart = %d %s; want 201 %s replayed", status, again, first)
	}
	if n, _ := s.DossierCount(); n != 1 {
		t.Errorf("DossierCount() after a restart and a retry = %d; want 1", n)
	}
}

// seedAttachment stores an attachment's metadata as if deviceID uploaded it.
func seedAttachment(t *testing.T, s *Server, id, deviceID string) {
	t.Helper()
	rec := attachmentRecord{Attachment: central.Attachment{ID: id, MIME: "image/jpeg", Size: 1}, DeviceID: deviceID, CreatedAt: dossierTestNow}
	if err := s.db.Update(func(tx *bolt.Tx) error { return putJSON(tx, bucketAttachMeta, id, rec) }); err != nil {
		t.Fatal(err)
	}
}

func mustJSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return data
}

// sendRequest sends a request built by hand and returns its status and body.
func sendRequest(t *testing.T, r *http.Request) (int, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", r.Method, r.URL.Path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}
