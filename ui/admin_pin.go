package ui

import (
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The PIN's length on the pad: the admin policy (offline/adminpin) asks
// at least 6 digits, the digital-tech team's PINs have 4 to 8; the pad
// takes no more than anyone types.
const (
	minPINDigits       = 6
	minAssistantDigits = 4
	maxPINDigits       = 32
)

// pinPad asks a PIN on big keys, shows it masked, and says plainly why it
// did not open: wrong (and how many tries are left), locked (with a
// countdown), or no PIN set (and the command that sets one). It guards the
// admin screen and the digital-tech team's sign-in alike; texts names the
// set of messages each uses.
type pinPad struct {
	k         *Kiosk
	texts     string // the messages' key prefix: "admin.pin" or "assist.pin"
	title     string // the title's key
	minDigits int
	ready     func() error           // whether a PIN may be tried now; nil: always
	check     func(pin string) error // slow: called off the UI goroutine
	live      func() bool            // the pad is still the one on screen
	onRight   func()
	onCancel  func()

	digits   []byte    // typed so far; never shown
	checking bool      // a Check is running
	refusal  *PINError // the last refusal
	problem  string    // another message's key: too short, check failed, lock ended
	until    time.Time // locked until; zero when not

	dots, message *widget.Label
	keys          []*widget.Button // disabled while the pad cannot take a PIN
}

// newAdminPad is the pad in front of the admin screen.
func newAdminPad(k *Kiosk, a *adminSession) *pinPad {
	guard := k.opts.AdminPIN
	p := &pinPad{k: k, texts: "admin.pin", title: "admin.title", minDigits: minPINDigits,
		ready: guard.Ready, check: guard.Check, onCancel: k.cancelAdmin}
	p.live = func() bool { return k.adminCurrent(a) && a.pad == p }
	p.onRight = func() { k.openAdminPanel(a) }
	return p
}

// text is one of the pad's messages.
func (p *pinPad) text(key string, args ...any) string {
	return p.k.tr.T(p.texts+"."+key, args...)
}

func (p *pinPad) build() fyne.CanvasObject {
	tr := p.k.tr
	title := widget.NewLabelWithStyle(tr.T(p.title), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	p.dots = widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	p.dots.SizeName = theme.SizeNameHeadingText
	// The message line asks for the PIN until it has something else to
	// say, so the keys never move under a finger when a message appears.
	p.message = widget.NewLabel("")
	p.message.Alignment, p.message.Wrapping = fyne.TextAlignCenter, fyne.TextWrapWord

	p.keys = nil
	row := func(objs ...fyne.CanvasObject) fyne.CanvasObject {
		return container.New(&keyRow{weights: repeat(1, len(objs))}, objs...)
	}
	digitKeys := func(ds string) []fyne.CanvasObject {
		var out []fyne.CanvasObject
		for _, d := range ds {
			out = append(out, p.key(&widget.Button{Text: string(d), OnTapped: func() { p.onDigit(byte(d)) }}))
		}
		return out
	}
	backspace := p.key(&widget.Button{Text: tr.T("keyboard.backspace"), Icon: theme.NavigateBackIcon(), OnTapped: p.onBackspace})
	open := p.key(&widget.Button{Text: p.text("open"), Icon: theme.ConfirmIcon(), Importance: widget.HighImportance, OnTapped: p.onOpen})
	cancel := &widget.Button{Text: p.text("cancel"), Icon: theme.CancelIcon(), OnTapped: p.onCancel}
	pad := container.NewGridWithRows(5,
		row(digitKeys("123")...),
		row(digitKeys("456")...),
		row(digitKeys("789")...),
		row(append([]fyne.CanvasObject{backspace}, append(digitKeys("0"), open)...)...),
		row(cancel),
	)
	p.update()
	top := container.NewVBox(title, p.dots, p.message)
	return container.NewPadded(container.NewVBox(top, container.New(&maxWidth{max: 3 * 3 * minKey}, pad)))
}

// key remembers a key that the pad disables while it cannot take a PIN.
func (p *pinPad) key(b *widget.Button) *widget.Button {
	p.keys = append(p.keys, b)
	return b
}

// askReady learns, before anything is typed, whether a PIN can be tried:
// a pad opened while locked counts down at once, and one with no PIN set
// says how to set it.
func (p *pinPad) askReady() {
	if p.ready == nil {
		return
	}
	p.k.background(func() func() {
		err := p.ready()
		return func() {
			if !p.live() {
				return
			}
			if err != nil {
				p.refused(err)
			}
			p.update()
		}
	})
}

func (p *pinPad) onDigit(d byte) {
	p.k.activity()
	if !p.takesPIN() || len(p.digits) >= maxPINDigits {
		return
	}
	p.digits = append(p.digits, d)
	p.problem = ""
	p.update()
}

func (p *pinPad) onBackspace() {
	p.k.activity()
	if n := len(p.digits); n > 0 && p.takesPIN() {
		p.digits[n-1] = 0
		p.digits = p.digits[:n-1]
		p.update()
	}
}

// onOpen checks the PIN off the UI goroutine: argon2id takes a good part
// of a second on the kiosk's processor, on purpose.
func (p *pinPad) onOpen() {
	p.k.activity()
	if !p.takesPIN() {
		return
	}
	if len(p.digits) < p.minDigits {
		p.problem = "short"
		p.update()
		return
	}
	pin := string(p.digits)
	p.clearDigits()
	p.checking, p.problem = true, ""
	p.update()
	p.k.background(func() func() {
		err := p.check(pin)
		return func() { p.checked(err) }
	})
}

func (p *pinPad) checked(err error) {
	p.checking = false
	if !p.live() {
		return // the pad was closed (Hủy, idle) while the PIN was checked
	}
	if err == nil {
		p.onRight()
		return
	}
	p.refused(err)
	p.update()
}

// refused takes a refusal from Ready or Check.
func (p *pinPad) refused(err error) {
	var pe *PINError
	if !errors.As(err, &pe) {
		p.refusal, p.problem = nil, "failed"
		return
	}
	p.refusal, p.problem = pe, ""
	if pe.Kind == PINLocked {
		p.until = pe.Until
	}
}

// tick counts the lock down and, when it ends, lets the keys work again.
func (p *pinPad) tick() {
	if p.until.IsZero() {
		return
	}
	if !p.k.opts.Now().Before(p.until) {
		p.until, p.refusal, p.problem = time.Time{}, nil, "unlocked"
	}
	p.update()
}

// takesPIN reports whether the keys work: not while a PIN is checked,
// while locked, or when there is no usable PIN to check against.
func (p *pinPad) takesPIN() bool {
	if p.checking || !p.until.IsZero() {
		return false
	}
	return p.refusal == nil || (p.refusal.Kind != PINNotSet && p.refusal.Kind != PINDamaged)
}

func (p *pinPad) clearDigits() {
	for i := range p.digits {
		p.digits[i] = 0
	}
	p.digits = p.digits[:0]
}

// update shows the pad's state in the widgets of the last build.
func (p *pinPad) update() {
	if p.dots == nil {
		return
	}
	p.dots.SetText(maskedPIN(len(p.digits), p.minDigits))
	msg := p.messageText()
	p.message.Importance = widget.DangerImportance
	if msg == "" {
		msg, p.message.Importance = p.text("prompt"), widget.MediumImportance
	}
	p.message.SetText(msg)
	for _, b := range p.keys {
		if p.takesPIN() {
			b.Enable()
		} else {
			b.Disable()
		}
	}
}

func (p *pinPad) messageText() string {
	switch r := p.refusal; {
	case p.checking:
		return p.text("checking")
	case !p.until.IsZero():
		return p.text("locked", "time", clockLeft(p.until.Sub(p.k.opts.Now())))
	case r != nil && r.Kind == PINNotSet:
		return p.text("notset")
	case r != nil && r.Kind == PINDamaged:
		return p.text("damaged")
	case r != nil && r.Kind == PINWrong && r.TriesLeft > 0:
		return p.text("wrong", "tries", r.TriesLeft)
	case r != nil && r.Kind == PINWrong:
		return p.text("wrong.last")
	case p.problem != "":
		return p.text(p.problem)
	}
	return ""
}

// maskedPIN shows how many digits are typed, never which: a dot for each,
// and a blank for each still needed.
func maskedPIN(n, least int) string {
	marks := make([]string, 0, max(n, least))
	for i := range max(n, least) {
		if i < n {
			marks = append(marks, "•")
		} else {
			marks = append(marks, "_")
		}
	}
	return strings.Join(marks, " ")
}
