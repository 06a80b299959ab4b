package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// ListItemID is a row of a TouchList, counted from 0.
type ListItemID = int

// TouchList is a virtual list a finger can drag: a TouchScroll over a
// column of rows of any height, where only the rows in view have widgets.
// It keeps a few row widgets and binds them to rows as they scroll into
// view (CreateItem and UpdateItem, as widget.List has), so a catalog of
// 5,000 procedures costs about what one of 34 does. Rows are spaced and
// inset by the theme's padding, exactly as a padded VBox in a TouchScroll.
//
// Why not widget.List: its scroller is an internal Scroll inside the List,
// the deepest Draggable under the finger, so the driver hands a drag to it
// and not to a Dragged on the List (fyne issue 5755; the reason TouchScroll
// extends the Scroll, see there); every row sits in a list item that
// highlights on hover and, when tapped, selects the row and takes the focus
// from the search box; and its separators and inner scroller would change
// the catalog's look. Here the Scroll is the TouchScroll we already trust,
// and the rows are laid out lazily in its content.
//
// Row heights: a row's height is estimated (EstimateHeight) until the row
// is first shown; then it is measured at the list's width (its MinSize),
// and kept until the width, the theme or the rows change (Refresh). When a
// row that starts above the view changes height, the view moves with it,
// so what the citizen is reading does not jump.
type TouchList struct {
	TouchScroll

	// Length returns the number of rows.
	Length func() int
	// CreateItem makes a row widget; the list makes only a few.
	CreateItem func() fyne.CanvasObject
	// UpdateItem shows row id in item, a widget CreateItem made.
	UpdateItem func(id ListItemID, item fyne.CanvasObject)
	// EstimateHeight guesses row id's height before it has been shown;
	// nil guesses the height of row 0 at the list's width.
	EstimateHeight func(id ListItemID) float32

	rows *fyne.Container // the rows in view, laid out by listRows

	heights []float32 // every row's height: measured (known) or estimated
	known   []bool
	total   float32 // the rows' heights and the gaps between them
	width   float32 // the width heights were measured at
	minWide float32 // the widest row shown since the last reset
	stale   bool    // the rows changed: bind and measure again
	guess   float32 // row 0's height, for lack of EstimateHeight

	shown    []listRow // the rows in view, in order
	spare    []fyne.CanvasObject
	updating bool
}

// listRow is a row in view and the widget showing it.
type listRow struct {
	id   ListItemID
	item fyne.CanvasObject
}

var (
	_ fyne.Widget     = (*TouchList)(nil)
	_ fyne.Draggable  = (*TouchList)(nil)
	_ fyne.Scrollable = (*TouchList)(nil)
)

// NewTouchList is widget.NewList for a touch screen: rows of any height,
// scrolled by finger, wheel or page.
func NewTouchList(length func() int, createItem func() fyne.CanvasObject, updateItem func(ListItemID, fyne.CanvasObject)) *TouchList {
	l := &TouchList{Length: length, CreateItem: createItem, UpdateItem: updateItem, stale: true}
	l.rows = &fyne.Container{Layout: listRows{l}}
	l.Direction = container.ScrollVerticalOnly
	l.Content = container.NewPadded(l.rows)
	// Every move of the view — drag, wheel, scroll bar, page — comes
	// through OnScrolled (TouchScroll.scrollBy calls it too).
	l.OnScrolled = func(fyne.Position) { l.update() }
	l.ExtendBaseWidget(l)
	return l
}

// Refresh binds and measures the rows in view again: call it when the rows
// change. The app calls it when the theme (the text size) changes.
func (l *TouchList) Refresh() {
	l.stale = true
	l.TouchScroll.Refresh() // lays the content out, which calls update
	l.update()              // in case the layout had nothing to do
}

// Resize shows as many rows as the new size holds: when the keyboard goes
// away the list grows, though its content (taller than the view) keeps its
// size and is not laid out again.
func (l *TouchList) Resize(size fyne.Size) {
	l.TouchScroll.Resize(size)
	l.update()
}

// ScrollToOffset shows the rows from y down (clamped to the list), as
// widget.List.ScrollToOffset does.
func (l *TouchList) ScrollToOffset(y float32) {
	bottom := max(l.Content.MinSize().Height-l.Size().Height, 0)
	y = min(max(y, 0), bottom)
	l.TouchScroll.ScrollToOffset(fyne.NewPos(0, y))
	l.update()
}

// GetScrollOffset is how far down the list is scrolled.
func (l *TouchList) GetScrollOffset() float32 { return l.Offset.Y }

// ScrollToTop shows the first rows.
func (l *TouchList) ScrollToTop() { l.ScrollToOffset(0) }

// ScrollTo scrolls the least that shows row id whole (its top, if it is
// taller than the view).
func (l *TouchList) ScrollTo(id ListItemID) {
	l.update() // heights for the current rows
	if id < 0 || id >= len(l.heights) {
		return
	}
	// Rows measured on the way change where row id is: aim again until
	// it stays put (twice is usual).
	for range 4 {
		top := l.rows.Position().Y + l.rowTop(id)
		y := l.Offset.Y
		if bottom := top + l.heights[id]; bottom > y+l.Size().Height {
			y = bottom - l.Size().Height
		}
		if y = min(y, top); y == l.Offset.Y {
			return
		}
		l.ScrollToOffset(y)
	}
}

// rowTop is where row id starts, from the top of the first row.
func (l *TouchList) rowTop(id ListItemID) float32 {
	gap := theme.Padding()
	y := float32(0)
	for _, h := range l.heights[:id] {
		y += h + gap
	}
	return y
}

// update binds the rows in view to row widgets, measures the new ones and
// lays them out, and fits the content to the measured heights.
func (l *TouchList) update() {
	if l.updating || l.Length == nil || l.rows.Size().Width <= 0 {
		return
	}
	l.updating = true
	defer func() { l.updating = false }()

	n, width := l.Length(), l.rows.Size().Width
	if l.stale || n != len(l.heights) || width != l.width {
		l.reset(n, width)
	}
	gap := theme.Padding()
	offset := l.Offset.Y
	top := offset - l.rows.Position().Y
	bottom := top + l.Size().Height

	id, y := l.rowAt(top)
	anchor := l.anchor(id, y, bottom)
	old := l.recycle(id, l.pastView(id, y, bottom))
	l.shown = make([]listRow, 0, len(old)+2)
	objects := make([]fyne.CanvasObject, 0, len(old)+2)
	for ; id < n && y < bottom; id++ {
		item := l.take(&old, id)
		if !l.known[id] {
			if d := l.measure(id, item, width); d != 0 && (y < top || id < anchor) {
				offset += d // keep the rows below where the citizen sees them
				top, bottom = top+d, bottom+d
			}
		}
		item.Move(fyne.NewPos(0, y))
		item.Resize(fyne.NewSize(width, l.heights[id]))
		l.shown = append(l.shown, listRow{id, item})
		objects = append(objects, item)
		y += l.heights[id] + gap
	}
	for _, r := range old {
		l.spare = append(l.spare, r.item)
	}
	l.rows.Objects = objects
	if size := l.Content.MinSize().Max(l.Size()); size != l.Content.Size() || offset != l.Offset.Y {
		l.fit(size, offset)
	}
	canvas.Refresh(l.rows)
}

// rowAt is the first row that reaches below y, and where it starts.
func (l *TouchList) rowAt(y float32) (id ListItemID, top float32) {
	gap := theme.Padding()
	for id < len(l.heights) && top+l.heights[id] <= y {
		top += l.heights[id] + gap
		id++
	}
	return id, top
}

// pastView is the first row from id (which starts at top) on that starts
// at or below bottom: one past the last row in view.
func (l *TouchList) pastView(id ListItemID, top, bottom float32) ListItemID {
	gap := theme.Padding()
	for id < len(l.heights) && top < bottom {
		top += l.heights[id] + gap
		id++
	}
	return id
}

// anchor is the first row that was in view, if it still is in view from
// row first (starting at top) down to bottom, or -1. Rows above it
// measured now must not move it on the screen; without one (a jump), the
// first row in view is the anchor.
func (l *TouchList) anchor(first ListItemID, top, bottom float32) ListItemID {
	if len(l.shown) == 0 || l.shown[0].id < first {
		return -1
	}
	a := l.shown[0].id
	if a >= len(l.heights) || l.pastView(first, top, bottom) <= a {
		return -1
	}
	return a
}

// recycle keeps the widgets of the rows from first up to (not including)
// end that are in view already, and gives the others to the spares, for
// the rows coming into view.
func (l *TouchList) recycle(first, end ListItemID) []listRow {
	var kept []listRow
	for _, r := range l.shown {
		if r.id >= first && r.id < end {
			kept = append(kept, r)
		} else {
			l.spare = append(l.spare, r.item)
		}
	}
	return kept
}

// take returns the widget showing row id: the one in old that already
// does (taking it out of old), or a spare (or new) one bound to it.
func (l *TouchList) take(old *[]listRow, id ListItemID) fyne.CanvasObject {
	for i, r := range *old {
		if r.id == id {
			*old = append((*old)[:i], (*old)[i+1:]...)
			return r.item
		}
	}
	return l.bind(id)
}

// bind returns a spare (or new) row widget showing row id.
func (l *TouchList) bind(id ListItemID) fyne.CanvasObject {
	var item fyne.CanvasObject
	if k := len(l.spare); k > 0 {
		item, l.spare = l.spare[k-1], l.spare[:k-1]
	} else {
		item = l.CreateItem()
	}
	l.UpdateItem(id, item)
	return item
}

// measure sets row id's height to its widget's at width and returns the
// change.
func (l *TouchList) measure(id ListItemID, item fyne.CanvasObject, width float32) float32 {
	// Wrapped text knows its height only once it has its width.
	item.Resize(fyne.NewSize(width, l.heights[id]))
	min := item.MinSize()
	l.minWide = max(l.minWide, min.Width)
	d := min.Height - l.heights[id]
	l.heights[id], l.known[id] = min.Height, true
	l.total += d
	return d
}

// reset forgets every measured height: the rows, the width or the theme
// changed. The widgets in view are bound again.
func (l *TouchList) reset(n int, width float32) {
	l.stale, l.width, l.minWide = false, width, 0
	l.heights, l.known = make([]float32, n), make([]bool, n)
	l.total = 0
	for _, r := range l.shown {
		l.spare = append(l.spare, r.item)
	}
	l.shown = l.shown[:0]
	if l.EstimateHeight == nil && n > 0 {
		item := l.bind(0)
		item.Resize(fyne.NewSize(width, 0))
		l.guess = item.MinSize().Height
		l.spare = append(l.spare, item)
	}
	for id := range n {
		h := l.guess
		if l.EstimateHeight != nil {
			h = l.EstimateHeight(id)
		}
		l.heights[id] = h
		l.total += h
	}
	if n > 1 {
		l.total += float32(n-1) * theme.Padding()
	}
}

// fit sizes the content to the rows' heights, scrolled to offset, and
// moves the content and the scroll bar there. It refreshes the Scroll
// alone (Base): Scroll.Refresh would refresh every row as well.
func (l *TouchList) fit(size fyne.Size, offset float32) {
	l.Offset.Y = min(max(offset, 0), max(size.Height-l.Size().Height, 0))
	l.Content.Resize(size)
	l.Scroll.Base.Refresh()
}

// listRows lays out a TouchList's rows in view; its MinSize is the whole
// list's.
type listRows struct{ l *TouchList }

func (r listRows) Layout([]fyne.CanvasObject, fyne.Size) { r.l.update() }

func (r listRows) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(r.l.minWide, r.l.total)
}
