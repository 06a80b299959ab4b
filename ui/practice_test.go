package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/practice"
	"github.com/motcua/kiosk/kiosk/selfserve"
)

// answerWithSample answers a practice question with the sample the screen
// shows, or with wrong first when it is set.
func answerWithSample(t *testing.T, k *Kiosk, w fyne.Window, wrong string) {
	t.Helper()
	step := k.journey.Current()
	if step.Kind != kiosk.StepField {
		test.Tap(findButton(t, w, "Tiếp tục"))
		return
	}
	f := step.Field
	sample := k.opts.Practice.Sample(k.journey.Procedure().ID, f.ID)
	if wrong != "" && f.Kind != kiosk.KindSelect && f.Kind != kiosk.KindYesNo {
		answerField(t, w, f, wrong) // refused next to the box
	}
	answerField(t, w, f, sample)
}

func TestPracticeRunSendsNothingAndSaysWhichStepToTryAgain(t *testing.T) {
	sub := &recordingSubmitter{give: Receipt{Code: "REAL-1"}}
	drafts := &fakeDrafts{}
	log := &sessionLog{}
	k, w := newHomeKiosk(t, Options{Submitter: sub, Drafts: drafts, Recorder: log, Practice: practice.Default(),
		Linker: newFakeLinker(), Payer: forbiddenPayer{t}, Printer: forbiddenPrinter{t}})
	tapCardNamed(t, w, "Luyện tập")
	for _, p := range k.opts.Practice.Catalog.Procedures {
		if !shows(w, p.Name.VI) {
			t.Errorf("the practice list lacks %q", p.Name.VI)
		}
	}
	tapCardNamed(t, w, "Luyện tập: Đăng ký tạm trú")
	test.Tap(findButton(t, w, "Bắt đầu làm hồ sơ"))
	test.Tap(findButton(t, w, "Tôi đồng ý"))
	if k.screen == screenIdentity {
		if shows(w, "VNeID") {
			t.Errorf("practice offers the phone sign-in; it must send nothing")
		}
		test.Tap(findButton(t, w, "Không có thẻ — tự nhập thông tin"))
	}
	if !shows(w, "Mẫu: Nguyễn Thị Mẫu") {
		t.Errorf("the first practice question shows %q; want the sample to type", shownTexts(w))
	}
	for i := 0; k.journey.Current().Kind != kiosk.StepReview; i++ {
		if i > 30 {
			t.Fatal("the practice form does not reach the check page")
		}
		if !shows(w, "LUYỆN TẬP — không có gì được gửi đi") {
			t.Fatalf("a practice screen without the band; shown %q", shownTexts(w))
		}
		wrong := ""
		if f := k.journey.Current().Field; f != nil && f.ID == "resident_id" {
			wrong = "12345" // the citizen gets the ID wrong twice
			answerWithSample(t, k, w, "")
			k.journey.Back()
			k.show()
			answerWithSample(t, k, w, wrong)
			continue
		}
		if k.journey.Current().Kind == kiosk.StepAttachments {
			test.Tap(findButton(t, w, "Dùng giấy tờ mẫu"))
		}
		answerWithSample(t, k, w, wrong)
	}
	test.Tap(findButton(t, w, "Gửi hồ sơ"))
	waitShows(t, w, "Bạn đã luyện tập xong!")
	for _, text := range []string{"Nên thử lại bước: “", "Bạn làm tốt:", "7.000 đ", "LUYỆN TẬP — không có gì được gửi đi"} {
		if !shows(w, text) {
			t.Errorf("the practice's end lacks %q; shown %q", text, shownTexts(w))
		}
	}
	if got := sub.submissions(); len(got) != 0 {
		t.Errorf("practice submitted %d dossiers; want none", len(got))
	}
	if got := drafts.saved(); len(got) != 0 {
		t.Errorf("practice saved %d drafts; want none", len(got))
	}
	test.Tap(findButton(t, w, "Về trang chủ"))
	sessions := log.all()
	if len(sessions) != 1 || !sessions[0].Practice || sessions[0].Outcome != selfserve.Finished {
		t.Fatalf("recorded %+v; want one finished practice session", sessions)
	}
	if shows(w, "LUYỆN TẬP") || k.practice {
		t.Errorf("after the practice, home still shows the band")
	}
}

// forbiddenPayer and forbiddenPrinter fail the test if practice uses them.
type forbiddenPayer struct{ t *testing.T }

func (p forbiddenPayer) Order(context.Context, string) (PaymentOrder, error) {
	p.t.Error("practice asked for a payment order")
	return PaymentOrder{}, context.Canceled
}
func (p forbiddenPayer) State(context.Context, string) (string, error) {
	p.t.Error("practice polled a payment")
	return "", context.Canceled
}

type forbiddenPrinter struct{ t *testing.T }

func (p forbiddenPrinter) Print(context.Context, PrintedReceipt) error {
	p.t.Error("practice printed a receipt")
	return nil
}
