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
// scanning the kiosk's QR code. The first form sent from it redeems the
// link, in one bbolt transaction that checks the link is still pending and
// unexpired, so of many phones racing for one code exactly one wins. The
// winner gets a secret cookie (only its hash is stored) and only that
// browser may act on the link afterwards; everyone else is told the code
// was used. Forms post back to the page itself, and every success answers
// 303 See Other so a reload never sends a file twice.

// Outcomes of a phone action besides success.
var (
	errLinkUnknown  = errors.New("link: unknown token")
	errLinkExpired  = errors.New("link: expired")
	errLinkClosed   = errors.New("link: closed by the kiosk")
	errLinkUsed     = errors.New("link: redeemed by another phone")
	errLinkNoChange = errors.New("link: nothing to change")
	errLinkFull     = errors.New("link: too many files")
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
		kiosk.Text{VI: "Mã QR đã hết hạn, hãy quét mã mới trên máy kiosk.", EN: "The QR code has expired; scan the new code on the kiosk."}}},
	{errLinkClosed, linkProblem{http.StatusGone,
		kiosk.Text{VI: "Phiên đã kết thúc", EN: "The session has ended"},
		kiosk.Text{VI: "Phiên đã kết thúc trên máy kiosk. Trang này không nhận thêm gì nữa.", EN: "The session has ended at the kiosk. This page accepts nothing more."}}},
	{errLinkUsed, linkProblem{http.StatusConflict,
		kiosk.Text{VI: "Mã QR đã được dùng", EN: "The QR code was already used"},
		kiosk.Text{VI: "Mã QR này đã được dùng trên một điện thoại khác. Mỗi mã chỉ dùng được một lần: hãy quét mã mới trên máy kiosk. Nếu bạn không quét mã này trước đó, hãy báo cán bộ tại quầy.", EN: "This QR code was already used on another phone. Each code works once: scan the new code on the kiosk. If you did not scan this code before, tell the staff at the counter."}}},
}

var (
	msgCrossSite = kiosk.Text{VI: "Yêu cầu này không đến từ trang của máy kiosk nên đã bị từ chối.", EN: "This request did not come from the kiosk's page, so it was refused."}
	msgBadAction = kiosk.Text{VI: "Trang này không làm được việc đó. Hãy dùng các nút trên trang.", EN: "This page cannot do that. Please use the buttons on the page."}
	msgFileBig   = kiosk.Text{VI: "Tệp quá lớn: mỗi tệp tối đa 10 MB. Hãy chụp lại với chất lượng thấp hơn hoặc chọn tệp nhỏ hơn.", EN: "The file is too large: at most 10 MB each. Take the photo again at a lower quality or choose a smaller file."}
	msgTooMany   = kiosk.Text{VI: "Đã gửi quá nhiều tệp trong lượt này. Hãy hỏi cán bộ tại quầy.", EN: "Too many files were sent in this visit. Please ask the staff at the counter."}
	linkNotices  = map[string]kiosk.Text{
		"connected": {VI: "Đã kết nối với máy kiosk.", EN: "Connected to the kiosk."},
		"sent":      {VI: "Đã gửi. Tệp sẽ hiện trên máy kiosk trong giây lát.", EN: "Sent. The file will appear on the kiosk in a moment."},
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

// phoneAccess says whether this phone may see or use the link now.
func phoneAccess(rec *linkRecord, r *http.Request, now time.Time) error {
	switch rec.stateAt(now) {
	case central.LinkClosed:
		return errLinkClosed
	case central.LinkExpired:
		return errLinkExpired
	case central.LinkLinked:
		if !phoneOwns(r, rec) {
			return errLinkUsed
		}
	}
	return nil
}

// phoneChange applies change to the link in one write transaction, after
// checking again, inside it, that this phone may act: a pending link is
// redeemed here (fresh is true, and secret is the new cookie's value),
// a linked one must carry the redeeming browser's cookie. The kiosk's
// long polls wake when it commits.
func (s *Server) phoneChange(r *http.Request, hash string, change func(tx *bolt.Tx, rec *linkRecord, fresh bool) error) (secret string, err error) {
	var id string
	err = s.db.Update(func(tx *bolt.Tx) error {
		rec, err := linkByToken(tx, hash)
		if err != nil {
			return err
		}
		now := s.opts.Now()
		if err := phoneAccess(&rec, r, now); err != nil {
			return err
		}
		fresh := rec.State == central.LinkPending
		if fresh {
			secret = randomToken(16)
			rec.State, rec.LinkedAt, rec.PhoneKey = central.LinkLinked, now, tokenKey(secret)
		}
		if err := change(tx, &rec, fresh); err != nil {
			return err
		}
		rec.Version++
		id = rec.ID
		return putJSON(tx, bucketLinks, rec.ID, rec)
	})
	if err != nil {
		return "", err
	}
	s.links.notify(id)
	return secret, nil
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
	if rec.State == central.LinkLinked {
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
	// ended or taken link reads nothing. phoneChange checks again.
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
	action := form.fields["action"]
	switch {
	case rec.Purpose == central.PurposeLogin && action == "login":
		s.phoneLogin(w, r, hash, &rec, form)
	case rec.Purpose != central.PurposeLogin && action == "connect":
		s.phoneConnect(w, r, hash, &rec)
	case rec.Purpose == central.PurposeUpload && action == "upload":
		s.phoneUpload(w, r, hash, &rec, form)
	default:
		s.renderLink(w, r, http.StatusBadRequest, &rec, kiosk.Text{}, msgBadAction)
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
	secret, err := s.phoneChange(r, hash, func(_ *bolt.Tx, l *linkRecord, fresh bool) error {
		if !fresh {
			return errLinkNoChange // signed in already, from this phone
		}
		l.Identity = &id
		return nil
	})
	s.phoneDone(w, r, rec, secret, err, "")
}

// phoneConnect links an upload or hand-over session before anything is
// sent, so the kiosk can show that the phone is there.
func (s *Server) phoneConnect(w http.ResponseWriter, r *http.Request, hash string, rec *linkRecord) {
	secret, err := s.phoneChange(r, hash, func(_ *bolt.Tx, _ *linkRecord, fresh bool) error {
		if !fresh {
			return errLinkNoChange
		}
		return nil
	})
	s.phoneDone(w, r, rec, secret, err, "connected")
}

// phoneUpload stores a photo or PDF as an attachment of the kiosk, listed
// in the link's state; the first one also redeems the link.
func (s *Server) phoneUpload(w http.ResponseWriter, r *http.Request, hash string, rec *linkRecord, form upload) {
	mime, apiErr := sniffFile(form.file, form.hasFile)
	var doc int
	if apiErr == nil {
		doc, apiErr = parseDocument(form.fields["document"], len(s.linkDocuments(rec)))
	}
	if apiErr != nil {
		s.renderLink(w, r, apiErr.status, rec, kiosk.Text{}, pageProblem(apiErr))
		return
	}
	secret, err := s.phoneChange(r, hash, func(tx *bolt.Tx, l *linkRecord, _ bool) error {
		if len(l.Attachments) >= linkMaxFiles {
			return errLinkFull
		}
		a, err := storeAttachment(tx, l.DeviceID, l.ID, mime, doc, form.file, s.opts.Now())
		if err != nil {
			return err
		}
		l.Attachments = append(l.Attachments, a.ID)
		return nil
	})
	s.phoneDone(w, r, rec, secret, err, "sent")
}

// phoneDone answers a phone action: the cookie for a fresh redemption and
// a redirect to the page, or the reason it failed.
func (s *Server) phoneDone(w http.ResponseWriter, r *http.Request, rec *linkRecord, secret string, err error, msg string) {
	switch {
	case errors.Is(err, errLinkNoChange):
	case errors.Is(err, errLinkFull):
		s.renderLink(w, r, http.StatusUnprocessableEntity, rec, kiosk.Text{}, msgTooMany)
		return
	case err != nil:
		s.writeLinkProblem(w, r, err)
		return
	}
	if secret != "" {
		http.SetCookie(w, &http.Cookie{
			Name:     phoneCookieName(rec.ID),
			Value:    secret,
			Path:     "/l/",
			MaxAge:   int(linkVisitMax / time.Second),
			HttpOnly: true,
			SameSite: http.SameSiteStrictMode,
			Secure:   r.TLS != nil || strings.HasPrefix(s.opts.PublicURL, "https:"),
		})
	}
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

// linkDocuments are the papers an upload link asks for: the procedure's,
// or none when the kiosk named no procedure.
func (s *Server) linkDocuments(rec *linkRecord) []kiosk.Document {
	if p, ok := s.catalog.Procedure(rec.ProcedureID); ok {
		return p.Docs
	}
	return nil
}

// linkView is what the link page template shows.
type linkView struct {
	Unit, Location, ConfirmCode, Purpose string
	Linked                               bool
	Notice, Error                        string
	// login
	OTP        string
	Identities []identityChoice
	SignedInAs string
	// upload
	Docs []docChoice
}

type identityChoice struct {
	Index                       int
	Name, BirthDate, PersonalID string
}

type docChoice struct {
	Index    int
	HasIndex bool
	Name     string
	Sent     string // what was sent for it so far, e.g. "2 tệp (1,2 MB)"
}

func (s *Server) renderLink(w http.ResponseWriter, r *http.Request, status int, rec *linkRecord, notice, problem kiosk.Text) {
	lang := pageLang(r)
	v := linkView{
		Unit:        s.opts.Unit.Name,
		Location:    rec.Location,
		ConfirmCode: rec.ConfirmCode,
		Purpose:     rec.Purpose,
		Linked:      rec.State == central.LinkLinked,
		Notice:      notice.In(lang),
		Error:       problem.In(lang),
	}
	switch rec.Purpose {
	case central.PurposeLogin:
		v.OTP = rec.OTP
		for i, id := range sampleIdentities {
			v.Identities = append(v.Identities, identityChoice{i, id.FullName, id.BirthDate, id.PersonalID})
		}
		if rec.Identity != nil {
			v.SignedInAs = rec.Identity.FullName
		}
	case central.PurposeUpload:
		v.Docs = s.docChoices(rec, lang)
	}
	writePage(w, r, status, linkPage, linkTitles[rec.Purpose], v)
}

// docChoices lists the papers to send, each with what was sent for it.
func (s *Server) docChoices(rec *linkRecord, lang kiosk.Lang) []docChoice {
	sent := s.sentByDocument(rec)
	docs := s.linkDocuments(rec)
	if len(docs) == 0 {
		return []docChoice{{Name: kiosk.Text{VI: "Giấy tờ", EN: "Papers"}.In(lang), Sent: sentSummary(sent[0], lang)}}
	}
	out := make([]docChoice, len(docs))
	for i, d := range docs {
		out[i] = docChoice{Index: i + 1, HasIndex: true, Name: d.Name.In(lang), Sent: sentSummary(sent[i+1], lang)}
	}
	return out
}

// sentByDocument returns the sizes of the files sent through the link,
// by document.
func (s *Server) sentByDocument(rec *linkRecord) map[int][]int64 {
	sent := map[int][]int64{}
	_ = s.db.View(func(tx *bolt.Tx) error {
		for _, id := range rec.Attachments {
			var a attachmentRecord
			if found, err := getJSON(tx, bucketAttachMeta, id, &a); err == nil && found {
				sent[a.Document] = append(sent[a.Document], a.Size)
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
<div class="box">
<p>{{t $.Lang "Mã xác nhận" "Confirm code"}}</p>
<p class="code">{{.ConfirmCode}}</p>
<p>{{t $.Lang "Kiểm tra: mã này phải giống mã trên màn hình máy kiosk. Nếu khác, đừng tiếp tục và hãy báo cán bộ tại quầy." "Check: this code must match the code on the kiosk screen. If it differs, stop and tell the staff at the counter."}}</p>
</div>
{{if eq .Purpose "login"}}{{template "login" $}}{{else if eq .Purpose "upload"}}{{template "upload" $}}{{else}}{{template "handoff" $}}{{end}}
{{end}}

{{define "login"}}{{with .Data}}{{if .Linked}}
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

{{define "upload"}}{{with .Data}}{{if .Linked}}
<p>{{t $.Lang "Đã kết nối với máy kiosk." "Connected to the kiosk."}}</p>
{{else}}
<form method="post"><input type="hidden" name="action" value="connect"><button type="submit">{{t $.Lang "Kết nối" "Connect"}}</button></form>
{{end}}
<p>{{t $.Lang "Chụp hoặc chọn ảnh từng giấy tờ rồi bấm Gửi. Ảnh sẽ hiện trên máy kiosk." "Take or choose a photo of each paper, then tap Send. It will appear on the kiosk."}}<br>
<small>{{t $.Lang "Ảnh JPEG, PNG hoặc tệp PDF, mỗi tệp tối đa 10 MB." "JPEG or PNG photos or PDF files, at most 10 MB each."}}</small></p>
{{range .Docs}}<form method="post" enctype="multipart/form-data" class="box">
<input type="hidden" name="action" value="upload">
{{if .HasIndex}}<input type="hidden" name="document" value="{{.Index}}">{{end}}
<label for="f{{.Index}}">{{.Name}}</label>
{{if .Sent}}<p><small>{{.Sent}}</small></p>{{end}}
<input id="f{{.Index}}" type="file" name="file" accept="image/jpeg,image/png,application/pdf" required>
<button type="submit">{{t $.Lang "Gửi" "Send"}}</button>
</form>
{{end}}{{end}}{{end}}

{{define "handoff"}}{{with .Data}}
<h2>{{t $.Lang "Tiếp tục hồ sơ trên điện thoại" "Continue the application on your phone"}}</h2>
<div class="box"><p>{{t $.Lang "Máy chủ tham chiếu chưa hỗ trợ tiếp tục hồ sơ trên điện thoại. Hãy hoàn tất hồ sơ trên máy kiosk." "The reference server cannot continue an application on the phone yet. Please finish it at the kiosk."}}</p></div>
{{if .Linked}}<div class="box ok"><p>{{t $.Lang "Đã kết nối với máy kiosk." "Connected to the kiosk."}}</p></div>
{{else}}<form method="post"><input type="hidden" name="action" value="connect"><button type="submit">{{t $.Lang "Kết nối với máy kiosk" "Connect to the kiosk"}}</button></form>
{{end}}{{end}}{{end}}`)
