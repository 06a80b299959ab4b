//go:build bench

package ui

import (
	"testing"

	"github.com/motcua/kiosk/kiosk"
)

// The bench hooks file a whole dossier and reach the QR screen in the
// test driver, as they do in the bench binary (make bench).
func TestBenchJourneyFilesADossier(t *testing.T) {
	sub := &recordingSubmitter{give: Receipt{Code: "000.00.01.H26-261127-0001", DueDate: "27/11/2026"}}
	k, _ := newHomeKiosk(t, Options{Submitter: sub})
	answers := map[string]string{}
	for id, v := range birthAnswers {
		answers[id] = v
	}
	answers["child_dob"] = kiosk.FormatDate(k.opts.Now().AddDate(0, 0, -12))
	if err := k.BenchJourney("dang-ky-khai-sinh", "khai sinh", answers); err != nil {
		t.Fatalf("BenchJourney: %v", err)
	}
	if code, shown := k.BenchReceipt(); !shown || code != sub.give.Code {
		t.Errorf("BenchReceipt() = %q, %v; want the receipt %q shown", code, shown, sub.give.Code)
	}
	if got := sub.submissions(); len(got) != 1 || got[0].Answers["child_name"] != "Trần Minh An" {
		t.Errorf("submitted %+v; want one khai sinh with the answers", got)
	}
	k.BenchHome()
	if k.screen != screenHome || k.journey != nil {
		t.Errorf("after BenchHome: screen %d, journey %v; want home and no journey", k.screen, k.journey)
	}
}

func TestBenchJourneyNamesARefusedAnswer(t *testing.T) {
	k, _ := newHomeKiosk(t, Options{Submitter: &recordingSubmitter{}})
	err := k.BenchJourney("dang-ky-khai-sinh", "khai sinh", map[string]string{"child_name": "Trần Minh An 2"})
	if err == nil {
		t.Fatal("BenchJourney with a name holding a digit: no error")
	}
}

func TestBenchShowQRNeedsAFilingKiosk(t *testing.T) {
	k, _ := newHomeKiosk(t, Options{})
	if err := k.BenchShowQR("dang-ky-khai-sinh"); err == nil {
		t.Error("BenchShowQR on a kiosk that cannot file: no error")
	}
}

// The crash test (cmd/kiosk) answers one question at a time, with pauses
// between, so that autosaves land between its taps.
func TestBenchAnswerGoesOneQuestionAtATime(t *testing.T) {
	sub := &recordingSubmitter{give: Receipt{Code: "000.00.01.H26-261127-0002"}}
	k, _ := newHomeKiosk(t, Options{Submitter: sub})
	if err := k.BenchSend(); err == nil {
		t.Error("BenchSend with no form open: no error")
	}
	if err := k.BenchBegin("dang-ky-khai-sinh", "khai sinh"); err != nil {
		t.Fatalf("BenchBegin: %v", err)
	}
	answers := map[string]string{"child_dob": kiosk.FormatDate(k.opts.Now().AddDate(0, 0, -12))}
	for id, v := range birthAnswers {
		if id != "child_dob" {
			answers[id] = v
		}
	}
	first := k.journey.Current().Field.ID
	if review, err := k.BenchAnswer(answers); err != nil || review {
		t.Fatalf("first BenchAnswer = %v, %v; want the next question", review, err)
	}
	if got := k.journey.Answers()[first]; got != answers[first] {
		t.Errorf("after one BenchAnswer, %s = %q; want %q", first, got, answers[first])
	}
	if err := k.BenchSend(); err == nil {
		t.Error("BenchSend before the check page: no error")
	}
	pages := 1
	for review := false; !review; pages++ {
		var err error
		if review, err = k.BenchAnswer(answers); err != nil {
			t.Fatal(err)
		}
		if pages > 100 {
			t.Fatal("the form never reached its check page")
		}
	}
	if err := k.BenchSend(); err != nil {
		t.Fatalf("BenchSend on the check page: %v", err)
	}
	if code, shown := k.BenchReceipt(); !shown || code != sub.give.Code {
		t.Errorf("BenchReceipt() = %q, %v; want the receipt %q shown", code, shown, sub.give.Code)
	}
	if got := sub.submissions(); len(got) != 1 {
		t.Errorf("%d submissions after %d pages; want 1", len(got), pages)
	}
}
