package centralsim

import (
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
)

// The phone page /l/{token} is where the citizen's phone lands after
// scanning the kiosk's QR code. Before the phone can do anything it shows
// three codes and the citizen taps the one the kiosk's screen shows
// (number matching): a forged QR stuck on the kiosk leads to a session
// whose code the kiosk does not show, so the citizen finds no match, and
// three wrong taps close the link (linkmatch.go). The right tap redeems
// the link, in one bbolt transaction that checks the link is still pending
// and unexpired, so of many phones racing for one code exactly one wins.
// The winner gets a secret cookie (only its hash is stored) and only that
// browser may act on the link afterwards; everyone else is told the code
// was used. Forms post back to the page itself, and every success answers
// 303 See Other so a reload never sends a file twice.

// Outcomes of a phone action besides success.
var (
	errLinkUnknown    = errors.New("link: unknown token")
	errLinkExpired    = errors.New("link: expired")
	errLinkClosed     = errors.New("link: closed by the kiosk")
	errLinkMismatch   = errors.New("link: closed after too many wrong codes")
	errLinkUsed       = errors.New("link: redeemed by another phone")
	errLinkNotMatched = errors.New("link: the code was not matched yet")
	errLinkNoChange   = errors.New("link: nothing to change")
	errLinkFull       = errors.New("link: too many files")
)

// linkMaxFiles bounds the files one visit can send from a phone.
const linkMaxFiles = 40

// linkProblem is the page shown for a link the phone cannot use.
type linkProblem struct {
	status         int
	title, message kiosk.Text
}

var linkProblems = []struct {
	err error
	linkProblem
}{
	{errLinkUnknown, linkProblem{http.StatusNotFound,
		kiosk.Text{VI: "Không tìm thấy mã QR", EN: "QR code not found"},
		kiosk.Text{VI: "Mã QR này không tồn tại. Hãy quét lại mã trên màn hình máy kiosk.", EN: "This QR code does not exist. Scan the code on the kiosk screen again."}}},
	{errLinkExpired, linkProblem{http.StatusGone,
		kiosk.Text{VI: "Mã QR đã hết hạn", EN: "The QR code has expired"},
		kiosk.Text{VI: "Mã QR đã hết hạn, hãy quét mã mới trên máy kiosk. Trang này không nhận thêm gì nữa.", EN: "The QR code has expired; scan the new code on the kiosk. This page accepts nothing more."}}},
	{errLinkClosed, linkProblem{http.StatusGone,
		kiosk.Text{VI: "Phiên đã kết thúc", EN: "The session has ended"},
		kiosk.Text{VI: "Phiên đã kết thúc trên máy kiosk. Trang này không nhận thêm gì nữa.", EN: "The session has ended at the kiosk. This page accepts nothing more."}}},
	{errLinkMismatch, linkProblem{http.StatusGone,
		kiosk.Text{VI: "Phiên đã đóng", EN: "The session was closed"},
		kiosk.Text{VI: "Đã chọn sai mã 3 lần nên phiên này đã đóng để bảo vệ bạn. Hãy quét mã QR mới trên màn hình máy kiosk. Nếu không có mã nào giống mã trên máy kiosk, hãy báo cán bộ tại quầy.", EN: "A wrong code was tapped 3 times, so this session was closed to protect you. Scan the new QR code on the kiosk screen. If none of the codes matches the kiosk's, tell the staff at the counter."}}},
	{errLinkUsed, linkProblem{http.StatusConflict,
		kiosk.Text{VI: "Mã QR đã được dùng", EN: "The QR code was already used"},
		kiosk.Text{VI: "Mã QR này đã được dùng trên một điện thoại khác. Mỗi mã chỉ dùng được một lần: hãy quét mã mới trên máy kiosk. Nếu bạn không quét mã này trước đó, hãy báo cán bộ tại quầy.", EN: "This QR code was already used on another phone. Each code works once: scan the new code on the kiosk. If you did not scan this code before, tell the staff at the counter."}}},
}

var (
	msgCrossSite  = kiosk.Text{VI: "Yêu cầu này không đến từ chính trang này nên đã bị từ chối.", EN: "This request did not come from this site's own page, so it was refused."}
	msgBadAction  = kiosk.Text{VI: "Trang này không làm được việc đó. Hãy dùng các nút trên trang.", EN: "This page cannot do that. Please use the buttons on the page."}
	msgMatchFirst = kiosk.Text{VI: "Trước hết, hãy chạm vào mã giống mã đang hiện trên màn hình kiosk.", EN: "First, tap the code shown on the kiosk screen."}
	msgFileBig    = kiosk.Text{VI: "Tệp quá lớn: mỗi tệp tối đa 10 MB. Hãy chụp lại với chất lượng thấp hơn hoặc chọn tệp nhỏ hơn.", EN: "The file is too large: at most 10 MB each. Take the photo again at a lower quality or choose a smaller file."}
	msgTooMany    = kiosk.Text{VI: "Đã gửi quá nhiều tệp trong lượt này. Hãy hỏi cán bộ tại quầy.", EN: "Too many files were sent in this visit. Please ask the staff at the counter."}
	msgNoSuchBox  = kiosk.Text{VI: "Giấy tờ này không có trong hồ sơ. Hãy dùng các nút Gửi trên trang.", EN: "This paper is not part of the application. Please use the Send buttons on the page."}
	linkNotices   = map[string]kiosk.Text{
		"matched":   {VI: "Mã khớp. Đã kết nối với máy kiosk.", EN: "The code matches. Connected to the kiosk."},
		"sent":      {VI: "Đã gửi. Tệp sẽ hiện trên máy kiosk trong giây lát.", EN: "Sent. The file will appear on the kiosk in a moment."},
		"saved":     {VI: "Đã lưu. Bạn có thể tiếp tục trên điện thoại này hoặc trên máy kiosk.", EN: "Saved. You can carry on here or at a kiosk."},
		"submitted": {VI: "Đã nộp hồ sơ.", EN: "The application was submitted."},
	}
	linkTitles = map[string]kiosk.Text{
		central.PurposeLogin:   {VI: "Đăng nhập tại máy kiosk", EN: "Sign in at the kiosk"},
		central.PurposeUpload:  {VI: "Gửi ảnh giấy tờ", EN: "Send photos of your papers"},
		central.PurposeHandoff: {VI: "Tiếp tục hồ sơ trên điện thoại", EN: "Continue on your phone"},
	}
)

func (s *Server) writeLinkProblem(w http.ResponseWriter, r *http.Request, err error) {
	for _, p := range linkProblems {
		if errors.Is(err, p.err) {
			writeMessagePage(w, r, p.status, p.title, p.message)
			return
		}
	}
	s.log.Error().Err(err).Msg("link page failed")
	writeMessagePage(w, r, http.StatusInternalServerError,
		kiosk.Text{VI: "Có lỗi", EN: "Something went wrong"},
		kiosk.Text{VI: "Hệ thống gặp lỗi. Vui lòng thử lại sau.", EN: "The server failed. Please try again later."})
}

// linkTokenHash returns the hash the token in the path is stored under;
// a token of the wrong shape is unknown without a database read.
func linkTokenHash(r *http.Request) (string, bool) {
	token := r.PathValue("token")
	if len(token) != 32 {
		return "", false
	}
	if _, err := hex.DecodeString(token); err != nil {
		return "", false
	}
	return tokenKey(token), true
}

func linkByToken(tx *bolt.Tx, hash string) (linkRecord, error) {
	var rec linkRecord
	id := tx.Bucket(bucketLinkTokens).Get([]byte(hash))
	if id == nil {
		return rec, errLinkUnknown
	}
	found, err := getJSON(tx, bucketLinks, string(id), &rec)
	if err == nil && !found {
		err = errLinkUnknown
	}
	return rec, err
}

func (s *Server) linkForToken(hash string) (linkRecord, error) {
	var rec linkRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		rec, err = linkByToken(tx, hash)
		return err
	})
	return rec, err
}

func phoneCookieName(linkID string) string { return "phone_" + linkID }

// phoneOwns reports whether the request comes from the browser that
// redeemed the link.
func phoneOwns(r *http.Request, rec *linkRecord) bool {
	c, err := r.Cookie(phoneCookieName(rec.ID))
	if err != nil || rec.PhoneKey == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(tokenKey(c.Value)), []byte(rec.PhoneKey)) == 1
}

// phoneAccess says whether this phone may see or use the link now. An
// ended link is open to nobody, except a hand-over to the phone that took
// it: the draft outlives the kiosk's session (handoff.go).
func phoneAccess(rec *linkRecord, r *http.Request, now time.Time) error {
	switch rec.stateAt(now) {
	case central.LinkClosed, central.LinkExpired:
		if rec.handoffKept(now) && phoneOwns(r, rec) {
			return nil
		}
		return endedError(rec, now)
	case central.LinkLinked:
		if !phoneOwns(r, rec) {
			return errLinkUsed
		}
	}
	return nil
}

// endedError says why an ended link can no longer be used.
func endedError(rec *linkRecord, now time.Time) error {
	switch {
	case rec.stateAt(now) == central.LinkExpired:
		return errLinkExpired
	case rec.ClosedBy == closedByMismatch:
		return errLinkMismatch
	}
	return errLinkClosed
}

// phoneChange applies change to a redeemed link in one write transaction,
// after checking again, inside it, that this phone may act on it. The
// kiosk's long polls wake when it commits.
func (s *Server) phoneChange(r *http.Request, hash string, change func(tx *bolt.Tx, rec *linkRecord) error) error {
	var id string
	err := s.db.Update(func(tx *bolt.Tx) error {
		rec, err := linkByToken(tx, hash)
		if err != nil {
			return err
		}
		if err := phoneAccess(&rec, r, s.opts.Now()); err != nil {
			return err
		}
		if rec.PhoneKey == "" {
			return errLinkNotMatched
		}
		if err := change(tx, &rec); err != nil {
			return err
		}
		rec.Version++
		id = rec.ID
		return putJSON(tx, bucketLinks, rec.ID, rec)
	})
	if err == nil {
		s.links.notify(id)
	}
	return err
}

// phoneSameOrigin refuses form posts another site's page made. Browsers
// send Sec-Fetch-Site over HTTPS and to localhost; Origin is "null" on
// our own pages because they set Referrer-Policy no-referrer, so only a
// foreign origin is refused. The SameSite=Strict cookie covers the rest.
func (s *Server) phoneSameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	if u.Host == r.Host {
		return true
	}
	pub, err := url.Parse(s.opts.PublicURL)
	return err == nil && pub.Host != "" && u.Host == pub.Host
}

// phoneLink finds the link session of the page's token and checks that
// this phone may use it.
func (s *Server) phoneLink(r *http.Request) (linkRecord, error) {
	hash, ok := linkTokenHash(r)
	if !ok {
		return linkRecord{}, errLinkUnknown
	}
	rec, err := s.linkForToken(hash)
	if err == nil {
		err = phoneAccess(&rec, r, s.opts.Now())
	}
	return rec, err
}

func (s *Server) handleLinkPage(w http.ResponseWriter, r *http.Request) {
	rec, err := s.phoneLink(r)
	if err != nil {
		s.writeLinkProblem(w, r, err)
		return
	}
	var notice kiosk.Text
	if rec.PhoneKey != "" {
		notice = linkNotices[r.URL.Query().Get("msg")]
	}
	s.renderLink(w, r, http.StatusOK, &rec, notice, kiosk.Text{})
}

func (s *Server) handleLinkPagePost(w http.ResponseWriter, r *http.Request) {
	hash, ok := linkTokenHash(r)
	if !ok {
		s.writeLinkProblem(w, r, errLinkUnknown)
		return
	}
	if !s.phoneSameOrigin(r) {
		writeMessagePage(w, r, http.StatusForbidden, kiosk.Text{VI: "Bị từ chối", EN: "Refused"}, msgCrossSite)
		return
	}
	// A first look, before reading a body of up to 10 MiB: an unknown,
	// ended or taken link reads nothing. The actions check again.
	rec, err := s.phoneLink(r)
	if err != nil {
		s.writeLinkProblem(w, r, err)
		return
	}
	form, apiErr := readPhoneForm(w, r)
	if apiErr != nil {
		s.renderLink(w, r, apiErr.status, &rec, kiosk.Text{}, pageProblem(apiErr))
		return
	}
	s.phoneAction(w, r, hash, &rec, form)
}

// phoneAction dispatches a form of the page by its action and the link's
// purpose. Nothing but the code match is accepted before the match.
func (s *Server) phoneAction(w http.ResponseWriter, r *http.Request, hash string, rec *linkRecord, form upload) {
	action := form.fields["action"]
	switch {
	case action == "match":
		s.phoneMatch(w, r, hash, rec, form)
	case rec.PhoneKey == "":
		s.renderLink(w, r, http.StatusForbidden, rec, kiosk.Text{}, msgMatchFirst)
	case rec.Purpose == central.PurposeLogin && action == "login":
		s.phoneLogin(w, r, hash, rec, form)
	case rec.Purpose == central.PurposeUpload && action == "upload":
		s.phoneUpload(w, r, hash, rec, form)
	case rec.Purpose == central.PurposeHandoff && action == "save":
		s.phoneSave(w, r, hash, rec, form)
	case rec.Purpose == central.PurposeHandoff && action == "submit":
		s.phoneSubmit(w, r, hash, rec, form)
	default:
		s.renderLink(w, r, http.StatusBadRequest, rec, kiosk.Text{}, msgBadAction)
	}
}

// readPhoneForm reads a form post: multipart for files, URL-encoded for
// the rest, both size-limited.
func readPhoneForm(w http.ResponseWriter, r *http.Request) (upload, *apiError) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		return readUpload(w, r)
	}
	r.Body = http.MaxBytesReader(w, r.Body, uploadFormSlack)
	if err := r.ParseForm(); err != nil {
		return upload{}, bodyProblem(err)
	}
	u := upload{fields: map[string]string{}}
	for k, v := range r.PostForm {
		if len(v) > 0 {
			u.fields[k] = v[0]
		}
	}
	return u, nil
}

// pageProblem is an API error's message as the phone page shows it.
func pageProblem(e *apiError) kiosk.Text {
	if e.status == http.StatusRequestEntityTooLarge {
		return msgFileBig
	}
	for _, msg := range e.fields {
		return msg // the phone forms have one field that can be wrong
	}
	return e.message
}

func (s *Server) phoneLogin(w http.ResponseWriter, r *http.Request, hash string, rec *linkRecord, form upload) {
	id, problem := pickIdentity(form.fields, rec.OTP)
	if !problem.IsZero() {
		s.renderLink(w, r, http.StatusUnprocessableEntity, rec, kiosk.Text{}, problem)
		return
	}
	err := s.phoneChange(r, hash, func(_ *bolt.Tx, l *linkRecord) error {
		if l.Identity != nil {
			return errLinkNoChange // signed in already, from this phone
		}
		l.Identity = &id
		return nil
	})
	s.phoneDone(w, r, rec, err, "")
}

// phoneUpload stores a photo or PDF as an attachment of the kiosk, listed
// in the link's state under the form question it answers.
func (s *Server) phoneUpload(w http.ResponseWriter, r *http.Request, hash string, rec *linkRecord, form upload) {
	mime, apiErr := sniffFile(form.file, form.hasFile)
	var field string
	if apiErr == nil {
		field, apiErr = s.uploadField(rec, form.fields["field"])
	}
	if apiErr != nil {
		s.renderLink(w, r, apiErr.status, rec, kiosk.Text{}, pageProblem(apiErr))
		return
	}
	err := s.phoneChange(r, hash, func(tx *bolt.Tx, l *linkRecord) error {
		if len(l.Attachments) >= linkMaxFiles {
			return errLinkFull
		}
		a, err := storeAttachment(tx, l.DeviceID, l.ID, mime, 0, field, form.file, s.opts.Now())
		if err != nil {
			return err
		}
		l.Attachments = append(l.Attachments, a.ID)
		return nil
	})
	s.phoneDone(w, r, rec, err, "sent")
}

// uploadField checks the question a phone upload answers: one of the
// procedure's attachment questions, or none when the page shows its one
// generic box.
func (s *Server) uploadField(rec *linkRecord, v string) (string, *apiError) {
	fields := s.linkAttachmentFields(rec)
	if v == "" && len(fields) == 0 {
		return "", nil
	}
	for _, f := range fields {
		if f.ID == v {
			return v, nil
		}
	}
	return "", validationError(map[string]kiosk.Text{"field": msgNoSuchBox})
}

// phoneDone answers a phone action: a redirect to the page, or the reason
// it failed.
func (s *Server) phoneDone(w http.ResponseWriter, r *http.Request, rec *linkRecord, err error, msg string) {
	switch {
	case errors.Is(err, errLinkNoChange):
	case errors.Is(err, errLinkFull):
		s.renderLink(w, r, http.StatusUnprocessableEntity, rec, kiosk.Text{}, msgTooMany)
		return
	case errors.Is(err, errLinkNotMatched):
		s.renderLink(w, r, http.StatusForbidden, rec, kiosk.Text{}, msgMatchFirst)
		return
	case err != nil:
		s.writeLinkProblem(w, r, err)
		return
	}
	redirectToPage(w, r, msg)
}

// redirectToPage sends the browser back to the page (POST, redirect,
// GET), with a notice to show and the page's language.
func redirectToPage(w http.ResponseWriter, r *http.Request, msg string) {
	q := url.Values{}
	if msg != "" {
		q.Set("msg", msg)
	}
	if pageLang(r) == kiosk.EN {
		q.Set("lang", "en")
	}
	target := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, target.String(), http.StatusSeeOther)
}

// linkAttachmentFields are the questions an upload link asks files for:
// the procedure's attachment questions, or none when the kiosk named no
// procedure or its form has none.
func (s *Server) linkAttachmentFields(rec *linkRecord) []kiosk.Field {
	p, ok := s.catalog.Procedure(rec.ProcedureID)
	if !ok {
		return nil
	}
	var out []kiosk.Field
	for _, f := range p.Form {
		if f.Kind == kiosk.KindAttachment {
			out = append(out, f)
		}
	}
	return out
}

// linkView is what the link page template shows.
type linkView struct {
	Unit, Location string
	Step           string // "match", or the link's purpose
	Notice, Error  string
	// match
	Choices []codeChoice
	// login
	OTP        string
	Identities []identityChoice
	SignedInAs string
	// upload
	Boxes []uploadBox
	// handoff
	Handoff *handoffView
}

type identityChoice struct {
	Index                       int
	Name, BirthDate, PersonalID string
}

// uploadBox is one upload form: a question of the form, or the generic box.
type uploadBox struct {
	Index             int
	Field             string // "" for the generic box
	Label, Help, Sent string // Sent: what was sent for it so far, e.g. "Đã gửi 2 tệp (1,2 MB)"
}

// baseView is what every step of the link page shows.
func (s *Server) baseView(r *http.Request, rec *linkRecord, notice, problem kiosk.Text) linkView {
	lang := pageLang(r)
	return linkView{
		Unit:     s.opts.Unit.Name,
		Location: rec.Location,
		Step:     rec.Purpose,
		Notice:   notice.In(lang),
		Error:    problem.In(lang),
	}
}

func (s *Server) renderLink(w http.ResponseWriter, r *http.Request, status int, rec *linkRecord, notice, problem kiosk.Text) {
	v := s.baseView(r, rec, notice, problem)
	lang := pageLang(r)
	switch {
	case rec.PhoneKey == "":
		v.Step, v.Choices = "match", choicesOf(rec)
	case rec.Purpose == central.PurposeLogin:
		v.OTP = rec.OTP
		for i, id := range sampleIdentities {
			v.Identities = append(v.Identities, identityChoice{i, id.FullName, id.BirthDate, id.PersonalID})
		}
		if rec.Identity != nil {
			v.SignedInAs = rec.Identity.FullName
		}
	case rec.Purpose == central.PurposeUpload:
		v.Boxes = s.uploadBoxes(rec, lang)
	case rec.Purpose == central.PurposeHandoff:
		hv, err := s.handoffView(rec, lang, nil, nil)
		if err != nil {
			s.writeLinkProblem(w, r, err)
			return
		}
		v.Handoff = hv
	}
	writePage(w, r, status, linkPage, linkTitles[rec.Purpose], v)
}

// uploadBoxes lists the upload forms, each with what was sent for it.
func (s *Server) uploadBoxes(rec *linkRecord, lang kiosk.Lang) []uploadBox {
	sent := s.sentByField(rec)
	fields := s.linkAttachmentFields(rec)
	if len(fields) == 0 {
		return []uploadBox{{Label: kiosk.Text{VI: "Giấy tờ", EN: "Papers"}.In(lang), Sent: sentSummary(sent[""], lang)}}
	}
	out := make([]uploadBox, len(fields))
	for i, f := range fields {
		out[i] = uploadBox{Index: i + 1, Field: f.ID, Label: f.Label.In(lang), Help: f.Help.In(lang), Sent: sentSummary(sent[f.ID], lang)}
	}
	return out
}

// sentByField returns the sizes of the files sent through the link, by
// the question they answer.
func (s *Server) sentByField(rec *linkRecord) map[string][]int64 {
	sent := map[string][]int64{}
	_ = s.db.View(func(tx *bolt.Tx) error {
		for _, id := range rec.Attachments {
			var a attachmentRecord
			if found, err := getJSON(tx, bucketAttachMeta, id, &a); err == nil && found {
				sent[a.Field] = append(sent[a.Field], a.Size)
			}
		}
		return nil
	})
	return sent
}

func sentSummary(sizes []int64, lang kiosk.Lang) string {
	if len(sizes) == 0 {
		return ""
	}
	var total int64
	for _, n := range sizes {
		total += n
	}
	mb := strings.Replace(fmt.Sprintf("%.1f", float64(total)/(1<<20)), ".", ",", 1)
	if lang == kiosk.EN {
		return fmt.Sprintf("%d file(s) sent (%s MB)", len(sizes), strings.Replace(mb, ",", ".", 1))
	}
	return fmt.Sprintf("Đã gửi %d tệp (%s MB)", len(sizes), mb)
}

// linkPage is the phone page of a link session. The file inputs have no
// capture attribute: it would open the camera only, and the citizen could
// not pick a PDF or a photo taken earlier; without it both Android and iOS
// offer the camera and the files. Listing the types (not image/*) makes
// iPhones send HEIC photos as JPEG.
var linkPage = newPage(`{{with .Data}}
{{if .Error}}<div class="box err" role="alert"><p>{{.Error}}</p></div>{{end}}
{{if .Notice}}<div class="box ok" role="status"><p>{{.Notice}}</p></div>{{end}}
<p>{{t $.Lang "Máy kiosk tại" "Kiosk at"}}: <strong>{{.Unit}}</strong> — {{.Location}}</p>
{{if eq .Step "match"}}{{template "match" $}}{{else if eq .Step "login"}}{{template "login" $}}{{else if eq .Step "upload"}}{{template "upload" $}}{{else}}{{template "handoff" $}}{{end}}
{{end}}

{{define "match"}}{{with .Data}}
<div class="box">
<p><strong>{{t $.Lang "Chạm vào mã giống mã đang hiện trên màn hình kiosk" "Tap the code shown on the kiosk screen"}}</strong></p>
<form method="post" class="pick">
<input type="hidden" name="action" value="match">
{{range .Choices}}<button type="submit" name="code" value="{{.Value}}">{{.Spaced}}</button>
{{end}}</form>
<p><small>{{t $.Lang "Nếu không có mã nào giống mã trên máy kiosk, đừng chạm vào mã nào và hãy báo cán bộ tại quầy." "If none of these is the code on the kiosk, tap none of them and tell the staff at the counter."}}</small></p>
</div>
{{end}}{{end}}

{{define "login"}}{{with .Data}}{{if .SignedInAs}}
<div class="box ok"><p><strong>{{t $.Lang "Đã đăng nhập — hãy quay lại máy kiosk." "Signed in — please go back to the kiosk."}}</strong></p><p>{{.SignedInAs}}</p></div>
{{else}}
<div class="box">
<p><strong>{{t $.Lang "Mô phỏng VNeID — chỉ dùng để thử" "Simulated VNeID — for testing only"}}</strong></p>
<p><small>{{t $.Lang "Máy chủ tham chiếu không kết nối với VNeID thật. Chọn một người mẫu để đăng nhập." "The reference server is not connected to the real VNeID. Choose a sample person to sign in."}}</small></p>
<form method="post">
<input type="hidden" name="action" value="login">
{{range .Identities}}<button type="submit" name="identity" value="{{.Index}}">{{t $.Lang "Đăng nhập với" "Sign in as"}} {{.Name}}</button>
<p><small>{{t $.Lang "Sinh ngày" "Born"}} {{.BirthDate}} · {{t $.Lang "Số định danh" "ID number"}} {{.PersonalID}}</small></p>
{{end}}</form>
</div>
<div class="box">
<p><strong>{{t $.Lang "Hoặc nhập số định danh và mã OTP" "Or enter an ID number and the OTP"}}</strong></p>
<p>{{t $.Lang "Mã OTP (mô phỏng)" "OTP (simulated)"}}: <strong class="otp">{{.OTP}}</strong></p>
<form method="post">
<input type="hidden" name="action" value="login">
<label for="pid">{{t $.Lang "Số định danh cá nhân (12 chữ số)" "Personal ID number (12 digits)"}}</label>
<input id="pid" name="personal_id" inputmode="numeric" autocomplete="off" maxlength="20">
<label for="otp">{{t $.Lang "Mã OTP" "OTP"}}</label>
<input id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" maxlength="6">
<button type="submit">{{t $.Lang "Đăng nhập" "Sign in"}}</button>
</form>
</div>
{{end}}{{end}}{{end}}

{{define "upload"}}{{with .Data}}
<p>{{t $.Lang "Chụp hoặc chọn ảnh từng giấy tờ rồi bấm Gửi. Ảnh sẽ hiện trên máy kiosk." "Take or choose a photo of each paper, then tap Send. It will appear on the kiosk."}}<br>
<small>{{t $.Lang "Ảnh JPEG, PNG hoặc tệp PDF, mỗi tệp tối đa 10 MB." "JPEG or PNG photos or PDF files, at most 10 MB each."}}</small></p>
{{range .Boxes}}<form method="post" enctype="multipart/form-data" class="box">
<input type="hidden" name="action" value="upload">
{{if .Field}}<input type="hidden" name="field" value="{{.Field}}">{{end}}
<label for="f{{.Index}}">{{.Label}}</label>
{{if .Help}}<p><small>{{.Help}}</small></p>{{end}}
{{if .Sent}}<p><small>{{.Sent}}</small></p>{{end}}
<input id="f{{.Index}}" type="file" name="file" accept="image/jpeg,image/png,application/pdf" required>
<button type="submit">{{t $.Lang "Gửi" "Send"}}</button>
</form>
{{end}}{{end}}{{end}}
` + handoffTemplates)
