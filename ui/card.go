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
// touch target, not just a word. The catalog's list shows a few cards and
// binds each to the procedure in its row (bind) as the citizen scrolls.
type procedureCard struct {
	widget.BaseWidget
	k       *Kiosk
	proc    *kiosk.Procedure
	button  *TouchButton
	name    *widget.Label
	facts   *widget.RichText
	content fyne.CanvasObject
}

// newProcedureCard makes a card showing nothing yet: bind gives it its
// procedure.
func newProcedureCard(k *Kiosk) *procedureCard {
	name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Wrapping = fyne.TextWrapWord
	// The facts are quieter than the name but still 8:1 against the card:
	// a LowImportance label would use the disabled colour, far too faint.
	facts := widget.NewRichText(&widget.TextSegment{
		Style: widget.RichTextStyle{ColorName: theme.ColorNamePlaceHolder, Inline: true, SizeName: theme.SizeNameText},
	})
	facts.Wrapping = fyne.TextWrapWord

	c := &procedureCard{k: k, name: name, facts: facts, content: container.NewVBox(name, facts)}
	c.button = NewTouchButton("", nil, func() {
		if c.proc != nil {
			k.openProcedure(c.proc)
		}
	})
	c.ExtendBaseWidget(c)
	return c
}

// bind shows p on the card, in the current language.
func (c *procedureCard) bind(p *kiosk.Procedure) {
	c.proc = p
	c.name.SetText(p.Name.In(c.k.tr.lang))
	if seg, facts := c.facts.Segments[0].(*widget.TextSegment), c.k.facts(p); seg.Text != facts {
		seg.Text = facts
		c.facts.Refresh()
	}
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
