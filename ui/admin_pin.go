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

// The admin PIN's length on the pad: the policy (offline/adminpin) asks at
// least 6 digits; the pad takes no more than anyone types.
const (
	minPINDigits = 6
	maxPINDigits = 32
)

// pinPad asks the admin PIN on big keys, shows it masked, and says plainly
// why it did not open: wrong (and how many tries are left), locked (with a
// countdown), or no PIN set (and the command that sets one).
type pinPad struct {
	k *Kiosk
	a *adminSession

	digits   []byte    // typed so far; never shown
	checking bool      // a Check is running
	refusal  *PINError // the last refusal
	problem  string    // another message's key: too short, check failed, lock ended
	until    time.Time // locked until; zero when not

	dots, message *widget.Label
	keys          []*widget.Button // disabled while the pad cannot take a PIN
}

func newPINPad(k *Kiosk, a *adminSession) *pinPad { return &pinPad{k: k, a: a} }

func (p *pinPad) build() fyne.CanvasObject {
	tr := p.k.tr
	title := widget.NewLabelWithStyle(tr.T("admin.title"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
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
	open := p.key(&widget.Button{Text: tr.T("admin.pin.open"), Icon: theme.ConfirmIcon(), Importance: widget.HighImportance, OnTapped: p.onOpen})
	cancel := &widget.Button{Text: tr.T("admin.pin.cancel"), Icon: theme.CancelIcon(), OnTapped: p.k.cancelAdmin}
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
	k, a, guard := p.k, p.a, p.k.opts.AdminPIN
	k.background(func() func() {
		err := guard.Ready()
		return func() {
			if !k.adminCurrent(a) || a.pad != p {
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
	if len(p.digits) < minPINDigits {
		p.problem = "admin.pin.short"
		p.update()
		return
	}
	pin := string(p.digits)
	p.clearDigits()
	p.checking, p.problem = true, ""
	p.update()
	k, a, guard := p.k, p.a, p.k.opts.AdminPIN
	k.background(func() func() {
		err := guard.Check(pin)
		return func() { p.checked(a, err) }
	})
}

func (p *pinPad) checked(a *adminSession, err error) {
	k := p.k
	p.checking = false
	if !k.adminCurrent(a) || a.pad != p {
		return // the admin session ended (Hủy, idle) while the PIN was checked
	}
	if err == nil {
		k.openAdminPanel(a)
		return
	}
	p.refused(err)
	p.update()
}

// refused takes a refusal from Ready or Check.
func (p *pinPad) refused(err error) {
	var pe *PINError
	if !errors.As(err, &pe) {
		p.refusal, p.problem = nil, "admin.pin.failed"
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
		p.until, p.refusal, p.problem = time.Time{}, nil, "admin.pin.unlocked"
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
	p.dots.SetText(maskedPIN(len(p.digits)))
	msg := p.messageText()
	p.message.Importance = widget.DangerImportance
	if msg == "" {
		msg, p.message.Importance = p.k.tr.T("admin.pin.prompt"), widget.MediumImportance
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
	tr := p.k.tr
	switch r := p.refusal; {
	case p.checking:
		return tr.T("admin.pin.checking")
	case !p.until.IsZero():
		return tr.T("admin.pin.locked", "time", clockLeft(p.until.Sub(p.k.opts.Now())))
	case r != nil && r.Kind == PINNotSet:
		return tr.T("admin.pin.notset")
	case r != nil && r.Kind == PINDamaged:
		return tr.T("admin.pin.damaged")
	case r != nil && r.Kind == PINWrong && r.TriesLeft > 0:
		return tr.T("admin.pin.wrong", "tries", r.TriesLeft)
	case r != nil && r.Kind == PINWrong:
		return tr.T("admin.pin.wrong.last")
	case p.problem != "":
		return tr.T(p.problem)
	}
	return ""
}

// maskedPIN shows how many digits are typed, never which: a dot for each,
// and a blank for each still needed.
func maskedPIN(n int) string {
	marks := make([]string, 0, max(n, minPINDigits))
	for i := range max(n, minPINDigits) {
		if i < n {
			marks = append(marks, "•")
		} else {
			marks = append(marks, "_")
		}
	}
	return strings.Join(marks, " ")
}
