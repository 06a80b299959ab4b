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

// ErrUnknownDossier is what a Tracker returns for a code no dossier has.
var ErrUnknownDossier = errors.New("no dossier has this code")

// trackScreen finds a dossier by its code (typed, or scanned from the
// receipt's QR) and tells its status in plain words.
type trackScreen struct {
	k      *Kiosk
	code   *widget.Entry
	result *widget.Label
}

func newTrackScreen(k *Kiosk) *trackScreen { return &trackScreen{k: k} }

func (s *trackScreen) build() fyne.CanvasObject {
	tr := s.k.tr
	title := heading(tr.T("track.title"))
	home := &widget.Button{Text: tr.T("done.home"), Icon: theme.HomeIcon(), OnTapped: s.k.goHome}
	s.code = widget.NewEntry()
	s.code.SetPlaceHolder(tr.T("track.placeholder"))
	s.code.OnSubmitted = func(string) { s.onTrack() }
	s.code.OnChanged = func(string) { s.k.activity() }
	s.k.useKeyboard(s.code, ModeLetters)
	find := &widget.Button{Text: tr.T("track.find"), Icon: theme.SearchIcon(), Importance: widget.HighImportance, OnTapped: s.onTrack}
	s.result = widget.NewLabel(s.k.trackText())
	s.result.Wrapping = fyne.TextWrapWord
	top := container.NewVBox(container.NewHBox(home), title, container.NewBorder(nil, nil, nil, find, s.code))
	return container.NewBorder(container.NewPadded(top), nil, nil, nil, NewTouchScroll(container.NewPadded(s.result)))
}

func (s *trackScreen) onTrack() {
	code := strings.TrimSpace(s.code.Text)
	// The barcode scanner types the receipt's QR — the tracking page's
	// address — into the box: take the code out of it.
	if scan, err := kiosk.ClassifyScan(code); err == nil && scan.Kind == kiosk.ScanTracking {
		code = scan.Code
	}
	if code == "" {
		s.result.SetText(s.k.tr.T("track.empty"))
		return
	}
	s.result.SetText(s.k.tr.T("track.looking"))
	k := s.k
	k.background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		d, err := k.opts.Tracker.Track(ctx, code)
		return func() { s.show(d, err) }
	})
}

func (s *trackScreen) show(d TrackedDossier, err error) {
	tr := s.k.tr
	switch {
	case errors.Is(err, ErrUnknownDossier):
		s.result.SetText(tr.T("track.unknown"))
	case err != nil:
		s.result.SetText(tr.T("track.failed"))
	default:
		s.k.tracked = &d
		s.result.SetText(s.k.trackText())
	}
}

// trackText tells a tracked dossier's story in plain words.
func (k *Kiosk) trackText() string {
	d := k.tracked
	if d == nil {
		return ""
	}
	tr := k.tr
	name := d.ProcedureID
	if p, ok := k.catalog.Procedure(d.ProcedureID); ok {
		name = p.Name.In(tr.lang)
	}
	lines := []string{d.Code, name, tr.T("track.status." + d.Status), tr.T("done.due", "date", d.DueDate)}
	for _, st := range d.Timeline {
		lines = append(lines, "• "+kiosk.FormatDate(st.At)+" — "+tr.T("track.status."+st.Status))
	}
	return strings.Join(lines, "\n")
}
