package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
)

// procedureCard is a whole-width tappable card: the procedure's name, which
// wraps over as many lines as it needs, and one line of facts (level, time,
// fee). A button under the text takes the tap, so the whole card is the
// touch target, not just a word.
type procedureCard struct {
	widget.BaseWidget
	proc    *kiosk.Procedure
	button  *TouchButton
	content fyne.CanvasObject
}

func newProcedureCard(k *Kiosk, p *kiosk.Procedure) *procedureCard {
	lang := k.tr.lang
	name := widget.NewLabelWithStyle(p.Name.In(lang), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Wrapping = fyne.TextWrapWord
	// The facts are quieter than the name but still 8:1 against the card:
	// a LowImportance label would use the disabled colour, far too faint.
	facts := widget.NewRichText(&widget.TextSegment{
		Text:  k.facts(p),
		Style: widget.RichTextStyle{ColorName: theme.ColorNamePlaceHolder, Inline: true, SizeName: theme.SizeNameText},
	})
	facts.Wrapping = fyne.TextWrapWord

	c := &procedureCard{
		proc:    p,
		button:  NewTouchButton("", nil, func() { k.openProcedure(p) }),
		content: container.NewVBox(name, facts),
	}
	c.ExtendBaseWidget(c)
	return c
}

var _ fyne.Widget = (*procedureCard)(nil)

func (c *procedureCard) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(c.button, c.content))
}

// facts is the one-line summary under a procedure's name.
func (k *Kiosk) facts(p *kiosk.Procedure) string {
	parts := []string{k.levelName(p), k.processingTime(p.Time), k.fee(p)}
	return strings.Join(parts, " · ")
}

func (k *Kiosk) levelName(p *kiosk.Procedure) string {
	if l, ok := k.catalog.Level(p.Level); ok {
		return l.Name.In(k.tr.lang)
	}
	return p.Level
}

func (k *Kiosk) processingTime(t kiosk.ProcessingTime) string {
	if t.SameDay {
		return k.tr.T("time.sameday")
	}
	return k.tr.T("time.workingdays", "days", t.WorkingDays)
}

// fee says a procedure's fee in a line: the rule, and what filing here
// costs when filing online is cheaper (the kiosk files online).
func (k *Kiosk) fee(p *kiosk.Procedure) string {
	f := p.Fee
	amount := kiosk.FormatDong(f.Amount)
	var s string
	switch f.Kind {
	case kiosk.FeeFixed:
		s = k.tr.T("fee.fixed", "amount", amount)
	case kiosk.FeePerCopy:
		s = k.tr.T("fee.percopy", "amount", amount)
	case kiosk.FeePerPage:
		s = k.tr.T("fee.perpage", "amount", amount)
	default:
		return k.tr.T("fee.free")
	}
	if f.Max > 0 {
		s += ", " + k.tr.T("fee.max", "amount", kiosk.FormatDong(f.Max))
	}
	switch {
	case f.Kind == kiosk.FeeFixed && (f.OnlineAmount > 0 || f.OnlineDiscountPercent > 0):
		online := kiosk.QuoteFee(p, nil, kiosk.ChannelKiosk).Total
		s += " — " + k.tr.T("fee.online", "amount", kiosk.FormatDong(online))
	case f.OnlineDiscountPercent > 0:
		s += " — " + k.tr.T("fee.online.percent", "percent", f.OnlineDiscountPercent)
	}
	return s
}

// feeDetails is the procedure page's fee: the line, who is exempt, and
// the catalog's note.
func (k *Kiosk) feeDetails(p *kiosk.Procedure) string {
	lang := k.tr.lang
	s := k.fee(p)
	for _, e := range p.Fee.Exempt {
		s += "\n" + e.Reason.In(lang)
	}
	return s + noteSuffix(p.Fee.Note.In(lang))
}
