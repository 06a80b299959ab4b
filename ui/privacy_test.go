package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
)

// everyText is every text held by an object of the window — shown or
// hidden, in the content and in pop-ups — for a search of what a widget
// still holds, not only of what the screen shows.
func everyText(w fyne.Window) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil {
			return
		}
		if s, ok := textIn(o); ok {
			out = append(out, s)
		}
		for _, c := range children(o) {
			walk(c)
		}
	}
	walk(w.Content())
	for _, o := range w.Canvas().Overlays().List() {
		walk(o)
	}
	return out
}

func textIn(o fyne.CanvasObject) (string, bool) {
	switch v := o.(type) {
	case *widget.Label:
		return v.Text, true
	case *widget.Entry:
		return v.Text, true
	case *touchEntry:
		return v.Text, true
	case *widget.Button:
		return v.Text, true
	case *widget.RichText:
		return v.String(), true
	}
	return "", false
}

// TestIdleResetLeavesNoPersonalDataInAnyWidget fills a khai sinh with a
// seeded citizen's details and a scanned paper, lets the idle reset end
// the session, and searches every widget of the window (hidden ones and
// pop-ups too) and the kiosk's own state for any of them.
func TestIdleResetLeavesNoPersonalDataInAnyWidget(t *testing.T) {
	sub := &recordingSubmitter{give: Receipt{Code: "X-1"}}
	k, w := newHomeKiosk(t, Options{Submitter: sub, Scanner: true, IdleTimeout: 90e9})
	toFirstQuestion(t, w)
	var paper []byte
	for i := 0; k.journey.Current().Kind != kiosk.StepReview; i++ {
		if i > 40 {
			t.Fatal("the wizard does not reach the check page")
		}
		if k.journey.Current().Kind == kiosk.StepAttachments {
			paper = samplePage(t)
			k.AddScan("giay-chung-sinh.png", "image/png", paper)
		}
		answerPage(t, k, w)
	}
	seeded := []string{birthAnswers["child_name"], birthAnswers["mother_name"], birthAnswers["mother_id"], "0912345678", birthAnswers["child_birthplace"]}
	found := 0
	for _, s := range everyText(w) {
		for _, p := range seeded {
			if strings.Contains(s, p) {
				found++
			}
		}
	}
	if found == 0 {
		t.Fatalf("the check page holds none of the seeded details; the search would prove nothing")
	}

	k.idleReset()

	pii := 0
	for _, s := range everyText(w) {
		for _, p := range seeded {
			if strings.Contains(s, p) {
				pii++
				t.Errorf("after the idle reset a widget still holds %q (in %q)", p, s)
			}
		}
	}
	if k.journey != nil || k.draft != nil || len(k.attachments) != 0 || len(k.thumbs) != 0 || k.current != nil {
		pii++
		t.Errorf("after the idle reset the kiosk still holds the session: journey %v, draft %v, %d papers", k.journey != nil, k.draft != nil, len(k.attachments))
	}
	for _, b := range paper {
		if b != 0 {
			pii++
			t.Errorf("the scanned paper's bytes were not wiped")
			break
		}
	}
	t.Logf("RELIABILITY area=privacy case=idle-reset-widgets tried=%d lost=0 duplicated=0 corrupt=0 crashes=0 pii=%d seeded=%d",
		len(everyText(w))*len(seeded), pii, len(seeded))
}
