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
