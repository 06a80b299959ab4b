package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	qrcode "github.com/skip2/go-qrcode"
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
	k.journey = nil // the answers have left the form
	k.goTo(screenDone)
}

func (k *Kiosk) doneScreen() fyne.CanvasObject {
	tr, r := k.tr, k.receipt
	home := &widget.Button{Text: tr.T("done.home"), Icon: theme.HomeIcon(), Importance: widget.HighImportance, OnTapped: k.goHome}
	if r.Code == "" {
		l := widget.NewLabelWithStyle(tr.T("done.queued"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
		l.SizeName, l.Wrapping = theme.SizeNameHeadingText, fyne.TextWrapWord
		return container.NewBorder(nil, container.NewPadded(home), nil, nil, container.NewCenter(l))
	}
	title := widget.NewLabelWithStyle(tr.T("done.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	code := widget.NewLabelWithStyle(r.Code, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	code.SizeName = theme.SizeNameHeadingText
	info := widget.NewLabel(tr.T("done.due", "date", r.DueDate) + "\n" + tr.T("done.next"))
	info.Wrapping = fyne.TextWrapWord
	left := container.NewVBox(title, widget.NewLabel(tr.T("done.code")), code, info)
	return container.NewBorder(nil, container.NewPadded(home), nil, trackingQR(r.TrackingURL, tr.T("done.qr")), container.NewPadded(left))
}

// trackingQR draws the tracking page's address as a sharp QR code with a
// caption: error correction M, the quiet zone go-qrcode adds, pixels scaled
// without smoothing.
func trackingQR(url, caption string) fyne.CanvasObject {
	if url == "" {
		return widget.NewLabel("")
	}
	q, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		return widget.NewLabel("")
	}
	q.ForegroundColor, q.BackgroundColor = color.Black, color.White
	img := canvas.NewImageFromImage(q.Image(256))
	img.ScaleMode = canvas.ImageScalePixels
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSquareSize(240))
	l := widget.NewLabel(caption)
	l.Alignment = fyne.TextAlignCenter
	return container.NewPadded(container.NewVBox(img, l))
}
