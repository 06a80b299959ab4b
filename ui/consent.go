package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
)

// startDossier is the procedure page's "start": consent comes first,
// before any personal data is asked.
func (k *Kiosk) startDossier() { k.goTo(screenConsent) }

// consentScreen asks, in plain words, for consent to process personal
// data (Personal Data Protection Law 2025): it must be given by a tap,
// silence is not consent, and declining ends the session politely.
func (k *Kiosk) consentScreen() fyne.CanvasObject {
	tr := k.tr
	title := heading(tr.T("consent.title"))
	title.Wrapping = fyne.TextWrapWord
	body := wrapped(tr.T("consent.body", "procedure", k.current.Name.In(tr.lang)))
	accept := &widget.Button{Text: tr.T("consent.accept"), Icon: theme.ConfirmIcon(), Importance: widget.HighImportance, OnTapped: k.citizenConfirms(k.onConsent)}
	decline := &widget.Button{Text: tr.T("consent.decline"), Icon: theme.CancelIcon(), OnTapped: k.onDecline}
	buttons := container.NewGridWithColumns(2, decline, k.pointGuarded(accept, "assist.hint.consent"))
	return container.NewBorder(nil, container.NewPadded(buttons), nil, nil,
		NewTouchScroll(container.NewPadded(container.NewVBox(title, body))))
}

func (k *Kiosk) onConsent() {
	k.consent = k.opts.Now()
	k.journey = kiosk.NewJourney(k.current, nil, k.opts.Now)
	if k.current.ApplicantIDField() != "" { // the card or VNeID can fill the applicant in
		k.goTo(screenIdentity) // offer the card before any typing
		return
	}
	k.goTo(screenWizard)
}

func (k *Kiosk) onDecline() {
	k.goHome()
	k.notice = k.tr.T("consent.declined")
	k.show()
}
