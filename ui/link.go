package ui

import (
	"context"
	"image"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	qrcode "github.com/skip2/go-qrcode"
)

// Link sessions pair the kiosk with the citizen's phone for one visit, in
// the manner of the OAuth device authorization grant (RFC 8628): the kiosk
// shows a QR and a confirm code, the phone scans the QR and checks the
// code, and the kiosk long-polls until the phone has acted.
const (
	// linkRotate is how often a QR that no phone has used is replaced: the
	// central system honours a token for at most 2 minutes, and a code
	// left on screen is a code someone may have photographed.
	linkRotate = time.Minute
	// linkRetry is the pause after the central system failed to open or
	// poll a session, before the kiosk tries again.
	linkRetry = 5 * time.Second
	// linkQRSize is the QR's side on screen: large enough for an old
	// phone's camera at arm's length.
	linkQRSize = 280
	// linkColumnQRSize is the QR's side in a column beside other content.
	linkColumnQRSize = 220
)

// link is one link session for one purpose. It lives for the citizen's
// visit: the screens that show it come and go (a language switch rebuilds
// them), its widgets and its session stay until the session ends.
type link struct {
	k       *Kiosk
	purpose string
	onState func(LinkState) // called on the UI goroutine with every change
	// onSession, when set, hears every new session (a new QR) on the UI
	// goroutine.
	onSession func(LinkSession)
	cancel    context.CancelFunc
	session   LinkSession
	openedAt  time.Time
	state     LinkState
	shown     bool // on the screen being built

	qr        *canvas.Image
	columnQR  *canvas.Image // the QR in the column view, when that is shown
	code      *widget.Label
	countdown *widget.Label
	status    *widget.Label
}

// openLink returns the visit's link for purpose, starting it if needed;
// nil when the kiosk has no Linker. onState replaces the previous
// listener: the screen showing the link now is the one that hears it.
func (k *Kiosk) openLink(purpose, procedureID string, onState func(LinkState)) *link {
	if k.opts.Linker == nil || k.practice { // practice sends nothing, phones included
		return nil
	}
	if l := k.links[purpose]; l != nil {
		l.onState = onState
		return l
	}
	l := &link{k: k, purpose: purpose, onState: onState,
		qr:        canvas.NewImageFromImage(nil),
		code:      widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		countdown: widget.NewLabel(""),
		status:    widget.NewLabel(k.tr.T("link.opening")),
	}
	l.qr.ScaleMode, l.qr.FillMode = canvas.ImageScalePixels, canvas.ImageFillContain
	l.qr.SetMinSize(fyne.NewSquareSize(linkQRSize))
	l.code.SizeName = theme.SizeNameHeadingText
	l.status.Wrapping = fyne.TextWrapWord
	if k.links == nil {
		k.links = map[string]*link{}
	}
	k.links[purpose] = l
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	go l.run(ctx, k.opts.Linker, procedureID, k.post)
	return l
}

// closeLink ends the visit's link for purpose, on the central system too.
func (k *Kiosk) closeLink(purpose string) {
	l := k.links[purpose]
	if l == nil {
		return
	}
	delete(k.links, purpose)
	l.cancel()
	if id := l.session.ID; id != "" {
		linker := k.opts.Linker
		go func() { // nothing waits for it; the central system ends it anyway
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = linker.Close(ctx, id)
		}()
	}
}

// closeHiddenLinks ends the links no phone has used that the new screen
// does not show: a QR nobody sees must not stay valid. A used link lasts
// for the visit.
func (k *Kiosk) closeHiddenLinks() {
	for purpose, l := range k.links {
		if !l.shown && l.state.State != LinkLinked {
			k.closeLink(purpose)
		}
	}
}

// closeLinks ends every link of the visit.
func (k *Kiosk) closeLinks() {
	for purpose := range k.links {
		k.closeLink(purpose)
	}
}

// view is the link as shown: the QR, and beside it the counter's name, the
// confirm code, the countdown and what is happening.
func (l *link) view(title string) fyne.CanvasObject {
	l.shown = true
	tr := l.k.tr
	heading := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.Wrapping = fyne.TextWrapWord
	steps := wrapped(tr.T("link.steps", "unit", l.k.unit))
	side := container.NewVBox(heading, steps, widget.NewLabel(tr.T("link.code")), l.code, l.countdown, l.status)
	return container.NewBorder(nil, nil, l.qr, nil, side)
}

// column is the link as a narrow column beside a screen's own content:
// the QR with the code and what is happening under it, the text wrapped
// to the column's width. It scrolls rather than make the screen taller
// than a kiosk's.
func (l *link) column(title string) fyne.CanvasObject {
	l.shown = true
	heading := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.Wrapping = fyne.TextWrapWord
	code := container.NewHBox(widget.NewLabel(l.k.tr.T("link.code")), l.code)
	qr := canvas.NewImageFromImage(l.qr.Image) // smaller than the full view's
	qr.ScaleMode, qr.FillMode = canvas.ImageScalePixels, canvas.ImageFillContain
	qr.SetMinSize(fyne.NewSquareSize(linkColumnQRSize))
	l.columnQR = qr
	return NewTouchScroll(container.NewVBox(heading, qr, code, l.status, l.countdown))
}

// run opens sessions and follows them until ctx ends: a session no phone
// used is replaced every linkRotate, a failure is retried after
// linkRetry. It runs off the UI goroutine and hands every change to post.
func (l *link) run(ctx context.Context, linker Linker, procedureID string, post func(func())) {
	for ctx.Err() == nil {
		s, err := linker.Open(ctx, l.purpose, procedureID)
		if err != nil {
			post(l.showFailure)
			sleep(ctx, linkRetry)
			continue
		}
		post(func() { l.showSession(s) })
		if l.follow(ctx, linker, s, post) {
			return // it was used and has ended: the visit's link is over
		}
	}
}

// follow long-polls one session. It returns true when a linked session
// has ended, false when the session must be replaced (unused for
// linkRotate, or ended before any phone used it).
func (l *link) follow(ctx context.Context, linker Linker, s LinkSession, post func(func())) bool {
	since, linked := 0, false
	rotateAt := time.Now().Add(l.k.linkEvery)
	for {
		wait, stop := ctx, context.CancelFunc(func() {})
		if !linked {
			wait, stop = context.WithDeadline(ctx, rotateAt)
		}
		st, err := linker.Wait(wait, s.ID, since)
		stop()
		switch {
		case ctx.Err() != nil:
			return true
		case !linked && !time.Now().Before(rotateAt):
			_ = linker.Close(ctx, s.ID) // unused: a new QR replaces it
			return false
		case err != nil:
			post(l.showFailure)
			sleep(ctx, linkRetry)
			continue
		}
		since = st.Version
		post(func() { l.apply(st) })
		switch st.State {
		case LinkLinked:
			linked = true
		case LinkExpired, LinkClosed:
			return linked
		}
	}
}

// showSession puts a new session's QR and code on screen.
func (l *link) showSession(s LinkSession) {
	if l.k.links[l.purpose] != l {
		return // closed meanwhile
	}
	l.session, l.openedAt = s, l.k.opts.Now()
	l.qr.Image = qrImage(s.URL)
	l.qr.Refresh()
	if l.columnQR != nil {
		l.columnQR.Image = l.qr.Image
		l.columnQR.Refresh()
	}
	l.code.SetText(spacedCode(s.ConfirmCode))
	l.status.SetText(l.k.tr.T("link.waiting"))
	l.tick()
	if l.onSession != nil {
		l.onSession(s)
	}
}

// showFailure says the central system cannot be reached; the loop tries
// again by itself.
func (l *link) showFailure() {
	if l.k.links[l.purpose] != l {
		return
	}
	l.status.SetText(l.k.tr.T("link.failed"))
}

// apply takes a change of the session on the UI goroutine.
func (l *link) apply(st LinkState) {
	if l.k.links[l.purpose] != l {
		return // the visit ended while the answer was on its way
	}
	l.state = st
	switch st.State {
	case LinkLinked:
		l.status.SetText(l.k.tr.T("link.linked"))
		l.countdown.SetText("")
	case LinkExpired, LinkClosed:
		l.status.SetText(l.k.tr.T("link.ended"))
	}
	if l.onState != nil {
		l.onState(st)
	}
}

// tick updates the countdown to the next QR; the kiosk's once-a-second
// ticker calls it. The countdown moves in steps of linkCountdownStep:
// every change repaints the whole window (about 2% of a core at once a
// second on a kiosk's software renderer), and a citizen reading the code
// needs "about half a minute", not a ticking clock.
func (l *link) tick() {
	if l.session.ID == "" || l.state.State == LinkLinked {
		return
	}
	left := l.openedAt.Add(l.k.linkEvery).Sub(l.k.opts.Now())
	setText(l.countdown, l.k.tr.T("link.countdown", "seconds", roundUp(left, linkCountdownStep)*int(linkCountdownStep/time.Second)))
}

// linkCountdownStep is how finely the QR's countdown moves.
const linkCountdownStep = 10 * time.Second

// roundUp is how many steps d takes, rounded up, and never below 0: a
// countdown never shows 0 while time is left.
func roundUp(d, step time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int((d + step - 1) / step)
}

// setText changes a label only when its text changes: every SetText
// repaints the window, and the once-a-second ticks mostly say the same.
func setText(l *widget.Label, text string) {
	if l.Text != text {
		l.SetText(text)
	}
}

// tickLinks updates every link's countdown.
func (k *Kiosk) tickLinks() {
	for _, l := range k.links {
		l.tick()
	}
}

// qrImage draws a URL as a QR code: error correction M (a smudged screen
// still reads), the quiet zone go-qrcode adds, black on white whatever the
// theme. The image is drawn pixel for pixel (ImageScalePixels), so it stays
// square and sharp at any size.
func qrImage(url string) image.Image {
	q, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		return nil
	}
	q.ForegroundColor, q.BackgroundColor = color.Black, color.White
	return q.Image(256)
}

// spacedCode writes a 6-digit confirm code as two groups, easier to
// compare at a glance: "482 913".
func spacedCode(code string) string {
	if len(code) != 6 {
		return code
	}
	return code[:3] + " " + code[3:]
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
