package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
)

// review is the "check your answers" page: every answer with a change
// button, the problems the whole-form checks found, and the submit button.
func (s *wizardScreen) review() fyne.CanvasObject {
	tr := s.k.tr
	title := heading(tr.T("review.title"))
	rows := []fyne.CanvasObject{title}
	for field, msg := range s.k.rejected {
		l := widget.NewLabel(tr.T("review.rejected", "field", field, "message", msg))
		l.Importance, l.Wrapping = widget.DangerImportance, fyne.TextWrapWord
		rows = append(rows, l)
	}
	for _, it := range s.j.Review() {
		rows = append(rows, s.reviewRow(it))
	}
	rows = append(rows, s.feeRow())
	send := &widget.Button{Text: tr.T("review.submit"), Icon: theme.MailSendIcon(), Importance: widget.HighImportance, OnTapped: s.k.citizenConfirms(s.onSend)}
	bottom := container.NewVBox(s.problem, s.k.pointGuarded(send, "assist.hint.submit.review"))
	return container.NewBorder(nil, container.NewPadded(bottom), nil, nil, NewTouchScroll(container.NewPadded(container.NewVBox(rows...))))
}

// feeRow is the fee these answers come to, and how: the citizen sees what
// they will pay before they submit.
func (s *wizardScreen) feeRow() fyne.CanvasObject {
	tr, lang := s.k.tr, s.k.tr.lang
	q := kiosk.QuoteFee(s.j.Procedure(), s.j.Answers(), kiosk.ChannelKiosk)
	label := widget.NewLabelWithStyle(tr.T("review.fee"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	if q.Total == 0 && q.Relief == nil {
		return container.NewVBox(label, widget.NewLabel(tr.T("fee.free")))
	}
	// A small bill: each line with its amount on the right, then the total.
	bill := container.NewGridWithColumns(2)
	for _, l := range q.Lines {
		text := wrapped(l.Text.In(lang))
		bill.Add(text)
		bill.Add(widget.NewLabelWithStyle(signedDong(l.Amount), fyne.TextAlignTrailing, fyne.TextStyle{}))
	}
	bill.Add(widget.NewLabelWithStyle(tr.T("review.fee.due"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	bill.Add(widget.NewLabelWithStyle(kiosk.FormatDong(q.Total), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
	return container.NewVBox(label, bill)
}

// signedDong writes an amount taken off as "−8.000 đ".
func signedDong(n int64) string {
	if n < 0 {
		return "−" + kiosk.FormatDong(-n)
	}
	return kiosk.FormatDong(n)
}

func (s *wizardScreen) reviewRow(it kiosk.ReviewItem) fyne.CanvasObject {
	tr, lang := s.k.tr, s.k.tr.lang
	label := widget.NewLabelWithStyle(it.Field.Label.In(lang), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	label.Wrapping = fyne.TextWrapWord
	value := wrapped(s.display(it))
	parts := []fyne.CanvasObject{label, value}
	if !it.Problem.IsZero() {
		p := widget.NewLabel(it.Problem.In(lang))
		p.Importance, p.Wrapping = widget.DangerImportance, fyne.TextWrapWord
		parts = append(parts, p)
	}
	var change fyne.CanvasObject = widget.NewLabel("")
	if it.Source == "" {
		id := it.Field.ID
		change = NewTouchButton(tr.T("review.change"), nil, func() {
			s.j.Change(id)
			s.k.show()
		})
	}
	return container.NewBorder(nil, widget.NewSeparator(), nil, change, container.NewVBox(parts...))
}

// display is an answer as the citizen should read it back: an option's
// label rather than its value, "Có/Không", "(chưa trả lời)" for none.
func (s *wizardScreen) display(it kiosk.ReviewItem) string {
	tr, lang := s.k.tr, s.k.tr.lang
	v := it.Value
	switch {
	case it.Field.Kind == kiosk.KindAttachment:
		v = tr.T("review.noattachment")
		if a, ok := s.k.attachments[it.Field.ID]; ok {
			v = tr.T("papers.file", "kind", tr.T(fileKindKey(a.MIME)), "size", formatSize(len(a.Data), lang))
		}
	case v == "":
		return tr.T("review.empty")
	case it.Field.Kind == kiosk.KindYesNo && v == "yes":
		v = tr.T("wizard.yes")
	case it.Field.Kind == kiosk.KindYesNo:
		v = tr.T("wizard.no")
	case it.Field.Kind == kiosk.KindSelect:
		for _, o := range it.Field.Options {
			if o.Value == v {
				v = o.Label.In(lang)
			}
		}
	}
	if it.Source != "" {
		v += " — " + tr.T("review.from."+it.Source)
	}
	return v
}

// submitWait is how long the kiosk waits for the central system's answer
// before telling the citizen the dossier is saved and will be sent.
const submitWait = 8 * time.Second

func (s *wizardScreen) onSend() {
	if !s.j.Ready() {
		s.problem.SetText(s.k.tr.T("review.fix"))
		s.problem.Show()
		return
	}
	k := s.k
	var draftID string
	if k.draft != nil {
		draftID = k.draft.ID
	}
	sub := Submission{
		DraftID:        draftID,
		ProcedureID:    s.j.Procedure().ID,
		CatalogVersion: k.catalog.Version,
		Applicant:      s.j.Applicant(),
		Verified:       s.j.Source(s.j.Procedure().ApplicantIDField()) == "vneid",
		Answers:        s.j.Answers(),
		Attachments:    k.attachmentList(),
		ConsentAt:      k.consent,
		Assisted:       k.visit.rec.Assisted() || k.visit.stepAssisted,
	}
	submit := k.opts.Submitter.Submit
	if k.practice {
		submit = k.practiceSubmit
	}
	k.goTo(screenSending)
	k.background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), submitWait)
		defer cancel()
		receipt, err := submit(ctx, sub)
		return func() { k.submitted(receipt, err) }
	})
}
