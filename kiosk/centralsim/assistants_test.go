package centralsim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
)

// testTeam is two assistants with fresh badges; PINs of 8 digits, so a
// search of the data file for them cannot hit by chance.
func testTeam(t *testing.T) (lan, minh AssistantAccount) {
	t.Helper()
	lan, err := NewAssistant("Nguyễn Thị Lan", "73910482")
	if err != nil {
		t.Fatal(err)
	}
	minh, err = NewAssistant("Trần Văn Minh", "5512")
	if err != nil {
		t.Fatal(err)
	}
	return lan, minh
}

func signIn(t *testing.T, base, token string, req central.AssistantSignIn) (int, http.Header, []byte) {
	t.Helper()
	return call(t, "POST", base+"/v1/assistants/sign-in", token, "", req)
}

func TestNewAssistantMakesABadgeTheKioskReads(t *testing.T) {
	a, err := NewAssistant("  Nguyễn Thị Lan ", "1234")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewAssistant("Nguyễn Thị Lan", "1234")
	if a.Name != "Nguyễn Thị Lan" || !strings.HasPrefix(a.ID, "asst_") || len(a.Badge) < 22 || a.Badge == b.Badge || a.ID == b.ID {
		t.Errorf("NewAssistant() = %+v; want a trimmed name, a fresh asst_ ID and a fresh badge of 22+ characters", a)
	}
	scan, err := kiosk.ClassifyScan(a.BadgeQR() + "\r\n")
	if err != nil || scan.Kind != kiosk.ScanStaff || scan.Code != a.Badge {
		t.Errorf("ClassifyScan(BadgeQR()) = %+v, %v; want ScanStaff with the badge token", scan, err)
	}
	for _, pin := range []string{"123", "123456789", "12a4", "", "１２３４"} {
		if _, err := NewAssistant("Lan", pin); err == nil {
			t.Errorf("NewAssistant(PIN %q) = nil; want an error", pin)
		}
	}
	if _, err := NewAssistant(" ", "1234"); err == nil {
		t.Errorf("NewAssistant(no name) = nil; want an error")
	}
}

func TestOpenRefusesABadTeam(t *testing.T) {
	lan, minh := testTeam(t)
	samePIN := minh
	samePIN.PIN = lan.PIN
	sameBadge := minh
	sameBadge.Badge = lan.Badge
	sameID := minh
	sameID.ID = lan.ID
	shortBadge := lan
	shortBadge.Badge = "abcdefghij0123456789" // 20 characters: under 128 bits
	for name, team := range map[string][]AssistantAccount{
		"two with one PIN": {lan, samePIN}, "two with one badge": {lan, sameBadge},
		"two with one ID": {lan, sameID}, "a short badge": {shortBadge},
	} {
		s, err := Open(Options{DataFile: filepath.Join(t.TempDir(), "c.db"), Assistants: team, Log: zerolog.Nop()})
		if err == nil {
			s.Close()
			t.Errorf("Open with %s = nil; want an error", name)
			continue
		}
		if strings.Contains(err.Error(), lan.PIN) || strings.Contains(err.Error(), lan.Badge) {
			t.Errorf("Open with %s: the error %q quotes a credential", name, err)
		}
	}
}

func TestAssistantSignIn(t *testing.T) {
	lan, minh := testTeam(t)
	var logs bytes.Buffer
	clock := &stepClock{now: dossierTestNow}
	s, hs := testServer(t, func(o *Options) {
		o.Assistants, o.Now, o.Log = []AssistantAccount{lan, minh}, clock.Now, zerolog.New(&logs)
	})
	token := enrolDevice(t, hs)
	ok := []struct {
		name string
		req  central.AssistantSignIn
		want central.Assistant
	}{
		{"Lan's PIN", central.AssistantSignIn{PIN: lan.PIN}, central.Assistant{ID: lan.ID, Name: lan.Name}},
		{"Minh's PIN", central.AssistantSignIn{PIN: minh.PIN}, central.Assistant{ID: minh.ID, Name: minh.Name}},
		{"Lan's badge", central.AssistantSignIn{Badge: lan.Badge}, central.Assistant{ID: lan.ID, Name: lan.Name}},
	}
	for _, tt := range ok {
		status, _, body := signIn(t, hs.URL, token, tt.req)
		var got central.Assistant
		if status != http.StatusOK || json.Unmarshal(body, &got) != nil || got != tt.want {
			t.Errorf("sign-in with %s = %d %s; want 200 %+v", tt.name, status, body, tt.want)
		}
	}
	malformed := []struct {
		name      string
		req       central.AssistantSignIn
		wantField string
	}{
		{"nothing", central.AssistantSignIn{}, "pin"},
		{"both", central.AssistantSignIn{PIN: lan.PIN, Badge: lan.Badge}, "badge"},
		{"a PIN with a letter", central.AssistantSignIn{PIN: "12a4"}, "pin"},
		{"a PIN of 3 digits", central.AssistantSignIn{PIN: "123"}, "pin"},
		{"a badge with a space", central.AssistantSignIn{Badge: "abc def ghi jkl mno pqr stu"}, "badge"},
	}
	for _, tt := range malformed {
		status, _, body := signIn(t, hs.URL, token, tt.req)
		if status != http.StatusUnprocessableEntity || fieldErrors(t, body)[tt.wantField] == "" {
			t.Errorf("sign-in with %s = %d %s; want 422 naming %q", tt.name, status, body, tt.wantField)
		}
	}
	if status, _, _ := signIn(t, hs.URL, "", central.AssistantSignIn{PIN: lan.PIN}); status != http.StatusUnauthorized {
		t.Errorf("sign-in without a device token = %d; want 401", status)
	}
	if s.Assistants()[0].Name == "" || len(s.Assistants()) != 2 {
		t.Errorf("Assistants() = %+v; want the two", s.Assistants())
	}
	for _, secret := range []string{lan.PIN, lan.Badge, minh.Badge} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds a PIN or badge:\n%s", logs.String())
		}
	}
}

// TestAssistantSignInLocks: five wrong tries from one kiosk in 15 minutes
// lock that kiosk's sign-ins, the right PIN included, until they age out.
func TestAssistantSignInLocks(t *testing.T) {
	lan, _ := testTeam(t)
	clock := &stepClock{now: dossierTestNow}
	s, hs := testServer(t, func(o *Options) { o.Assistants, o.Now = []AssistantAccount{lan}, clock.Now })
	mine := enrolKiosk(t, s, hs, "1234-5678").DeviceToken
	other := enrolKiosk(t, s, hs, "2222-3333").DeviceToken

	for i := range assistantMaxFails {
		req := central.AssistantSignIn{PIN: "0000"}
		if i%2 == 1 {
			req = central.AssistantSignIn{Badge: strings.Repeat("x", 22)}
		}
		status, _, body := signIn(t, hs.URL, mine, req)
		if status != http.StatusUnauthorized || errorCode(t, body) != "assistant_unknown" {
			t.Fatalf("wrong try %d = %d %s; want 401 assistant_unknown", i+1, status, body)
		}
		clock.Advance(time.Minute)
	}
	status, h, body := signIn(t, hs.URL, mine, central.AssistantSignIn{PIN: lan.PIN})
	locked := 0
	if status == http.StatusTooManyRequests {
		locked = 1
	}
	t.Logf("RELIABILITY area=access case=assistant-lockout tried=%d lost=0 duplicated=0 corrupt=0 crashes=0 pii=0 locked-after=%d",
		assistantMaxFails+1, locked*assistantMaxFails)
	wait, _ := strconv.Atoi(h.Get(central.HeaderRetryAfter))
	if status != http.StatusTooManyRequests || errorCode(t, body) != "assistant_locked" || wait != 10*60 {
		t.Errorf("the right PIN after 5 wrong ones = %d %s, Retry-After %q; want 429 assistant_locked for 600 s", status, body, h.Get(central.HeaderRetryAfter))
	}
	if status, _, body := signIn(t, hs.URL, other, central.AssistantSignIn{PIN: lan.PIN}); status != http.StatusOK {
		t.Errorf("another kiosk meanwhile = %d %s; want 200", status, body)
	}
	clock.Advance(10 * time.Minute) // the first wrong try is 15 minutes old
	if status, _, body := signIn(t, hs.URL, mine, central.AssistantSignIn{PIN: lan.PIN}); status != http.StatusOK {
		t.Errorf("the right PIN once the first wrong try aged out = %d %s; want 200", status, body)
	}
}

// TestAssistantsAreKeptAsHashes: the data file holds no PIN or badge, the
// team outlives a restart without Options.Assistants, and a new list
// replaces it.
func TestAssistantsAreKeptAsHashes(t *testing.T) {
	lan, minh := testTeam(t)
	path := filepath.Join(t.TempDir(), "c.db")
	open := func(team []AssistantAccount) *Server {
		t.Helper()
		s, err := Open(Options{DataFile: path, EnrollCode: "1234-5678", Assistants: team, Log: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open([]AssistantAccount{lan, minh})
	if _, found := s.findAssistant(central.AssistantSignIn{Badge: lan.Badge}); !found || s.opts.Assistants != nil {
		t.Errorf("findAssistant(Lan's badge) = %v, plain accounts kept: %v; want found, none kept", found, s.opts.Assistants != nil)
	}
	s.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{lan.PIN, lan.Badge, minh.Badge} {
		if bytes.Contains(data, []byte(secret)) {
			t.Errorf("the data file holds a PIN or badge in the clear")
		}
	}

	s = open(nil)
	if a, found := s.findAssistant(central.AssistantSignIn{Badge: lan.Badge}); !found || a.Name != lan.Name {
		t.Errorf("after a restart without a team, Lan's badge = %+v, %v; want Lan", a, found)
	}
	s.Close()

	s = open([]AssistantAccount{minh})
	defer s.Close()
	if _, found := s.findAssistant(central.AssistantSignIn{PIN: lan.PIN}); found {
		t.Errorf("after a restart with a new team, Lan's PIN still works")
	}
	if got := s.Assistants(); len(got) != 1 || got[0].ID != minh.ID {
		t.Errorf("Assistants() = %+v; want Minh alone", got)
	}
}
