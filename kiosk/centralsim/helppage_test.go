package centralsim

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/motcua/kiosk/kiosk/central"
)

var formTokenRE = regexp.MustCompile(`name="form_token" value="([0-9a-f]+)"`)

// signInStaff signs a browser in on page with the staff token.
func signInStaff(t *testing.T, b *http.Client, base, page string) {
	t.Helper()
	status, h, _ := postForm(t, b, base+page, url.Values{"token": {testStaffToken}}, nil)
	if status != http.StatusSeeOther || h.Get("Location") != page {
		t.Fatalf("sign-in on %s = %d to %q; want 303 back to the page", page, status, h.Get("Location"))
	}
}

// helpPageForm is a take or done form as the help page posts it.
func helpPageForm(action, id, token string) url.Values {
	return url.Values{"action": {action}, "id": {id}, "form_token": {token}}
}

func TestHelpPageWorksTheQueue(t *testing.T) {
	clock := &stepClock{now: dossierTestNow}
	s, hs := testServer(t, func(o *Options) { o.StaffToken, o.Now = testStaffToken, clock.Now })
	token := enrolDevice(t, hs)
	first := askHelp(t, hs, token, "h1", central.HelpRequest{Screen: "payment", Step: "pay"})
	clock.Advance(6 * time.Minute)
	second := askHelp(t, hs, token, "h2", central.HelpRequest{Screen: "form", Step: "q:mother_id"})
	clock.Advance(2 * time.Minute)
	b := staffBrowser(t)

	if status, _, page := getWith(t, b, hs.URL+"/help"); status != http.StatusUnauthorized || !strings.Contains(page, `type="password"`) ||
		!strings.Contains(page, "tổ công nghệ số") || strings.Contains(page, "q:mother_id") {
		t.Fatalf("GET /help without signing in = %d; want 401 with the sign-in form and no ticket:\n%s", status, page)
	}
	signInStaff(t, b, hs.URL, "/help")
	status, h, page := getWith(t, b, hs.URL+"/help")
	checkPrivateHeaders(t, "help page", h)
	if status != http.StatusOK || h.Get("Refresh") != "5" {
		t.Fatalf("GET /help signed in = %d, Refresh %q; want 200 reloading every 5 s", status, h.Get("Refresh"))
	}
	for _, want := range []string{"Số 1", "Số 2", s.opts.Location, "payment", "q:mother_id", "8 phút", "2 phút", "Nhận hỗ trợ", "Xong"} {
		if !strings.Contains(page, want) {
			t.Errorf("the help page lacks %q:\n%s", want, page)
		}
	}
	if status, _, _ := getWith(t, b, hs.URL+"/devices"); status != http.StatusOK {
		t.Errorf("GET /devices after signing in on /help = %d; want 200 (one sign-in for both)", status)
	}
	m := formTokenRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the help page has no form token:\n%s", page)
	}
	formToken := m[1]

	checkHelpPageRefusals(t, b, hs.URL, first.ID, formToken)
	if got := listHelp(t, hs, token, "?state=taken"); len(got) != 0 {
		t.Fatalf("after refused posts, taken tickets = %+v; want none", got)
	}

	status, h, _ = postForm(t, b, hs.URL+"/help?lang=en", helpPageForm("take", first.ID, formToken), nil)
	if status != http.StatusSeeOther || h.Get("Location") != "/help?lang=en" {
		t.Errorf("take = %d to %q; want 303 back to the page", status, h.Get("Location"))
	}
	if _, got := getHelp(t, hs, token, first.ID); got.State != central.HelpTaken {
		t.Errorf("after take, the ticket = %+v; want taken", got)
	}
	_, _, page = getWith(t, b, hs.URL+"/help?lang=en")
	for _, want := range []string{"Being helped", "No. 1", "q:mother_id", "Taken under 1 min ago", "Done"} {
		if !strings.Contains(page, want) {
			t.Errorf("the English help page after take lacks %q:\n%s", want, page)
		}
	}
	if status, _, _ := postForm(t, b, hs.URL+"/help", helpPageForm("done", first.ID, formToken), nil); status != http.StatusSeeOther {
		t.Errorf("done = %d; want 303", status)
	}
	if status, _, page := postForm(t, b, hs.URL+"/help", helpPageForm("take", first.ID, formToken), nil); status != http.StatusConflict || !strings.Contains(page, "đã xong") {
		t.Errorf("take of a done ticket = %d; want 409 saying it is done:\n%s", status, page)
	}
	if _, got := getHelp(t, hs, token, second.ID); got.Position != 1 {
		t.Errorf("the second ticket after the first is done = %+v; want first in the queue", got)
	}

	// Signed out, the same form is a sign-in page, and nothing moves.
	postForm(t, b, hs.URL+"/help", url.Values{"action": {"sign_out"}}, nil)
	if status, _, _ := postForm(t, b, hs.URL+"/help", helpPageForm("take", second.ID, formToken), nil); status != http.StatusUnauthorized {
		t.Errorf("take after signing out = %d; want 401", status)
	}
	if status, _, _ := getWith(t, b, hs.URL+"/devices"); status != http.StatusUnauthorized {
		t.Errorf("GET /devices after signing out on /help = %d; want 401", status)
	}
}

// checkHelpPageRefusals posts take forms the help page must refuse.
func checkHelpPageRefusals(t *testing.T, b *http.Client, base, id, formToken string) {
	t.Helper()
	refusals := []struct {
		name   string
		form   url.Values
		header http.Header
		want   int
	}{
		{"no form token", url.Values{"action": {"take"}, "id": {id}}, nil, http.StatusForbidden},
		{"a wrong form token", helpPageForm("take", id, strings.Repeat("0", 64)), nil, http.StatusForbidden},
		{"from another site", helpPageForm("take", id, formToken), http.Header{"Origin": {"https://evil.example"}}, http.StatusForbidden},
		{"from another site, by fetch metadata", helpPageForm("take", id, formToken), http.Header{"Sec-Fetch-Site": {"cross-site"}}, http.StatusForbidden},
		{"an unknown action", helpPageForm("delete", id, formToken), nil, http.StatusBadRequest},
		{"an unknown ticket", helpPageForm("take", "help_99999999", formToken), nil, http.StatusNotFound},
	}
	for _, tt := range refusals {
		if status, _, _ := postForm(t, b, base+"/help", tt.form, tt.header); status != tt.want {
			t.Errorf("POST /help with %s = %d; want %d", tt.name, status, tt.want)
		}
	}
}
