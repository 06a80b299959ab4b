package centralsim

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
)

// Number matching: the phone page offers the link's confirm code among
// two decoys and the citizen taps the one the kiosk shows. Reading a code
// off the phone and comparing it (as the page used to ask) is easy to
// skip; having to pick it is not. Wrong taps are counted on the link, not
// the phone, and linkMaxWrongTaps of them close it.

// codeChoices returns the confirm code and two distinct random decoys in
// a random order: the right code's place must not be guessable either.
func codeChoices(confirm string) []string {
	codes := []string{confirm}
	for len(codes) < 3 {
		if c := randomDigits(len(confirm)); !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	for i := len(codes) - 1; i > 0; i-- { // Fisher–Yates
		n, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			panic(err) // crypto/rand never fails on supported systems
		}
		j := int(n.Int64())
		codes[i], codes[j] = codes[j], codes[i]
	}
	return codes
}

// codeChoice is one code button of the page.
type codeChoice struct {
	Value, Spaced string
}

// choicesOf is the page's code buttons, written as the kiosk writes the
// code ("482 913"), so the eye compares like with like. A session made
// before number matching offers its code alone.
func choicesOf(rec *linkRecord) []codeChoice {
	codes := rec.Choices
	if len(codes) == 0 {
		codes = []string{rec.ConfirmCode}
	}
	out := make([]codeChoice, len(codes))
	for i, c := range codes {
		out[i] = codeChoice{Value: c, Spaced: spacedCode(c)}
	}
	return out
}

func spacedCode(c string) string {
	if len(c) != 6 {
		return c
	}
	return c[:3] + " " + c[3:]
}

// matchOutcome is what a tap on a code did.
type matchOutcome int

const (
	matchLinked  matchOutcome = iota // the right code: this phone has the link
	matchAlready                     // this phone had it already
	matchWrong                       // a decoy; the link stays pending
	matchClosed                      // the last allowed decoy: the link closed
)

// phoneMatch handles a tap on one of the codes.
func (s *Server) phoneMatch(w http.ResponseWriter, r *http.Request, hash string, rec *linkRecord, form upload) {
	code := strings.ReplaceAll(strings.TrimSpace(form.fields["code"]), " ", "")
	outcome, secret, tapped, err := s.redeem(r, hash, code)
	switch {
	case err != nil:
		s.writeLinkProblem(w, r, err)
	case outcome == matchClosed:
		s.writeLinkProblem(w, r, errLinkMismatch)
	case outcome == matchWrong:
		s.renderLink(w, r, http.StatusUnprocessableEntity, &tapped, kiosk.Text{}, wrongCodeMessage(linkMaxWrongTaps-tapped.WrongTaps))
	default:
		if secret != "" {
			s.setPhoneCookie(w, r, rec, secret)
		}
		redirectToPage(w, r, "matched")
	}
}

// wrongCodeMessage tells the citizen the code was wrong and how many taps
// are left before the link closes.
func wrongCodeMessage(left int) kiosk.Text {
	return kiosk.Text{
		VI: fmt.Sprintf("Mã không khớp. Hãy xem lại mã trên màn hình kiosk. Còn %d lần chọn.", left),
		EN: fmt.Sprintf("The code does not match. Look again at the code on the kiosk screen. %d tries left.", left),
	}
}

// redeem checks a tapped code in one write transaction: the right one
// links the session to this phone (secret is the new cookie's value), a
// wrong one is counted and may close it. The kiosk's long polls wake when
// the state changes.
func (s *Server) redeem(r *http.Request, hash, code string) (outcome matchOutcome, secret string, rec linkRecord, err error) {
	err = s.db.Update(func(tx *bolt.Tx) error {
		rec, err = linkByToken(tx, hash)
		if err != nil {
			return err
		}
		now := s.opts.Now()
		if err := phoneAccess(&rec, r, now); err != nil {
			return err
		}
		if rec.PhoneKey != "" {
			outcome = matchAlready // a second tap, or a reload of the post
			return errMatchNoWrite
		}
		outcome, secret = tapCode(&rec, code, now)
		return putJSON(tx, bucketLinks, rec.ID, rec)
	})
	if errors.Is(err, errMatchNoWrite) {
		err = nil
	}
	if err == nil && (outcome == matchLinked || outcome == matchClosed) {
		s.links.notify(rec.ID)
	}
	return outcome, secret, rec, err
}

// errMatchNoWrite rolls back a transaction that had nothing to write.
var errMatchNoWrite = errors.New("link: already matched by this phone")

// tapCode applies a tap on a pending link.
func tapCode(rec *linkRecord, code string, now time.Time) (matchOutcome, string) {
	if subtle.ConstantTimeCompare([]byte(code), []byte(rec.ConfirmCode)) == 1 {
		secret := randomToken(16)
		rec.State, rec.LinkedAt, rec.PhoneKey = central.LinkLinked, now, tokenKey(secret)
		rec.Version++
		return matchLinked, secret
	}
	rec.WrongTaps++
	if rec.WrongTaps < linkMaxWrongTaps {
		return matchWrong, "" // the kiosk's screen does not change: no new version
	}
	rec.State, rec.ClosedAt, rec.ClosedBy = central.LinkClosed, now, closedByMismatch
	rec.Version++
	return matchClosed, ""
}

// setPhoneCookie gives the phone that matched the code its secret. A
// hand-over's cookie lasts as long as the draft may outlive the visit.
func (s *Server) setPhoneCookie(w http.ResponseWriter, r *http.Request, rec *linkRecord, secret string) {
	life := linkVisitMax
	if rec.Purpose == central.PurposeHandoff {
		life += handoffKeep
	}
	http.SetCookie(w, &http.Cookie{
		Name:     phoneCookieName(rec.ID),
		Value:    secret,
		Path:     "/l/",
		MaxAge:   int(life / time.Second),
		HttpOnly: true,
		SameSite: http.SameSiteStrictMode,
		Secure:   r.TLS != nil || strings.HasPrefix(s.opts.PublicURL, "https:"),
	})
}
