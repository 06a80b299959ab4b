package ui

import (
	"strings"
	"testing"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// keyboardLabels stand in for the translator: the Vietnamese texts the
// kiosk will show.
var keyboardLabels = map[string]string{
	keySpace:     "Dấu cách",
	keyDone:      "Xong",
	keyBackspace: "Xóa",
	keyShift:     "Chữ hoa",
	keyTelexOn:   "Telex: bật",
	keyTelexOff:  "Telex: tắt",
	keyTones:     "Dấu",
	keyNoTone:    "Bỏ dấu",
	keyNumbers:   "123",
	keyLetters:   "ABC",
}

func keyboardLabel(key string) string {
	if s, ok := keyboardLabels[key]; ok {
		return s
	}
	return key
}

// newKeyboardWindow shows an entry above the keyboard, as a form page will,
// and focuses the entry.
func newKeyboardWindow(t *testing.T) (*Keyboard, *widget.Entry, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	e := widget.NewEntry()
	kb := NewKeyboard(w.Canvas(), keyboardLabel)
	w.SetContent(container.NewBorder(e, kb, nil, nil))
	w.Resize(fyne.NewSize(1280, 480))
	w.Canvas().Focus(e)
	return kb, e, w
}

// keyboardKeys maps the label of every shown key to its button, walking the
// widget tree the way a citizen reads the screen, not by position.
func keyboardKeys(t *testing.T, kb *Keyboard) map[string]*widget.Button {
	t.Helper()
	keys := map[string]*widget.Button{}
	eachIn(kb, func(o fyne.CanvasObject) {
		if v, ok := o.(*widget.Button); ok {
			if _, dup := keys[v.Text]; dup {
				t.Fatalf("two keys labelled %q", v.Text)
			}
			keys[v.Text] = v
		}
	})
	return keys
}

// tapKey taps a key the way the desktop driver does (a touch screen is a
// mouse to it, design 6): the button gets Tapped and, because it is
// fyne.Focusable, focus stays where it was (glfw window.go, mouseClicked).
// test.Tap would unfocus the entry first, which no real tap on a key does.
func tapKey(t *testing.T, kb *Keyboard, label string) {
	t.Helper()
	b, ok := keyboardKeys(t, kb)[label]
	if !ok {
		t.Fatalf("no key %q on the keyboard", label)
	}
	b.Tapped(&fyne.PointEvent{Position: fyne.NewPos(1, 1)})
}

// typeKeys taps the keys for s: Shift before a capital, Space for " ".
func typeKeys(t *testing.T, kb *Keyboard, s string) {
	t.Helper()
	for _, r := range s {
		switch {
		case r == ' ':
			tapKey(t, kb, keyboardLabels[keySpace])
		case unicode.IsUpper(r):
			tapKey(t, kb, keyboardLabels[keyShift])
			tapKey(t, kb, string(r))
		default:
			tapKey(t, kb, string(r))
		}
	}
}

func TestKeyboardTypesTelexAndKeepsFocus(t *testing.T) {
	kb, e, w := newKeyboardWindow(t)
	var changes []string
	e.OnChanged = func(s string) { changes = append(changes, s) }

	for _, label := range []string{"Chữ hoa", "N", "g", "u", "y", "e", "e", "n", "x"} {
		tapKey(t, kb, label)
		if w.Canvas().Focused() != e {
			t.Fatalf("after tapping %q the entry lost focus to %v", label, w.Canvas().Focused())
		}
	}
	if e.Text != "Nguyễn" {
		t.Errorf("entry = %q; want %q", e.Text, "Nguyễn")
	}
	if len(changes) == 0 || changes[len(changes)-1] != "Nguyễn" {
		t.Errorf("OnChanged saw %q; want it to end with %q", changes, "Nguyễn")
	}
}

func TestKeyboardTypesPhrases(t *testing.T) {
	tests := []struct{ keys, want string }{
		{"Nguyeenx Vawn Tuaasn", "Nguyễn Văn Tuấn"},
		{"DDaf Nawngx", "Đà Nẵng"},
		{"Hoof Chis Minh", "Hồ Chí Minh"},
		{"dduwowngf Lee Lowij, phuwowngf Beens Nghes", "đường Lê Lợi, phường Bến Nghé"},
		{"tass", "tas"},
	}
	for _, tt := range tests {
		kb, e, _ := newKeyboardWindow(t)
		typeKeys(t, kb, tt.keys)
		if e.Text != tt.want {
			t.Errorf("typing %q: entry = %q; want %q", tt.keys, e.Text, tt.want)
		}
	}
}

func TestKeyboardShiftIsOneShot(t *testing.T) {
	kb, e, _ := newKeyboardWindow(t)
	tapKey(t, kb, "Chữ hoa")
	if _, ok := keyboardKeys(t, kb)["B"]; !ok {
		t.Fatal("Shift does not show capital keys")
	}
	tapKey(t, kb, "B")
	tapKey(t, kb, "b")
	if e.Text != "Bb" {
		t.Errorf("Shift, b, b typed %q; want %q", e.Text, "Bb")
	}
	if _, ok := keyboardKeys(t, kb)["b"]; !ok {
		t.Error("keys still show capitals after one letter")
	}
}

func TestKeyboardBackspace(t *testing.T) {
	kb, e, w := newKeyboardWindow(t)
	typeKeys(t, kb, "Hoaf")
	tapKey(t, kb, "Xóa")
	if e.Text != "Ho" {
		t.Errorf("Hoà then Backspace = %q; want %q", e.Text, "Ho")
	}
	if w.Canvas().Focused() != e {
		t.Error("Backspace took the focus from the entry")
	}
}

func TestKeyboardEditsTheWordAtTheCursor(t *testing.T) {
	kb, e, _ := newKeyboardWindow(t)
	e.SetText("Ha Noi")
	e.CursorRow, e.CursorColumn = 0, 2 // after "Ha"
	tapKey(t, kb, "f")
	if e.Text != "Hà Noi" {
		t.Errorf("f after Ha = %q; want %q", e.Text, "Hà Noi")
	}
	if got := e.CursorTextOffset(); got != 2 {
		t.Errorf("cursor at %d; want 2, still after the word", got)
	}
}

func TestKeyboardTelexCanBeTurnedOff(t *testing.T) {
	kb, e, _ := newKeyboardWindow(t)
	tapKey(t, kb, "Telex: bật")
	if kb.Telex() {
		t.Fatal("Telex still on")
	}
	typeKeys(t, kb, "lee@mail")
	if e.Text != "lee@mail" {
		t.Errorf("Telex off typed %q; want %q", e.Text, "lee@mail")
	}
	tapKey(t, kb, "Telex: tắt")
	if !kb.Telex() {
		t.Error("Telex did not come back on")
	}
}

func TestKeyboardTonePalette(t *testing.T) {
	tests := []struct {
		name  string
		keys  []string
		want  string
		after string
	}{
		{"sắc on a", []string{"a", "á"}, "á", ""},
		{"each tone", []string{"a", "à", "ả", "ã", "ạ"}, "ạ", ""},
		{"no tone", []string{"a", "á", "Bỏ dấu"}, "a", ""},
		{"hat and ngã", []string{"N", "g", "u", "y", "e", "n", "â ê ô", "ã"}, "Nguyễn", ""},
		{"ơ ư and đ", []string{"d", "u", "o", "n", "g", "ơ ư", "đ", "à"}, "đường", ""},
		{"breve", []string{"V", "a", "n", "ă"}, "Văn", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kb, e, w := newKeyboardWindow(t)
			kb.SetTelex(false) // the palette is for those who do not use Telex
			for _, key := range tt.keys {
				if unicode.IsUpper([]rune(key)[0]) && len(key) == 1 {
					tapKey(t, kb, "Chữ hoa")
				}
				tapKey(t, kb, key)
			}
			if e.Text != tt.want {
				t.Errorf("tapping %q = %q; want %q", tt.keys, e.Text, tt.want)
			}
			if w.Canvas().Focused() != e {
				t.Error("the palette took the focus from the entry")
			}
		})
	}
}

func TestKeyboardNumbers(t *testing.T) {
	kb, e, _ := newKeyboardWindow(t)
	tapKey(t, kb, "123")
	if kb.Mode() != ModeNumbers {
		t.Fatalf("mode = %v after 123; want ModeNumbers", kb.Mode())
	}
	keys := keyboardKeys(t, kb)
	for _, hidden := range []string{"á", "Bỏ dấu", "q", "Dấu cách"} {
		if _, ok := keys[hidden]; ok {
			t.Errorf("the numeric pad shows %q", hidden)
		}
	}
	for _, r := range "12/03/1985" {
		tapKey(t, kb, string(r))
	}
	tapKey(t, kb, "Xóa")
	if e.Text != "12/03/198" {
		t.Errorf("numeric pad typed %q; want %q", e.Text, "12/03/198")
	}
	tapKey(t, kb, "ABC")
	if kb.Mode() != ModeLetters {
		t.Errorf("mode = %v after ABC; want ModeLetters", kb.Mode())
	}
}

func TestKeyboardDone(t *testing.T) {
	for _, mode := range []Mode{ModeLetters, ModeNumbers} {
		kb, _, _ := newKeyboardWindow(t)
		kb.SetMode(mode)
		done := 0
		kb.OnDone = func() { done++ }
		tapKey(t, kb, "Xong")
		if done != 1 {
			t.Errorf("mode %v: Done called OnDone %d times; want 1", mode, done)
		}
	}
}

func TestKeyboardKeysAreBigEnough(t *testing.T) {
	for _, counter := range []bool{false, true} {
		kb, _, w := newKeyboardWindow(t)
		if counter { // the kiosk's own theme: larger text and padding
			fyne.CurrentApp().Settings().SetTheme(newCounterTheme())
			w.Resize(fyne.NewSize(1280, 481)) // lay out again
		}
		for _, mode := range []Mode{ModeLetters, ModeNumbers} {
			kb.SetMode(mode)
			keys := keyboardKeys(t, kb)
			if len(keys) < 12 {
				t.Fatalf("mode %v: only %d keys", mode, len(keys))
			}
			for label, b := range keys {
				if s := b.Size(); s.Width < minKey || s.Height < minKey {
					t.Errorf("counter theme %v, mode %v: key %q is %v; want at least %v×%v",
						counter, mode, label, s, minKey, minKey)
				}
			}
		}
		// Both modes take the same height, so the form above never jumps.
		if kb.Size().Height < kb.MinSize().Height {
			t.Errorf("keyboard squeezed to %v; it needs %v", kb.Size(), kb.MinSize())
		}
	}
}

// The desktop driver keeps the entry focused when a tapped object is
// fyne.Focusable; a key that were not would unfocus the field mid-word.
func TestKeyboardKeysAreFocusable(t *testing.T) {
	kb, _, _ := newKeyboardWindow(t)
	for _, mode := range []Mode{ModeLetters, ModeNumbers} {
		kb.SetMode(mode)
		for label, b := range keyboardKeys(t, kb) {
			if _, ok := fyne.CanvasObject(b).(fyne.Focusable); !ok {
				t.Errorf("key %q is not fyne.Focusable", label)
			}
		}
	}
}

// runeSink is a focusable that is not an Entry, such as a future custom
// field: it gets plain runes, without Telex.
type runeSink struct {
	widget.Label
	typed []rune
	keys  []fyne.KeyName
}

func (s *runeSink) FocusGained()               {}
func (s *runeSink) FocusLost()                 {}
func (s *runeSink) TypedRune(r rune)           { s.typed = append(s.typed, r) }
func (s *runeSink) TypedKey(ev *fyne.KeyEvent) { s.keys = append(s.keys, ev.Name) }

func TestKeyboardTypesPlainRunesIntoOtherFocusables(t *testing.T) {
	kb, _, w := newKeyboardWindow(t)
	sink := &runeSink{}
	sink.ExtendBaseWidget(sink)
	w.SetContent(container.NewBorder(sink, kb, nil, nil))
	w.Canvas().Focus(sink)
	typeKeys(t, kb, "aa s")
	tapKey(t, kb, "Xóa")
	tapKey(t, kb, "á") // the palette needs text to read: nothing happens
	if string(sink.typed) != "aa s" || len(sink.keys) != 1 || sink.keys[0] != fyne.KeyBackspace {
		t.Errorf("sink got runes %q and keys %v; want %q and [BackSpace]", string(sink.typed), sink.keys, "aa s")
	}
}

func TestKeyboardWithNothingFocused(t *testing.T) {
	kb, e, w := newKeyboardWindow(t)
	w.Canvas().Unfocus()
	typeKeys(t, kb, "Hoaf")
	tapKey(t, kb, "á")
	tapKey(t, kb, "Xóa")
	if e.Text != "" {
		t.Errorf("an unfocused entry got %q", e.Text)
	}
}

func TestKeyboardLabelsComeFromTheTranslator(t *testing.T) {
	kb, _, _ := newKeyboardWindow(t)
	keys := keyboardKeys(t, kb)
	for _, key := range []string{keySpace, keyDone, keyBackspace, keyShift, keyTelexOn, keyNoTone, keyNumbers} {
		if _, ok := keys[keyboardLabels[key]]; !ok {
			t.Errorf("no key shows %q (%s)", keyboardLabels[key], key)
		}
	}

	kb.label = func(key string) string { return strings.ToUpper(keyboardLabel(key)) }
	kb.Refresh()
	if _, ok := keyboardKeys(t, kb)["XONG"]; !ok {
		t.Error("Refresh did not relabel the keys")
	}
}
