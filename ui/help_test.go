package ui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// fakeHelpDesk queues help requests as the team's queue would, and lets
// the test take them.
type fakeHelpDesk struct {
	mu        sync.Mutex
	calls     []string // "screen step" of each request
	withdrawn []string // the tickets the kiosk withdrew
	ahead     int      // requests already waiting before this kiosk's
	taken     bool
	broken    bool
}

func (d *fakeHelpDesk) Call(_ context.Context, screen, step string) (HelpTicket, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.broken {
		return HelpTicket{}, errors.New("network down")
	}
	d.calls = append(d.calls, screen+" "+step)
	return HelpTicket{ID: "help_1", State: HelpOpen, Position: d.ahead + 1}, nil
}

func (d *fakeHelpDesk) Ticket(_ context.Context, id string) (HelpTicket, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.taken {
		return HelpTicket{ID: id, State: HelpTaken}, nil
	}
	return HelpTicket{ID: id, State: HelpOpen, Position: d.ahead + 1}, nil
}

func (d *fakeHelpDesk) Withdraw(_ context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.withdrawn = append(d.withdrawn, id)
	return nil
}

func (d *fakeHelpDesk) withdrawals() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.withdrawn...)
}

func (d *fakeHelpDesk) requests() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.calls...)
}

func (d *fakeHelpDesk) take() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.taken = true
}

func TestHelpButtonCallsTheTeamWithTheScreenAndStepOnly(t *testing.T) {
	desk := &fakeHelpDesk{ahead: 1}
	k, w := newHomeKiosk(t, Options{HelpDesk: desk, Submitter: &recordingSubmitter{}})
	q := make(uiQueue, 8)
	k.post = q.post
	k.helpEvery = 0
	toFirstQuestion(t, w)

	test.Tap(findButton(t, w, "Gọi hỗ trợ"))
	q.runUntil(t, "the queue position", func() bool { return shows(w, "Đã gọi hỗ trợ · thứ 2") })
	if !overlayShows(w, "Bạn là người thứ 2 đang chờ") {
		t.Errorf("the help popup shows %q; want the place in the queue", overlayTexts(w))
	}
	if got := desk.requests(); len(got) != 1 || got[0] != "form q:child_name" {
		t.Errorf("help requests %q; want one naming the form and its question, nothing of the citizen", got)
	}

	// A second tap shows the call again; it does not queue the citizen twice.
	tapOverlayButton(t, w, "Đóng")
	test.Tap(findButton(t, w, "Đã gọi hỗ trợ · thứ 2"))
	if got := desk.requests(); len(got) != 1 {
		t.Errorf("after a second tap: %d requests; want still 1", len(got))
	}
	desk.take()
	q.runUntil(t, "the request taken", func() bool { return shows(w, "Hỗ trợ đang đến") })
	if !overlayShows(w, "Người hỗ trợ đang đến bên bạn.") {
		t.Errorf("after the team took it the popup shows %q", overlayTexts(w))
	}

	// Going home ends the call: the request leaves the team's queue, and
	// the next citizen starts with the plain button.
	tapOverlayButton(t, w, "Đóng")
	k.goHome()
	if got := desk.withdrawals(); len(got) != 1 || got[0] != "help_1" {
		t.Errorf("after the session ended the kiosk withdrew %q; want its one request", got)
	}
	if !shows(w, "Gọi hỗ trợ") || shows(w, "Hỗ trợ đang đến") {
		t.Errorf("after going home the header shows %q; want the plain help button", shownTexts(w))
	}
}

func TestHelpThatCannotBeSentSaysWhatToDoInstead(t *testing.T) {
	desk := &fakeHelpDesk{broken: true}
	k, w := newHomeKiosk(t, Options{HelpDesk: desk})
	q := make(uiQueue, 8)
	k.post = q.post
	test.Tap(findButton(t, w, "Gọi hỗ trợ"))
	q.runUntil(t, "the failure", func() bool { return overlayShows(w, "Chưa gọi được qua mạng") })
	if !overlayShows(w, "giơ tay") {
		t.Errorf("the popup shows %q; want the citizen told to raise their hand", overlayTexts(w))
	}
}

func TestNoHelpButtonWithoutAHelpDesk(t *testing.T) {
	_, w := newHomeKiosk(t, Options{})
	if shows(w, "Gọi hỗ trợ") {
		t.Errorf("a kiosk without a help desk shows a help button")
	}
}

// toFirstQuestion opens the khai sinh, consents and chooses to type: the
// wizard's first question.
func toFirstQuestion(t *testing.T, w fyne.Window) {
	t.Helper()
	tapCardNamed(t, w, "Nộp hồ sơ")
	test.Tap(cardOf(t, w, "dang-ky-khai-sinh"))
	test.Tap(findButton(t, w, "Bắt đầu làm hồ sơ"))
	test.Tap(findButton(t, w, "Tôi đồng ý"))
	test.Tap(findButton(t, w, "Không có thẻ — tự nhập thông tin"))
}

func overlayShows(w fyne.Window, text string) bool {
	for _, s := range overlayTexts(w) {
		if strings.Contains(s, text) {
			return true
		}
	}
	return false
}
