package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Idle reset: a kiosk in a public hall must not leave one citizen's data
// for the next. After IdleTimeout without a touch, a warning counts down
// IdleWarning ("Bạn còn đó không?") with a big button to go on; then the
// session ends: the form was saved at every answer, the screen returns
// home and every widget that held personal data is gone with its screen.
const (
	DefaultIdleTimeout = 90 * time.Second
	DefaultIdleWarning = 20 * time.Second
)

// activity notes that the citizen did something.
func (k *Kiosk) activity() {
	k.lastActivity = k.opts.Now()
	if k.idleWarn != nil {
		k.idleWarn.Hide()
		k.idleWarn = nil
	}
}

// idleTick checks for idleness; the kiosk's ticker calls it every second
// on the UI goroutine, and tests call it with a moved clock.
func (k *Kiosk) idleTick() {
	if k.screen == screenHome || k.opts.IdleTimeout <= 0 {
		return
	}
	idle := k.opts.Now().Sub(k.lastActivity)
	switch {
	case idle >= k.opts.IdleTimeout+k.opts.IdleWarning:
		k.idleReset()
	case idle >= k.opts.IdleTimeout:
		k.showIdleWarning(k.opts.IdleTimeout + k.opts.IdleWarning - idle)
	}
}

func (k *Kiosk) showIdleWarning(left time.Duration) {
	text := k.tr.T("idle.body", "seconds", int(left.Round(time.Second).Seconds()))
	if k.idleWarn != nil {
		k.idleCount.SetText(text)
		return
	}
	title := widget.NewLabelWithStyle(k.tr.T("idle.title"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	k.idleCount = widget.NewLabel(text)
	k.idleCount.Alignment, k.idleCount.Wrapping = fyne.TextAlignCenter, fyne.TextWrapWord
	stay := &widget.Button{Text: k.tr.T("idle.stay"), Icon: theme.ConfirmIcon(), Importance: widget.HighImportance, OnTapped: k.activity}
	box := container.NewPadded(container.NewVBox(title, k.idleCount, stay))
	k.idleWarn = widget.NewModalPopUp(box, k.win.Canvas())
	k.idleWarn.Resize(fyne.NewSize(640, box.MinSize().Height))
	k.idleWarn.Show()
}

// idleReset ends the session: home, in the kiosk's own language, with
// nothing of the citizen left on screen or in the interface's memory.
func (k *Kiosk) idleReset() {
	if k.idleWarn != nil {
		k.idleWarn.Hide()
		k.idleWarn, k.idleCount = nil, nil
	}
	k.tr.lang = k.opts.Lang
	k.goHome()
}

// startIdleTicker checks idleness every second until the window closes.
func (k *Kiosk) startIdleTicker() {
	t := time.NewTicker(time.Second)
	done := make(chan struct{})
	k.win.SetOnClosed(func() { close(done) })
	go func() {
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				fyne.Do(func() {
					k.idleTick()
					k.tickLinks()
					k.tickPayment()
					k.tickAdmin()
				})
			}
		}
	}()
}
