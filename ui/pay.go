package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
)

// Paying the fee at the kiosk: after a dossier with a fee is filed, the
// citizen may pay at once with their banking app (VietQR) or later at the
// counter. The kiosk asks the central system for an order, shows its QR
// with the amount, the payee, the dossier code and a countdown, and polls
// the order until it is paid or expires.

// payPoll is how often the kiosk asks whether the order is paid: the
// citizen watches the screen for "Đã thanh toán" after their bank app
// says done.
const payPoll = 2 * time.Second

// payQRSize is the VietQR's side on screen: a banking app reads it from
// a phone held at arm's length.
const payQRSize = 300

// payment is the fee order being paid, and the loop that follows it.
type payment struct {
	order     PaymentOrder
	state     string // PaymentPending, PaymentPaid or PaymentExpired; "" while it is being made
	failed    bool   // the central system could not make or read the order
	cancel    context.CancelFunc
	countdown *widget.Label
}

// startPayment asks for an order for the receipt's dossier and starts
// following it.
func (k *Kiosk) startPayment() {
	k.stopPayment()
	p := &payment{countdown: widget.NewLabel("")}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	k.payment = p
	go p.run(ctx, k, k.receipt.Code)
}

// stopPayment stops following the order; the order itself simply expires
// on the central system if unpaid.
func (k *Kiosk) stopPayment() {
	if k.payment != nil {
		k.payment.cancel()
	}
}

// run makes the order, then polls it until it is paid or expires, handing
// every change to the UI goroutine.
func (p *payment) run(ctx context.Context, k *Kiosk, code string) {
	payer, post, every := k.opts.Payer, k.post, k.payEvery
	order, err := payer.Order(ctx, code)
	if err != nil {
		post(func() { p.apply(k, PaymentOrder{}, "", true) })
		return
	}
	post(func() { p.apply(k, order, PaymentPending, false) })
	for ctx.Err() == nil {
		sleep(ctx, every)
		state, err := payer.State(ctx, order.ID)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			continue // a lost poll changes nothing: the next one asks again
		}
		if state != PaymentPending {
			post(func() { p.apply(k, order, state, false) })
			return
		}
	}
}

// apply takes the order's news on the UI goroutine.
func (p *payment) apply(k *Kiosk, order PaymentOrder, state string, failed bool) {
	if k.payment != p {
		return // the session ended, or a new order replaced this one
	}
	p.order, p.state, p.failed = order, state, failed
	switch {
	case state == PaymentPaid:
		k.goTo(screenDone) // the receipt now says paid
	case k.screen == screenPay:
		k.show()
	}
}

// tickPayment updates the countdown; the once-a-second ticker calls it.
func (k *Kiosk) tickPayment() {
	p := k.payment
	if p == nil || p.state != PaymentPending {
		return
	}
	left := p.order.ExpiresAt.Sub(k.opts.Now())
	setText(p.countdown, k.tr.T("pay.countdown", "minutes", roundUp(left, time.Minute)))
}

// payScreen shows the order's VietQR, or what is happening with it.
func (k *Kiosk) payScreen() fyne.CanvasObject {
	tr, p := k.tr, k.payment
	later := &widget.Button{Text: tr.T("pay.later"), OnTapped: k.payAtCounter}
	title := heading(tr.T("pay.title"))
	title.Wrapping = fyne.TextWrapWord
	var body fyne.CanvasObject
	switch {
	case p == nil || p.failed:
		msg := widget.NewLabel(tr.T("pay.failed"))
		msg.Wrapping, msg.Importance = fyne.TextWrapWord, widget.DangerImportance
		retry := &widget.Button{Text: tr.T("pay.retry"), Icon: theme.ViewRefreshIcon(), OnTapped: func() { k.startPayment(); k.show() }}
		body = container.NewVBox(msg, retry)
	case p.state == "":
		body = widget.NewLabel(tr.T("pay.making"))
	case p.state == PaymentExpired:
		msg := wrapped(tr.T("pay.expired"))
		again := &widget.Button{Text: tr.T("pay.retry"), Icon: theme.ViewRefreshIcon(), Importance: widget.HighImportance,
			OnTapped: func() { k.startPayment(); k.show() }}
		body = container.NewVBox(msg, again)
	default:
		body = k.payOrder(p)
	}
	return container.NewBorder(nil, container.NewPadded(later), nil, nil,
		NewTouchScroll(container.NewPadded(container.NewVBox(title, body))))
}

// payOrder is the VietQR beside what it pays: the amount in large type,
// the payee, the dossier code, the steps and the countdown.
func (k *Kiosk) payOrder(p *payment) fyne.CanvasObject {
	tr := k.tr
	qr := canvas.NewImageFromImage(qrImage(p.order.VietQR))
	qr.ScaleMode, qr.FillMode = canvas.ImageScalePixels, canvas.ImageFillContain
	qr.SetMinSize(fyne.NewSquareSize(payQRSize))
	amount := heading(kiosk.FormatDong(p.order.Amount))
	steps := wrapped(tr.T("pay.steps"))
	facts := wrapped(tr.T("pay.payee", "payee", p.order.Payee) + "\n" + tr.T("pay.for", "code", k.receipt.Code))
	k.tickPayment()
	side := container.NewVBox(widget.NewLabel(tr.T("pay.amount")), amount, facts, steps, p.countdown)
	return container.NewBorder(nil, nil, qr, nil, side)
}

// payAtCounter leaves the fee for the counter: the receipt says so.
func (k *Kiosk) payAtCounter() {
	k.stopPayment()
	k.payment, k.payLater = nil, true
	k.goTo(screenDone)
}

// feeLine is what the receipt says of the fee: free, paid, or to pay at
// the counter.
func (k *Kiosk) feeLine() string {
	r := k.receipt
	switch {
	case r.Fee <= 0:
		return k.tr.T("receipt.fee.free")
	case k.payment != nil && k.payment.state == PaymentPaid:
		return k.tr.T("receipt.fee.paid", "amount", kiosk.FormatDong(r.Fee))
	}
	return k.tr.T("receipt.fee.counter", "amount", kiosk.FormatDong(r.Fee))
}
