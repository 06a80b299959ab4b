package ui

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
)

// resumeScreen continues a saved dossier: its resume code plus the
// applicant's date of birth, which proves it is theirs.
type resumeScreen struct {
	k         *Kiosk
	code, dob *widget.Entry
	problem   *widget.Label
}

func newResumeScreen(k *Kiosk) *resumeScreen { return &resumeScreen{k: k} }

func (s *resumeScreen) build() fyne.CanvasObject {
	tr := s.k.tr
	title := heading(tr.T("resume.title"))
	home := &widget.Button{Text: tr.T("done.home"), Icon: theme.HomeIcon(), OnTapped: s.k.goHome}
	s.code = widget.NewEntry()
	s.code.SetPlaceHolder(tr.T("resume.code.placeholder"))
	s.code.OnChanged = func(string) { s.k.activity() }
	s.code.OnSubmitted = func(string) { s.onResume() } // the scanner ends with Enter
	s.dob = widget.NewEntry()
	s.dob.OnChanged = s.code.OnChanged
	s.k.useKeyboard(s.code, ModeLetters)
	s.dob.SetPlaceHolder(tr.T("wizard.placeholder.date"))
	s.problem = widget.NewLabel("")
	s.problem.Importance, s.problem.Wrapping = widget.DangerImportance, fyne.TextWrapWord
	s.problem.Hide()
	next := &widget.Button{Text: tr.T("wizard.next"), Icon: theme.NavigateNextIcon(), Importance: widget.HighImportance, OnTapped: s.onResume}
	form := container.NewVBox(container.NewHBox(home), title,
		widget.NewLabel(tr.T("resume.code")), s.code,
		widget.NewLabel(tr.T("resume.dob")), s.dob,
		s.problem, next)
	return NewTouchScroll(container.NewPadded(form))
}

// onResume asks Drafts off the UI goroutine: it reads the disk. A phone's
// hand-back QR, read into the code box by the scanner, brings the form
// back from the central system instead.
func (s *resumeScreen) onResume() {
	code, dob, k := s.code.Text, s.dob.Text, s.k
	if scan, err := kiosk.ClassifyScan(code); err == nil && scan.Kind == kiosk.ScanHandoff && k.opts.Linker != nil {
		s.code.SetText("") // the token is spent by the claim; it is not shown
		s.claim(scan.Code)
		return
	}
	k.background(func() func() {
		d, err := k.opts.Drafts.Resume(code, dob)
		return func() { s.resumed(d, err) }
	})
}

// claim takes back the form a phone hands over.
func (s *resumeScreen) claim(token string) {
	k := s.k
	k.background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		d, err := k.opts.Linker.Claim(ctx, token)
		if err != nil {
			err = &ResumeError{Kind: ResumeUnknown}
		}
		return func() { s.resumed(d, err) }
	})
}

func (s *resumeScreen) resumed(d DraftState, err error) {
	k := s.k
	if err != nil {
		s.problem.SetText(s.refusal(err))
		s.problem.Show()
		return
	}
	p, ok := k.catalog.Procedure(d.ProcedureID)
	if !ok {
		s.problem.SetText(k.tr.T("resume.gone"))
		s.problem.Show()
		return
	}
	k.current, k.consent, k.draft = p, d.ConsentAt, &d
	k.journey = kiosk.NewJourney(p, d.Answers, k.opts.Now)
	k.restoreAttachments(d.Attachments)
	k.journey.Resume()
	k.goTo(screenWizard)
}

// refusal says what went wrong and what to do, in plain words.
func (s *resumeScreen) refusal(err error) string {
	tr := s.k.tr
	var re *ResumeError
	var inv *kiosk.Invalid
	switch {
	case errors.As(err, &inv):
		return inv.Message.In(tr.lang)
	case !errors.As(err, &re):
		return tr.T("resume.failed")
	case re.Kind == ResumeLocked:
		return tr.T("resume.locked", "time", re.Until.Format("15:04"))
	case re.Kind == ResumeWrongDate:
		return tr.T("resume.wrongdate", "tries", re.TriesLeft)
	case re.Kind == ResumeBadCode:
		return tr.T("resume.badcode")
	}
	return tr.T("resume.unknown")
}
