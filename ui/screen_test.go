package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/assets"
	"github.com/motcua/kiosk/kiosk"
)

// newHomeKiosk builds the interface over the embedded sample catalog in a
// test window the size of a small kiosk screen; it starts on the home
// screen.
func newHomeKiosk(t testing.TB, opts Options) (*Kiosk, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	cat, err := kiosk.ParseCatalog(assets.SampleCatalog())
	if err != nil {
		t.Fatal(err)
	}
	w := test.NewTempWindow(t, nil)
	w.Resize(fyne.NewSize(1280, 800))
	if opts.Unit == "" {
		opts.Unit = "UBND xã Tân Phú"
	}
	k, err := New(w, cat, opts)
	if err != nil {
		t.Fatal(err)
	}
	// The test driver runs fyne.Do on the calling goroutine: background
	// work would race the test. Run it in line instead.
	k.background = func(work func() func()) { work()() }
	return k, w
}

// newTestKiosk starts at home and taps "file a dossier": the catalog.
func newTestKiosk(t *testing.T, lang kiosk.Lang) (*Kiosk, fyne.Window) {
	t.Helper()
	k, w := newHomeKiosk(t, Options{Lang: lang})
	tapCardNamed(t, w, k.tr.T("home.submit"))
	return k, w
}

// tapCardNamed taps the big choice with this title.
func tapCardNamed(t testing.TB, w fyne.Window, name string) {
	t.Helper()
	test.Tap(findShown(t, w, "choice "+name, func(c *tapCard) bool { return c.name == name }).button)
}

// eachShown calls fn for every visible object in the window, depth first,
// in screen order, looking inside containers and widgets alike.
func eachShown(w fyne.Window, fn func(fyne.CanvasObject)) { eachIn(w.Content(), fn) }

// eachInOverlays does the same for the window's pop-ups.
func eachInOverlays(w fyne.Window, fn func(fyne.CanvasObject)) {
	for _, o := range w.Canvas().Overlays().List() {
		eachIn(o, fn)
	}
}

func eachIn(root fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		fn(o)
		switch o.(type) {
		case *widget.Label, *widget.Button, *TouchButton, *widget.Entry, *touchEntry, *widget.RichText:
			// Leaves for a reader: a Label draws itself with a RichText,
			// which must not be read twice.
			return
		}
		for _, c := range children(o) {
			walk(c)
		}
	}
	walk(root)
}

// shownTexts lists, in order, the text of every visible label, button and
// entry in the window: what a citizen can read on the screen.
func shownTexts(w fyne.Window) []string {
	return texts(func(fn func(fyne.CanvasObject)) { eachShown(w, fn) })
}

// overlayTexts is shownTexts for the window's pop-ups.
func overlayTexts(w fyne.Window) []string {
	return texts(func(fn func(fyne.CanvasObject)) { eachInOverlays(w, fn) })
}

func texts(each func(func(fyne.CanvasObject))) []string {
	var out []string
	each(func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			out = append(out, v.Text)
		case *widget.Button:
			if v.Text != "" {
				out = append(out, v.Text)
			}
		case *TouchButton:
			if v.Text != "" {
				out = append(out, v.Text)
			}
		case *widget.Entry:
			out = append(out, v.Text)
		case *touchEntry:
			out = append(out, v.Text)
		case *widget.RichText:
			out = append(out, v.String())
		case *canvas.Text: // drawn directly, as the practice band is
			out = append(out, v.Text)
		}
	})
	return out
}

func shows(w fyne.Window, text string) bool {
	for _, s := range shownTexts(w) {
		if strings.Contains(s, text) {
			return true
		}
	}
	return false
}

// findShown returns the first visible object of type T that ok accepts.
func findShown[T fyne.CanvasObject](t testing.TB, w fyne.Window, what string, ok func(T) bool) T {
	t.Helper()
	var found T
	done := false
	eachShown(w, func(o fyne.CanvasObject) {
		if v, isT := o.(T); isT && !done && ok(v) {
			found, done = v, true
		}
	})
	if !done {
		t.Fatalf("no %s on screen; shown: %q", what, shownTexts(w))
	}
	return found
}

// findButton returns the visible button — plain or touch — with exactly
// this label.
func findButton(t testing.TB, w fyne.Window, label string) fyne.Tappable {
	t.Helper()
	found := findShown(t, w, "button "+label, func(o fyne.CanvasObject) bool {
		switch b := o.(type) {
		case *widget.Button:
			return b.Text == label
		case *TouchButton:
			return b.Text == label
		}
		return false
	})
	return found.(fyne.Tappable)
}
