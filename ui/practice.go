package ui

import (
	"context"
	"fmt"
	"image/color"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/assets"
	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/practice"
)

// Practice mode (Luyện tập): the real screens, on practice procedures with
// a made-up person's details shown beside each question, under a band
// that says nothing is sent. Nothing is saved beyond the session and
// nothing goes to the central system but the anonymous practice count in
// the figures; at the end the citizen hears what went well and which step
// to try again.

// practiceBand is the colour of the band on every practice screen.
var practiceBand = color.NRGBA{R: 0x0D, G: 0x47, B: 0xA1, A: 0xFF}

// startPractice ends whatever session was on and shows the practice
// procedures.
func (k *Kiosk) startPractice() {
	k.goHome()
	k.practice = true
	k.goTo(screenPractice)
}

// practiceScreen lists the practice procedures as big choices.
func (k *Kiosk) practiceScreen() fyne.CanvasObject {
	tr := k.tr
	title := heading(tr.T("practice.title"))
	title.Wrapping = fyne.TextWrapWord
	intro := wrapped(tr.T("practice.intro"))
	var choices []fyne.CanvasObject
	for i := range k.opts.Practice.Catalog.Procedures {
		p := &k.opts.Practice.Catalog.Procedures[i]
		choices = append(choices, k.point(bigChoice(theme.DocumentCreateIcon(), p.Name.In(tr.lang), p.Summary.In(tr.lang),
			func() { k.openProcedure(p) }), "assist.hint.practice"))
	}
	back := &widget.Button{Text: tr.T("practice.leave"), Icon: theme.HomeIcon(), OnTapped: k.goHome}
	cards := container.NewPadded(container.NewGridWithColumns(min(len(choices), 3), choices...))
	scroll := NewTouchScroll(cards)
	k.afterShow = scroll.Refresh // the cards grow to their wrapped titles, as on the home screen
	return container.NewBorder(container.NewPadded(container.NewVBox(title, intro)), container.NewPadded(back), nil, nil, scroll)
}

// practiceBandView is the band on top of every practice screen: one line
// of white on blue, thin, so the form keeps its room above the keyboard.
func (k *Kiosk) practiceBandView() fyne.CanvasObject {
	bg := canvas.NewRectangle(practiceBand)
	text := canvas.NewText(k.tr.T("practice.band"), color.White)
	text.TextStyle.Bold = true
	text.Alignment = fyne.TextAlignCenter
	return container.NewStack(bg, container.New(layout.NewCustomPaddedLayout(4, 4, 0, 0), text))
}

// sampleHint shows, on a practice question, the made-up person's answer
// for the citizen to type: practice is typing it, not being given it.
func (k *Kiosk) sampleHint(f *kiosk.Field) fyne.CanvasObject {
	if !k.practice || k.current == nil {
		return nil
	}
	v := k.opts.Practice.Sample(k.current.ID, f.ID)
	if v == "" {
		return nil
	}
	for _, o := range f.Options { // a choice's sample is its value: show its words
		if o.Value == v {
			v = o.Label.In(k.tr.lang)
		}
	}
	switch {
	case f.Kind == kiosk.KindYesNo && v == "yes":
		v = k.tr.T("wizard.yes")
	case f.Kind == kiosk.KindYesNo && v == "no":
		v = k.tr.T("wizard.no")
	}
	l := widget.NewLabelWithStyle(k.tr.T("practice.sample", "value", v), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Importance = widget.HighImportance
	return l
}

// samplePaperButton attaches a sample picture to a practice paper
// question: a practice kiosk has no papers of the citizen to scan.
func (k *Kiosk) samplePaperButton(f *kiosk.Field) fyne.CanvasObject {
	id := f.ID
	return &widget.Button{Text: k.tr.T("practice.paper"), Icon: theme.FileImageIcon(), OnTapped: func() {
		k.activity()
		k.attach(Attachment{FieldID: id, Name: "giay-to-mau.png", MIME: "image/png", Data: slices.Clone(assets.Icon())})
	}}
}

// practiceSubmit stands in for the Submitter in practice: it makes the
// receipt a real submission would, from the kiosk's own rules, and sends
// nothing.
func (k *Kiosk) practiceSubmit(_ context.Context, s Submission) (Receipt, error) {
	k.practiceRuns++
	p, _ := k.opts.Practice.Catalog.Procedure(s.ProcedureID)
	r := Receipt{Code: fmt.Sprintf("LUYENTAP-%04d", k.practiceRuns)}
	if p != nil {
		r.DueDate = kiosk.FormatDate(k.calendar.DueDate(k.opts.Now(), p.Time))
		r.Fee = kiosk.QuoteFee(p, s.Answers, kiosk.ChannelKiosk).Total
	}
	return r, nil
}

// practiceDone is the end of a practice run: what went well, which step
// to try again, and the ways on.
func (k *Kiosk) practiceDone() fyne.CanvasObject {
	tr, lang := k.tr, k.tr.lang
	title := heading(tr.T("practice.done"))
	title.Wrapping = fyne.TextWrapWord
	rows := []fyne.CanvasObject{title}
	report := practice.Review(k.visit.rec)
	var proc *kiosk.Procedure
	if p, ok := k.opts.Practice.Catalog.Procedure(k.visit.rec.Procedure); ok {
		proc = p
	}
	if report.TryAgain == "" {
		rows = append(rows, wrapped(tr.T("practice.ready")))
	} else {
		rows = append(rows, wrapped(tr.T("practice.again", "step", practice.StepTitle(proc, report.TryAgain, lang))))
		if well := report.WentWell; len(well) > 0 {
			rows = append(rows, wrapped(tr.T("practice.well", "steps", k.stepList(proc, well))))
		}
	}
	if r := k.receipt; r != nil && r.Fee > 0 {
		rows = append(rows, wrapped(tr.T("practice.fee", "fee", kiosk.FormatDong(r.Fee))))
	}
	again := &widget.Button{Text: tr.T("practice.again.button"), Icon: theme.MediaReplayIcon(), OnTapped: k.startPractice}
	home := &widget.Button{Text: tr.T("done.home"), Icon: theme.HomeIcon(), Importance: widget.HighImportance, OnTapped: k.goHome}
	return container.NewBorder(nil, container.NewPadded(container.NewGridWithColumns(2, again, k.point(home, "assist.hint.home"))), nil, nil,
		NewTouchScroll(container.NewPadded(container.NewVBox(rows...))))
}

// practiceWellShown is how many steps that went well the end of a
// practice names: a long list is not read, and most steps go well.
const practiceWellShown = 3

// stepList names the steps for a sentence, the first few and how many more.
func (k *Kiosk) stepList(proc *kiosk.Procedure, steps []string) string {
	var names []string
	for _, step := range steps[:min(len(steps), practiceWellShown)] {
		names = append(names, practice.StepTitle(proc, step, k.tr.lang))
	}
	if more := len(steps) - practiceWellShown; more > 0 {
		names = append(names, k.tr.T("practice.more", "count", more))
	}
	return joinList(names, k.tr.lang)
}

// joinList joins names as a sentence does: "a, b và c".
func joinList(names []string, lang kiosk.Lang) string {
	and := " và "
	if lang == kiosk.EN {
		and = " and "
	}
	switch n := len(names); n {
	case 0:
		return ""
	case 1:
		return names[0]
	default:
		out := names[0]
		for _, s := range names[1 : n-1] {
			out += ", " + s
		}
		return out + and + names[n-1]
	}
}
