package centralsim

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/motcua/kiosk/kiosk/central"
)

func TestFeedback(t *testing.T) {
	s, hs := testServer(t, nil)
	mine := enrolKiosk(t, s, hs, "1234-5678")
	other := enrolKiosk(t, s, hs, "2222-3333")
	d := fileDossier(t, hs, mine.DeviceToken, "d", birthRequest())
	theirs := fileDossier(t, hs, other.DeviceToken, "d", birthRequest())
	tests := []struct {
		name      string
		req       central.Feedback
		wantField string // "" for 201
	}{
		{"a rating alone", central.Feedback{Rating: 5}, ""},
		{"about a dossier, with a comment", central.Feedback{DossierCode: d.Code, Rating: 4, Comment: "Nhanh, dễ dùng."}, ""},
		{"a comment of 1000 characters", central.Feedback{Rating: 3, Comment: strings.Repeat("ầ", 1000)}, ""},
		{"rating 0", central.Feedback{Rating: 0}, "rating"},
		{"rating 6", central.Feedback{Rating: 6}, "rating"},
		{"a comment of 1001 characters", central.Feedback{Rating: 3, Comment: strings.Repeat("ầ", 1001)}, "comment"},
		{"an unknown dossier", central.Feedback{DossierCode: "000.00.01.H26-261127-9999", Rating: 4}, "dossier_code"},
		{"another kiosk's dossier", central.Feedback{DossierCode: theirs.Code, Rating: 4}, "dossier_code"},
	}
	for _, tt := range tests {
		status, _, body := call(t, "POST", hs.URL+"/v1/feedback", mine.DeviceToken, "fb-"+tt.name, tt.req)
		if tt.wantField == "" {
			var got map[string]string
			if status != http.StatusCreated || json.Unmarshal(body, &got) != nil || !strings.HasPrefix(got["id"], "fb_") {
				t.Errorf("%s: POST /v1/feedback = %d %s; want 201 with an id", tt.name, status, body)
			}
			continue
		}
		if status != http.StatusUnprocessableEntity || fieldErrors(t, body)[tt.wantField] == "" {
			t.Errorf("%s: POST /v1/feedback = %d %s; want 422 with a message for %q", tt.name, status, body, tt.wantField)
		}
	}
}

// askHelp posts a help request and decodes the ticket.
func askHelp(t *testing.T, hs *httptest.Server, token, key string, req central.HelpRequest) central.HelpTicket {
	t.Helper()
	status, _, body := call(t, "POST", hs.URL+"/v1/help-requests", token, key, req)
	var ticket central.HelpTicket
	if status != http.StatusCreated || json.Unmarshal(body, &ticket) != nil {
		t.Fatalf("POST /v1/help-requests = %d %s; want 201", status, body)
	}
	return ticket
}

func listHelp(t *testing.T, hs *httptest.Server, token, query string) []central.HelpTicket {
	t.Helper()
	status, _, body := call(t, "GET", hs.URL+"/v1/help-requests"+query, token, "", nil)
	var list struct{ Tickets []central.HelpTicket }
	if status != http.StatusOK || json.Unmarshal(body, &list) != nil || list.Tickets == nil {
		t.Fatalf("GET /v1/help-requests%s = %d %s; want 200 with a tickets list", query, status, body)
	}
	return list.Tickets
}

// helpQueue sums up tickets as "id@position" for compact comparisons.
func helpQueue(tickets []central.HelpTicket) string {
	var parts []string
	for _, t := range tickets {
		parts = append(parts, t.ID+"@"+string(rune('0'+t.Position)))
	}
	return strings.Join(parts, " ")
}

func TestHelpRequestsQueue(t *testing.T) {
	clock := &stepClock{now: dossierTestNow}
	s, hs := testServer(t, func(o *Options) { o.Now = clock.Now })
	token := enrolDevice(t, hs)
	var ids []string
	for i, screen := range []string{"form", "payment", "upload"} {
		ticket := askHelp(t, hs, token, "help-"+screen, central.HelpRequest{Screen: screen, Step: "3/7"})
		if ticket.Position != i+1 || ticket.State != central.HelpOpen || ticket.Location != s.opts.Location || ticket.DeviceID == "" || ticket.Screen != screen {
			t.Errorf("help request %d = %+v; want open at position %d at %q", i+1, ticket, i+1, s.opts.Location)
		}
		ids = append(ids, ticket.ID)
		clock.Advance(time.Minute)
	}
	if got, want := helpQueue(listHelp(t, hs, token, "")), ids[0]+"@1 "+ids[1]+"@2 "+ids[2]+"@3"; got != want {
		t.Errorf("open queue = %s; want %s", got, want)
	}

	if err := s.TakeHelp(ids[0]); err != nil {
		t.Fatalf("TakeHelp(%s) = %v", ids[0], err)
	}
	if got, want := helpQueue(listHelp(t, hs, token, "?state=open")), ids[1]+"@1 "+ids[2]+"@2"; got != want {
		t.Errorf("open queue after one is taken = %s; want %s", got, want)
	}
	if got, want := helpQueue(listHelp(t, hs, token, "?state=taken")), ids[0]+"@0"; got != want {
		t.Errorf("taken = %s; want %s", got, want)
	}
	if err := s.DoneHelp(ids[0]); err != nil {
		t.Fatalf("DoneHelp(%s) = %v", ids[0], err)
	}
	if got, want := helpQueue(listHelp(t, hs, token, "?state=done")), ids[0]+"@0"; got != want {
		t.Errorf("done = %s; want %s", got, want)
	}
	if got := listHelp(t, hs, token, "?state=taken"); len(got) != 0 {
		t.Errorf("taken after done = %v; want none", got)
	}
	if err := s.TakeHelp(ids[0]); !errors.Is(err, ErrHelpClosed) {
		t.Errorf("TakeHelp of a done request = %v; want ErrHelpClosed", err)
	}
	if err := s.TakeHelp("help_99999999"); !errors.Is(err, ErrNoHelpRequest) {
		t.Errorf("TakeHelp of an unknown request = %v; want ErrNoHelpRequest", err)
	}
	if err := s.DoneHelp(ids[1]); err != nil {
		t.Errorf("DoneHelp of an open request = %v; want nil", err)
	}
}

func TestHelpRequestRefusals(t *testing.T) {
	_, hs := testServer(t, nil)
	token := enrolDevice(t, hs)
	tests := []struct {
		name      string
		req       central.HelpRequest
		wantField string
	}{
		{"no screen", central.HelpRequest{Step: "1/7"}, "screen"},
		{"a long screen name", central.HelpRequest{Screen: strings.Repeat("s", 65)}, "screen"},
		{"a long step name", central.HelpRequest{Screen: "form", Step: strings.Repeat("s", 65)}, "step"},
	}
	for _, tt := range tests {
		status, _, body := call(t, "POST", hs.URL+"/v1/help-requests", token, "help-"+tt.name, tt.req)
		if status != http.StatusUnprocessableEntity || fieldErrors(t, body)[tt.wantField] == "" {
			t.Errorf("%s: POST /v1/help-requests = %d %s; want 422 with a message for %q", tt.name, status, body, tt.wantField)
		}
	}
	if status, _, body := call(t, "GET", hs.URL+"/v1/help-requests?state=lost", token, "", nil); status != http.StatusBadRequest {
		t.Errorf("GET /v1/help-requests?state=lost = %d %s; want 400", status, body)
	}
	if status, _, _ := call(t, "GET", hs.URL+"/v1/help-requests", "", "", nil); status != http.StatusUnauthorized {
		t.Errorf("GET /v1/help-requests without a token = %d; want 401", status)
	}
}

func getHelp(t *testing.T, hs *httptest.Server, token, id string) (int, central.HelpTicket) {
	t.Helper()
	status, _, body := call(t, "GET", hs.URL+"/v1/help-requests/"+id, token, "", nil)
	var ticket central.HelpTicket
	if status == http.StatusOK && json.Unmarshal(body, &ticket) != nil {
		t.Fatalf("GET /v1/help-requests/%s = %s; want a ticket", id, body)
	}
	return status, ticket
}

// TestHelpTicketFollowsTheQueue: a kiosk reads its own ticket as the
// queue moves; another kiosk's is not found.
func TestHelpTicketFollowsTheQueue(t *testing.T) {
	clock := &stepClock{now: dossierTestNow}
	s, hs := testServer(t, func(o *Options) { o.Now = clock.Now })
	mine := enrolKiosk(t, s, hs, "1234-5678")
	other := enrolKiosk(t, s, hs, "2222-3333")
	theirs := askHelp(t, hs, other.DeviceToken, "h1", central.HelpRequest{Screen: "form"})
	clock.Advance(time.Minute)
	first := askHelp(t, hs, mine.DeviceToken, "h2", central.HelpRequest{Screen: "payment"})
	clock.Advance(time.Minute)
	second := askHelp(t, hs, mine.DeviceToken, "h3", central.HelpRequest{Screen: "form", Step: "q:applicant_id"})

	if status, got := getHelp(t, hs, mine.DeviceToken, second.ID); status != http.StatusOK || got.Position != 3 ||
		got.State != central.HelpOpen || got.Step != "q:applicant_id" || got.DeviceID != mine.DeviceID {
		t.Errorf("GET my second ticket = %d %+v; want it open, third in the queue", status, got)
	}
	if err := s.TakeHelp(theirs.ID); err != nil {
		t.Fatal(err)
	}
	if _, got := getHelp(t, hs, mine.DeviceToken, second.ID); got.Position != 2 {
		t.Errorf("after the first in the queue is taken, position = %d; want 2", got.Position)
	}
	if err := s.TakeHelp(second.ID); err != nil {
		t.Fatal(err)
	}
	if _, got := getHelp(t, hs, mine.DeviceToken, second.ID); got.State != central.HelpTaken || got.Position != 0 {
		t.Errorf("my taken ticket = %+v; want taken at position 0", got)
	}
	if _, got := getHelp(t, hs, mine.DeviceToken, first.ID); got.Position != 1 {
		t.Errorf("my first ticket = %+v; want first in the queue now", got)
	}
	for what, id := range map[string]string{"another kiosk's ticket": theirs.ID, "an unknown ticket": "help_99999999"} {
		if status, _, body := call(t, "GET", hs.URL+"/v1/help-requests/"+id, mine.DeviceToken, "", nil); status != http.StatusNotFound || errorCode(t, body) != "not_found" {
			t.Errorf("GET %s = %d %s; want 404 not_found", what, status, body)
		}
	}
	if status, _, _ := call(t, "GET", hs.URL+"/v1/help-requests/"+first.ID, "", "", nil); status != http.StatusUnauthorized {
		t.Errorf("GET a ticket without a token = %d; want 401", status)
	}
}

func TestAKioskWithdrawsItsHelpTicket(t *testing.T) {
	s, hs := testServer(t, nil)
	mine := enrolKiosk(t, s, hs, "1234-5678")
	other := enrolKiosk(t, s, hs, "2222-3333")
	ticket := askHelp(t, hs, mine.DeviceToken, "w1", central.HelpRequest{Screen: "catalog"})
	theirs := askHelp(t, hs, other.DeviceToken, "w2", central.HelpRequest{Screen: "form"})

	if status, _, body := call(t, "DELETE", hs.URL+"/v1/help-requests/"+theirs.ID, mine.DeviceToken, "", nil); status != http.StatusNotFound {
		t.Errorf("withdrawing another kiosk's ticket = %d %s; want 404", status, body)
	}
	for range 2 { // withdrawing twice is not an error
		if status, _, body := call(t, "DELETE", hs.URL+"/v1/help-requests/"+ticket.ID, mine.DeviceToken, "", nil); status != http.StatusNoContent {
			t.Fatalf("withdrawing my ticket = %d %s; want 204", status, body)
		}
	}
	if _, got := getHelp(t, hs, mine.DeviceToken, ticket.ID); got.State != central.HelpDone {
		t.Errorf("my withdrawn ticket = %+v; want done", got)
	}
	if _, got := getHelp(t, hs, other.DeviceToken, theirs.ID); got.State != central.HelpOpen || got.Position != 1 {
		t.Errorf("the other kiosk's ticket = %+v; want still open, first in the queue", got)
	}
}
