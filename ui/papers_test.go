package ui

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/motcua/kiosk/kiosk"
)

// samplePage is a scanned page as a PNG: 1240 × 1754 (A4 at 150 dpi),
// white with grey lines of "text".
func samplePage(t testing.TB) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 1240, 1754))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y := 150; y < 1600; y += 60 {
		for x := 120; x < 1120; x++ {
			for dy := range 14 {
				img.SetGray(x, y+dy, color.Gray{Y: 0x60})
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// toPapers fills a khai sinh up to its papers step. What the kiosk's
// loops post to the UI goroutine waits in the queue it returns.
func toPapers(t *testing.T, opts Options) (*Kiosk, fyne.Window, uiQueue) {
	t.Helper()
	k, w := newHomeKiosk(t, opts)
	q := make(uiQueue, 16)
	k.post = q.post
	tapCardNamed(t, w, "Nộp hồ sơ")
	test.Tap(cardOf(t, w, "dang-ky-khai-sinh"))
	test.Tap(findButton(t, w, "Bắt đầu làm hồ sơ"))
	test.Tap(findButton(t, w, "Tôi đồng ý"))
	test.Tap(findButton(t, w, "Không có thẻ — tự nhập thông tin"))
	for k.journey.Current().Kind != kiosk.StepAttachments {
		answerPage(t, k, w)
	}
	return k, w, q
}

func TestAScannedPageJoinsTheChosenPaperAndCanBeRemoved(t *testing.T) {
	drafts := &fakeDrafts{}
	sub := &recordingSubmitter{give: Receipt{Code: "X-1", DueDate: "01/12/2026"}}
	k, w, _ := toPapers(t, Options{Submitter: sub, Drafts: drafts, Scanner: true})
	if !shows(w, "Ảnh Giấy chứng sinh") || !shows(w, "Chưa có tệp.") {
		t.Fatalf("the papers step shows %q; want the birth notice with no file yet", shownTexts(w))
	}
	test.Tap(findButton(t, w, "Quét giấy này"))
	waitShows(t, w, "Đặt giấy lên mặt kính máy quét, úp mặt chữ xuống, rồi bấm nút Quét trên máy. Trang quét sẽ hiện ở đây.")

	page := samplePage(t)
	if !k.AddScan("scan_0001.png", "image/png", page) {
		t.Fatal("AddScan on the papers step = false; want the page taken")
	}
	attached := "Đã đính kèm: ảnh, " + formatSize(len(page), kiosk.VI)
	waitShows(t, w, attached)
	if n := countThumbnails(w); n != 1 {
		t.Errorf("%d pictures of the page shown; want 1", n)
	}
	saves := drafts.saved()
	last := saves[len(saves)-1]
	if len(last.Attachments) != 1 || !bytes.Equal(last.Attachments[0].Data, page) || last.Attachments[0].FieldID != "birth_notice_photo" ||
		!slices.Contains([]string{last.Answers["birth_notice_photo"]}, attachmentRef(last.Attachments[0])) {
		t.Fatalf("the draft saved after the scan is %+v; want the page under birth_notice_photo", last)
	}

	test.Tap(findButton(t, w, "Bỏ tệp này"))
	waitShows(t, w, "Chưa có tệp.")
	if got := drafts.saved(); len(got[len(got)-1].Attachments) != 0 || got[len(got)-1].Answers["birth_notice_photo"] != "" {
		t.Errorf("after removing, the draft still has the file: %+v", got[len(got)-1])
	}

	k.AddScan("scan_0002.png", "image/png", page) // no paper chosen: the first without a file
	waitShows(t, w, attached)
	test.Tap(findButton(t, w, "Tiếp tục"))
	waitShows(t, w, attached) // on the check page too
	test.Tap(findButton(t, w, "Gửi hồ sơ"))
	waitShows(t, w, "X-1")
	subs := sub.submissions()
	if len(subs) != 1 || len(subs[0].Attachments) != 1 || !bytes.Equal(subs[0].Attachments[0].Data, page) {
		t.Fatalf("submitted %+v; want the dossier with the scanned page", subs)
	}
	kept := subs[0].Attachments[0].Data
	test.Tap(findButton(t, w, "Về trang chủ"))
	if !bytes.Equal(kept, page) {
		t.Errorf("ending the session wiped the Submitter's copy of the page")
	}
}

func TestAScanIsRefusedOutsideThePapersStep(t *testing.T) {
	k, w := newHomeKiosk(t, Options{Submitter: &recordingSubmitter{}, Scanner: true})
	if k.AddScan("scan_0001.png", "image/png", samplePage(t)) {
		t.Errorf("AddScan on the home screen = true; want the page refused, as no citizen asked for it")
	}
	if shows(w, "Đã đính kèm") {
		t.Errorf("home shows an attachment")
	}
}

func TestAScanProblemIsSaidOnThePapersStep(t *testing.T) {
	k, w, _ := toPapers(t, Options{Submitter: &recordingSubmitter{}, Scanner: true})
	k.ScanProblem("scan.txt", ScanNotDocument)
	waitShows(t, w, "Tệp vừa quét không phải ảnh (JPEG, PNG) hay PDF. Hãy đặt máy quét lưu ảnh hoặc PDF, hoặc hỏi cán bộ.")
}

func TestWithoutAScannerThePapersStepOffersNoScan(t *testing.T) {
	_, w, _ := toPapers(t, Options{Submitter: &recordingSubmitter{}})
	if shows(w, "Quét giấy này") {
		t.Errorf("a kiosk without a scanner offers to scan")
	}
}

func TestThumbnailIsSmallAndRefusesABomb(t *testing.T) {
	if img := thumbnail("image/png", samplePage(t)); img == nil || max(img.Bounds().Dx(), img.Bounds().Dy()) != thumbSize {
		t.Errorf("thumbnail of an A4 page = %v; want its longest side %d px", img, thumbSize)
	}
	// A PNG header claiming 60 000 × 60 000 pixels, and nothing behind it.
	var bomb bytes.Buffer
	bomb.Write([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\xea\x60\x00\x00\xea\x60\x08\x00\x00\x00\x00"))
	if img := thumbnail("image/png", bomb.Bytes()); img != nil {
		t.Errorf("thumbnail of a 3.6-gigapixel claim = %v; want none", img.Bounds())
	}
	if img := thumbnail("application/pdf", []byte("%PDF-1.7")); img != nil {
		t.Errorf("thumbnail of a PDF = %v; want none (the screen shows a document sign)", img.Bounds())
	}
}

func countThumbnails(w fyne.Window) int {
	n := 0
	eachShown(w, func(o fyne.CanvasObject) {
		if img, ok := o.(*canvas.Image); ok && img.Image != nil {
			if b := img.Image.Bounds(); max(b.Dx(), b.Dy()) == thumbSize {
				n++
			}
		}
	})
	return n
}
