package ui

import (
	"maps"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// fakeDrafts records saves and resumes one known draft.
type fakeDrafts struct {
	mu    sync.Mutex
	saves []DraftState
	known DraftState
}

func (f *fakeDrafts) Save(d *DraftState) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if d.ID == "" {
		d.ID = "d_test"
	}
	c := *d
	c.Answers = maps.Clone(d.Answers)
	f.saves = append(f.saves, c)
}

func (f *fakeDrafts) Resume(code, birthDate string) (DraftState, error) {
	switch {
	case code != "ACEF-HKMN":
		return DraftState{}, &ResumeError{Kind: ResumeUnknown}
	case birthDate != "05/09/1990":
		return DraftState{}, &ResumeError{Kind: ResumeWrongDate, TriesLeft: 3}
	}
	return f.known, nil
}

func (f *fakeDrafts) saved() []DraftState {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]DraftState(nil), f.saves...)
}

func TestEveryAnswerIsSavedAndTheCodeShown(t *testing.T) {
	drafts := &fakeDrafts{}
	k, w := newHomeKiosk(t, Options{Submitter: &recordingSubmitter{}, Drafts: drafts})
	tapCardNamed(t, w, "Nộp hồ sơ")
	test.Tap(cardOf(t, w, "dang-ky-khai-sinh"))
	test.Tap(findButton(t, w, "Bắt đầu làm hồ sơ"))
	test.Tap(findButton(t, w, "Tôi đồng ý"))
	test.Tap(findButton(t, w, "Không có thẻ — tự nhập thông tin"))
	test.Type(findShown(t, w, "the answer box", func(*widget.Entry) bool { return true }), "Trần Minh An")
	test.Tap(findButton(t, w, "Tiếp tục"))
	saves := drafts.saved()
	if len(saves) != 1 || saves[0].Answers["child_name"] != "Trần Minh An" || saves[0].ProcedureID != "dang-ky-khai-sinh" || saves[0].ConsentAt.IsZero() {
		t.Fatalf("after one answer the saves are %+v; want one with the answer and the consent", saves)
	}
	k.SetSaved("ACEF-HKMN", nil)
	if !shows(w, "Đã lưu · Mã tiếp tục: ACEF-HKMN") {
		t.Errorf("after a save: shown %q; want the saved mark with the resume code", shownTexts(w))
	}
	test.Tap(findButton(t, w, "Tiếp tục")) // the date of birth, empty: refused
	if len(drafts.saved()) != 1 {
		t.Errorf("a refused answer was saved")
	}
}

func TestResumeOpensTheFirstQuestionLeft(t *testing.T) {
	answers := maps.Clone(birthAnswers)
	delete(answers, "mother_id")
	drafts := &fakeDrafts{known: DraftState{ID: "d_1", ProcedureID: "dang-ky-khai-sinh", Answers: answers, ConsentAt: time.Now()}}
	k, w := newHomeKiosk(t, Options{Submitter: &recordingSubmitter{}, Drafts: drafts})
	tapCardNamed(t, w, "Tiếp tục hồ sơ")
	entries := []*widget.Entry{}
	eachShown(w, func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok {
			entries = append(entries, e)
		}
	})
	if len(entries) != 2 {
		t.Fatalf("the resume screen has %d text boxes; want the code and the date of birth", len(entries))
	}
	test.Type(entries[0], "ACEF-HKMN")
	test.Type(entries[1], "01/01/1990")
	test.Tap(findButton(t, w, "Tiếp tục"))
	waitShows(t, w, "Ngày sinh hoặc số định danh không khớp với hồ sơ. Bạn còn 3 lần thử.")

	entries[1].SetText("05/09/1990")
	test.Tap(findButton(t, w, "Tiếp tục"))
	deadline := time.Now().Add(5 * time.Second)
	for k.journey == nil && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if k.journey == nil || k.journey.Current().Field == nil || k.journey.Current().Field.ID != "mother_id" {
		t.Fatalf("after resuming the wizard is on %+v; want mother_id, the question left", k.journey)
	}
	if k.journey.Answer("child_name") != "Trần Minh An" {
		t.Errorf("the resumed answers were lost")
	}
}

func TestACardGivesTheDraftItsBirthDateForResuming(t *testing.T) {
	drafts := &fakeDrafts{}
	_, w := newHomeKiosk(t, Options{Submitter: &recordingSubmitter{}, Drafts: drafts})
	tapCardNamed(t, w, "Nộp hồ sơ")
	test.Tap(cardOf(t, w, "dang-ky-khai-sinh"))
	test.Tap(findButton(t, w, "Bắt đầu làm hồ sơ"))
	test.Tap(findButton(t, w, "Tôi đồng ý"))
	scan := w.Canvas().Focused().(*widget.Entry)
	scan.SetText("001190012345||Nguyễn Thị Mai|05091990|Nữ|12 Lý Thường Kiệt, Hà Nội|01072021")
	scan.OnSubmitted(scan.Text)
	test.Type(w.Canvas().Focused().(*widget.Entry), "Trần Minh An")
	test.Tap(findButton(t, w, "Tiếp tục"))
	saves := drafts.saved()
	if len(saves) == 0 || saves[len(saves)-1].BirthDate != "05/09/1990" || saves[len(saves)-1].PersonalID != "001190012345" {
		t.Errorf("saves %+v; want the card's birth date and ID number on the draft (khai sinh does not ask the date)", saves)
	}
}
