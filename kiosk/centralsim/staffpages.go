package centralsim

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/motcua/kiosk/kiosk"
)

// The staff pages (/devices for IT staff, /help for the digital-tech team)
// share one sign-in: the staff token, typed once, leaves a cookie derived
// from it (HttpOnly, SameSite=Strict, a working day long) that opens both.
// Their forms are refused when another site's page posted them (Origin,
// Sec-Fetch-Site); forms that change something also carry a token derived
// from the cookie, which a page of another site cannot know. Like the
// phone pages they run no script and are never cached.

const (
	minStaffToken     = 16 // characters
	staffSignInLimit  = 10 // sign-in attempts per address and window
	staffSignInWindow = time.Minute
	staffCookieName   = "centralsim_staff"
	staffCookieLife   = 8 * time.Hour
	// staffFormField is the hidden input holding the form token.
	staffFormField = "form_token"
)

var signInPage = newPage(`{{with .Data}}
<p>{{.Intro}}</p>
{{if .Problem}}<div class="box err"><p>{{.Problem}}</p></div>{{end}}
<form method="post" action="{{.Action}}">
<label for="token">{{t $.Lang "Mã cán bộ" "Staff token"}}</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">{{t $.Lang "Đăng nhập" "Sign in"}}</button>
</form>
{{end}}`)

var (
	signInTitle    = kiosk.Text{VI: "Đăng nhập cán bộ", EN: "Staff sign-in"}
	signInWrong    = kiosk.Text{VI: "Mã cán bộ không đúng.", EN: "The staff token is wrong."}
	signInTooMany  = kiosk.Text{VI: "Đã thử quá nhiều lần. Vui lòng đợi một phút rồi thử lại.", EN: "Too many tries. Please wait a minute and try again."}
	signInDisabled = kiosk.Text{VI: "Máy chủ chưa được cấu hình mã cán bộ (-staff-token).", EN: "The server has no staff token configured (-staff-token)."}
)

// staffPage is one page behind the staff sign-in.
type staffPage struct {
	path  string     // where it is served, e.g. "/devices"
	intro kiosk.Text // what the sign-in form says the page is for
}

var (
	devicesStaffPage = staffPage{path: "/devices", intro: kiosk.Text{
		VI: "Trang dành cho cán bộ kỹ thuật: tình trạng các máy kiosk.",
		EN: "For IT staff: the health of the kiosks.",
	}}
	helpStaffPage = staffPage{path: "/help", intro: kiosk.Text{
		VI: "Trang dành cho tổ công nghệ số cộng đồng: người dân đang cần hỗ trợ tại các máy kiosk.",
		EN: "For the community digital-tech team: citizens asking for help at the kiosks.",
	}}
)

// action is the page's own URL in the request's language: where its forms
// post and where they lead back to.
func (p staffPage) action(r *http.Request) string {
	if pageLang(r) == kiosk.EN {
		return p.path + "?lang=en"
	}
	return p.path
}

type signInView struct {
	Intro   string
	Problem string
	Action  string
}

func (s *Server) writeSignIn(w http.ResponseWriter, r *http.Request, p staffPage, status int, problem kiosk.Text) {
	lang := pageLang(r)
	v := signInView{Intro: p.intro.In(lang), Action: p.action(r)}
	if problem != (kiosk.Text{}) {
		v.Problem = problem.In(lang)
	}
	writePage(w, r, status, signInPage, signInTitle, v)
}

// staffPost handles the forms of a staff page: signing in (the staff
// token and no action), signing out, and the page's own actions, which
// need the staff cookie and the form token. act is nil for a page that
// has none.
func (s *Server) staffPost(w http.ResponseWriter, r *http.Request, p staffPage, act func(http.ResponseWriter, *http.Request, string)) {
	if !s.phoneSameOrigin(r) {
		http.Error(w, "cross-site form post refused", http.StatusForbidden)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	switch action := r.PostFormValue("action"); {
	case action == "sign_out":
		s.staffSignOut(w, r, p)
	case action == "":
		s.staffSignIn(w, r, p)
	case act == nil:
		http.Error(w, "unknown action", http.StatusBadRequest)
	case !s.staffCookieOK(r):
		s.writeSignIn(w, r, p, http.StatusUnauthorized, kiosk.Text{})
	case !s.staffFormOK(r):
		http.Error(w, "form token refused: reload the page and try again", http.StatusForbidden)
	default:
		act(w, r, action)
	}
}

// staffSignIn checks the staff token and sets the cookie; a wrong token is
// logged without itself, and tries are limited per address.
func (s *Server) staffSignIn(w http.ResponseWriter, r *http.Request, p staffPage) {
	if s.opts.StaffToken == "" {
		s.writeSignIn(w, r, p, http.StatusUnauthorized, signInDisabled)
		return
	}
	if ok, _ := s.staffSignIns.allow(clientAddr(r), s.opts.Now()); !ok {
		s.writeSignIn(w, r, p, http.StatusTooManyRequests, signInTooMany)
		return
	}
	if !s.isStaffToken(r.PostFormValue("token")) {
		s.log.Warn().Str("page", p.path).Msg("wrong staff token on a staff page")
		s.writeSignIn(w, r, p, http.StatusUnauthorized, signInWrong)
		return
	}
	s.setStaffCookie(w, r, "/", s.staffCookieValue(), int(staffCookieLife/time.Second))
	http.Redirect(w, r, p.action(r), http.StatusSeeOther)
}

// staffSignOut clears the cookie, and the one earlier versions set for
// /devices only.
func (s *Server) staffSignOut(w http.ResponseWriter, r *http.Request, p staffPage) {
	s.setStaffCookie(w, r, "/", "", -1)
	s.setStaffCookie(w, r, devicesStaffPage.path, "", -1)
	http.Redirect(w, r, p.action(r), http.StatusSeeOther)
}

// staffCookieValue is derived from the staff token, so the cookie is not
// the token itself and stops working when the token changes.
func (s *Server) staffCookieValue() string {
	sum := sha256.Sum256([]byte("centralsim staff page\x00" + s.opts.StaffToken))
	return hex.EncodeToString(sum[:])
}

func (s *Server) staffCookieOK(r *http.Request) bool {
	c, err := r.Cookie(staffCookieName)
	if err != nil || s.opts.StaffToken == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(c.Value), []byte(s.staffCookieValue())) == 1
}

func (s *Server) setStaffCookie(w http.ResponseWriter, r *http.Request, path, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name:     staffCookieName,
		Value:    value,
		Path:     path,
		MaxAge:   maxAge,
		HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
		Secure:   r.TLS != nil || strings.HasPrefix(s.opts.PublicURL, "https:"),
	})
}

// staffFormToken goes into every form of a staff page that changes
// something. It is a MAC of the cookie's value: only a page the server
// rendered for a signed-in browser holds it. SameSite=Strict and the
// origin check already stop other sites' posts in current browsers; the
// token covers browsers that send neither Origin nor Sec-Fetch-Site.
func (s *Server) staffFormToken() string {
	mac := hmac.New(sha256.New, []byte(s.staffCookieValue()))
	mac.Write([]byte("centralsim staff form"))
	return hex.EncodeToString(mac.Sum(nil))
}

func (s *Server) staffFormOK(r *http.Request) bool {
	got := r.PostFormValue(staffFormField)
	return subtle.ConstantTimeCompare([]byte(got), []byte(s.staffFormToken())) == 1
}

// clientAddr is the request's remote IP address, the key of sign-in limits.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
