package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
)

// pageFraction is how much of the viewport PageDown/PageUp move: a little
// less than a screenful, so the last line read stays in sight.
const pageFraction float32 = 0.8

// TouchScroll is a vertical container.Scroll that a finger can drag.
//
// Why it extends the Scroll instead of wrapping it: on desktop
// Scroll.Dragged returns at once unless the device is mobile
// (internal/widget/scroller.go:534-537, fyne issue 5755), yet the Scroll is
// still a fyne.Draggable. The driver hands a drag to the top-most Draggable
// under the pointer (internal/driver/util.go:57-60 keeps the last match of a
// depth-first walk; window.go:359-373), so a wrapper above the Scroll would
// never see it. Extending puts our Dragged on the very object the driver
// picks, and keeps the scroll bars, mouse wheel and clipping of the Scroll.
//
// Drags that start on a button inside still come here: widget.Button and
// TouchButton are not Draggable. Drags that start on a Draggable child (an
// Entry selecting text, a Slider) stay with that child.
type TouchScroll struct {
	container.Scroll

	pending   fyne.Delta // this drag so far, while still within touchSlop
	scrolling bool       // this drag passed touchSlop: the content follows the finger
}

var (
	_ fyne.Widget     = (*TouchScroll)(nil)
	_ fyne.Draggable  = (*TouchScroll)(nil)
	_ fyne.Scrollable = (*TouchScroll)(nil)
)

// NewTouchScroll scrolls content vertically, by finger, wheel or page.
func NewTouchScroll(content fyne.CanvasObject) *TouchScroll {
	s := &TouchScroll{}
	s.Direction = container.ScrollVerticalOnly
	s.Content = content
	s.ExtendBaseWidget(s)
	return s
}

// Dragged moves the content with the finger once the drag has passed
// touchSlop; a smaller wobble is left to the tap it probably is. The first
// move catches up the slop, so the content stays under the fingertip.
func (s *TouchScroll) Dragged(ev *fyne.DragEvent) {
	if s.scrolling {
		s.scrollBy(ev.Dragged.DY)
		return
	}
	s.pending.DX += ev.Dragged.DX
	s.pending.DY += ev.Dragged.DY
	if length(fyne.NewPos(s.pending.DX, s.pending.DY)) < touchSlop {
		return
	}
	s.scrolling = true
	s.scrollBy(s.pending.DY)
}

// DragEnd readies the slop for the next gesture. There is no fling: a calm
// screen stops where the finger left it.
func (s *TouchScroll) DragEnd() {
	s.pending = fyne.Delta{}
	s.scrolling = false
}

// PageDown shows the next screenful, for a big button beside the list.
func (s *TouchScroll) PageDown() { s.scrollBy(-s.page()) }

// PageUp shows the previous screenful.
func (s *TouchScroll) PageUp() { s.scrollBy(s.page()) }

func (s *TouchScroll) page() float32 { return pageFraction * s.Size().Height }

// scrollBy moves the content by dy (positive: content moves down, as under a
// finger dragging down), clamped to the content, and tells OnScrolled as the
// wheel does: ScrollToOffset alone would not.
func (s *TouchScroll) scrollBy(dy float32) {
	bottom := max(s.Content.MinSize().Height-s.Size().Height, 0)
	y := min(max(s.Offset.Y-dy, 0), bottom)
	if y == s.Offset.Y {
		return
	}
	s.ScrollToOffset(fyne.NewPos(s.Offset.X, y))
	if s.OnScrolled != nil {
		s.OnScrolled(s.Offset)
	}
}

// Reveal scrolls the least that shows obj, a descendant of the content,
// whole if it fits: a question's answer box that the bands above (practice,
// the assistant's coach bar) would push under the keyboard.
func (s *TouchScroll) Reveal(obj fyne.CanvasObject) {
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(obj).Y - d.AbsolutePositionForObject(s.Content).Y
	bottom := top + obj.Size().Height
	y := s.Offset.Y
	if view := s.Size().Height; bottom > y+view {
		y = bottom - view
	}
	y = min(y, top)
	s.scrollBy(s.Offset.Y - y)
}
