package ui

import (
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// touchSlop is how far, in Fyne units, a finger may wander between press and
// release and still be a tap (design.md §6, fyne issue 4384). Fyne's desktop
// driver starts a drag after only 2 units (dragMoveThreshold,
// internal/driver/glfw/window.go:25), far less than a fingertip wobbles.
// TouchScroll uses the same slop the other way round: it does not scroll
// until a drag has gone this far, so one gesture is a tap or a scroll,
// never both.
const touchSlop float32 = 16

// minTouchTarget is the smallest side of anything a citizen taps (issue 5:
// touch targets at least 48 × 48).
const minTouchTarget float32 = 48

// TouchButton is a widget.Button that takes a finger's tap the way a phone
// does: it fires on release when the pointer stayed within touchSlop of where
// it went down, even when the button sits in a scroller.
//
// Why: a finger reaches a desktop Fyne app as mouse events. When the pointer
// moves 2 units or more over anything draggable (every container.Scroll is),
// the glfw driver treats the gesture as a drag and never calls Tapped
// (window.go:541-543), so a plain button in a list loses most finger taps.
// MouseUp is still delivered (window.go:546-563), so the decision is made
// there. Build it with NewTouchButton; Text, Icon, Importance, OnTapped and
// the rest work as on widget.Button.
type TouchButton struct {
	widget.Button

	pressed bool          // a primary press began here and has not slid off
	downAbs fyne.Position // where the press began, on the canvas
	downRel fyne.Position // and within the button
	travel  float32       // farthest the pointer has been from the press point

	// released marks a MouseUp this button has already decided on. On a
	// click with no drag the driver calls Tapped right after, with the same
	// position (window.go:541-543, 579-582); that Tapped is the same click
	// and must not fire a second time.
	released bool
	upAbs    fyne.Position
}

var (
	_ fyne.Widget       = (*TouchButton)(nil)
	_ fyne.Tappable     = (*TouchButton)(nil)
	_ desktop.Mouseable = (*TouchButton)(nil)
	_ desktop.Hoverable = (*TouchButton)(nil)
	_ fyne.Focusable    = (*TouchButton)(nil)
)

// NewTouchButton is widget.NewButtonWithIcon for a touch screen; icon may be nil.
func NewTouchButton(label string, icon fyne.Resource, onTapped func()) *TouchButton {
	b := &TouchButton{Button: widget.Button{Text: label, Icon: icon, OnTapped: onTapped}}
	b.ExtendBaseWidget(b)
	return b
}

// CreateRenderer draws exactly what widget.Button draws. Extending first
// keeps the renderer cached under the TouchButton even for a struct literal,
// because Button.CreateRenderer would otherwise claim the widget for itself.
func (b *TouchButton) CreateRenderer() fyne.WidgetRenderer {
	b.ExtendBaseWidget(b)
	return b.Button.CreateRenderer()
}

// MinSize is the button's own size, but never under a fingertip target.
func (b *TouchButton) MinSize() fyne.Size {
	b.ExtendBaseWidget(b)
	return b.Button.MinSize().Max(fyne.NewSquareSize(minTouchTarget))
}

// MouseDown starts a possible tap. Only the primary button (and a finger,
// which arrives as the primary button) counts.
func (b *TouchButton) MouseDown(ev *desktop.MouseEvent) {
	if ev.Button != desktop.MouseButtonPrimary {
		return
	}
	b.pressed, b.released = true, false
	b.downAbs, b.downRel = ev.AbsolutePosition, ev.Position
	b.travel = 0
}

// MouseMoved remembers how far the finger has wandered, so a drag that goes
// away and comes back is still a drag, not a tap.
func (b *TouchButton) MouseMoved(ev *desktop.MouseEvent) {
	b.Button.MouseMoved(ev)
	if b.pressed {
		b.travel = max(b.travel, b.distance(ev))
	}
}

// MouseOut cancels a press: the driver gives the release to whatever is under
// the pointer then (window.go:546-563), so this button could only see it again
// by the finger sliding back, which is not a tap.
func (b *TouchButton) MouseOut() {
	b.Button.MouseOut()
	b.pressed = false
}

// MouseUp fires the button when the press began here and stayed within
// touchSlop. A release without a press here (a finger that slid on from
// elsewhere) never fires.
func (b *TouchButton) MouseUp(ev *desktop.MouseEvent) {
	if ev.Button != desktop.MouseButtonPrimary {
		return
	}
	wasPressed := b.pressed
	b.pressed, b.released, b.upAbs = false, true, ev.AbsolutePosition
	if wasPressed && max(b.travel, b.distance(ev)) < touchSlop {
		b.Button.Tapped(&ev.PointEvent)
	}
}

// Tapped fires for a tap that did not come through MouseDown/MouseUp (test.Tap,
// an accessibility tool) and ignores the driver's Tapped that follows a
// MouseUp already decided on.
func (b *TouchButton) Tapped(ev *fyne.PointEvent) {
	sameClick := b.released && ev != nil && ev.AbsolutePosition == b.upAbs
	b.released = false
	if !sameClick {
		b.Button.Tapped(ev)
	}
}

// distance is how far ev is from the press. Absolute positions measure the
// finger on the glass, which is what counts when content scrolls under it;
// relative ones cover events built by hand with only Position set. The real
// driver fills in both, and the larger is the honest answer.
func (b *TouchButton) distance(ev *desktop.MouseEvent) float32 {
	return max(length(ev.AbsolutePosition.Subtract(b.downAbs)), length(ev.Position.Subtract(b.downRel)))
}

func length(p fyne.Position) float32 {
	return float32(math.Hypot(float64(p.X), float64(p.Y)))
}
