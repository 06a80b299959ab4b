package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
)

// procedureScreen says in plain words what a procedure is, who can use it,
// which papers to bring, the fee, the processing time and the level.
type procedureScreen struct {
	k    *Kiosk
	proc *kiosk.Procedure
}

func newProcedureScreen(k *Kiosk, p *kiosk.Procedure) *procedureScreen {
	return &procedureScreen{k: k, proc: p}
}

func (s *procedureScreen) build() fyne.CanvasObject {
	tr, lang, p := s.k.tr, s.k.tr.lang, s.proc
	back := &widget.Button{Text: tr.T("procedure.back"), Icon: theme.NavigateBackIcon(), OnTapped: s.k.backToCatalog}
	name := heading(p.Name.In(lang))
	name.Wrapping = fyne.TextWrapWord

	body := container.NewVBox(
		section(tr.T("procedure.what"), p.Summary.In(lang)),
		section(tr.T("procedure.who"), p.Who.In(lang)),
		section(tr.T("procedure.documents"), s.documents()),
		section(tr.T("procedure.fee"), s.k.feeDetails(p)),
		section(tr.T("procedure.time"), s.k.processingTime(p.Time)+"\n"+
			tr.T("procedure.due", "date", kiosk.FormatDate(s.k.calendar.DueDate(s.k.opts.Now(), p.Time)))),
		section(tr.T("procedure.level"), s.k.levelName(p)),
		section(tr.T("procedure.agency"), p.Agency.In(lang)),
		section(tr.T("procedure.code"), p.Code),
	)
	top := container.NewVBox(container.NewHBox(back), name)
	var bottom fyne.CanvasObject
	if s.k.opts.Submitter != nil || s.k.practice { // a kiosk that cannot file shows the facts only
		bottom = container.NewPadded(s.k.point(&widget.Button{Text: tr.T("procedure.start"), Icon: theme.DocumentCreateIcon(),
			Importance: widget.HighImportance, OnTapped: s.k.startDossier}, "assist.hint.start"))
	}
	return container.NewBorder(container.NewPadded(top), bottom, nil, nil, NewTouchScroll(container.NewPadded(body)))
}

// documents lists the papers, one per line, saying which must be originals
// and which are needed only in some cases.
func (s *procedureScreen) documents() string {
	tr, lang := s.k.tr, s.k.tr.lang
	out := ""
	for i, d := range s.proc.Docs {
		line := fmt.Sprintf("%d. %s", i+1, d.Name.In(lang))
		if d.Original {
			line += " (" + tr.T("procedure.original") + ")"
		}
		if d.Optional {
			line += " (" + tr.T("procedure.optional") + ")"
		}
		line += noteSuffix(d.Note.In(lang))
		if out != "" {
			out += "\n"
		}
		out += line
	}
	return out
}

func noteSuffix(note string) string {
	if note == "" {
		return ""
	}
	return " — " + note
}

func section(title, text string) fyne.CanvasObject {
	t := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.SizeName = theme.SizeNameSubHeadingText
	body := wrapped(text)
	return container.NewVBox(t, body)
}
