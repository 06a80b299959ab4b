package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// homeScreen offers the big choices, each an icon and plain words. Help is
// the header's button, on every screen.
func (k *Kiosk) homeScreen() fyne.CanvasObject {
	tr := k.tr
	welcome := widget.NewLabelWithStyle(tr.T("home.welcome"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	welcome.SizeName = theme.SizeNameHeadingText
	welcome.Wrapping = fyne.TextWrapWord
	choices := []fyne.CanvasObject{
		k.point(bigChoice(theme.DocumentCreateIcon(), tr.T("home.submit"), tr.T("home.submit.hint"), func() { k.goTo(screenCatalog) }), "assist.hint.submit"),
	}
	if k.opts.Drafts != nil {
		choices = append(choices, bigChoice(theme.HistoryIcon(), tr.T("home.resume"), tr.T("home.resume.hint"), func() { k.goTo(screenResume) }))
	}
	if k.opts.Tracker != nil {
		choices = append(choices, bigChoice(theme.SearchIcon(), tr.T("home.track"), tr.T("home.track.hint"), func() { k.goTo(screenTrack) }))
	}
	if k.opts.Practice != nil {
		choices = append(choices, k.point(bigChoice(theme.MediaReplayIcon(), tr.T("home.practice"), tr.T("home.practice.hint"), k.startPractice), "assist.hint.practice"))
	}
	top := []fyne.CanvasObject{welcome}
	if k.notice != "" {
		n := wrapped(k.notice)
		n.Alignment = fyne.TextAlignCenter
		top = append(top, n)
		k.notice = "" // said once
	}
	content := container.NewVBox(append(top, container.NewGridWithColumns(len(choices), choices...))...)
	// Laid out once more when shown: a wrapped hint knows how many lines
	// it needs only once it has its width, and the cards must grow to
	// hold them (else the text spills below the card).
	k.afterShow = content.Refresh
	return container.NewPadded(content)
}

// bigChoice is a large card-like button: an icon, a title and a hint.
func bigChoice(icon fyne.Resource, title, hint string, tapped func()) fyne.CanvasObject {
	img := widget.NewIcon(icon)
	iconBox := container.NewGridWrap(fyne.NewSquareSize(96), img)
	t := widget.NewLabelWithStyle(title, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	t.SizeName, t.Wrapping = theme.SizeNameHeadingText, fyne.TextWrapWord
	h := widget.NewLabel(hint)
	h.Alignment, h.Wrapping = fyne.TextAlignCenter, fyne.TextWrapWord
	content := container.NewVBox(container.NewCenter(iconBox), t, h)
	return newTapCard(title, content, tapped)
}

// tapCard is a whole-area touch target: a button under the content takes
// the tap, so the citizen may press anywhere on it. name says what it is,
// for tests and for logs of what was tapped.
type tapCard struct {
	widget.BaseWidget
	name    string
	button  *TouchButton
	content fyne.CanvasObject
}

var _ fyne.Widget = (*tapCard)(nil)

func newTapCard(name string, content fyne.CanvasObject, tapped func()) *tapCard {
	c := &tapCard{name: name, button: NewTouchButton("", nil, tapped), content: content}
	c.ExtendBaseWidget(c)
	return c
}

func (c *tapCard) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(c.button, container.NewPadded(c.content)))
}
