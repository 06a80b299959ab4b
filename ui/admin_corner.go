package ui

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// holdCorner is an invisible square laid over the header's logo: held for
// hold, it calls onHold (the admin PIN pad). A touch reaches a desktop
// Fyne app as mouse events and Fyne's long-press is never called (design
// 6), so the hold is timed from MouseDown to MouseUp. It is not Tappable:
// a tap on the logo does nothing, as before, and it covers only the logo,
// which takes no taps, so it steals none. It is as big as the logo, 48 ×
// 48, a fair target for a deliberate press.
type holdCorner struct {
	widget.BaseWidget

	hold   time.Duration
	now    func() time.Time
	onHold func()

	pressed bool      // a primary press began here and has not left
	down    time.Time // when
}

var (
	_ fyne.Widget       = (*holdCorner)(nil)
	_ desktop.Mouseable = (*holdCorner)(nil)
	_ desktop.Hoverable = (*holdCorner)(nil)
)

func newHoldCorner(hold time.Duration, now func() time.Time, onHold func()) *holdCorner {
	c := &holdCorner{hold: hold, now: now, onHold: onHold}
	c.ExtendBaseWidget(c)
	return c
}

// CreateRenderer draws nothing anyone can see.
func (c *holdCorner) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// MinSize is a fingertip target.
func (c *holdCorner) MinSize() fyne.Size { return fyne.NewSquareSize(minTouchTarget) }

// MouseDown starts timing a press of the primary button (a finger).
func (c *holdCorner) MouseDown(ev *desktop.MouseEvent) {
	if ev.Button != desktop.MouseButtonPrimary {
		return
	}
	c.pressed, c.down = true, c.now()
}

// MouseUp opens the pad when the press lasted hold and ended on the
// corner. The driver gives a release to whatever is under the pointer
// then, so a press that slid off and came back is cancelled by MouseOut.
func (c *holdCorner) MouseUp(ev *desktop.MouseEvent) {
	if ev.Button != desktop.MouseButtonPrimary {
		return
	}
	held := c.pressed && c.inside(ev.Position) && c.now().Sub(c.down) >= c.hold
	c.pressed = false
	if held && c.onHold != nil {
		c.onHold()
	}
}

// MouseIn is part of desktop.Hoverable.
func (c *holdCorner) MouseIn(*desktop.MouseEvent) {}

// MouseMoved cancels a press that wandered off the corner.
func (c *holdCorner) MouseMoved(ev *desktop.MouseEvent) {
	if !c.inside(ev.Position) {
		c.pressed = false
	}
}

// MouseOut cancels the press: the finger left the corner.
func (c *holdCorner) MouseOut() { c.pressed = false }

func (c *holdCorner) inside(p fyne.Position) bool {
	s := c.Size()
	return p.X >= 0 && p.Y >= 0 && p.X <= s.Width && p.Y <= s.Height
}
