package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

func (k *Kiosk) sendingScreen() fyne.CanvasObject {
	l := widget.NewLabelWithStyle(k.tr.T("sending"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameHeadingText
	return container.NewCenter(container.NewVBox(l, widget.NewProgressBarInfinite()))
}

// submitted shows the receipt. A dossier the central system has not
// answered for yet is safe in the outbox: the citizen is told it will be
// sent, and its code appears in tracking later.
func (k *Kiosk) submitted(r Receipt, err error) {
	if err != nil {
		r = Receipt{} // queued: the outbox sends it later
	}
	if len(r.Problems) > 0 {
		k.rejected = r.Problems // the check page shows them; nothing is retyped
		k.goTo(screenWizard)
		return
	}
	k.receipt = &r
	k.visitFinished()
	if k.journey != nil && !k.practice { // one more filed here: it counts for "most used"
		k.usage[k.journey.Procedure().ID]++
		k.index.SetBoost(boosts(k.usage))
		k.filed = filedFor{procedure: k.journey.Procedure().Name, applicant: k.journey.Applicant().FullName, at: k.opts.Now()}
	}
	k.journey = nil // the answers have left the form
	k.closeLinks()  // filed: no phone may send anything more for it
	k.wipeAttachments()
	k.attachments, k.thumbs = nil, nil
	k.goTo(screenDone)
}

func (k *Kiosk) doneScreen() fyne.CanvasObject {
	if k.practice {
		return k.practiceDone()
	}
	tr, r := k.tr, k.receipt
	var home fyne.CanvasObject = &widget.Button{Text: tr.T("done.home"), Icon: theme.HomeIcon(), Importance: widget.HighImportance, OnTapped: k.goHome}
	home = k.point(home, "assist.hint.home")
	if r.Code == "" {
		l := widget.NewLabelWithStyle(tr.T("done.queued"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		l.SizeName, l.Wrapping = theme.SizeNameHeadingText, fyne.TextWrapWord
		return container.NewBorder(nil, container.NewPadded(home), nil, nil, container.NewCenter(l))
	}
	title := heading(tr.T("done.title"))
	code := heading(r.Code)
	info := wrapped(tr.T("done.due", "date", r.DueDate) + "\n" + k.feeLine() + "\n" + tr.T("done.next"))
	left := container.NewVBox(title, widget.NewLabel(tr.T("done.code")), code, info)
	if pay := k.payChoice(); pay != nil {
		left.Add(pay)
	}
	if p := k.printButton(); p != nil {
		left.Add(p)
	}
	if k.opts.Feedback != nil {
		left.Add(k.rating())
	}
	return container.NewBorder(nil, container.NewPadded(home), nil, trackingQR(r.TrackingURL, tr.T("done.qr")), container.NewPadded(left))
}

// payChoice offers to pay the fee now by bank app, when there is one to
// pay and the kiosk takes payments; nil otherwise.
func (k *Kiosk) payChoice() fyne.CanvasObject {
	r := k.receipt
	if r.Fee <= 0 || k.opts.Payer == nil || k.payLater || k.payment != nil && k.payment.state == PaymentPaid {
		return nil
	}
	now := &widget.Button{Text: k.tr.T("pay.now"), Icon: theme.ConfirmIcon(), Importance: widget.HighImportance, OnTapped: func() {
		if k.payment == nil || k.payment.failed || k.payment.state == PaymentExpired {
			k.startPayment()
		}
		k.goTo(screenPay)
	}}
	later := &widget.Button{Text: k.tr.T("pay.later"), OnTapped: k.payAtCounter}
	return container.NewVBox(now, later)
}

// faceIcon draws the n-th face of the rating (1 frowns, 3 is level, 5
// smiles) as a small SVG: the kiosk's font has no emoji.
func faceIcon(n int) fyne.Resource {
	mouth := []int{10, 13, 16, 19, 22}[n-1] // the curve's control point: above the corners frowns
	svg := fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">`+
		`<circle cx="12" cy="12" r="10" fill="none" stroke="#1A1A1A" stroke-width="2"/>`+
		`<circle cx="8.5" cy="9.5" r="1.5" fill="#1A1A1A"/><circle cx="15.5" cy="9.5" r="1.5" fill="#1A1A1A"/>`+
		`<path d="M7 16 Q12 %d 17 16" fill="none" stroke="#1A1A1A" stroke-width="2" stroke-linecap="round"/></svg>`, mouth)
	return fyne.NewStaticResource(fmt.Sprintf("face%d.svg", n), []byte(svg))
}

const ratings = 5

// rating asks how the service was, with five faces with words; the
// tapped one is sent as feedback and the row says thank you.
func (k *Kiosk) rating() fyne.CanvasObject {
	tr := k.tr
	if k.rated > 0 {
		return widget.NewLabel(tr.T("rating.thanks"))
	}
	row := container.NewGridWithColumns(ratings)
	for n := 1; n <= ratings; n++ {
		row.Add(NewTouchButton(tr.T(fmt.Sprintf("rating.%d", n)), faceIcon(n), func() { k.rate(n) }))
	}
	return container.NewVBox(widget.NewLabel(tr.T("rating.ask")), row)
}

func (k *Kiosk) rate(n int) {
	k.rated = n
	k.visit.rec.Rating = n
	code := k.receipt.Code
	k.show()
	k.detach(15*time.Second, func(ctx context.Context) {
		_ = k.opts.Feedback.Rate(ctx, code, n) // a lost rating is not the citizen's problem
	})
}

// trackingQR draws the tracking page's address as a sharp QR code with a
// caption: error correction M, the quiet zone go-qrcode adds, pixels scaled
// without smoothing.
func trackingQR(url, caption string) fyne.CanvasObject {
	if url == "" {
		return widget.NewLabel("")
	}
	img := canvas.NewImageFromImage(qrImage(url))
	img.ScaleMode = canvas.ImageScalePixels
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSquareSize(240))
	l := widget.NewLabel(caption)
	l.Alignment = fyne.TextAlignCenter
	return container.NewPadded(container.NewVBox(img, l))
}
