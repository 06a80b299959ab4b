//go:build bench

// Hooks of the control build (-tags bench) for make bench and make
// reliability: they drive the real screens of the real binary the way a
// citizen's taps do, through the same handlers the buttons call, so that
// cmd/kioskbench can measure memory after a whole journey and idle CPU on
// a QR screen, and the crash test can kill the kiosk in the middle of
// filing. Only the control build has them: the production binary exports
// none of this.

package ui

import (
	"fmt"

	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
)

// BenchHome ends the session and shows the home screen, as the receipt's
// "Về trang chủ" does. Call it on the UI goroutine.
func (k *Kiosk) BenchHome() { k.goHome() }

// BenchShowQR shows a screen with a live QR: the card-or-phone sign-in
// of procedureID, whose phone-link QR is replaced every minute and whose
// countdown ticks every second. The QR itself arrives once the central
// system has opened the link; BenchQRShown says when. Call it on the UI
// goroutine.
func (k *Kiosk) BenchShowQR(procedureID string) error {
	k.goHome()
	if err := k.benchStart(procedureID); err != nil {
		return err
	}
	if k.screen != screenIdentity {
		return fmt.Errorf("after consent the kiosk shows screen %d, not the card-or-phone sign-in", k.screen)
	}
	return nil
}

// BenchQRShown reports whether the sign-in screen shows its phone-link
// QR. Call it on the UI goroutine.
func (k *Kiosk) BenchQRShown() bool {
	l := k.links[LinkLogin]
	return k.screen == screenIdentity && l != nil && l.session.ID != "" && l.qr.Image != nil
}

// BenchJourney files a dossier of procedureID from the home screen to the
// send: BenchBegin, BenchAnswer until the check page, BenchSend. The send
// runs in the background like any other; BenchReceipt says when the
// receipt shows. An answer the kiosk refuses is an error naming the
// question. Call it on the UI goroutine.
func (k *Kiosk) BenchJourney(procedureID, search string, answers map[string]string) error {
	if err := k.BenchBegin(procedureID, search); err != nil {
		return err
	}
	for steps := 0; ; steps++ {
		if steps > 200 {
			return fmt.Errorf("the form does not reach its check page")
		}
		review, err := k.BenchAnswer(answers)
		if err != nil {
			return err
		}
		if review {
			return k.BenchSend()
		}
	}
}

// BenchBegin opens the form of procedureID from the home screen: "Nộp hồ
// sơ", the search typed, the procedure's card, "Bắt đầu làm hồ sơ", "Tôi
// đồng ý", typing by hand instead of a card. Call it on the UI goroutine.
func (k *Kiosk) BenchBegin(procedureID, search string) error {
	k.goHome()
	k.goTo(screenCatalog)
	if k.catalogView == nil || k.catalogView.search == nil {
		return fmt.Errorf("the catalog screen has no search box")
	}
	k.catalogView.search.SetText(search) // fires onSearch, as typing does
	if err := k.benchStart(procedureID); err != nil {
		return err
	}
	if k.screen == screenIdentity {
		k.goTo(screenWizard) // "Không có thẻ — tự nhập thông tin"
	}
	return nil
}

// BenchAnswer answers the form's current page from answers (by field ID;
// a missing one is skipped, the papers step goes on without papers) and
// reports whether the form has reached its check page. Call it on the UI
// goroutine.
func (k *Kiosk) BenchAnswer(answers map[string]string) (review bool, err error) {
	if k.journey == nil {
		return false, fmt.Errorf("no form is open")
	}
	if k.journey.Current().Kind == kiosk.StepReview {
		return true, nil
	}
	if err := k.benchAnswer(answers); err != nil {
		return false, err
	}
	return k.journey.Current().Kind == kiosk.StepReview, nil
}

// BenchSend taps "Gửi hồ sơ" on the check page. Call it on the UI
// goroutine.
func (k *Kiosk) BenchSend() error {
	if k.journey == nil || k.journey.Current().Kind != kiosk.StepReview {
		return fmt.Errorf("the form is not on its check page")
	}
	s := k.benchWizard()
	s.onSend()
	if s.problem.Visible() {
		return fmt.Errorf("the check page refused to send: %s", s.problem.Text)
	}
	return nil
}

// BenchReceipt reports whether the receipt is on screen, and its dossier
// code ("" when the dossier was queued rather than answered). Call it on
// the UI goroutine.
func (k *Kiosk) BenchReceipt() (code string, shown bool) {
	if k.screen != screenDone || k.receipt == nil {
		return "", false
	}
	return k.receipt.Code, true
}

// benchStart opens procedureID's page and taps through it and consent,
// as openProcedure, startDossier and onConsent run from their buttons.
func (k *Kiosk) benchStart(procedureID string) error {
	p, ok := k.catalog.Procedure(procedureID)
	if !ok {
		return fmt.Errorf("no procedure %q in the catalog", procedureID)
	}
	k.openProcedure(p)
	if k.opts.Submitter == nil {
		return fmt.Errorf("this kiosk cannot file: no start button")
	}
	k.startDossier()
	k.onConsent()
	return nil
}

// benchAnswer answers the wizard's current page through the wizard's own
// submit, as its buttons do: the value typed in the box, the option
// chosen, "yes"/"no", "" for "Bỏ qua câu này" and for the papers step's
// "Tiếp tục".
func (k *Kiosk) benchAnswer(answers map[string]string) error {
	step := k.journey.Current()
	value, id := "", "the papers step"
	if step.Kind == kiosk.StepField {
		id = step.Field.ID
		value = answers[id]
	}
	s := k.benchWizard()
	s.submit(value)
	if s.problem.Visible() {
		return fmt.Errorf("%s: the kiosk refused %q: %s", id, value, s.problem.Text)
	}
	return nil
}

// benchWizard is the wizard's handlers over the current journey, with its
// own problem label to read a refusal from (the one on screen belongs to
// the screen last built, which submit rebuilds anyway).
func (k *Kiosk) benchWizard() *wizardScreen {
	s := newWizardScreen(k)
	s.problem = widget.NewLabel("")
	s.problem.Hide()
	return s
}
