package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestNormalSizeOverridesOnlyUnderLargeType(t *testing.T) {
	test.NewTempApp(t)
	label := widget.NewLabel("Gọi hỗ trợ")
	n := newNormalSize(label)
	if n.Objects[0] != label || n.override != nil {
		t.Fatalf("a new normalSize holds %T; want the content, no override built", n.Objects[0])
	}
	n.fit(true)
	first := n.override
	if first == nil || n.Objects[0] != first {
		t.Fatalf("under large type it holds %T; want the override", n.Objects[0])
	}
	n.fit(false)
	if n.Objects[0] != label {
		t.Errorf("back to normal type it holds %T; want the content itself", n.Objects[0])
	}
	n.fit(true)
	if n.override != first {
		t.Errorf("a second switch to large type built another override; fonts would be parsed again")
	}
}

func TestWarmFontsMeasuresWithoutAWindow(t *testing.T) {
	test.NewTempApp(t)
	WarmFonts() // must not need a window or the UI goroutine
}
