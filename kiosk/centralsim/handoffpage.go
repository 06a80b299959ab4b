package centralsim

import (
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"
	bolt "go.etcd.io/bbolt"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
)

// The hand-over page shows the procedure's whole form as one HTML form,
// prefilled with the kiosk's answers: on a phone, scrolling one page is
// easier than paging through one question at a time, and it needs no
// script. "Nộp hồ sơ" files it with the same validation and code as
// POST /v1/dossiers; "Lưu" keeps the answers (sealed) for later, here or
// at a kiosk through the resume QR. Papers cannot be sent from this page:
// the kiosk's attached files go with the application, and the rest can be
// shown at the counter.

// errHandoffOver: the draft was filed or taken back meanwhile.
var errHandoffOver = errors.New("link: the hand-over has ended")

// Hand-over states the page shows.
const (
	handoffWaiting   = "waiting"   // the kiosk has not put its draft yet
	handoffEditing   = "open"      // the form
	handoffSubmitted = "submitted" // filed from the phone
	handoffClaimed   = "claimed"   // taken back by a kiosk
)

// resumeQRSize is the resume QR's side in pixels: crisp on a phone screen
// at the 240 CSS pixels the page shows it.
const resumeQRSize = 480

// handoffView is the hand-over part of the link page.
type handoffView struct {
	State     string
	Procedure string
	Questions []questionView
	Papers    []questionView // attachment questions: listed, not asked
	Summary   []summaryLine  // the problems of a refused submission
	ResumeQR  template.URL   // a data: URI of the PNG
	Until     string
	// submitted
	DossierCode, TrackURL string
}

// questionView is one question of the form, its texts in the page's
// language already, so the template needs no language of its own.
type questionView struct {
	ID, Input   string // the field ID and the input's name
	Kind        string // "select", "yes_no" or "input"
	Type        string // of an input: text, tel, email
	InputMode   string
	Placeholder string
	Complete    string // autocomplete
	Label       string
	Optional    string // "không bắt buộc", or "" for a required question
	Help, Hint  string
	Error       string
	Value       string
	Options     []optionView
}

type optionView struct {
	Value, Label string
	Selected     bool
}

// summaryLine is one problem in the box above the form; Anchor links to
// its question.
type summaryLine struct{ Anchor, Text string }

// handoffView builds the page for rec. answers are what to show in the
// inputs (nil: the saved draft) and problems what a refused submission
// said. Showing the form issues a new resume QR.
func (s *Server) handoffView(rec *linkRecord, lang kiosk.Lang, answers map[string]string, problems map[string]kiosk.Text) (*handoffView, error) {
	h := rec.Handoff
	switch {
	case h == nil:
		return &handoffView{State: handoffWaiting}, nil
	case h.DossierCode != "":
		return submittedView(h.DossierCode, lang), nil
	case !h.ClaimedAt.IsZero():
		return &handoffView{State: handoffClaimed}, nil
	}
	d, err := s.openDraft(rec)
	if err != nil {
		s.log.Warn().Err(err).Msg("a hand-over draft does not open")
		return nil, errLinkClosed
	}
	proc, ok := s.catalog.Procedure(d.ProcedureID)
	if !ok {
		return nil, errLinkClosed // the catalog changed under the draft
	}
	if answers == nil { // shown normalised: "có" checks the Yes radio
		answers = normalised(proc, d.Answers, s.opts.Now())
	}
	qr, err := s.resumeQR(rec.ID)
	if err != nil {
		return nil, err
	}
	v := &handoffView{
		State:     handoffEditing,
		Procedure: proc.Name.In(lang),
		ResumeQR:  qr,
		Until:     untilText(rec.handoffUntil(), lang),
	}
	v.fill(proc, lang, answers, problems)
	return v, nil
}

func submittedView(code string, lang kiosk.Lang) *handoffView {
	track := "/t/" + url.PathEscape(code)
	if lang == kiosk.EN {
		track += "?lang=en"
	}
	return &handoffView{State: handoffSubmitted, DossierCode: code, TrackURL: track}
}

func untilText(t time.Time, lang kiosk.Lang) string {
	at := t.In(ictZone)
	return kiosk.Text{
		VI: "Bạn có thể hoàn tất hồ sơ trên điện thoại này đến " + at.Format("15:04 ngày 02/01/2006") + ".",
		EN: "You can finish the application on this phone until " + at.Format("15:04 on 02/01/2006") + ".",
	}.In(lang)
}

// fill lists the form's questions with their answers and problems, and
// the summary of the problems in form order.
func (v *handoffView) fill(proc *kiosk.Procedure, lang kiosk.Lang, answers map[string]string, problems map[string]kiosk.Text) {
	byField, general := placeProblems(proc, problems)
	for _, f := range proc.Form {
		q := questionOf(f, lang, answers[f.ID], byField[f.ID])
		if f.Kind == kiosk.KindAttachment {
			q.Value = paperNote(answers[f.ID] != "", lang)
			v.Papers = append(v.Papers, q)
		} else {
			v.Questions = append(v.Questions, q)
		}
		if q.Error != "" {
			v.Summary = append(v.Summary, summaryLine{Anchor: "q-" + f.ID, Text: q.Label + ": " + q.Error})
		}
	}
	for _, msg := range general {
		v.Summary = append(v.Summary, summaryLine{Text: msg.In(lang)})
	}
}

func paperNote(attached bool, lang kiosk.Lang) string {
	if attached {
		return kiosk.Text{VI: "đã đính kèm từ máy kiosk", EN: "attached at the kiosk"}.In(lang)
	}
	return kiosk.Text{VI: "chưa đính kèm — có thể xuất trình tại quầy", EN: "not attached — you can show it at the counter"}.In(lang)
}

// placeProblems puts each problem of a refused dossier next to its
// question. The applicant's problems ("applicant.full_name"…) go to the
// question the applicant was read from, unless it has its own; the rest
// (consent, procedure) are general.
func placeProblems(proc *kiosk.Procedure, problems map[string]kiosk.Text) (byField map[string]kiosk.Text, general []kiosk.Text) {
	byField = map[string]kiosk.Text{}
	keys := slices.Sorted(maps.Keys(problems))
	for _, key := range keys {
		if slices.ContainsFunc(proc.Form, func(f kiosk.Field) bool { return f.ID == key }) {
			byField[key] = problems[key]
		}
	}
	for _, key := range keys {
		if _, placed := byField[key]; placed {
			continue
		}
		id := applicantFieldID(proc, key)
		switch {
		case id == "":
			general = append(general, problems[key])
		case byField[id].IsZero():
			byField[id] = problems[key]
		}
	}
	return byField, general
}

// applicantFieldID is the question an applicant's problem key is about,
// as kiosk.Journey.Applicant reads the applicant from the form.
func applicantFieldID(proc *kiosk.Procedure, key string) string {
	who := proc.ApplicantPerson()
	for _, f := range proc.Form {
		mine := who != "" && f.Person == who
		switch {
		case key == "applicant.full_name" && mine && f.Kind == kiosk.KindPersonName,
			key == "applicant.personal_id" && mine && f.Kind == kiosk.KindPersonalID,
			key == "applicant.phone" && f.Kind == kiosk.KindPhone,
			key == "applicant.email" && f.Kind == kiosk.KindEmail:
			return f.ID
		}
	}
	return ""
}

// questionOf is one question with the input that suits its kind.
func questionOf(f kiosk.Field, lang kiosk.Lang, value string, problem kiosk.Text) questionView {
	q := questionView{
		ID: f.ID, Input: "q_" + f.ID, Kind: "input", Type: "text", Complete: "off",
		Label: f.Label.In(lang), Help: f.Help.In(lang), Error: problem.In(lang), Value: value,
	}
	if !f.Required {
		q.Optional = kiosk.Text{VI: "không bắt buộc", EN: "optional"}.In(lang)
	}
	switch f.Kind {
	case kiosk.KindSelect:
		q.Kind = "select"
		q.Options = append(q.Options, optionView{Label: kiosk.Text{VI: "— Chọn —", EN: "— Choose —"}.In(lang), Selected: value == ""})
		for _, o := range f.Options {
			q.Options = append(q.Options, optionView{Value: o.Value, Label: o.Label.In(lang), Selected: o.Value == value})
		}
	case kiosk.KindYesNo:
		q.Kind = "yes_no"
		q.Options = []optionView{
			{Value: "yes", Label: kiosk.Text{VI: "Có", EN: "Yes"}.In(lang), Selected: value == "yes"},
			{Value: "no", Label: kiosk.Text{VI: "Không", EN: "No"}.In(lang), Selected: value == "no"},
		}
	case kiosk.KindDate:
		// Phone number pads lack "/": eight digits are read as ddmmyyyy.
		q.InputMode, q.Placeholder = "numeric", "dd/mm/yyyy"
		q.Hint = kiosk.Text{VI: "Có thể gõ liền 8 chữ số, ví dụ 05091988.", EN: "You can type the 8 digits in a row, for example 05091988."}.In(lang)
	case kiosk.KindNumber, kiosk.KindPersonalID:
		q.InputMode = "numeric"
	case kiosk.KindPhone:
		q.Type, q.InputMode, q.Complete = "tel", "tel", "tel"
	case kiosk.KindEmail:
		q.Type, q.InputMode, q.Complete = "email", "email", "email"
	}
	return q
}

// resumeQR issues a new resume token for the link, replacing the one
// before, and returns its QR as a PNG data: URI (the page's policy allows
// data: images, and the page stays one request).
func (s *Server) resumeQR(linkID string) (template.URL, error) {
	token := s.opts.resumeToken()
	hash := tokenKey(token)
	err := s.db.Update(func(tx *bolt.Tx) error {
		var rec linkRecord
		found, err := getJSON(tx, bucketLinks, linkID, &rec)
		if err != nil {
			return err
		}
		if !found || rec.Handoff == nil {
			return errLinkClosed // purged meanwhile
		}
		tokens := tx.Bucket(bucketResumeToken)
		if old := rec.Handoff.ResumeHash; old != "" {
			if err := tokens.Delete([]byte(old)); err != nil {
				return err
			}
		}
		rec.Handoff.ResumeHash, rec.Handoff.ResumeUntil = hash, s.opts.Now().Add(resumeTTL)
		if err := tokens.Put([]byte(hash), []byte(linkID)); err != nil {
			return err
		}
		return putJSON(tx, bucketLinks, linkID, rec)
	})
	if err != nil {
		return "", err
	}
	png, err := qrcode.Encode(central.HandoffQR(token), qrcode.Medium, resumeQRSize)
	if err != nil {
		return "", fmt.Errorf("resume QR: %w", err)
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)), nil
}

// typedAnswers reads the form's answers: what was typed for each question,
// and the kiosk's files for the attachment questions, which the page does
// not ask.
func typedAnswers(proc *kiosk.Procedure, draft, form map[string]string) map[string]string {
	out := map[string]string{}
	for _, f := range proc.Form {
		v := strings.TrimSpace(form["q_"+f.ID])
		switch f.Kind {
		case kiosk.KindAttachment:
			v = draft[f.ID]
		case kiosk.KindDate:
			v = phoneDate(v)
		}
		if v != "" {
			out[f.ID] = v
		}
	}
	return out
}

// phoneDate reads eight digits, typed on a number pad without "/", as
// ddmmyyyy (the Căn cước's own way of writing dates).
func phoneDate(v string) string {
	if len(v) != 8 || strings.Trim(v, "0123456789") != "" {
		return v
	}
	return v[:2] + "/" + v[2:4] + "/" + v[4:]
}

// normalised keeps each valid answer in the form the kiosk stores, and an
// invalid one as typed: the kiosk's wizard stops on it when it resumes.
func normalised(proc *kiosk.Procedure, answers map[string]string, now time.Time) map[string]string {
	out := make(map[string]string, len(answers))
	for _, f := range proc.Form {
		v, ok := answers[f.ID]
		if !ok {
			continue
		}
		if clean, err := kiosk.CheckField(f, v, now); err == nil && clean != "" {
			v = clean
		}
		out[f.ID] = v
	}
	return out
}

// editDraft applies edit to an open hand-over's draft and seals the result.
func (s *Server) editDraft(r *http.Request, hash string, edit func(tx *bolt.Tx, l *linkRecord, d *central.HandoffDraft, proc *kiosk.Procedure) error) error {
	return s.phoneChange(r, hash, func(tx *bolt.Tx, l *linkRecord) error {
		if !l.handoffOpen(s.opts.Now()) {
			return errHandoffOver
		}
		d, err := s.openDraft(l)
		if err != nil {
			return err
		}
		proc, ok := s.catalog.Procedure(d.ProcedureID)
		if !ok {
			return errLinkClosed
		}
		return edit(tx, l, &d, proc)
	})
}

// phoneSave keeps the phone's answers, so a kiosk that claims the resume
// QR gets them.
func (s *Server) phoneSave(w http.ResponseWriter, r *http.Request, hash string, rec *linkRecord, form upload) {
	err := s.editDraft(r, hash, func(_ *bolt.Tx, l *linkRecord, d *central.HandoffDraft, proc *kiosk.Procedure) error {
		now := s.opts.Now()
		d.Answers = normalised(proc, typedAnswers(proc, d.Answers, form.fields), now)
		return s.sealDraft(l, *d, now)
	})
	s.handoffDone(w, r, rec, err, "saved")
}

// phoneSubmit files the application from the phone, in the same
// transaction that ends the hand-over, so two taps file it once. A
// refused one shows the form again with what was typed and each problem
// next to its question.
func (s *Server) phoneSubmit(w http.ResponseWriter, r *http.Request, hash string, rec *linkRecord, form upload) {
	base := s.publicURL(r)
	var typed map[string]string
	err := s.editDraft(r, hash, func(tx *bolt.Tx, l *linkRecord, d *central.HandoffDraft, proc *kiosk.Procedure) error {
		typed = typedAnswers(proc, d.Answers, form.fields)
		_, resp, apiErr := s.createDossier(tx, l.DeviceID, base, channelPhone, s.phoneDossier(proc, typed, d.ConsentAt))
		if apiErr != nil {
			return errRollback{apiErr}
		}
		h := l.Handoff
		if h.ResumeHash != "" {
			if err := tx.Bucket(bucketResumeToken).Delete([]byte(h.ResumeHash)); err != nil {
				return err
			}
		}
		h.DossierCode, h.Sealed, h.ResumeHash, h.ResumeUntil = resp.(central.Dossier).Code, nil, "", time.Time{}
		return nil
	})
	var rb errRollback
	if errors.As(err, &rb) {
		s.renderRefused(w, r, rec, typed, rb.apiErr)
		return
	}
	s.handoffDone(w, r, rec, err, "submitted")
}

// phoneDossier is the dossier the phone files: the applicant is read from
// the form as the kiosk reads it (kiosk.Journey.Applicant), the consent
// is the one the citizen gave at the kiosk, and the kiosk's files go with
// it through the attachment questions' answers.
func (s *Server) phoneDossier(proc *kiosk.Procedure, answers map[string]string, consent time.Time) central.DossierRequest {
	a := kiosk.NewJourney(proc, answers, s.opts.Now).Applicant()
	return central.DossierRequest{
		ProcedureID: proc.ID,
		Applicant:   central.Applicant{FullName: a.FullName, PersonalID: a.PersonalID, Phone: a.Phone, Email: a.Email},
		Fields:      answers,
		Attachments: []string{},
		Channel:     channelPhone,
		ConsentAt:   consent,
	}
}

// renderRefused shows the form again after a refused submission.
func (s *Server) renderRefused(w http.ResponseWriter, r *http.Request, rec *linkRecord, typed map[string]string, e *apiError) {
	lang := pageLang(r)
	hv, err := s.handoffView(rec, lang, typed, e.fields)
	if err != nil {
		s.writeLinkProblem(w, r, err)
		return
	}
	var problem kiosk.Text
	if len(e.fields) == 0 { // otherwise the summary above the form says it all
		problem = e.message
	}
	v := s.baseView(r, rec, kiosk.Text{}, problem)
	v.Handoff = hv
	writePage(w, r, e.status, linkPage, linkTitles[rec.Purpose], v)
}

// handoffDone answers a save or submit: a hand-over that ended meanwhile
// shows what became of it.
func (s *Server) handoffDone(w http.ResponseWriter, r *http.Request, rec *linkRecord, err error, msg string) {
	if errors.Is(err, errHandoffOver) {
		redirectToPage(w, r, "")
		return
	}
	s.phoneDone(w, r, rec, err, msg)
}

// handoffTemplates are the hand-over part of linkPage. Save comes before
// Submit in the form: the Enter or Go key of a phone keyboard presses the
// first button, and it must not file an application by accident.
const handoffTemplates = `
{{define "handoff"}}{{with .Data.Handoff}}
{{if eq .State "waiting"}}
<div class="box"><p>{{t $.Lang "Máy kiosk chưa gửi hồ sơ sang. Hãy đợi vài giây rồi tải lại trang." "The kiosk has not sent the application yet. Wait a few seconds, then reload the page."}}</p>
<a class="button" href="">{{t $.Lang "Tải lại" "Reload"}}</a></div>
{{else if eq .State "submitted"}}
<div class="box ok"><p><strong>{{t $.Lang "Hồ sơ đã được nộp." "Your application has been submitted."}}</strong></p>
<p>{{t $.Lang "Mã hồ sơ" "Application code"}}:</p><p class="code">{{.DossierCode}}</p>
<p>{{t $.Lang "Hãy ghi lại mã này để theo dõi hồ sơ. Trang này không nhận thêm gì nữa." "Note this code to follow your application. This page accepts nothing more."}}</p>
<a class="button" href="{{.TrackURL}}">{{t $.Lang "Theo dõi hồ sơ" "Track the application"}}</a></div>
{{else if eq .State "claimed"}}
<div class="box ok"><p>{{t $.Lang "Hồ sơ đã được chuyển sang máy kiosk. Hãy tiếp tục trên máy kiosk; trang này không nhận thêm gì nữa." "The application went back to a kiosk. Carry on there; this page accepts nothing more."}}</p></div>
{{else}}
<h2>{{.Procedure}}</h2>
{{if .Summary}}<div class="box err" role="alert"><p><strong>{{t $.Lang "Cần sửa các mục sau" "Please correct the following"}}</strong></p>
<ul>{{range .Summary}}<li>{{if .Anchor}}<a href="#{{.Anchor}}">{{.Text}}</a>{{else}}{{.Text}}{{end}}</li>{{end}}</ul></div>{{end}}
<p>{{t $.Lang "Kiểm tra và hoàn tất các câu trả lời, rồi bấm Nộp hồ sơ. Bấm Lưu để giữ lại và làm tiếp sau." "Check and finish the answers, then tap Submit. Tap Save to keep them and carry on later."}}</p>
<form method="post" novalidate>
{{range .Questions}}{{template "question" .}}{{end}}
{{if .Papers}}<div class="box"><p><strong>{{t $.Lang "Giấy tờ đính kèm" "Papers"}}</strong></p>
{{range .Papers}}<p id="q-{{.ID}}">{{.Label}}: {{.Value}}</p>{{if .Error}}<p class="field-err">{{.Error}}</p>{{end}}
{{end}}<p><small>{{t $.Lang "Trang này không gửi được giấy tờ. Bạn có thể xuất trình giấy tờ tại quầy." "Papers cannot be sent from this page. You can show them at the counter."}}</small></p></div>{{end}}
<button type="submit" name="action" value="save" class="secondary">{{t $.Lang "Lưu" "Save"}}</button>
<button type="submit" name="action" value="submit">{{t $.Lang "Nộp hồ sơ" "Submit the application"}}</button>
</form>
<p><small>{{.Until}}</small></p>
<div class="box">
<h2>{{t $.Lang "Tiếp tục trên máy kiosk" "Continue at a kiosk"}}</h2>
<p>{{t $.Lang "Tại máy kiosk, chọn Tiếp tục hồ sơ rồi đưa mã này vào máy quét." "At a kiosk, choose Continue an application, then hold this code to the scanner."}}</p>
<p class="qr"><img src="{{.ResumeQR}}" width="240" height="240" alt="{{t $.Lang "Mã QR để tiếp tục trên máy kiosk" "QR code to continue at a kiosk"}}"></p>
<p><small>{{t $.Lang "Mã dùng được một lần, trong 30 phút. Bấm Lưu trước khi quét để máy kiosk nhận những gì bạn vừa nhập." "The code works once, for 30 minutes. Tap Save before scanning so the kiosk gets what you just typed."}}</small></p>
</div>
{{end}}{{end}}{{end}}

{{define "question"}}<div class="q" id="q-{{.ID}}">
{{if eq .Kind "yes_no"}}<fieldset>
<legend>{{.Label}}{{if .Optional}} <small>({{.Optional}})</small>{{end}}</legend>
{{template "qnotes" .}}
{{range .Options}}<label class="choice"><input type="radio" name="{{$.Input}}" value="{{.Value}}"{{if .Selected}} checked{{end}}> {{.Label}}</label>
{{end}}</fieldset>
{{else}}<label for="{{.Input}}">{{.Label}}{{if .Optional}} <small>({{.Optional}})</small>{{end}}</label>
{{template "qnotes" .}}
{{if eq .Kind "select"}}<select id="{{.Input}}" name="{{.Input}}"{{if .Error}} aria-invalid="true" aria-describedby="e-{{.ID}}"{{end}}>
{{range .Options}}<option value="{{.Value}}"{{if .Selected}} selected{{end}}>{{.Label}}</option>
{{end}}</select>
{{else}}<input id="{{.Input}}" name="{{.Input}}" type="{{.Type}}" value="{{.Value}}" autocomplete="{{.Complete}}"{{if .InputMode}} inputmode="{{.InputMode}}"{{end}}{{if .Placeholder}} placeholder="{{.Placeholder}}"{{end}}{{if .Error}} aria-invalid="true" aria-describedby="e-{{.ID}}"{{end}}>
{{end}}{{end}}</div>
{{end}}

{{define "qnotes"}}{{if .Help}}<p class="hint">{{.Help}}</p>{{end}}{{if .Hint}}<p class="hint">{{.Hint}}</p>{{end}}{{if .Error}}<p class="field-err" id="e-{{.ID}}">{{.Error}}</p>{{end}}{{end}}
`
