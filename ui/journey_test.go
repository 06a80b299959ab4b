package ui

import (
	"context"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
)

// recordingSubmitter keeps what it was given and answers with a receipt.
type recordingSubmitter struct {
	mu   sync.Mutex
	got  []Submission
	give Receipt
}

func (r *recordingSubmitter) Submit(_ context.Context, s Submission) (Receipt, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, s)
	return r.give, nil
}

func (r *recordingSubmitter) submissions() []Submission {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Submission(nil), r.got...)
}

// birthAnswers answers the sample khai sinh form as a citizen would type.
var birthAnswers = map[string]string{
	"child_name": "Trần Minh An", "child_dob": "17/11/2026", "child_sex": "nam",
	"child_birthplace": "Bệnh viện Đa khoa tỉnh", "child_ethnicity": "kinh", "child_hometown": "Hà Nội",
	"mother_name": "Nguyễn Thị Mai", "mother_id": "001190012345", "mother_dob": "05/09/1990",
	"parents_married": "yes", "applicant_name": "Nguyễn Thị Mai", "applicant_id": "001190012345",
	"applicant_relationship": "me", "applicant_phone": "0912 345 678",
}

func waitShows(t *testing.T, w fyne.Window, text string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !shows(w, text) {
		if time.Now().After(deadline) {
			t.Fatalf("waited for %q; shown: %q", text, shownTexts(w))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// answerPage answers the wizard's current page through its widgets.
func answerPage(t *testing.T, k *Kiosk, w fyne.Window) {
	t.Helper()
	step := k.journey.Current()
	if step.Kind != kiosk.StepField {
		test.Tap(findButton(t, w, "Tiếp tục"))
		return
	}
	answer, ok := birthAnswers[step.Field.ID]
	if !ok {
		test.Tap(findButton(t, w, "Bỏ qua câu này"))
		return
	}
	answerField(t, w, step.Field, answer)
}

// answerField answers f on screen with value as a citizen does: the
// option's button, "Có"/"Không", or the value typed in the emptied answer
// box and "Tiếp tục".
func answerField(t *testing.T, w fyne.Window, f *kiosk.Field, value string) {
	t.Helper()
	switch f.Kind {
	case kiosk.KindSelect:
		for _, o := range f.Options {
			if o.Value == value {
				test.Tap(findButton(t, w, o.Label.VI))
			}
		}
	case kiosk.KindYesNo:
		test.Tap(findButton(t, w, map[string]string{"yes": "Có", "no": "Không"}[value]))
	default:
		entry := findShown(t, w, "the answer box", func(*widget.Entry) bool { return true })
		entry.SetText("")
		test.Type(entry, value)
		test.Tap(findButton(t, w, "Tiếp tục"))
	}
}

func TestBirthRegistrationFromHomeToReceipt(t *testing.T) {
	sub := &recordingSubmitter{give: Receipt{Code: "000.00.01.H26-261127-0001", DueDate: "27/11/2026", TrackingURL: "http://127.0.0.1/t/000.00.01.H26-261127-0001"}}
	k, w := newHomeKiosk(t, Options{Submitter: sub})
	tapCardNamed(t, w, "Nộp hồ sơ")
	test.Type(searchBox(t, w), "khai sinh")
	test.Tap(cardOf(t, w, "dang-ky-khai-sinh"))
	test.Tap(findButton(t, w, "Bắt đầu làm hồ sơ"))
	if !shows(w, "Luật Bảo vệ dữ liệu cá nhân năm 2025") {
		t.Fatalf("no consent screen before the form; shown %q", shownTexts(w))
	}
	test.Tap(findButton(t, w, "Tôi đồng ý"))

	// The scanner types the applicant's card QR into the focused box.
	scanBox, ok := w.Canvas().Focused().(*widget.Entry)
	if !ok || !shows(w, "Quét thẻ Căn cước") {
		t.Fatalf("after consent: focused %T, shown %q; want the card scan with its box focused", w.Canvas().Focused(), shownTexts(w))
	}
	test.Type(scanBox, "a shopping list")
	scanBox.OnSubmitted(scanBox.Text)
	if !shows(w, "Kiosk không nhận ra mã vừa quét") {
		t.Errorf("after scanning something else: shown %q; want it said plainly", shownTexts(w))
	}
	test.Type(scanBox, "001190012345||Nguyễn Thị Mai|05091990|Nữ|12 Lý Thường Kiệt, Hà Nội|01072021\r\n")
	scanBox.OnSubmitted(scanBox.Text)
	if !shows(w, "Bước 1 / 19") {
		t.Errorf("after the card: shown %q; want the form without the 2 questions the card answered", shownTexts(w))
	}

	// A mistake is explained next to the field and what was typed stays.
	entry := findShown(t, w, "the answer box", func(*widget.Entry) bool { return true })
	test.Type(entry, "Trần Minh An 2")
	test.Tap(findButton(t, w, "Tiếp tục"))
	if !shows(w, "Bước 1 / 19") || entry.Text != "Trần Minh An 2" || !shows(w, "“2”") {
		t.Errorf("after a name with a digit: shown %q; want the message next to the field and the text kept", shownTexts(w))
	}
	for i := 0; k.journey != nil && k.journey.Current().Kind != kiosk.StepReview; i++ {
		if i > 40 {
			t.Fatalf("the wizard does not reach the check page")
		}
		answerPage(t, k, w)
	}
	for _, text := range []string{"Kiểm tra lại thông tin", "Trần Minh An", "0912345678", "Có", "001190012345 — theo thẻ Căn cước"} {
		if !shows(w, text) {
			t.Errorf("the check page does not show %q; shown %q", text, shownTexts(w))
		}
	}
	test.Tap(findButton(t, w, "Gửi hồ sơ"))
	waitShows(t, w, "000.00.01.H26-261127-0001")
	if !shows(w, "Hẹn trả kết quả: 27/11/2026") {
		t.Errorf("the receipt lacks the due date; shown %q", shownTexts(w))
	}
	got := sub.submissions()
	if len(got) != 1 || got[0].ProcedureID != "dang-ky-khai-sinh" || got[0].Applicant.PersonalID != "001190012345" || got[0].ConsentAt.IsZero() {
		t.Fatalf("submitted %+v; want one khai sinh with the applicant and the consent time", got)
	}

	test.Tap(findButton(t, w, "Về trang chủ"))
	for _, secret := range []string{"Trần Minh An", "001190012345", "0912345678", "000.00.01.H26-261127-0001"} {
		if shows(w, secret) {
			t.Errorf("after going home the screen still shows %q", secret)
		}
	}
	if k.journey != nil || k.receipt != nil {
		t.Errorf("after going home the kiosk still holds the journey or receipt")
	}
}

func TestDecliningConsentEndsPolitely(t *testing.T) {
	k, w := newHomeKiosk(t, Options{Submitter: &recordingSubmitter{}})
	tapCardNamed(t, w, "Nộp hồ sơ")
	test.Tap(cardOf(t, w, "dang-ky-khai-sinh"))
	test.Tap(findButton(t, w, "Bắt đầu làm hồ sơ"))
	test.Tap(findButton(t, w, "Không đồng ý"))
	if !shows(w, "Cảm ơn bạn. Máy không lưu thông tin nào.") || !shows(w, "Nộp hồ sơ") {
		t.Errorf("after declining: shown %q; want home with a polite word", shownTexts(w))
	}
	if k.journey != nil || !k.consent.IsZero() {
		t.Errorf("after declining a journey or a consent remains")
	}
}

func TestAKioskThatCannotFileOffersNoStart(t *testing.T) {
	_, w := newTestKiosk(t, kiosk.VI)
	test.Tap(cardOf(t, w, "dang-ky-khai-sinh"))
	if shows(w, "Bắt đầu làm hồ sơ") {
		t.Errorf("a kiosk without a central system offers to start a dossier")
	}
}

// fakeFeedback records ratings.
type fakeFeedback struct {
	mu    sync.Mutex
	rates []int
	codes []string
}

func (f *fakeFeedback) Rate(_ context.Context, code string, rating int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rates, f.codes = append(f.rates, rating), append(f.codes, code)
	return nil
}

func TestTheReceiptAsksForARating(t *testing.T) {
	fb := &fakeFeedback{}
	k, w := newHomeKiosk(t, Options{Submitter: &recordingSubmitter{}, Feedback: fb})
	k.receipt = &Receipt{Code: "000.00.01.H26-261127-0001", DueDate: "27/11/2026"}
	k.goTo(screenDone)
	if !shows(w, "Bạn thấy việc làm hồ sơ hôm nay thế nào?") {
		t.Fatalf("the receipt does not ask for a rating; shown %q", shownTexts(w))
	}
	test.Tap(findButton(t, w, "Dễ"))
	if len(fb.rates) != 1 || fb.rates[0] != 4 || fb.codes[0] != "000.00.01.H26-261127-0001" {
		t.Errorf("tapping \"Dễ\" sent %v for %v; want 4 for the dossier", fb.rates, fb.codes)
	}
	if !shows(w, "Cảm ơn bạn đã cho ý kiến!") || shows(w, "Rất dễ") {
		t.Errorf("after rating: shown %q; want thanks instead of the faces", shownTexts(w))
	}
}

// TestTheOnScreenKeyboardTypesTheAnswer: a citizen with no keyboard types
// the child's name in Telex on the screen's keys and taps Xong.
func TestTheOnScreenKeyboardTypesTheAnswer(t *testing.T) {
	k, w := newHomeKiosk(t, Options{Submitter: &recordingSubmitter{}})
	tapCardNamed(t, w, "Nộp hồ sơ")
	test.Tap(cardOf(t, w, "dang-ky-khai-sinh"))
	test.Tap(findButton(t, w, "Bắt đầu làm hồ sơ"))
	test.Tap(findButton(t, w, "Tôi đồng ý"))
	test.Tap(findButton(t, w, "Không có thẻ — tự nhập thông tin"))
	entry, ok := w.Canvas().Focused().(*widget.Entry)
	if !ok {
		t.Fatalf("the question's box is not focused (%T): the keyboard would type nowhere", w.Canvas().Focused())
	}
	for _, key := range []string{"Chữ hoa", "T", "r", "a", "a", "n", "f", "Dấu cách", "Chữ hoa", "A", "n"} {
		tapKey(t, k.keyboard, key)
	}
	if entry.Text != "Trần An" {
		t.Fatalf("typed %q; want \"Trần An\"", entry.Text)
	}
	tapKey(t, k.keyboard, "Xong")
	if k.journey.Answer("child_name") != "Trần An" || k.journey.Current().Field.ID != "child_dob" {
		t.Errorf("after Xong the answer is %q on %s; want it taken and the next question", k.journey.Answer("child_name"), k.journey.Current().Field.ID)
	}
	if k.keyboard.Mode() != ModeNumbers {
		t.Errorf("the date question shows the %v keyboard; want the number pad", k.keyboard.Mode())
	}
}
