package ui

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
)

// Enroller registers a kiosk that is not enrolled yet with the central
// system, from the first-run screen. It is called off the UI goroutine.
type Enroller interface {
	// Enroll enrols with the server at the given API root ("" for the
	// configured one) using the one-time code. Errors should be
	// *EnrollError, so the screen can say what to do.
	Enroll(ctx context.Context, server, code string) (Enrolment, error)
}

// Enrolment is what the central system set the kiosk up as.
type Enrolment struct {
	DeviceID string
	Unit     string // its name, and code
	Location string
	Server   string
}

// EnrollProblem is why an enrolment failed, as the screen explains it.
type EnrollProblem int

const (
	EnrollFailed      EnrollProblem = iota // anything else: the detail says what
	EnrollBadCode                          // the code is wrong, expired or used
	EnrollUnreachable                      // the server does not answer
	EnrollUntrusted                        // TLS: the certificate is not trusted, or not the pinned key
	EnrollBadServer                        // the address is not the central API's
)

// EnrollError is a failed enrolment. Detail is the full technical
// message, shown small under the plain one, for IT staff.
type EnrollError struct {
	Kind   EnrollProblem
	Detail string
}

func (e *EnrollError) Error() string { return e.Detail }

// enrollTimeout bounds one enrolment from the screen.
const enrollTimeout = 2 * time.Minute

// enrollScreen is the first-run screen: the central server's address
// (from the configuration), the one-time code typed on the on-screen
// keyboard, or both from a provisioning QR read by the barcode scanner.
// What was typed survives a rebuild (a language switch).
type enrollScreen struct {
	k        *Kiosk
	enroller Enroller
	started  func()

	defaultServer string // the configuration's, restored when a scan into its box fails
	server, code  string
	busy          bool
	failure       *EnrollError
	badScan       *kiosk.Invalid
	missingCode   bool
	done          *Enrolment

	serverEntry, codeEntry *widget.Entry
	built                  map[*widget.Entry]string // each box's text as the screen put it there
	status                 *widget.Label
	detail                 *widget.Label
	button                 *widget.Button
}

// ShowEnrolment puts the kiosk on its first-run screen. server is the
// configured central server ("" when there is none: the provisioning QR
// brings it). Once enrolled, the screen says what was set up and offers
// to start; started then runs on the UI goroutine (the caller builds the
// kiosk's home). Call it on the UI goroutine.
func (k *Kiosk) ShowEnrolment(e Enroller, server string, started func()) {
	k.enrolment = &enrollScreen{k: k, enroller: e, started: started, defaultServer: server, server: server}
	k.opts.IdleTimeout = 0 // staff are setting the kiosk up: nothing resets under them
	k.goTo(screenEnroll)
}

// t is the screen's words: the translation files' "enroll." keys, like
// every other screen's.
func (s *enrollScreen) t(key string, args ...string) string {
	kv := make([]any, len(args))
	for i, a := range args {
		kv[i] = a
	}
	return s.k.tr.T("enroll."+key, kv...)
}

func (s *enrollScreen) build() fyne.CanvasObject {
	if s.done != nil {
		return s.buildDone()
	}
	title := heading(s.t("title"))
	intro := wrapped(s.t("intro"))
	s.serverEntry = widget.NewEntry()
	s.serverEntry.SetText(s.server)
	s.serverEntry.SetPlaceHolder("https://…")
	s.serverEntry.OnChanged = func(v string) { s.server = v }
	s.serverEntry.OnSubmitted = func(string) { s.submit() } // the scanner ends with Enter
	s.codeEntry = widget.NewEntry()
	s.codeEntry.SetText(s.code)
	s.codeEntry.SetPlaceHolder(s.t("code.hint"))
	s.codeEntry.OnChanged = func(v string) { s.code = v }
	s.codeEntry.OnSubmitted = s.serverEntry.OnSubmitted
	s.built = map[*widget.Entry]string{s.serverEntry: s.server, s.codeEntry: s.code}
	s.k.useKeyboard(s.codeEntry, ModeNumbers)
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.detail = widget.NewLabel("")
	s.detail.Wrapping, s.detail.SizeName = fyne.TextWrapWord, theme.SizeNameCaptionText
	s.button = &widget.Button{Text: s.t("enroll"), Icon: theme.ConfirmIcon(), Importance: widget.HighImportance, OnTapped: s.submit}
	s.showStatus()
	form := container.NewVBox(title, intro,
		widget.NewLabel(s.t("server")), s.serverEntry,
		widget.NewLabel(s.t("code")), s.codeEntry,
		s.status, s.detail, s.button)
	return NewTouchScroll(container.NewPadded(form))
}

// showStatus puts the state in the status lines and the button, in place.
func (s *enrollScreen) showStatus() {
	text, detail := "", ""
	s.status.Importance = widget.DangerImportance
	switch {
	case s.busy:
		text, s.status.Importance = s.t("busy"), widget.MediumImportance
	case s.missingCode:
		text = s.t("nocode")
	case s.badScan != nil:
		text = s.badScan.Message.In(s.k.tr.lang)
	case s.failure != nil:
		text, detail = s.failureText(), s.failure.Detail
	}
	s.status.SetText(text)
	s.status.Hidden = text == ""
	s.status.Refresh()
	s.detail.SetText(detail)
	s.detail.Hidden = detail == ""
	s.detail.Refresh()
	if s.busy {
		s.button.Disable()
		return
	}
	s.button.Enable()
	if s.k.screen == screenEnroll && s.k.win.Canvas().Focused() == nil {
		s.k.win.Canvas().Focus(s.codeEntry) // the scanner types into the code box again
	}
}

func (s *enrollScreen) failureText() string {
	server := strings.TrimSpace(s.server)
	switch s.failure.Kind {
	case EnrollBadCode:
		return s.t("badcode")
	case EnrollUnreachable:
		return s.t("unreachable", "server", server)
	case EnrollUntrusted:
		return s.t("untrusted", "server", server)
	case EnrollBadServer:
		return s.t("badserver")
	}
	return s.t("failed")
}

// submit enrols with what the boxes hold. A provisioning QR, which the
// scanner types into whichever box has the focus, fills both first.
func (s *enrollScreen) submit() {
	if s.busy {
		return
	}
	s.badScan, s.missingCode, s.failure = nil, false, nil
	for _, e := range []*widget.Entry{s.codeEntry, s.serverEntry} {
		qr, err := kiosk.ParseEnrollQR(scanned(e.Text, s.built[e]))
		if errors.Is(err, kiosk.ErrNotEnrollQR) {
			continue
		}
		var inv *kiosk.Invalid
		if errors.As(err, &inv) {
			s.badScan = inv
			if e == s.serverEntry {
				s.serverEntry.SetText(s.defaultServer)
			} else {
				s.codeEntry.SetText("")
			}
			s.showStatus()
			return
		}
		s.serverEntry.SetText(qr.Server)
		s.codeEntry.SetText(qr.Code)
		s.built[s.serverEntry], s.built[s.codeEntry] = qr.Server, qr.Code
		break
	}
	if strings.TrimSpace(s.code) == "" {
		s.missingCode = true
		s.showStatus()
		return
	}
	s.enroll()
}

// scanned is what the scanner typed into a box that held old: the box's
// text without old after it. A scanner types at the cursor, which is at
// the start of a box the screen filled (the configured server); text
// before the QR is dropped by ParseEnrollQR itself.
func scanned(text, old string) string {
	if old != "" && len(text) > len(old) && strings.HasSuffix(text, old) {
		return strings.TrimSuffix(text, old)
	}
	return text
}

// enroll asks the Enroller off the UI goroutine: it talks to the network
// and writes files.
func (s *enrollScreen) enroll() {
	s.busy = true
	s.showStatus()
	server, code, k := strings.TrimSpace(s.server), strings.TrimSpace(s.code), s.k
	k.background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), enrollTimeout)
		defer cancel()
		got, err := s.enroller.Enroll(ctx, server, code)
		return func() { s.finished(got, err) }
	})
}

func (s *enrollScreen) finished(got Enrolment, err error) {
	s.busy = false
	if err != nil {
		if !errors.As(err, &s.failure) {
			s.failure = &EnrollError{Kind: EnrollFailed, Detail: err.Error()}
		}
		if s.k.screen == screenEnroll {
			s.showStatus()
		}
		return
	}
	s.done, s.code = &got, "" // a code is used once
	if s.k.screen == screenEnroll {
		s.k.show()
	}
}

// buildDone says plainly what was set up, and offers to start.
func (s *enrollScreen) buildDone() fyne.CanvasObject {
	d := s.done
	title := heading(s.t("done"))
	lines := []fyne.CanvasObject{title}
	for _, l := range []struct{ key, value string }{{"done.device", d.DeviceID}, {"done.unit", d.Unit}, {"done.place", d.Location}, {"done.server", d.Server}} {
		if l.value != "" {
			line := wrapped(s.t(l.key, "value", l.value))
			lines = append(lines, line)
		}
	}
	key := wrapped(s.t("done.key"))
	lines = append(lines, key)
	start := &widget.Button{Text: s.t("start"), Icon: theme.NavigateNextIcon(), Importance: widget.HighImportance, OnTapped: func() {
		if s.started != nil {
			s.started()
		}
	}}
	lines = append(lines, start)
	return NewTouchScroll(container.NewPadded(container.NewVBox(lines...)))
}
