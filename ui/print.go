package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
)

// filedFor is what a receipt is for: kept from the form, which is cleared
// as soon as the dossier is filed.
type filedFor struct {
	procedure kiosk.Text
	applicant string
	at        time.Time
}

// printWait bounds a print: a printer that does not answer must not
// hold the citizen.
const printWait = 30 * time.Second

// printButton offers the receipt on paper when the kiosk has a printer;
// the receipt is on screen (and its QR photographable) either way.
func (k *Kiosk) printButton() fyne.CanvasObject {
	if k.opts.Printer == nil || k.receipt == nil || k.receipt.Code == "" {
		return nil
	}
	tr := k.tr
	switch k.printing {
	case "printing":
		return widget.NewLabel(tr.T("print.printing"))
	case "printed":
		return widget.NewLabel(tr.T("print.done"))
	}
	b := &widget.Button{Text: tr.T("print.button"), Icon: theme.DocumentPrintIcon(), OnTapped: k.printReceipt}
	if k.printing == "failed" {
		l := widget.NewLabel(tr.T("print.failed"))
		l.Wrapping, l.Importance = fyne.TextWrapWord, widget.DangerImportance
		return container.NewVBox(l, b)
	}
	return b
}

// printReceipt prints off the UI goroutine and says how it went.
func (k *Kiosk) printReceipt() {
	r := k.printedReceipt()
	k.printing = "printing"
	k.show()
	printer := k.opts.Printer
	k.background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), printWait)
		defer cancel()
		err := printer.Print(ctx, r)
		return func() {
			if k.receipt == nil || k.receipt.Code != r.Code {
				return // another citizen by now
			}
			k.printing = "printed"
			if err != nil {
				k.printing = "failed"
			}
			if k.screen == screenDone {
				k.show()
			}
		}
	})
}

func (k *Kiosk) printedReceipt() PrintedReceipt {
	return PrintedReceipt{Receipt: *k.receipt, Unit: k.unit, ProcedureName: k.filed.procedure,
		Applicant: k.filed.applicant, ReceivedAt: k.filed.at,
		Paid: k.payment != nil && k.payment.state == PaymentPaid, Lang: k.tr.lang}
}
