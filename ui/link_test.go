package ui

import (
	"context"
	"errors"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
)

// fakeLinker opens numbered sessions and answers each Wait with the next
// state pushed to it.
type fakeLinker struct {
	mu     sync.Mutex
	opened []string // purposes, in order
	closed []string // session ids
	states chan LinkState
	files  map[string][]byte
	handed []handed              // what Handoff was given
	claims map[string]DraftState // what Claim gives back, by token
}

type handed struct {
	linkID string
	draft  DraftState
}

func newFakeLinker() *fakeLinker {
	return &fakeLinker{states: make(chan LinkState, 8), files: map[string][]byte{}, claims: map[string]DraftState{}}
}

func (f *fakeLinker) Open(_ context.Context, purpose, _ string) (LinkSession, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opened = append(f.opened, purpose)
	id := fmt.Sprintf("ls_%d", len(f.opened))
	return LinkSession{ID: id, URL: "http://127.0.0.1:8080/l/token-" + id, ConfirmCode: "482913", ExpiresAt: time.Now().Add(2 * time.Minute)}, nil
}

func (f *fakeLinker) Wait(ctx context.Context, _ string, _ int) (LinkState, error) {
	select {
	case st := <-f.states:
		return st, nil
	case <-ctx.Done():
		return LinkState{}, ctx.Err()
	}
}

func (f *fakeLinker) Close(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = append(f.closed, id)
	return nil
}

func (f *fakeLinker) Fetch(_ context.Context, id string) ([]byte, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.files[id], "image/png", nil
}

func (f *fakeLinker) Handoff(_ context.Context, linkID string, d DraftState) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.handed = append(f.handed, handed{linkID, d})
	return nil
}

func (f *fakeLinker) Claim(_ context.Context, token string) (DraftState, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.claims[token]
	if !ok {
		return DraftState{}, errors.New("404 not found")
	}
	delete(f.claims, token)
	return d, nil
}

func (f *fakeLinker) handedOver() []handed {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.handed)
}

func (f *fakeLinker) closedIDs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.closed)
}

// uiQueue stands for the UI goroutine: what the kiosk posts from its
// loops waits here until the test runs it, on the test's goroutine.
type uiQueue chan func()

func (q uiQueue) post(f func()) { q <- f }

// runUntil runs posted functions until ok holds, for at most 5 s.
func (q uiQueue) runUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for !ok() {
		select {
		case f := <-q:
			f()
		case <-deadline:
			t.Fatalf("waited 5 s for %s", what)
		}
	}
}

// toIdentity opens a khai sinh and accepts consent: the identity screen,
// with a phone link served by linker.
func toIdentity(t *testing.T, linker Linker) (*Kiosk, fyne.Window, uiQueue) {
	return toIdentityFiling(t, linker, &recordingSubmitter{})
}

func toIdentityFiling(t *testing.T, linker Linker, sub Submitter) (*Kiosk, fyne.Window, uiQueue) {
	t.Helper()
	k, w := newHomeKiosk(t, Options{Submitter: sub, Linker: linker})
	q := make(uiQueue, 16)
	k.post = q.post
	tapCardNamed(t, w, "Nộp hồ sơ")
	test.Tap(cardOf(t, w, "dang-ky-khai-sinh"))
	test.Tap(findButton(t, w, "Bắt đầu làm hồ sơ"))
	test.Tap(findButton(t, w, "Tôi đồng ý"))
	return k, w, q
}

func TestSigningInOnThePhonePrefillsTheApplicant(t *testing.T) {
	linker := newFakeLinker()
	sub := &recordingSubmitter{give: Receipt{Code: "X-1", DueDate: "30/11/2026"}}
	k, w, q := toIdentityFiling(t, linker, sub)
	q.runUntil(t, "the QR and its code", func() bool { return shows(w, "482 913") })
	if !slices.ContainsFunc(shownTexts(w), func(s string) bool { return strings.Contains(s, `ghi đúng "UBND xã Tân Phú"`) }) {
		t.Errorf("the link does not name the counter: %q", shownTexts(w))
	}
	if qr := linkQR(w); qr == nil || qr.Image == nil || qr.ScaleMode != canvas.ImageScalePixels {
		t.Fatalf("the link's QR is %+v; want a sharp image", qr)
	}

	linker.states <- LinkState{State: LinkLinked, Version: 1, Identity: &LinkedIdentity{
		FullName: "Nguyễn Thị Mai", PersonalID: "001190012345", BirthDate: "05/09/1990", Sex: kiosk.SexFemale, Address: "12 Lý Thường Kiệt, Hà Nội"}}
	q.runUntil(t, "the form", func() bool { return k.screen == screenWizard })
	if got := k.journey.Answer("applicant_name"); got != "Nguyễn Thị Mai" || k.journey.Source("applicant_name") != "vneid" {
		t.Errorf("applicant_name = %q from %q; want the identity's name, locked as from VNeID", got, k.journey.Source("applicant_name"))
	}
	if got := k.journey.Answer("applicant_id"); got != "001190012345" {
		t.Errorf("applicant_id = %q; want the identity's ID number", got)
	}
	for k.journey.Current().Kind != kiosk.StepReview {
		answerPage(t, k, w)
	}
	test.Tap(findButton(t, w, "Gửi hồ sơ"))
	waitShows(t, w, "Về trang chủ")
	if subs := sub.submissions(); len(subs) != 1 || !subs[0].Verified || subs[0].Applicant.PersonalID != "001190012345" {
		t.Fatalf("submitted %+v; want one dossier whose applicant is verified by VNeID", subs)
	}

	deadline := time.Now().Add(5 * time.Second)
	for !slices.Contains(linker.closedIDs(), "ls_1") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !slices.Contains(linker.closedIDs(), "ls_1") {
		t.Errorf("after the dossier was filed, closed %v; want ls_1 closed on the central system", linker.closedIDs())
	}
}

func TestAnUnusedQRIsReplacedAndCountsDown(t *testing.T) {
	now := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	linker := newFakeLinker()
	k, w := newHomeKiosk(t, Options{Submitter: &recordingSubmitter{}, Linker: linker, Now: func() time.Time { return now }})
	q := make(uiQueue, 16)
	k.post = q.post
	k.linkEvery = 200 * time.Millisecond
	tapCardNamed(t, w, "Nộp hồ sơ")
	test.Tap(cardOf(t, w, "dang-ky-khai-sinh"))
	test.Tap(findButton(t, w, "Bắt đầu làm hồ sơ"))
	test.Tap(findButton(t, w, "Tôi đồng ý"))
	q.runUntil(t, "the first QR", func() bool { return k.links[LinkLogin] != nil && k.links[LinkLogin].session.ID == "ls_1" })
	first := linkQR(w).Image

	now = now.Add(150 * time.Millisecond)
	k.tickLinks()
	if !shows(w, "Mã QR sẽ đổi sau khoảng 10 giây") { // 50 ms left: the countdown moves in tens
		t.Errorf("countdown shows %q", shownTexts(w))
	}
	q.runUntil(t, "a new QR", func() bool { return k.links[LinkLogin].session.ID == "ls_2" })
	if linkQR(w).Image == first {
		t.Errorf("the QR image did not change with the session")
	}
	if !slices.Contains(linker.closedIDs(), "ls_1") {
		t.Errorf("the replaced session was not closed: closed %v", linker.closedIDs())
	}

	test.Tap(findButton(t, w, "Không có thẻ — tự nhập thông tin"))
	if k.links[LinkLogin] != nil {
		t.Errorf("typing the details by hand left the phone link open")
	}
}

// linkQR is the QR code of the link shown.
func linkQR(w fyne.Window) *canvas.Image {
	var qr *canvas.Image
	eachShown(w, func(o fyne.CanvasObject) {
		if img, ok := o.(*canvas.Image); ok && (img.MinSize().Width == linkQRSize || img.MinSize().Width == linkColumnQRSize) {
			qr = img
		}
	})
	return qr
}

func TestPhotosFromThePhoneJoinTheirQuestion(t *testing.T) {
	linker := newFakeLinker()
	page := samplePage(t)
	linker.files["att_1"], linker.files["att_2"] = page, page
	drafts := &fakeDrafts{}
	k, w, q := toPapers(t, Options{Submitter: &recordingSubmitter{}, Drafts: drafts, Linker: linker})
	q.runUntil(t, "the upload QR", func() bool { return k.links[LinkUpload] != nil && k.links[LinkUpload].session.ID != "" })
	if !shows(w, "Gửi ảnh giấy tờ từ điện thoại của bạn") {
		t.Fatalf("the papers step shows %q; want the phone's QR", shownTexts(w))
	}

	linker.states <- LinkState{State: LinkLinked, Version: 2, Files: []LinkedFile{{ID: "att_1", FieldID: "birth_notice_photo", MIME: "image/png", Size: int64(len(page))}}}
	attached := "Đã đính kèm: ảnh, " + formatSize(len(page), kiosk.VI)
	q.runUntil(t, "the phone's photo on the kiosk", func() bool { return shows(w, attached) })
	saves := drafts.saved()
	if last := saves[len(saves)-1]; len(last.Attachments) != 1 || last.Attachments[0].ServerID != "att_1" || last.Answers["birth_notice_photo"] != "att_1" {
		t.Fatalf("the draft after the phone's photo is %+v; want att_1 answering birth_notice_photo", last)
	}

	test.Tap(findButton(t, w, "Bỏ tệp này"))
	linker.states <- LinkState{State: LinkLinked, Version: 3, Files: []LinkedFile{
		{ID: "att_1", FieldID: "birth_notice_photo", MIME: "image/png"}, {ID: "att_2", FieldID: "birth_notice_photo", MIME: "image/png"}}}
	q.runUntil(t, "the second photo", func() bool { return k.journey.Answer("birth_notice_photo") == "att_2" })

	test.Tap(findButton(t, w, "Tiếp tục"))
	if k.links[LinkUpload] == nil {
		t.Errorf("leaving the papers step closed a link the phone is using; it lasts for the visit")
	}
	upload := k.links[LinkUpload].session.ID
	test.Tap(findButton(t, w, "Gửi hồ sơ"))
	waitShows(t, w, "Về trang chủ")
	deadline := time.Now().Add(5 * time.Second)
	for !slices.Contains(linker.closedIDs(), upload) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if len(k.links) != 0 || !slices.Contains(linker.closedIDs(), upload) {
		t.Errorf("after filing, links %v are open and %v closed; want the upload link %s closed", k.links, linker.closedIDs(), upload)
	}
}

func TestHandingTheFormToThePhone(t *testing.T) {
	linker := newFakeLinker()
	k, w, q := toIdentity(t, linker)
	test.Tap(findButton(t, w, "Không có thẻ — tự nhập thông tin"))
	test.Type(findShown(t, w, "the answer box", func(*widget.Entry) bool { return true }), "Trần Minh An")
	test.Tap(findButton(t, w, "Tiếp tục"))
	test.Tap(findButton(t, w, "Làm tiếp trên điện thoại"))
	q.runUntil(t, "the form given to the handoff session", func() bool { return len(linker.handedOver()) > 0 })
	got := linker.handedOver()[0]
	if got.draft.ProcedureID != "dang-ky-khai-sinh" || got.draft.Answers["child_name"] != "Trần Minh An" || got.draft.ConsentAt.IsZero() || got.linkID == "" {
		t.Fatalf("handed over %+v; want the khai sinh with its answer and consent", got)
	}

	linker.states <- LinkState{State: LinkLinked, Version: 1}
	q.runUntil(t, "the handed-over screen", func() bool { return showsPrefix(w, "Hồ sơ đã ở trên điện thoại của bạn.") })
	test.Tap(findButton(t, w, "Về trang chủ"))
	if k.journey != nil || k.screen != screenHome {
		t.Errorf("after handing over and going home the session is still there")
	}
}

func TestAPhoneHandsTheFormBackByQR(t *testing.T) {
	linker := newFakeLinker()
	linker.claims["q3Jd8_Zx-0aLk2mNpQrStU"] = DraftState{ProcedureID: "dang-ky-khai-sinh", Answers: map[string]string{"child_name": "Trần Minh An"}, ConsentAt: time.Now()}
	k, w := newHomeKiosk(t, Options{Submitter: &recordingSubmitter{}, Drafts: &fakeDrafts{}, Linker: linker})
	tapCardNamed(t, w, "Tiếp tục hồ sơ")
	code := w.Canvas().Focused().(*widget.Entry)
	code.SetText("MCK1:HANDOFF:q3Jd8_Zx-0aLk2mNpQrStU") // the scanner types it, then Enter
	code.OnSubmitted(code.Text)
	if k.journey == nil || k.journey.Answer("child_name") != "Trần Minh An" || k.screen != screenWizard {
		t.Fatalf("after scanning the phone's QR: screen %v, journey %v; want the khai sinh on its first question left", k.screen, k.journey)
	}
	if code.Text != "" {
		t.Errorf("the token stays in the code box")
	}

	k.goHome()
	tapCardNamed(t, w, "Tiếp tục hồ sơ")
	code = w.Canvas().Focused().(*widget.Entry)
	code.SetText("MCK1:HANDOFF:q3Jd8_Zx-0aLk2mNpQrStU") // a token is good once
	code.OnSubmitted(code.Text)
	if k.journey != nil || !shows(w, "Không có hồ sơ nào với mã này, hoặc hồ sơ đã quá 72 giờ và đã được xóa.") {
		t.Errorf("a spent token: shown %q; want it refused", shownTexts(w))
	}
}

// showsPrefix reports whether a shown text starts with prefix.
func showsPrefix(w fyne.Window, prefix string) bool {
	return slices.ContainsFunc(shownTexts(w), func(s string) bool { return strings.HasPrefix(s, prefix) })
}

// TestTheLinkQRReadsBackAsItsURL renders the screen with the real
// software painter and reads the QR back with zbarimg (Debian's
// zbar-tools, installed by make deps): a phone's camera must get the
// session's exact URL.
func TestTheLinkQRReadsBackAsItsURL(t *testing.T) {
	zbarimg, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("SKIPPED: zbarimg is not installed (apt-get install zbar-tools, or make deps): the QR is not read back")
	}
	linker := newFakeLinker()
	_, w, q := toIdentity(t, linker)
	q.runUntil(t, "the QR", func() bool { return shows(w, "482 913") })
	shot := filepath.Join(t.TempDir(), "screen.png")
	f, err := os.Create(shot)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out, err := exec.Command(zbarimg, "--quiet", "--raw", shot).Output()
	if err != nil {
		t.Fatalf("zbarimg found no code on the screen: %v", err)
	}
	if got, want := strings.TrimSpace(string(out)), "http://127.0.0.1:8080/l/token-ls_1"; got != want {
		t.Errorf("the QR reads %q; want the session's URL %q", got, want)
	}
}

func TestRoundUp(t *testing.T) {
	for _, tt := range []struct {
		d, step time.Duration
		want    int
	}{
		{60 * time.Second, 10 * time.Second, 6},
		{59 * time.Second, 10 * time.Second, 6},
		{51 * time.Second, 10 * time.Second, 6},
		{50 * time.Second, 10 * time.Second, 5},
		{time.Millisecond, 10 * time.Second, 1},
		{0, 10 * time.Second, 0},
		{-time.Second, time.Minute, 0},
		{15 * time.Minute, time.Minute, 15},
	} {
		if got := roundUp(tt.d, tt.step); got != tt.want {
			t.Errorf("roundUp(%v, %v) = %d; want %d", tt.d, tt.step, got, tt.want)
		}
	}
}
