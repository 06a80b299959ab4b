package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
)

// wizardScreen draws the journey's current page: one question, the papers,
// or the check page. The rules live in kiosk.Journey.
type wizardScreen struct {
	k       *Kiosk
	j       *kiosk.Journey
	problem *widget.Label // the message next to the field, in plain words
}

func newWizardScreen(k *Kiosk) *wizardScreen { return &wizardScreen{k: k, j: k.journey} }

func (s *wizardScreen) build() fyne.CanvasObject {
	tr := s.k.tr
	n, total := s.j.Progress()
	back := &widget.Button{Text: tr.T("procedure.back"), Icon: theme.NavigateBackIcon(), OnTapped: s.onBack}
	progress := widget.NewLabelWithStyle(tr.T("wizard.progress", "n", n, "total", total), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	s.k.savedLabel = widget.NewLabel(s.k.savedText())
	name := widget.NewLabel(s.j.Procedure().Name.In(tr.lang))
	right := container.NewHBox(s.k.savedLabel, progress)
	if s.k.opts.Linker != nil && s.j.Current().Kind == kiosk.StepField {
		// In the top bar, quiet: most citizens finish at the kiosk, and
		// the answer's own buttons must keep the room under the question.
		right.Add(&widget.Button{Text: tr.T("handoff.start"), Importance: widget.LowImportance,
			OnTapped: func() { s.k.goTo(screenHandoff) }})
	}
	top := container.NewBorder(nil, nil, back, right, name)
	s.problem = widget.NewLabel("")
	s.problem.Importance = widget.DangerImportance
	s.problem.Wrapping = fyne.TextWrapWord
	s.problem.Hide()

	var page fyne.CanvasObject
	switch step := s.j.Current(); step.Kind {
	case kiosk.StepField:
		page = s.question(step.Field)
	case kiosk.StepAttachments:
		page = s.papers()
	default:
		page = s.review()
	}
	return container.NewBorder(container.NewPadded(top), nil, nil, nil, page)
}

func (s *wizardScreen) onBack() {
	if !s.j.Back() {
		s.k.journey = nil
		s.k.goTo(screenProcedure)
		return
	}
	s.k.show()
}

// submit answers the page; a refusal shows its message next to the field
// and keeps what the citizen typed.
func (s *wizardScreen) submit(value string) {
	if err := s.j.Submit(value); err != nil {
		s.showProblem(err)
		return
	}
	s.k.saveDraft()
	s.k.show()
}

func (s *wizardScreen) showProblem(err error) {
	msg := err.Error()
	if inv, ok := err.(*kiosk.Invalid); ok {
		msg = inv.Message.In(s.k.tr.lang)
	}
	s.problem.SetText(msg)
	s.problem.Show()
}

func (s *wizardScreen) question(f *kiosk.Field) fyne.CanvasObject {
	tr, lang := s.k.tr, s.k.tr.lang
	label := heading(f.Label.In(lang))
	label.Wrapping = fyne.TextWrapWord
	parts := []fyne.CanvasObject{label}
	if help := f.Help.In(lang); help != "" {
		h := widget.NewLabel(help)
		h.Wrapping = fyne.TextWrapWord
		parts = append(parts, h)
	}
	parts = append(parts, s.problem, s.input(f))
	if !f.Required {
		parts = append(parts, &widget.Button{Text: tr.T("wizard.skip"), OnTapped: func() { s.submit("") }})
	}
	return NewTouchScroll(container.NewPadded(container.NewVBox(parts...)))
}

// input is the control for one field: a choice per option for selects and
// yes/no, a big text field with "Tiếp tục" otherwise.
func (s *wizardScreen) input(f *kiosk.Field) fyne.CanvasObject {
	tr, lang := s.k.tr, s.k.tr.lang
	switch f.Kind {
	case kiosk.KindSelect:
		var opts []fyne.CanvasObject
		for _, o := range f.Options {
			opts = append(opts, s.choice(o.Label.In(lang), o.Value))
		}
		return container.NewGridWithColumns(min(len(opts), 2), opts...)
	case kiosk.KindYesNo:
		return container.NewGridWithColumns(2, s.choice(tr.T("wizard.yes"), "yes"), s.choice(tr.T("wizard.no"), "no"))
	}
	entry := widget.NewEntry()
	entry.SetText(s.j.Answer(f.ID))
	entry.SetPlaceHolder(placeholder(tr, f.Kind))
	entry.OnSubmitted = s.submit
	entry.OnChanged = func(string) { s.k.activity() }
	s.k.useKeyboard(entry, keyboardModeFor(f.Kind))
	next := &widget.Button{Text: tr.T("wizard.next"), Icon: theme.NavigateNextIcon(), Importance: widget.HighImportance,
		OnTapped: func() { s.submit(entry.Text) }}
	return container.NewVBox(entry, next)
}

// choice is one answer button; the current answer is marked.
func (s *wizardScreen) choice(label, value string) fyne.CanvasObject {
	b := &widget.Button{Text: label, OnTapped: func() { s.submit(value) }}
	if f := s.j.Current().Field; f != nil && s.j.Answer(f.ID) == value {
		b.Icon, b.Importance = theme.ConfirmIcon(), widget.HighImportance
	}
	return b
}

// keyboardModeFor gives digits for the fields made of digits.
func keyboardModeFor(k kiosk.FieldKind) Mode {
	switch k {
	case kiosk.KindPersonalID, kiosk.KindPhone, kiosk.KindNumber, kiosk.KindDate:
		return ModeNumbers
	}
	return ModeLetters
}

func placeholder(tr *translator, k kiosk.FieldKind) string {
	switch k {
	case kiosk.KindDate:
		return tr.T("wizard.placeholder.date")
	case kiosk.KindPhone:
		return tr.T("wizard.placeholder.phone")
	case kiosk.KindPersonalID:
		return tr.T("wizard.placeholder.id")
	}
	return ""
}
