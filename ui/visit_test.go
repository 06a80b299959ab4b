package ui

import (
	"reflect"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/selfserve"
)

// sessionLog is a Recorder that keeps every session it is given.
type sessionLog struct {
	mu       sync.Mutex
	sessions []selfserve.Session
}

func (l *sessionLog) Record(s selfserve.Session) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sessions = append(l.sessions, s)
}

func (l *sessionLog) all() []selfserve.Session {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]selfserve.Session(nil), l.sessions...)
}

// clock is a test's time: it moves only when told.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// fileKhaiSinh runs a khai sinh from the home screen to the receipt,
// spending consentTime on the consent page.
func fileKhaiSinh(t *testing.T, k *Kiosk, w fyne.Window, c *clock, consentTime time.Duration) {
	t.Helper()
	tapCardNamed(t, w, "Nộp hồ sơ")
	test.Tap(cardOf(t, w, "dang-ky-khai-sinh"))
	test.Tap(findButton(t, w, "Bắt đầu làm hồ sơ"))
	c.advance(consentTime)
	if k.assistant != nil {
		test.Tap(findButton(t, w, "Người dân tự xác nhận"))
	}
	test.Tap(findButton(t, w, "Tôi đồng ý"))
	test.Tap(findButton(t, w, "Không có thẻ — tự nhập thông tin"))
	for i := 0; k.journey.Current().Kind != kiosk.StepReview; i++ {
		if i > 40 {
			t.Fatal("the wizard does not reach the check page")
		}
		c.advance(5 * time.Second)
		answerPage(t, k, w)
	}
	if k.assistant != nil {
		test.Tap(findButton(t, w, "Người dân tự xác nhận"))
	}
	test.Tap(findButton(t, w, "Gửi hồ sơ"))
	waitShows(t, w, "X-1")
}

func TestFiguresOfAScriptedDayAreWhatTheScriptImplies(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 27, 8, 0, 0, 0, time.Local)}
	log := &sessionLog{}
	sub := &recordingSubmitter{give: Receipt{Code: "X-1", DueDate: "30/11/2026"}}
	k, w := newHomeKiosk(t, Options{Submitter: sub, Recorder: log, Now: c.now, Feedback: &fakeFeedback{},
		HelpDesk: &fakeHelpDesk{}, Assistants: &fakeAssistants{}})
	q := make(uiQueue, 8)
	k.post = q.post

	// 1. Filed alone, rated 5 stars.
	fileKhaiSinh(t, k, w, c, 20*time.Second)
	test.Tap(findButton(t, w, "Rất dễ"))
	test.Tap(findButton(t, w, "Về trang chủ"))

	// 2. Left at the form's third question (the idle reset ends it).
	tapCardNamed(t, w, "Nộp hồ sơ")
	test.Tap(cardOf(t, w, "dang-ky-khai-sinh"))
	test.Tap(findButton(t, w, "Bắt đầu làm hồ sơ"))
	c.advance(10 * time.Second)
	test.Tap(findButton(t, w, "Tôi đồng ý"))
	test.Tap(findButton(t, w, "Không có thẻ — tự nhập thông tin"))
	answerPage(t, k, w)
	answerPage(t, k, w)
	third := selfserve.QuestionStep(k.journey.Current().Field.ID)
	k.idleReset()

	// 3. Filed with a team member signed in.
	signInAssistant(t, w, teamPIN)
	fileKhaiSinh(t, k, w, c, 30*time.Second)
	test.Tap(findButton(t, w, "Về trang chủ"))

	// 4. Asked for help on the catalog, then walked away.
	tapCardNamed(t, w, "Nộp hồ sơ")
	test.Tap(findButton(t, w, "Gọi hỗ trợ"))
	q.runUntil(t, "the help call", func() bool { return overlayShows(w, "đang chờ") })
	tapOverlayButton(t, w, "Đóng")
	k.goHome()

	sessions := log.all()
	if len(sessions) != 4 {
		t.Fatalf("%d sessions recorded; want 4: %+v", len(sessions), sessions)
	}
	tallies := map[string]*selfserve.Tally{}
	for _, s := range sessions {
		if tallies[s.Procedure] == nil {
			tallies[s.Procedure] = &selfserve.Tally{Date: selfserve.DayOf(s.Started), Procedure: s.Procedure}
		}
		tallies[s.Procedure].Add(s)
	}
	got := tallies["dang-ky-khai-sinh"].Figures()
	if got.Date != "2026-11-27" || got.Started != 3 || got.Finished != 2 || got.Abandoned != 1 ||
		got.SelfServed != 1 || got.Assisted != 1 || got.HelpRequests != 1 {
		t.Errorf("khai sinh figures %+v; want 3 started, 2 finished (1 alone, 1 assisted after calling help), 1 abandoned", got)
	}
	if want := map[string]int{third: 1}; !reflect.DeepEqual(got.AbandonedAt, want) {
		t.Errorf("abandoned at %v; want %v", got.AbandonedAt, want)
	}
	if want := [5]int{0, 0, 0, 0, 1}; got.Ratings != want {
		t.Errorf("ratings %v; want one 5-star", got.Ratings)
	}
	if m := got.StepMedian[selfserve.StepConsent]; m != 20*time.Second {
		t.Errorf("median time on consent %v; want 20s (of 20, 10 and 30)", m)
	}
	if help := tallies[""].Figures(); help.HelpRequests != 1 || help.Started != 0 {
		t.Errorf("figures without a procedure %+v; want the catalog's help request only", help)
	}
	for _, s := range sessions {
		for _, st := range s.Steps {
			if !selfserve.ValidStep(st.Name) {
				t.Errorf("step name %q is not one the figures accept", st.Name)
			}
		}
	}
}
