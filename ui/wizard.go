package ui

import (
	"unicode/utf8"

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
	name.Truncation = fyne.TextTruncateEllipsis // a long name must not push the buttons off the screen
	right := container.NewHBox(s.k.savedLabel, progress)
	if s.k.opts.Linker != nil && !s.k.practice && s.j.Current().Kind == kiosk.StepField {
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
	s.k.refusedAnswer()
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
		h := wrapped(help)
		parts = append(parts, h)
	}
	if sample := s.k.sampleHint(f); sample != nil && !typed(f.Kind) {
		parts = append(parts, sample) // a typed answer's sample stands beside its box
	}
	input := s.input(f)
	parts = append(parts, s.problem, input)
	if !f.Required {
		parts = append(parts, &widget.Button{Text: tr.T("wizard.skip"), OnTapped: func() { s.submit("") }})
	}
	scroll := NewTouchScroll(container.NewPadded(container.NewVBox(parts...)))
	s.k.afterShow = func() { scroll.Reveal(input) } // the answer box stays above the keyboard
	return scroll
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
		return s.k.point(container.NewGridWithColumns(choiceColumns(f, lang), opts...), "assist.hint.choose")
	case kiosk.KindYesNo:
		return s.k.point(container.NewGridWithColumns(2, s.choice(tr.T("wizard.yes"), "yes"), s.choice(tr.T("wizard.no"), "no")), "assist.hint.choose")
	}
	entry := widget.NewEntry()
	entry.SetText(s.j.Answer(f.ID))
	entry.SetPlaceHolder(placeholder(tr, f.Kind))
	entry.OnSubmitted = s.submit
	entry.OnChanged = func(string) { s.k.activity() }
	s.k.useKeyboard(entry, keyboardModeFor(f.Kind))
	next := &widget.Button{Text: tr.T("wizard.next"), Icon: theme.NavigateNextIcon(), Importance: widget.HighImportance,
		OnTapped: func() { s.submit(entry.Text) }}
	// Beside the box: in practice the sample to type, and the button that
	// reads the answer back. Beside, not above: above the keyboard every
	// line counts.
	beside := container.NewHBox()
	if sample := s.k.sampleHint(f); sample != nil {
		beside.Add(sample)
	}
	if read := s.k.readAnswerButton(entry); read != nil {
		beside.Add(read)
	}
	var box fyne.CanvasObject = entry
	if len(beside.Objects) > 0 {
		box = container.NewBorder(nil, nil, nil, beside, entry)
	}
	return container.NewVBox(s.k.point(box, "assist.hint.type"), s.k.point(next, "assist.hint.next"))
}

// choice is one answer button; the current answer is marked.
func (s *wizardScreen) choice(label, value string) fyne.CanvasObject {
	b := &widget.Button{Text: label, OnTapped: func() { s.submit(value) }}
	if f := s.j.Current().Field; f != nil && s.j.Answer(f.ID) == value {
		b.Icon, b.Importance = theme.ConfirmIcon(), widget.HighImportance
	}
	return b
}

// longChoice is the length (in letters) from which an option's label
// needs the screen's whole width: a button's label does not wrap.
const longChoice = 48

// choiceColumns puts the options two to a row, or one when any label is
// long: two long labels side by side would push the window wider than the
// screen (the tạm trú fee groups did, in English).
func choiceColumns(f *kiosk.Field, lang kiosk.Lang) int {
	for _, o := range f.Options {
		if utf8.RuneCountInString(o.Label.In(lang)) >= longChoice {
			return 1
		}
	}
	return min(len(f.Options), 2)
}

// typed reports whether a field's answer is typed in a box, rather than
// chosen from buttons.
func typed(k kiosk.FieldKind) bool { return k != kiosk.KindSelect && k != kiosk.KindYesNo }

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
