package ui

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// virtualList is a 400 × 600 window whose only content is a TouchList of
// n rows; row i is a wrapping label of 1 + i%3 lines over a TouchButton
// that counts its taps.
type virtualList struct {
	w       fyne.Window
	list    *TouchList
	created int
	taps    map[int]int
}

func newVirtualList(t *testing.T, n int) *virtualList {
	t.Helper()
	test.NewTempApp(t)
	v := &virtualList{taps: map[int]int{}}
	v.list = NewTouchList(func() int { return n }, func() fyne.CanvasObject {
		v.created++
		label := widget.NewLabel("")
		label.Wrapping = fyne.TextWrapWord
		return container.NewStack(NewTouchButton("", nil, nil), label)
	}, func(id ListItemID, o fyne.CanvasObject) {
		objs := o.(*fyne.Container).Objects
		objs[0].(*TouchButton).OnTapped = func() { v.taps[id]++ }
		objs[1].(*widget.Label).SetText(rowText(id))
	})
	v.w = test.NewTempWindow(t, v.list)
	v.w.Resize(fyne.NewSize(400, 600))
	return v
}

func rowText(id ListItemID) string {
	return strings.TrimSuffix(strings.Repeat(fmt.Sprintf("Hàng %d\n", id), 1+id%3), "\n")
}

// foot is the canvas height of the list's last line of pixels.
func (v *virtualList) foot() float32 {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(v.list).Y + v.list.Size().Height - theme.Padding() - 1
}

func labelText(l *widget.Label) string {
	if l == nil {
		return ""
	}
	return l.Text
}

// rowAt is the label of the row in view at canvas height y, or nil.
func (v *virtualList) rowAt(y float32) *widget.Label {
	for _, r := range v.list.shown {
		top := fyne.CurrentApp().Driver().AbsolutePositionForObject(r.item).Y
		if y >= top && y < top+r.item.Size().Height {
			return r.item.(*fyne.Container).Objects[1].(*widget.Label)
		}
	}
	return nil
}

// checkLayout fails unless the rows in view follow each other a padding
// apart, each as high as its content, and cover the view.
func (v *virtualList) checkLayout(t *testing.T, when string) {
	t.Helper()
	gap := theme.Padding()
	shown := v.list.shown
	if len(shown) == 0 {
		t.Fatalf("%s: no rows in view", when)
	}
	for i, r := range shown {
		if want := r.item.MinSize().Height; r.item.Size().Height != want {
			t.Errorf("%s: row %d is %v high; want its content's %v", when, r.id, r.item.Size().Height, want)
		}
		if i == 0 {
			continue
		}
		prev := shown[i-1]
		if r.id != prev.id+1 || r.item.Position().Y != prev.item.Position().Y+prev.item.Size().Height+gap {
			t.Errorf("%s: row %d at %v follows row %d at %v, %v high", when, r.id, r.item.Position().Y, prev.id, prev.item.Position().Y, prev.item.Size().Height)
		}
	}
	first, last := shown[0].item, shown[len(shown)-1].item
	top := v.list.GetScrollOffset() - v.list.rows.Position().Y
	if first.Position().Y > max(top, 0)+gap || shown[len(shown)-1].id < v.list.Length()-1 && last.Position().Y+last.Size().Height+gap < top+v.list.Size().Height {
		t.Errorf("%s: rows %d–%d cover %v–%v; want the view %v–%v", when, shown[0].id, shown[len(shown)-1].id,
			first.Position().Y, last.Position().Y+last.Size().Height, top, top+v.list.Size().Height)
	}
}

func TestTouchList_BuildsOnlyTheRowsInView(t *testing.T) {
	v := newVirtualList(t, 100_000)
	v.checkLayout(t, "at the top")
	if v.created > 12 {
		t.Errorf("a list of 100,000 rows made %d row widgets for a 600-unit view; want a few", v.created)
	}
	for range 50 {
		test.Drag(v.w.Canvas(), fyne.NewPos(100, 300), 0, -500)
	}
	v.checkLayout(t, "after 50 drags")
	if v.created > 16 {
		t.Errorf("after scrolling 50 screens the list has made %d row widgets; want the few it recycles", v.created)
	}
}

func TestTouchList_DragScrollsPastTheSlop(t *testing.T) {
	v := newVirtualList(t, 1000)
	at := fyne.NewPos(100, 300)
	steps := []struct {
		name string
		dy   float32
		want float32
	}{
		{"finger up 300 shows what is below", -300, 300},
		{"a wobble under the slop does not scroll", -10, 300},
		{"finger down 100 goes back", 100, 200},
		{"a long pull stops at the first row", 1e5, 0},
	}
	for _, s := range steps {
		test.Drag(v.w.Canvas(), at, 0, s.dy)
		if got := v.list.GetScrollOffset(); got != s.want {
			t.Errorf("%s: offset %v; want %v", s.name, got, s.want)
		}
		v.checkLayout(t, s.name)
	}
	// A fling to the end measures the last rows, so the end moves once:
	// a second fling reaches it.
	test.Drag(v.w.Canvas(), at, 0, -1e6)
	test.Drag(v.w.Canvas(), at, 0, -1e6)
	if r := v.list.shown[len(v.list.shown)-1]; r.id != 999 || v.rowAt(v.foot()) == nil || v.rowAt(v.foot()).Text != rowText(999) {
		t.Errorf("after flinging to the end the last row in view is %d; want 999 at the foot", r.id)
	}
	v.checkLayout(t, "at the end")
	if n := len(v.taps); n != 0 {
		t.Errorf("drags fired taps on %d rows; want none", n)
	}
}

// TestTouchList_ScrollingUpKeepsTheRowsInPlace: rows measured on the way
// up (after a jump past them) must not push the rows in view about.
func TestTouchList_ScrollingUpKeepsTheRowsInPlace(t *testing.T) {
	v := newVirtualList(t, 1000)
	v.list.ScrollToOffset(40_000) // a jump: every row above is a guess
	v.checkLayout(t, "after the jump")
	for range 20 {
		at := fyne.NewPos(100, 300)
		before := labelText(v.rowAt(at.Y + 100))
		test.Drag(v.w.Canvas(), at, 0, 100) // the row under y+100 moves to under y+200
		if after := labelText(v.rowAt(at.Y + 200)); before == "" || after != before {
			t.Fatalf("dragging 100 units down put %q where %q should be", after, before)
		}
		v.checkLayout(t, "scrolling up")
	}
}

func TestTouchList_TapsOnReleaseAfterScrolling(t *testing.T) {
	v := newVirtualList(t, 1000)
	f := newFinger(v.w.Canvas())
	f.tap(fyne.NewPos(100, 300), 0, -2000) // a drag that started on a row
	if len(v.taps) != 0 {
		t.Fatalf("a drag tapped %v", v.taps)
	}
	row := v.list.shown[2]
	f.tap(centre(row.item), 3, 5) // a wobbly tap
	if len(v.taps) != 1 || v.taps[row.id] != 1 {
		t.Errorf("tapping row %d tapped %v; want it once", row.id, v.taps)
	}
}

func TestTouchList_ScrollToShowsARowWhole(t *testing.T) {
	v := newVirtualList(t, 1000)
	for _, id := range []int{500, 3, 999, 0} {
		v.list.ScrollTo(id)
		var row fyne.CanvasObject
		for _, r := range v.list.shown {
			if r.id == id {
				row = r.item
			}
		}
		top := v.list.GetScrollOffset() - v.list.rows.Position().Y
		if row == nil || row.Position().Y < top || row.Position().Y+row.Size().Height > top+v.list.Size().Height {
			t.Errorf("ScrollTo(%d) leaves it out of view", id)
		}
		v.checkLayout(t, fmt.Sprintf("ScrollTo(%d)", id))
	}
}

// TestTouchList_RemeasuresForLargeText: the app's theme sets the text
// size; a new theme (large-text mode) refreshes the list, which measures
// its rows again.
func TestTouchList_RemeasuresForLargeText(t *testing.T) {
	v := newVirtualList(t, 1000)
	fyne.CurrentApp().Settings().SetTheme(counter)
	v.list.ScrollTo(200)
	before := v.heightOf(200)
	fyne.CurrentApp().Settings().SetTheme(largeCounter)
	v.checkLayout(t, "with large text")
	v.list.ScrollTo(200)
	if after := v.heightOf(200); after <= before {
		t.Errorf("with large text row 200 is %v high; want more than %v", after, before)
	}
}

// heightOf is the height of row id, which must be in view.
func (v *virtualList) heightOf(id ListItemID) float32 {
	for _, r := range v.list.shown {
		if r.id == id {
			return r.item.Size().Height
		}
	}
	return 0
}

func TestTouchList_RefreshShowsNewRows(t *testing.T) {
	v := newVirtualList(t, 1000)
	n := 1000
	v.list.Length = func() int { return n }
	v.list.ScrollTo(800)
	n = 5
	v.list.Refresh()
	if got := len(v.list.shown); got != 5 || v.list.GetScrollOffset() != 0 {
		t.Errorf("after shrinking to 5 rows the list shows %d, scrolled to %v; want all 5 from the top", got, v.list.GetScrollOffset())
	}
	v.checkLayout(t, "5 rows")
}

// TestTouchList_GrowsToShowMoreRows: when the keyboard goes away the list
// grows, and the rows fill it.
func TestTouchList_GrowsToShowMoreRows(t *testing.T) {
	v := newVirtualList(t, 1000)
	v.list.ScrollTo(300)
	v.w.Resize(fyne.NewSize(400, 1200))
	v.checkLayout(t, "grown")
	v.w.Resize(fyne.NewSize(400, 300))
	v.checkLayout(t, "shrunk")
}
