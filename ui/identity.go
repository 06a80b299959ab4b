package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
)

// identityScreen offers to fill the applicant's details from their Căn
// cước card: the kiosk's barcode scanner acts as a keyboard, types the
// card's QR into the focused box and ends with Enter. The box hides what
// it receives, so people nearby cannot read it.
func (k *Kiosk) identityScreen() fyne.CanvasObject {
	tr := k.tr
	title := heading(tr.T("identity.title"))
	title.Wrapping = fyne.TextWrapWord
	hint := wrapped(tr.T("identity.hint"))
	problem := widget.NewLabel("")
	problem.Importance, problem.Wrapping = widget.DangerImportance, fyne.TextWrapWord
	problem.Hide()
	scan := widget.NewPasswordEntry()
	scan.SetPlaceHolder(tr.T("identity.placeholder"))
	scan.OnSubmitted = func(text string) {
		scan.SetText("") // the card's data leaves the box at once
		if msg := k.onCardScan(text); msg != "" {
			problem.SetText(msg)
			problem.Show()
		}
	}
	k.focusAfterShow = scan
	manual := &widget.Button{Text: tr.T("identity.manual"), Icon: theme.DocumentCreateIcon(), OnTapped: func() { k.goTo(screenWizard) }}
	parts := []fyne.CanvasObject{title, hint, k.point(scan, "assist.hint.scan"), problem}
	if l := k.openLink(LinkLogin, k.journey.Procedure().ID, k.onLoginState); l != nil {
		parts = append(parts, widget.NewSeparator(), l.view(tr.T("identity.phone")))
	}
	// Typing by hand stays in view below the scrolling part: it must not
	// be missed by someone with neither a card nor a smartphone.
	return container.NewBorder(nil, container.NewPadded(k.point(manual, "assist.hint.manual")), nil, nil, NewTouchScroll(container.NewPadded(container.NewVBox(parts...))))
}

// onLoginState prefills the applicant once the phone has signed in with
// the identity provider: the fields it vouches for are locked and marked
// as coming from VNeID.
func (k *Kiosk) onLoginState(st LinkState) {
	if st.Identity == nil || k.journey == nil || k.screen != screenIdentity {
		return
	}
	id := st.Identity
	card := kiosk.CardData{FullName: id.FullName, PersonalID: id.PersonalID, Sex: id.Sex, Address: id.Address}
	if birth, err := kiosk.ParseDate(id.BirthDate); err == nil {
		card.BirthDate = birth
		k.cardBirthDate = id.BirthDate
	}
	p := k.journey.Procedure()
	k.journey.Prefill(kiosk.CardAnswers(p.Form, p.ApplicantPerson(), card), "vneid")
	k.goTo(screenWizard)
}

// onCardScan prefills the applicant from a scanned card and opens the
// form; it returns what to tell the citizen when the scan is no card.
func (k *Kiosk) onCardScan(text string) string {
	scan, err := kiosk.ClassifyScan(text)
	if inv, ok := err.(*kiosk.Invalid); ok {
		return inv.Message.In(k.tr.lang)
	}
	if err != nil || scan.Kind != kiosk.ScanCard {
		return k.tr.T("identity.notcard")
	}
	k.journey.Prefill(kiosk.CardAnswers(k.journey.Procedure().Form, k.journey.Procedure().ApplicantPerson(), scan.Card), "card")
	// The card proves the applicant's birth date even when the form does
	// not ask it; the draft keeps it so that its resume code works.
	k.cardBirthDate = kiosk.FormatDate(scan.Card.BirthDate)
	k.goTo(screenWizard)
	return ""
}
