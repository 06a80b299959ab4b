package ui

import (
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk/telex"
)

// Mode is the keyboard's layout.
type Mode int

const (
	// ModeLetters shows QWERTY letters with Telex, the tone palette,
	// Space and a few signs for addresses and e-mail.
	ModeLetters Mode = iota
	// ModeNumbers shows a numeric pad for ID numbers, phone numbers and
	// dates: 0–9, "/", "-". It has no tone palette.
	ModeNumbers
)

// minKey is the smallest side of a key in px. Design rule 4 asks 48 for
// every touch target; keys are tapped in quick runs by unpractised
// fingers, so they get more.
const minKey float32 = 56

// Translation keys of the keyboard's words; the lead's translator (or a
// test's) turns them into text.
const (
	keySpace     = "keyboard.space"
	keyDone      = "keyboard.done"
	keyBackspace = "keyboard.backspace"
	keyShift     = "keyboard.shift"
	keyTelexOn   = "keyboard.telex.on"
	keyTelexOff  = "keyboard.telex.off"
	keyTones     = "keyboard.tones"
	keyNoTone    = "keyboard.notone"
	keyNumbers   = "keyboard.numbers"
	keyLetters   = "keyboard.letters"
)

// Keyboard is the kiosk's on-screen keyboard. It types into whatever is
// focused on its canvas through the focused object's own TypedRune and
// TypedKey, so a plain widget.Entry works and its OnChanged and validation
// run as if a real keyboard typed.
//
// Its keys are widget.Buttons on purpose: a button is fyne.Focusable, and
// the desktop driver (which is what a touch screen drives, see design 6)
// does not take focus away from the entry when a Focusable is tapped; a
// bare custom widget would.
//
// With Telex on and a *widget.Entry focused, a letter key reads the word
// before the cursor, asks telex.Type what it becomes and types only the
// difference: Backspace over the changed tail, then its new letters.
// Another focused object gets plain runes.
type Keyboard struct {
	widget.BaseWidget

	// OnDone is called when the citizen taps Done (Xong).
	OnDone func()

	canvas fyne.Canvas
	label  func(key string) string

	mode  Mode
	shift bool // one-shot: the next letter is a capital
	telex bool

	letterKeys []*widget.Button // relabelled by Shift
	shiftKey   *widget.Button
	telexKey   *widget.Button
	labelled   []translated
	letters    *fyne.Container
	numbers    *fyne.Container
	content    *fyne.Container
}

var _ fyne.Widget = (*Keyboard)(nil)

// translated is a text that comes from the translator, kept so Refresh
// can relabel it after a language switch.
type translated struct {
	setText func(string)
	key     string
}

// NewKeyboard builds a keyboard that types into the focused object of c.
// label turns a translation key into text (the kiosk passes its
// translator); it may be nil in a test, and the keys then show the
// translation keys themselves, as the translator does for a missing one.
// The keyboard starts in ModeLetters with Telex on.
func NewKeyboard(c fyne.Canvas, label func(key string) string) *Keyboard {
	if label == nil {
		label = func(key string) string { return key }
	}
	k := &Keyboard{canvas: c, label: label, telex: true}
	k.ExtendBaseWidget(k)
	rows := append([]fyne.CanvasObject{k.paletteRow()}, k.letterRows()...)
	k.letters = container.NewGridWithRows(len(rows), rows...)
	k.numbers = container.New(&maxWidth{max: 4 * 2.5 * minKey}, k.numberPad())
	k.content = container.New(modeStack{}, k.letters, k.numbers)
	k.relabel()
	k.SetMode(ModeLetters)
	return k
}

// CreateRenderer is part of fyne.Widget.
func (k *Keyboard) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(k.content)
}

// Refresh reads every label again, so a language switch can keep the
// keyboard, then redraws.
func (k *Keyboard) Refresh() {
	k.relabel()
	k.BaseWidget.Refresh()
}

// SetMode switches between the letters and the numeric pad. Screens set it
// when a field gets focus: ModeNumbers for ID, phone and date fields.
func (k *Keyboard) SetMode(m Mode) {
	k.mode = m
	if m == ModeNumbers {
		k.letters.Hide()
		k.numbers.Show()
	} else {
		k.numbers.Hide()
		k.letters.Show()
	}
	k.content.Refresh()
}

// Mode returns the layout shown.
func (k *Keyboard) Mode() Mode { return k.mode }

// SetTelex turns Telex typing on or off; off, letter keys type exactly
// their letter (for e-mail addresses and foreign names).
func (k *Keyboard) SetTelex(on bool) {
	k.telex = on
	k.relabel()
}

// Telex reports whether Telex typing is on.
func (k *Keyboard) Telex() bool { return k.telex }

func (k *Keyboard) relabel() {
	for _, l := range k.labelled {
		l.setText(k.label(l.key))
	}
	if k.telexKey == nil {
		return
	}
	if k.telex {
		k.telexKey.SetText(k.label(keyTelexOn))
	} else {
		k.telexKey.SetText(k.label(keyTelexOff))
	}
}

// paletteRow is for citizens who do not know Telex: type the plain letter,
// then tap its tone or mark. Tone keys show the tone on an "a", the way
// Vietnamese primers teach them.
func (k *Keyboard) paletteRow() fyne.CanvasObject {
	caption := widget.NewLabel("")
	k.labelled = append(k.labelled, translated{caption.SetText, keyTones})
	objs := []fyne.CanvasObject{caption}
	weights := []float32{1}
	for t := telex.Sac; t <= telex.Nang; t++ {
		objs = append(objs, k.key(telex.ApplyTone("a", t), k.onTone(t)))
		weights = append(weights, 1)
	}
	objs = append(objs, k.labelledKey(keyNoTone, k.onTone(telex.None)))
	weights = append(weights, 1.5)
	for _, m := range []struct {
		text   string
		mark   telex.Mark
		weight float32
	}{{"â ê ô", telex.Circumflex, 1.5}, {"ă", telex.Breve, 1}, {"ơ ư", telex.Horn, 1.5}, {"đ", telex.Stroke, 1}} {
		objs = append(objs, k.key(m.text, k.onMark(m.mark)))
		weights = append(weights, m.weight)
	}
	return container.New(&keyRow{weights: weights}, objs...)
}

// letterRows are QWERTY, as on every keyboard sold in Vietnam, each row 12
// units wide so the keys line up in columns.
func (k *Keyboard) letterRows() []fyne.CanvasObject {
	row1 := k.letterKeysFor("qwertyuiop")
	row1 = append(row1, k.backspaceKey())
	row2 := append([]fyne.CanvasObject{layout.NewSpacer()}, k.letterKeysFor("asdfghjkl")...)
	row2 = append(row2, k.doneKey())
	k.shiftKey = k.labelledKey(keyShift, k.onShift)
	row3 := append([]fyne.CanvasObject{k.shiftKey}, k.letterKeysFor("zxcvbnm")...)
	row3 = append(row3, k.runeKeys(",.-")...)
	k.telexKey = k.key("", k.onTelex)
	row4 := []fyne.CanvasObject{
		k.labelledKey(keyNumbers, func() { k.SetMode(ModeNumbers) }),
		k.telexKey,
		k.labelledKey(keySpace, func() { k.typeRune(' ') }),
		k.key("@", func() { k.typeRune('@') }),
	}
	return []fyne.CanvasObject{
		container.New(&keyRow{weights: repeat(1, 10, 2)}, row1...),
		container.New(&keyRow{weights: append([]float32{0.5}, repeat(1, 9, 2.5)...)}, row2...),
		container.New(&keyRow{weights: append([]float32{2}, repeat(1, 10)...)}, row3...),
		container.New(&keyRow{weights: []float32{1.5, 2.5, 6.5, 1.5}}, row4...),
	}
}

// numberPad is laid out like a phone's, with "/" for dates.
func (k *Keyboard) numberPad() fyne.CanvasObject {
	row := func(objs ...fyne.CanvasObject) fyne.CanvasObject {
		return container.New(&keyRow{weights: repeat(1, len(objs))}, objs...)
	}
	rows := []fyne.CanvasObject{
		row(append(k.runeKeys("123"), k.backspaceKey())...),
		row(k.runeKeys("456/")...),
		row(k.runeKeys("789-")...),
	}
	last := []fyne.CanvasObject{k.labelledKey(keyLetters, func() { k.SetMode(ModeLetters) })}
	last = append(last, k.runeKeys("0")...)
	last = append(last, k.doneKey())
	rows = append(rows, container.New(&keyRow{weights: []float32{1, 1, 2}}, last...))
	return container.NewGridWithRows(len(rows), rows...)
}

// repeat returns n weights of w followed by tail.
func repeat(w float32, n int, tail ...float32) []float32 {
	out := make([]float32, 0, n+len(tail))
	for range n {
		out = append(out, w)
	}
	return append(out, tail...)
}

func (k *Keyboard) key(text string, tapped func()) *widget.Button {
	return &widget.Button{Text: text, OnTapped: tapped}
}

func (k *Keyboard) labelledKey(key string, tapped func()) *widget.Button {
	b := k.key("", tapped)
	k.labelled = append(k.labelled, translated{b.SetText, key})
	return b
}

func (k *Keyboard) letterKeysFor(letters string) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, r := range letters {
		b := k.key(string(r), func() { k.typeLetter(r) })
		k.letterKeys = append(k.letterKeys, b)
		out = append(out, b)
	}
	return out
}

func (k *Keyboard) runeKeys(runes string) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, r := range runes {
		out = append(out, k.key(string(r), func() { k.typeRune(r) }))
	}
	return out
}

func (k *Keyboard) backspaceKey() *widget.Button {
	b := k.labelledKey(keyBackspace, k.onBackspace)
	b.Icon = theme.NavigateBackIcon()
	return b
}

func (k *Keyboard) doneKey() *widget.Button {
	b := k.labelledKey(keyDone, k.onDone)
	b.Icon = theme.ConfirmIcon()
	b.Importance = widget.HighImportance
	return b
}

// typeLetter types a letter key, through Telex when it is on and the
// focused object is an Entry whose text the keyboard can read.
func (k *Keyboard) typeLetter(r rune) {
	if k.shift {
		r = unicode.ToUpper(r)
		k.setShift(false)
	}
	if !k.telex {
		k.typeRune(r)
		return
	}
	if !k.editWord(func(word string) string { return telex.Type(word, r) }) {
		k.typeRune(r)
	}
}

func (k *Keyboard) typeRune(r rune) {
	if f := k.canvas.Focused(); f != nil {
		f.TypedRune(r)
	}
}

// editWord replaces the word before the focused entry's cursor with
// edit(word). It reports false when there is no entry to read, or text is
// selected (a key then replaces the selection, as on any keyboard).
func (k *Keyboard) editWord(edit func(word string) string) bool {
	f := k.canvas.Focused()
	e := entryOf(f)
	if e == nil || e.SelectedText() != "" {
		return false
	}
	before := []rune(e.Text)
	if pos := e.CursorTextOffset(); pos >= 0 && pos <= len(before) {
		before = before[:pos]
	}
	start := len(before)
	for start > 0 && unicode.IsLetter(before[start-1]) {
		start--
	}
	word := string(before[start:])
	replaceTail(f, []rune(word), []rune(edit(word)))
	return true
}

// entryOf is the Entry behind a focused widget: a widget.Entry, or a
// widget of ours that extends one (the catalog's search box). Keys are
// still typed into the focused widget itself, so its own handlers run.
func entryOf(f fyne.Focusable) *widget.Entry {
	switch e := f.(type) {
	case *widget.Entry:
		return e
	case interface{ entry() *widget.Entry }:
		return e.entry()
	}
	return nil
}

// replaceTail turns old into new before the cursor with as few key events
// as it can: only the letters after their common start are erased and
// typed again, so "Nguye" + "e" is one Backspace and one "ê", and a screen
// that checks every change sees few half-made words.
func replaceTail(f fyne.Focusable, old, new []rune) {
	same := 0
	for same < len(old) && same < len(new) && old[same] == new[same] {
		same++
	}
	for range len(old) - same {
		f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	}
	for _, r := range new[same:] {
		f.TypedRune(r)
	}
}

func (k *Keyboard) onTone(t telex.Tone) func() {
	return func() { k.editWord(func(word string) string { return telex.ApplyTone(word, t) }) }
}

func (k *Keyboard) onMark(m telex.Mark) func() {
	return func() { k.editWord(func(word string) string { return telex.ApplyMark(word, m) }) }
}

func (k *Keyboard) onBackspace() {
	if f := k.canvas.Focused(); f != nil {
		f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	}
}

func (k *Keyboard) onDone() {
	if k.OnDone != nil {
		k.OnDone()
	}
}

func (k *Keyboard) onShift() { k.setShift(!k.shift) }

func (k *Keyboard) onTelex() { k.SetTelex(!k.telex) }

// setShift shows the letter keys as they will type, so a citizen sees the
// capitals before tapping.
func (k *Keyboard) setShift(on bool) {
	k.shift = on
	for _, b := range k.letterKeys {
		if on {
			b.SetText(string(unicode.ToUpper([]rune(b.Text)[0])))
		} else {
			b.SetText(string(unicode.ToLower([]rune(b.Text)[0])))
		}
	}
	k.shiftKey.Importance = widget.MediumImportance
	if on {
		k.shiftKey.Importance = widget.HighImportance
	}
	k.shiftKey.Refresh()
}

// keyRow lays keys side by side, each as wide as its weight in units and
// all as tall as the row, so rows of one keyboard line up in columns (an
// HBox would size each key by its label). A unit is never narrower than
// minKey nor than the widest label needs.
type keyRow struct{ weights []float32 }

func (l *keyRow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	unit, height, total := minKey, minKey, float32(0)
	for i, o := range objs {
		w := l.weight(i)
		total += w
		m := o.MinSize()
		unit = max(unit, m.Width/w)
		height = max(height, m.Height)
	}
	return fyne.NewSize(unit*total+l.gaps(len(objs)), height)
}

func (l *keyRow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	total := float32(0)
	for i := range objs {
		total += l.weight(i)
	}
	unit := (size.Width - l.gaps(len(objs))) / total
	x := float32(0)
	for i, o := range objs {
		w := unit * l.weight(i)
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + theme.Padding()
	}
}

func (l *keyRow) weight(i int) float32 {
	if i < len(l.weights) && l.weights[i] > 0 {
		return l.weights[i]
	}
	return 1
}

func (l *keyRow) gaps(n int) float32 {
	return theme.Padding() * float32(max(n-1, 0))
}

// modeStack lays the two modes over each other and is as big as the bigger
// one, shown or not (a Stack counts only what is shown), so switching to
// the numeric pad never moves the form above the keyboard.
type modeStack struct{}

func (modeStack) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (modeStack) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// maxWidth centres its content and keeps it at most max wide: a numeric
// pad stretched across a 1920 px screen would put 0 far from 9.
type maxWidth struct{ max float32 }

func (l *maxWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (l *maxWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		w := max(min(size.Width, l.max), o.MinSize().Width)
		o.Move(fyne.NewPos((size.Width-w)/2, 0))
		o.Resize(fyne.NewSize(w, size.Height))
	}
}
