package centralsim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/kiosk/kiosk/central"
)

// linkTestServer starts a server on a hand-moved clock with one enrolled
// kiosk and returns that kiosk's token.
func linkTestServer(t *testing.T) (*Server, *httptest.Server, *stepClock, string) {
	t.Helper()
	clock := &stepClock{now: dossierTestNow}
	s, hs := testServer(t, func(o *Options) { o.Now = clock.Now })
	return s, hs, clock, enrolDevice(t, hs)
}

// enrolSecondKiosk enrols another kiosk with a code of its own.
func enrolSecondKiosk(t *testing.T, s *Server, hs *httptest.Server) string {
	t.Helper()
	if _, err := s.ensureEnrollCode("8765-4321"); err != nil {
		t.Fatal(err)
	}
	status, _, body := call(t, "POST", hs.URL+"/v1/devices/enroll", "", "enrol-second", central.EnrollRequest{Code: "8765-4321", Hostname: "kiosk-02"})
	var e central.Enrollment
	if status != http.StatusCreated || json.Unmarshal(body, &e) != nil {
		t.Fatalf("enrol a second kiosk = %d %s; want 201", status, body)
	}
	return e.DeviceToken
}

func createLink(t *testing.T, hs *httptest.Server, token, key string, req central.LinkSessionRequest) central.LinkSession {
	t.Helper()
	status, _, body := call(t, "POST", hs.URL+"/v1/link-sessions", token, key, req)
	var l central.LinkSession
	if status != http.StatusCreated || json.Unmarshal(body, &l) != nil {
		t.Fatalf("POST /v1/link-sessions %+v = %d %s; want 201", req, status, body)
	}
	return l
}

func pollLink(t *testing.T, hs *httptest.Server, token, id, query string) central.LinkState {
	t.Helper()
	status, _, body := call(t, "GET", hs.URL+"/v1/link-sessions/"+id+query, token, "", nil)
	var st central.LinkState
	if status != http.StatusOK || json.Unmarshal(body, &st) != nil {
		t.Fatalf("GET /v1/link-sessions/{id}%s = %d %s; want 200", query, status, body)
	}
	return st
}

// phone is a citizen's phone browser: it keeps its own cookies and shows
// redirects instead of following them.
type phone struct{ client *http.Client }

func newPhone(t *testing.T) *phone {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &phone{client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (p *phone) do(t *testing.T, req *http.Request) (int, http.Header, string) {
	t.Helper()
	resp, err := p.client.Do(req)
	if err != nil { // Errorf, not Fatalf: phones run in goroutines too
		t.Errorf("%s %s: %v", req.Method, req.URL.Path, err)
		return 0, nil, ""
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(body)
}

func (p *phone) get(t *testing.T, u string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	return p.do(t, req)
}

func (p *phone) post(t *testing.T, u string, form url.Values) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return p.do(t, req)
}

// signIn signs in on the phone page as the first sample identity.
func (p *phone) signIn(t *testing.T, u string) (int, string) {
	t.Helper()
	status, _, body := p.post(t, u, url.Values{"action": {"login"}, "identity": {"0"}})
	return status, body
}

// match taps a code on the phone page.
func (p *phone) match(t *testing.T, u, code string) (int, http.Header, string) {
	t.Helper()
	return p.post(t, u, url.Values{"action": {"match"}, "code": {code}})
}

// connect taps the right code and expects the link to be this phone's.
func (p *phone) connect(t *testing.T, l central.LinkSession) {
	t.Helper()
	if status, _, page := p.match(t, l.URL, l.ConfirmCode); status != http.StatusSeeOther {
		t.Fatalf("tap the right code = %d; want 303\n%s", status, page)
	}
}

var linkURLRE = regexp.MustCompile(`^http://127\.0\.0\.1:\d+/l/[0-9a-f]{32}$`)

func TestCreateLinkSession(t *testing.T) {
	_, hs, _, token := linkTestServer(t)
	for _, req := range []central.LinkSessionRequest{
		{Purpose: central.PurposeLogin},
		{Purpose: central.PurposeUpload, ProcedureID: "dang-ky-khai-sinh"},
		{Purpose: central.PurposeHandoff},
	} {
		l := createLink(t, hs, token, "link-"+req.Purpose, req)
		if !linkURLRE.MatchString(l.URL) || !regexp.MustCompile(`^\d{6}$`).MatchString(l.ConfirmCode) ||
			!strings.HasPrefix(l.ID, "lnk_") || !l.ExpiresAt.Equal(dossierTestNow.Add(2*time.Minute)) {
			t.Errorf("link session %+v = %+v; want a /l/ URL with 32 hex digits, 6 digits, expiry in 2 minutes", req, l)
		}
		if st := pollLink(t, hs, token, l.ID, ""); st.State != central.LinkPending || st.Attachments == nil || st.Version != 1 {
			t.Errorf("a new %s session reads %+v; want pending, version 1, no attachments", req.Purpose, st)
		}
	}

	refusals := []struct {
		req   central.LinkSessionRequest
		field string
	}{
		{central.LinkSessionRequest{Purpose: "steal"}, "purpose"},
		{central.LinkSessionRequest{}, "purpose"},
		{central.LinkSessionRequest{Purpose: central.PurposeUpload, ProcedureID: "no-such-thing"}, "procedure_id"},
	}
	for i, tt := range refusals {
		status, _, body := call(t, "POST", hs.URL+"/v1/link-sessions", token, fmt.Sprint("bad-", i), tt.req)
		if status != http.StatusUnprocessableEntity || fieldMessage(t, body, tt.field) == "" {
			t.Errorf("POST /v1/link-sessions %+v = %d %s; want 422 on %s", tt.req, status, body, tt.field)
		}
	}
	if status, _, _ := call(t, "POST", hs.URL+"/v1/link-sessions", "", "k", central.LinkSessionRequest{Purpose: "login"}); status != http.StatusUnauthorized {
		t.Errorf("POST /v1/link-sessions without a device token = %d; want 401", status)
	}
}

func fieldMessage(t *testing.T, body []byte, field string) string {
	t.Helper()
	var e central.ErrorBody
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %s: %v", body, err)
	}
	return e.Error.Fields[field]
}

// longPoll starts a 25 s long poll in the background; its answer comes on
// the channel.
func longPoll(t *testing.T, hs *httptest.Server, token, id string, since int) <-chan central.LinkState {
	t.Helper()
	polled := make(chan central.LinkState, 1)
	go func() {
		var st central.LinkState
		defer func() { polled <- st }()
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/v1/link-sessions/%s?wait=25s&since=%d", hs.URL, id, since), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Errorf("long poll: %v", err)
			return
		}
		defer resp.Body.Close()
		if err := json.NewDecoder(resp.Body).Decode(&st); err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("long poll = %d (%v); want 200 with the state", resp.StatusCode, err)
		}
	}()
	time.Sleep(100 * time.Millisecond) // let the poll start waiting
	return polled
}

// awaitPoll waits for a long poll's answer, at most 2 s after the change
// that should have woken it.
func awaitPoll(t *testing.T, polled <-chan central.LinkState, changed time.Time, what string) central.LinkState {
	t.Helper()
	select {
	case st := <-polled:
		if took := time.Since(changed); took > 2*time.Second {
			t.Errorf("the long poll answered %v after %s; want under 2 s", took, what)
		}
		return st
	case <-time.After(5 * time.Second):
		t.Fatalf("the long poll did not answer within 5 s of %s", what)
		return central.LinkState{}
	}
}

func TestLongPollWakesWhenThePhoneSignsIn(t *testing.T) {
	_, hs, _, token := linkTestServer(t)
	l := createLink(t, hs, token, "k", central.LinkSessionRequest{Purpose: central.PurposeLogin})
	polled := longPoll(t, hs, token, l.ID, 1)
	p := newPhone(t)
	matched := time.Now()
	p.connect(t, l)
	st := awaitPoll(t, polled, matched, "the code match")
	if st.State != central.LinkLinked || st.Identity != nil || st.Version != 2 {
		t.Errorf("long poll after the code match = %+v; want linked at version 2, nobody signed in yet", st)
	}

	polled = longPoll(t, hs, token, l.ID, st.Version)
	signedIn := time.Now()
	if status, body := p.signIn(t, l.URL); status != http.StatusSeeOther {
		t.Fatalf("sign in on the phone page = %d %s; want 303", status, body)
	}
	st = awaitPoll(t, polled, signedIn, "the sign-in")
	if st.State != central.LinkLinked || st.Identity == nil || *st.Identity != sampleIdentities[0] || st.Version != 3 {
		t.Errorf("long poll after sign-in = %+v; want linked with %+v at version 3", st, sampleIdentities[0])
	}
}

func TestLongPollWaitsThenAnswersPending(t *testing.T) {
	_, hs, _, token := linkTestServer(t)
	l := createLink(t, hs, token, "k", central.LinkSessionRequest{Purpose: central.PurposeLogin})
	start := time.Now()
	st := pollLink(t, hs, token, l.ID, "?wait=1s")
	if took := time.Since(start); took < 900*time.Millisecond || took > 2*time.Second {
		t.Errorf("a 1 s long poll with no change took %v; want about 1 s", took)
	}
	if st.State != central.LinkPending {
		t.Errorf("state after an idle long poll = %q; want pending", st.State)
	}
	// Nothing to wait for: a version the client has not seen answers at once.
	start = time.Now()
	pollLink(t, hs, token, l.ID, "?wait=25s&since=0")
	if took := time.Since(start); took > 500*time.Millisecond {
		t.Errorf("a poll with an old version took %v; want an answer at once", took)
	}
}

func TestLongPollRefusesBadParameters(t *testing.T) {
	_, hs, _, token := linkTestServer(t)
	l := createLink(t, hs, token, "k", central.LinkSessionRequest{Purpose: central.PurposeLogin})
	for _, q := range []string{"?wait=soon", "?wait=25", "?since=first"} {
		status, _, body := call(t, "GET", hs.URL+"/v1/link-sessions/"+l.ID+q, token, "", nil)
		if status != http.StatusBadRequest || errorCode(t, body) != "bad_request" {
			t.Errorf("GET /v1/link-sessions/{id}%s = %d %s; want 400", q, status, body)
		}
	}
}

// TestLinkIsRedeemedOnce races 50 phones for one QR code, all tapping the
// right code.
func TestLinkIsRedeemedOnce(t *testing.T) {
	_, hs, _, token := linkTestServer(t)
	l := createLink(t, hs, token, "k", central.LinkSessionRequest{Purpose: central.PurposeLogin})
	var wg sync.WaitGroup
	var mu sync.Mutex
	counts := map[int]int{}
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, _, _ := newPhone(t).match(t, l.URL, l.ConfirmCode)
			mu.Lock()
			counts[status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	// The summary line of make reliability (cmd/reliability): a link
	// redeemed twice is a duplicate, one redeemed by nobody is lost.
	linked := counts[http.StatusSeeOther]
	t.Logf("RELIABILITY area=access case=link-token-single-use tried=50 lost=%d duplicated=%d corrupt=0 crashes=0 pii=0 linked=%d refused=%d",
		max(1-linked, 0), max(linked-1, 0), linked, counts[http.StatusConflict])
	if counts[http.StatusSeeOther] != 1 || counts[http.StatusConflict] != 49 {
		t.Errorf("50 concurrent redemptions answered %v; want one 303 and 49 409", counts)
	}
	if st := pollLink(t, hs, token, l.ID, ""); st.State != central.LinkLinked || st.Version != 2 {
		t.Errorf("after the race the session reads %+v; want linked at version 2 (changed once)", st)
	}
}

func TestLinkExpiresAfterTwoMinutes(t *testing.T) {
	_, hs, clock, token := linkTestServer(t)
	l := createLink(t, hs, token, "k", central.LinkSessionRequest{Purpose: central.PurposeLogin})
	clock.Advance(2*time.Minute + time.Second)
	p := newPhone(t)
	status, h, page := p.get(t, l.URL)
	if status != http.StatusGone || !strings.Contains(page, "Mã QR đã hết hạn, hãy quét mã mới trên máy") || strings.Contains(page, l.ConfirmCode) {
		t.Errorf("GET an expired link page = %d %s; want 410 saying it expired, without the code", status, page)
	}
	checkLinkPageHeaders(t, "expired page", h)
	tried, refused := 1, 0 // the summary line's counts: attempts on the expired link, and refusals
	if status == http.StatusGone {
		refused++
	}
	for name, form := range map[string]url.Values{
		"the right code": {"action": {"match"}, "code": {l.ConfirmCode}},
		"a sign-in":      {"action": {"login"}, "identity": {"0"}},
	} {
		status, _, body := p.post(t, l.URL, form)
		tried++
		if status == http.StatusGone {
			refused++
		}
		if status != http.StatusGone || !strings.Contains(body, "Mã QR đã hết hạn") {
			t.Errorf("%s on an expired link = %d %s; want 410 saying it expired", name, status, body)
		}
	}
	start := time.Now()
	st := pollLink(t, hs, token, l.ID, "?wait=25s&since=1")
	tried++
	if st.State == central.LinkExpired {
		refused++
	}
	t.Logf("RELIABILITY area=access case=link-token-expiry tried=%d lost=0 duplicated=0 corrupt=0 crashes=0 pii=0 refused=%d",
		tried, refused)
	if st.State != central.LinkExpired || time.Since(start) > time.Second {
		t.Errorf("long poll of an expired link = %+v after %v; want expired at once", st, time.Since(start))
	}
}

func TestDeleteClosesTheLink(t *testing.T) {
	_, hs, _, token := linkTestServer(t)
	l := createLink(t, hs, token, "k", central.LinkSessionRequest{Purpose: central.PurposeLogin})
	p := newPhone(t)
	p.connect(t, l)
	if status, body := p.signIn(t, l.URL); status != http.StatusSeeOther {
		t.Fatalf("sign in = %d %s; want 303", status, body)
	}
	for range 2 { // ending an ended session is no error
		if status, _, body := call(t, "DELETE", hs.URL+"/v1/link-sessions/"+l.ID, token, "", nil); status != http.StatusNoContent {
			t.Errorf("DELETE /v1/link-sessions/{id} = %d %s; want 204", status, body)
		}
	}
	if st := pollLink(t, hs, token, l.ID, "?wait=25s&since=3"); st.State != central.LinkClosed || st.Identity != nil {
		t.Errorf("a closed session reads %+v; want closed, without the identity", st)
	}
	status, _, page := p.get(t, l.URL)
	if status != http.StatusGone || !strings.Contains(page, "Phiên đã kết thúc") {
		t.Errorf("the phone page of a closed session = %d %s; want 410 Phiên đã kết thúc", status, page)
	}
	if status, _ := p.signIn(t, l.URL); status != http.StatusGone {
		t.Errorf("a post to a closed session = %d; want 410", status)
	}
	// A phone that never matched gets the same plain page, before and
	// after tapping the right code.
	other := newPhone(t)
	for _, do := range []func() (int, http.Header, string){
		func() (int, http.Header, string) { return other.get(t, l.URL) },
		func() (int, http.Header, string) { return other.match(t, l.URL, l.ConfirmCode) },
	} {
		if status, _, page := do(); status != http.StatusGone || !strings.Contains(page, "Trang này không nhận thêm gì nữa") {
			t.Errorf("another phone on a closed session = %d; want 410 saying it accepts nothing more\n%s", status, page)
		}
	}
}

func TestLinkSessionsAreTheirKiosksOnly(t *testing.T) {
	s, hs, _, token := linkTestServer(t)
	other := enrolSecondKiosk(t, s, hs)
	l := createLink(t, hs, token, "k", central.LinkSessionRequest{Purpose: central.PurposeLogin})
	h := createLink(t, hs, token, "h", central.LinkSessionRequest{Purpose: central.PurposeHandoff})
	for _, tt := range []struct {
		method, path string
		body         any
	}{
		{"GET", "/v1/link-sessions/" + l.ID, nil},
		{"DELETE", "/v1/link-sessions/" + l.ID, nil},
		{"GET", "/v1/link-sessions/" + h.ID, nil},
		{"PUT", "/v1/link-sessions/" + h.ID + "/draft", birthDraft()},
		{"DELETE", "/v1/link-sessions/" + h.ID, nil},
	} {
		status, _, body := call(t, tt.method, hs.URL+tt.path, other, "", tt.body)
		if status != http.StatusNotFound || errorCode(t, body) != "not_found" {
			t.Errorf("%s another kiosk's %s = %d %s; want 404", tt.method, tt.path, status, body)
		}
	}
	if st := pollLink(t, hs, token, h.ID, ""); st.State != central.LinkPending || st.DraftID != "" {
		t.Errorf("the owner's hand-over after the other kiosk's PUT and DELETE reads %+v; want pending without a draft", st)
	}
	if st := pollLink(t, hs, token, l.ID, ""); st.State != central.LinkPending {
		t.Errorf("the owner's session after the other kiosk's DELETE reads %q; want pending", st.State)
	}
}

func TestCreateLinkReplaysItsKey(t *testing.T) {
	_, hs, _, token := linkTestServer(t)
	req := central.LinkSessionRequest{Purpose: central.PurposeLogin}
	first := createLink(t, hs, token, "same", req)
	again := createLink(t, hs, token, "same", req)
	if first != again {
		t.Errorf("a retry with the same key made %+v; want the first session %+v", again, first)
	}
}

func TestPurgeLinksForgetsEndedSessions(t *testing.T) {
	s, hs, clock, token := linkTestServer(t)
	old := createLink(t, hs, token, "old", central.LinkSessionRequest{Purpose: central.PurposeLogin})
	clock.Advance(15 * time.Minute)
	fresh := createLink(t, hs, token, "fresh", central.LinkSessionRequest{Purpose: central.PurposeLogin})
	if err := s.purgeLinks(clock.Now()); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := call(t, "GET", hs.URL+"/v1/link-sessions/"+old.ID, token, "", nil); status != http.StatusNotFound {
		t.Errorf("a session expired 13 minutes ago after the purge = %d; want 404", status)
	}
	if status, _, _ := newPhone(t).get(t, old.URL); status != http.StatusNotFound {
		t.Errorf("its phone page = %d; want 404", status)
	}
	if st := pollLink(t, hs, token, fresh.ID, ""); st.State != central.LinkPending {
		t.Errorf("a fresh session after the purge reads %q; want pending", st.State)
	}
}
