package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// handoffScreen lets a citizen finish their form on their own phone: the
// kiosk shows a handoff link, gives the form so far to every new session
// (the phone finds it there once the codes match), and once the phone is
// linked says the kiosk can be left.
type handoffScreen struct{ k *Kiosk }

func newHandoffScreen(k *Kiosk) *handoffScreen { return &handoffScreen{k: k} }

func (s *handoffScreen) build() fyne.CanvasObject {
	k, tr := s.k, s.k.tr
	back := &widget.Button{Text: tr.T("procedure.back"), Icon: theme.NavigateBackIcon(), OnTapped: func() { k.goTo(screenWizard) }}
	title := heading(tr.T("handoff.title"))
	title.Wrapping = fyne.TextWrapWord
	parts := []fyne.CanvasObject{container.NewHBox(back), title}
	l := k.openLink(LinkHandoff, k.journey.Procedure().ID, s.onState)
	if l.state.State == LinkLinked {
		return s.handedOver(parts)
	}
	l.onSession = s.give
	if l.session.ID != "" && l.onSession != nil {
		s.give(l.session) // shown again (a language switch): the session has it already, give it again
	}
	hint := wrapped(tr.T("handoff.hint"))
	parts = append(parts, hint, l.view(tr.T("handoff.scan")))
	return NewTouchScroll(container.NewPadded(container.NewVBox(parts...)))
}

// handedOver is the screen once the phone has the form: what happens
// next, and the way home.
func (s *handoffScreen) handedOver(parts []fyne.CanvasObject) fyne.CanvasObject {
	tr := s.k.tr
	done := widget.NewLabel(tr.T("handoff.done"))
	done.Wrapping, done.Importance = fyne.TextWrapWord, widget.SuccessImportance
	home := &widget.Button{Text: tr.T("done.home"), Icon: theme.HomeIcon(), Importance: widget.HighImportance, OnTapped: s.k.goHome}
	parts = append(parts[1:], done, home) // no Back: the form is on the phone now
	return NewTouchScroll(container.NewPadded(container.NewVBox(parts...)))
}

// give sends the form so far to a new handoff session, off the UI
// goroutine.
func (s *handoffScreen) give(ls LinkSession) {
	k := s.k
	s.k.saveDraft()
	d := k.handoffDraft()
	linker := k.opts.Linker
	k.background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		err := linker.Handoff(ctx, ls.ID, d)
		return func() {
			if err != nil && k.screen == screenHandoff {
				if l := k.links[LinkHandoff]; l != nil {
					l.status.SetText(k.tr.T("link.failed"))
				}
			}
		}
	})
}

func (s *handoffScreen) onState(st LinkState) {
	if st.State == LinkLinked && s.k.screen == screenHandoff {
		s.k.show()
	}
}

// handoffDraft is the form as given to a phone: the answers and the
// consent, never the kiosk's own draft ID or scanned files.
func (k *Kiosk) handoffDraft() DraftState {
	return DraftState{ProcedureID: k.journey.Procedure().ID, CatalogVersion: k.catalog.Version,
		Answers: k.journey.Answers(), ConsentAt: k.consent}
}
