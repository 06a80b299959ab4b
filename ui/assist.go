package ui

import (
	"context"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
)

// Assistant mode: a member of the digital-tech team signs in beside the
// citizen (badge QR or PIN) and the kiosk shows a coach layer. The control
// the citizen should use next is framed, with one line saying what it
// does; the assistant may move the frame, but the form's taps still come
// from the citizen. Consent and submit need more: the citizen confirms on
// the coach bar, themself, before either works. Policy is to guide, not
// to file for them.

// Assistants signs members of the digital-tech team in at the kiosk. It is
// called off the UI goroutine. A refusal is a *PINError: PINWrong for an
// unknown PIN or badge, PINLocked with Until after too many wrong tries.
type Assistants interface {
	SignIn(ctx context.Context, badge, pin string) (name string, err error)
}

// assistWait bounds one sign-in.
const assistWait = 15 * time.Second

// highlight is the coach frame's colour: orange, apart from every colour
// the screens use, so it reads as "the kiosk points here".
var highlight = color.NRGBA{R: 0xE6, G: 0x51, B: 0x00, A: 0xFF}

// assistantMode is a team member signed in for this session.
type assistantMode struct {
	name    string
	targets []coachTarget // the screen's controls in the order a citizen uses them
	at      int           // the framed one
	// confirmed is the step on which the citizen confirmed themself;
	// consent and submit work only there.
	confirmed string
	refused   bool // a guarded tap came before the citizen confirmed

	hint    *widget.Label
	confirm *widget.Button
}

// coachTarget is a control the coach layer can frame.
type coachTarget struct {
	frame   *canvas.Rectangle
	hint    string // the one line that explains it, a translation key
	guarded bool   // consent or submit: the citizen confirms first
}

// point registers obj as the next control the coach layer frames, with
// hint explaining it. Without an assistant it returns obj as it is, so
// the citizen's screens cost nothing extra.
func (k *Kiosk) point(obj fyne.CanvasObject, hint string) fyne.CanvasObject {
	return k.pointAt(obj, hint, false)
}

// pointGuarded is point for consent and submit.
func (k *Kiosk) pointGuarded(obj fyne.CanvasObject, hint string) fyne.CanvasObject {
	return k.pointAt(obj, hint, true)
}

func (k *Kiosk) pointAt(obj fyne.CanvasObject, hint string, guarded bool) fyne.CanvasObject {
	a := k.assistant
	if a == nil {
		return obj
	}
	frame := canvas.NewRectangle(color.Transparent)
	frame.StrokeColor, frame.StrokeWidth, frame.CornerRadius = highlight, 5, 6
	frame.Hide()
	a.targets = append(a.targets, coachTarget{frame: frame, hint: hint, guarded: guarded})
	return container.NewStack(obj, frame)
}

// citizenConfirms wraps consent's and submit's action: with an assistant
// signed in it runs only after the citizen confirmed on this step; before,
// the tap is refused and the coach bar says what to do.
func (k *Kiosk) citizenConfirms(act func()) func() {
	return func() {
		if a := k.assistant; a != nil && a.confirmed != k.stepName() {
			a.refused = true
			k.updateCoach()
			return
		}
		act()
	}
}

// awaitsCitizen reports whether the screen has a guarded control the
// citizen has not confirmed yet.
func (a *assistantMode) awaitsCitizen(step string) bool {
	if a.confirmed == step {
		return false
	}
	for _, t := range a.targets {
		if t.guarded {
			return true
		}
	}
	return false
}

// coachBar is the assistant's band under the header: what the framed
// control does, the arrows that move the frame, the citizen's
// confirmation where one is needed, and the way out.
func (k *Kiosk) coachBar() fyne.CanvasObject {
	a, tr := k.assistant, k.tr
	// One line, so the form keeps its room above the keyboard: the hint,
	// then the buttons. Who assists is said in the header, beside the
	// counter's name; the hints are short and do not wrap.
	a.hint = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	prev := &widget.Button{Icon: theme.NavigateBackIcon(), OnTapped: func() { k.moveCoach(-1) }}
	next := &widget.Button{Icon: theme.NavigateNextIcon(), OnTapped: func() { k.moveCoach(1) }}
	a.confirm = &widget.Button{Text: tr.T("assist.confirm"), Icon: theme.ConfirmIcon(), Importance: widget.WarningImportance, OnTapped: k.onCitizenConfirms}
	end := &widget.Button{Text: tr.T("assist.end"), Icon: theme.LogoutIcon(), OnTapped: k.endAssistant}
	row := container.NewBorder(nil, nil, nil, container.NewHBox(prev, next, a.confirm, end), a.hint)
	band := canvas.NewRectangle(highlight)
	band.SetMinSize(fyne.NewSize(0, 4))
	return container.NewVBox(container.New(layout.NewCustomPaddedLayout(4, 4, theme.Padding(), theme.Padding()), row), band)
}

// updateCoach frames the current target and says what it does.
func (k *Kiosk) updateCoach() {
	a := k.assistant
	if a == nil || a.hint == nil {
		return
	}
	step := k.stepName()
	waiting := a.awaitsCitizen(step)
	if waiting && a.refused {
		a.hint.SetText(k.tr.T("assist.confirm.first"))
	} else if len(a.targets) == 0 {
		a.hint.SetText(k.tr.T("assist.hint.none"))
	} else {
		a.hint.SetText(k.tr.T(a.targets[a.at].hint))
	}
	for i, t := range a.targets {
		t.frame.Hidden = i != a.at
		t.frame.Refresh()
	}
	if waiting {
		a.confirm.Show()
	} else {
		a.confirm.Hide()
	}
}

// moveCoach moves the frame to the previous or next control.
func (k *Kiosk) moveCoach(by int) {
	k.activity()
	a := k.assistant
	if n := len(a.targets); n > 0 {
		a.at = (a.at + by + n) % n
	}
	a.refused = false
	k.updateCoach()
}

// onCitizenConfirms is the citizen's own tap on "I confirm": consent or
// submit now work on this step, and the frame moves to it.
func (k *Kiosk) onCitizenConfirms() {
	k.activity()
	a := k.assistant
	a.confirmed, a.refused = k.stepName(), false
	for i, t := range a.targets {
		if t.guarded {
			a.at = i
			break
		}
	}
	k.updateCoach()
}

// startCoach is show's part: a new screen frames its first control, the
// one a citizen uses next.
func (k *Kiosk) startCoach() {
	if a := k.assistant; a != nil {
		a.at, a.refused = 0, false
		k.updateCoach()
	}
}

// endAssistant is the coach bar's "Kết thúc hỗ trợ": the citizen carries
// on alone, on the same screen.
func (k *Kiosk) endAssistant() {
	k.activity()
	k.assistant = nil
	k.show()
}

// signedIn starts assistant mode for name; the step on screen counts as
// assisted from now.
func (k *Kiosk) signedIn(name string) {
	k.assistant = &assistantMode{name: name}
	k.visit.stepAssisted = true
	k.show()
}

// ---- Signing in ----

// assistPad is the team member's sign-in over the citizen's screen: the
// PIN on big keys, or the badge's QR read by the scanner.
type assistPad struct {
	pad   *pinPad
	popup *widget.PopUp
	// focused is the citizen's box that had the focus: the scanner's keys
	// must not type into it behind the pad, and it gets the focus back.
	focused fyne.Focusable
	typed   strings.Builder // what the scanner has typed since the last Enter
	// try signs in with a badge token or a PIN, off the UI goroutine;
	// the pad's onRight then starts assistant mode.
	try func(badge, pin string) error
}

// openAssistantPad shows the sign-in. While it is up, what a scanner
// types (the badge's QR) goes to it.
func (k *Kiosk) openAssistantPad() {
	if k.opts.Assistants == nil {
		return
	}
	var name string // written by try off the UI goroutine, read by onRight on it
	ap := &assistPad{try: func(badge, pin string) error {
		var err error
		name, err = k.signIn(badge, pin)
		return err
	}}
	p := &pinPad{k: k, texts: "assist.pin", title: "assist.title", minDigits: minAssistantDigits}
	p.check = func(pin string) error { return ap.try("", pin) }
	p.live = func() bool { return k.assistPad == ap }
	p.onRight = func() {
		k.closeAssistantPad()
		k.signedIn(name)
	}
	p.onCancel = k.closeAssistantPad
	ap.pad = p
	k.assistPad = ap
	ap.popup = widget.NewModalPopUp(container.NewStack(popupWidth(), p.build()), k.win.Canvas())
	c := k.win.Canvas()
	ap.focused = c.Focused()
	c.Unfocus()
	c.SetOnTypedRune(func(r rune) { ap.typed.WriteRune(r) })
	c.SetOnTypedKey(func(e *fyne.KeyEvent) {
		if e.Name == fyne.KeyReturn || e.Name == fyne.KeyEnter {
			k.onBadge(ap)
		}
	})
	ap.popup.Show()
}

// onBadge takes what the scanner typed: a staff badge signs in, anything
// else is said to be something else.
func (k *Kiosk) onBadge(ap *assistPad) {
	text := ap.typed.String()
	ap.typed.Reset()
	k.activity()
	scan, err := kiosk.ClassifyScan(text)
	if err != nil || scan.Kind != kiosk.ScanStaff {
		ap.pad.refusal, ap.pad.problem = nil, "badge"
		ap.pad.update()
		return
	}
	p := ap.pad
	if !p.takesPIN() {
		return
	}
	p.checking, p.problem = true, ""
	p.update()
	token := scan.Code
	k.background(func() func() {
		err := ap.try(token, "")
		return func() { p.checked(err) }
	})
}

// signIn asks Assistants, off the UI goroutine.
func (k *Kiosk) signIn(badge, pin string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), assistWait)
	defer cancel()
	return k.opts.Assistants.SignIn(ctx, badge, pin)
}

// closeAssistantPad hides the sign-in and gives the scanner back.
func (k *Kiosk) closeAssistantPad() {
	ap := k.assistPad
	if ap == nil {
		return
	}
	k.assistPad = nil
	ap.pad.clearDigits()
	ap.popup.Hide()
	c := k.win.Canvas()
	c.SetOnTypedRune(nil)
	c.SetOnTypedKey(nil)
	if ap.focused != nil && k.assistant == nil {
		c.Focus(ap.focused) // cancelled: the citizen types on where they were
	}
}
