package centralsim

import (
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/motcua/kiosk/kiosk/central"
)

const testStaffToken = "staff-token-for-tests-0001"

// listDevices asks GET /v1/devices with the staff token.
func listDevices(t *testing.T, base string) central.DeviceList {
	t.Helper()
	status, h, body := call(t, "GET", base+"/v1/devices", testStaffToken, "", nil)
	var list central.DeviceList
	if status != http.StatusOK || json.Unmarshal(body, &list) != nil {
		t.Fatalf("GET /v1/devices = %d %s; want 200 with the list", status, body)
	}
	if cc := h.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("GET /v1/devices: Cache-Control = %q; want no-store", cc)
	}
	return list
}

// fullHeartbeat is what a kiosk sends, with every field set.
func fullHeartbeat() central.Heartbeat {
	return central.Heartbeat{
		Version: "0.3.0", UptimeSeconds: 3600, IntervalSeconds: 60,
		OutboxQueued: 2, OutboxSending: 1, OutboxRejected: 1, Drafts: 3,
		LastError: "offline", DiskFreeBytes: 40 << 30, DiskTotalBytes: 64 << 30,
		DBSizeBytes: 1 << 20, DBCheck: central.DBCheckOK, DBCheckedAt: dossierTestNow.Add(-time.Minute).UTC(),
		CatalogETag: `"abc"`, CatalogVersion: "2026.11-sample", LastSyncAt: dossierTestNow.Add(-2 * time.Minute).UTC(),
		Incidents: []central.Incident{{At: dossierTestNow.UTC(), Kind: "database_corrupt", Details: "moved aside"}},
	}
}

func TestDevicesListTheLatestHealth(t *testing.T) {
	clock := &stepClock{now: dossierTestNow}
	s, hs := testServer(t, func(o *Options) { o.StaffToken, o.Now = testStaffToken, clock.Now })
	token := enrolDevice(t, hs)
	other := enrolKiosk(t, s, hs, "2222-3333")

	// Before any heartbeat: listed, no health yet.
	list := listDevices(t, hs.URL)
	if len(list.Devices) != 2 || list.Devices[0].Health != nil || list.Devices[0].Stale {
		t.Fatalf("devices before any heartbeat = %+v; want two, fresh, without health", list.Devices)
	}

	hb := fullHeartbeat()
	if status, _, body := call(t, "POST", hs.URL+"/v1/devices/heartbeat", token, "", hb); status != http.StatusOK {
		t.Fatalf("heartbeat = %d %s; want 200", status, body)
	}
	later := hb
	later.OutboxQueued, later.Incidents = 0, nil
	clock.Advance(time.Minute)
	if status, _, body := call(t, "POST", hs.URL+"/v1/devices/heartbeat", token, "", later); status != http.StatusOK {
		t.Fatalf("second heartbeat = %d %s; want 200", status, body)
	}

	list = listDevices(t, hs.URL)
	d := list.Devices[0]
	if d.Hostname != "kiosk-01" || d.Version != "0.3.0" || d.Unit == "" || d.Location == "" || !d.LastSeen.Equal(clock.Now()) {
		t.Errorf("device = %+v; want kiosk-01 at version 0.3.0, seen now", d)
	}
	want := later
	want.Incidents = nil
	if d.Health == nil || mustJSONString(t, *d.Health) != mustJSONString(t, want) {
		t.Errorf("health = %+v; want the latest heartbeat without incidents %+v", d.Health, want)
	}
	if len(d.Incidents) != 1 || d.Incidents[0].Kind != "database_corrupt" {
		t.Errorf("incidents = %+v; want the one reported earlier", d.Incidents)
	}
	if list.Devices[1].ID != other.DeviceID || list.Devices[1].Health != nil {
		t.Errorf("second device = %+v; want %s without health", list.Devices[1], other.DeviceID)
	}

	// The kiosk said 60 s: three missed heartbeats make it stale; the
	// other, silent since its enrolment, is stale after 3 × 5 min.
	clock.Advance(3*time.Minute + time.Second)
	list = listDevices(t, hs.URL)
	if !list.Devices[0].Stale || list.Devices[1].Stale {
		t.Errorf("after 3 min: stale = %v, %v; want the 60 s kiosk stale, the other not yet", list.Devices[0].Stale, list.Devices[1].Stale)
	}
	clock.Advance(12 * time.Minute)
	if list = listDevices(t, hs.URL); !list.Devices[1].Stale {
		t.Errorf("after 16 min without a heartbeat the second kiosk is not stale")
	}
}

func TestDevicesNeedTheStaffToken(t *testing.T) {
	_, hs := testServer(t, func(o *Options) { o.StaffToken = testStaffToken })
	deviceToken := enrolDevice(t, hs)
	for _, token := range []string{"", "wrong-token-of-enough-length", deviceToken} {
		status, h, body := call(t, "GET", hs.URL+"/v1/devices", token, "", nil)
		if status != http.StatusUnauthorized || errorCode(t, body) != "unauthorized" || h.Get("WWW-Authenticate") == "" {
			t.Errorf("GET /v1/devices with %q = %d %s; want 401 unauthorized with WWW-Authenticate", token, status, body)
		}
	}
	// The staff token is not a device token either.
	if status, _, _ := call(t, "GET", hs.URL+"/v1/catalog", testStaffToken, "", nil); status != http.StatusUnauthorized {
		t.Errorf("GET /v1/catalog with the staff token = %d; want 401", status)
	}

	_, open := testServer(t, nil) // no staff token configured: nobody is staff
	if status, _, _ := call(t, "GET", open.URL+"/v1/devices", "", "", nil); status != http.StatusUnauthorized {
		t.Errorf("GET /v1/devices on a server without a staff token = %d; want 401", status)
	}
}

func TestOpenRefusesAShortStaffToken(t *testing.T) {
	s, err := Open(Options{DataFile: filepath.Join(t.TempDir(), "c.db"), StaffToken: "short"})
	if err == nil {
		s.Close()
		t.Fatal("Open with a 5-character staff token = nil; want an error")
	}
}

func TestHeartbeatRefusesNonsense(t *testing.T) {
	_, hs := testServer(t, nil)
	token := enrolDevice(t, hs)
	hb := fullHeartbeat()
	hb.OutboxQueued, hb.DiskFreeBytes, hb.DBCheck = -1, -2, "maybe"
	status, _, body := call(t, "POST", hs.URL+"/v1/devices/heartbeat", token, "", hb)
	fields := fieldErrors(t, body)
	if status != http.StatusUnprocessableEntity || fields["outbox_queued"] == "" || fields["disk_free_bytes"] == "" || fields["db_check"] == "" {
		t.Errorf("heartbeat with a negative count, size and unknown check = %d %s; want 422 naming the three", status, body)
	}
	// An older kiosk's heartbeat, with fewer fields, is fine; -1 is unknown.
	old := central.Heartbeat{Version: "0.1.0", UptimeSeconds: 5, DiskFreeBytes: -1, DiskTotalBytes: -1}
	if status, _, body := call(t, "POST", hs.URL+"/v1/devices/heartbeat", token, "", old); status != http.StatusOK {
		t.Errorf("a minimal heartbeat = %d %s; want 200", status, body)
	}
}

// TestDevicesHoldNoPersonalData: a kiosk that filed a dossier and sent
// its heartbeat appears in the list without anything of the citizen.
func TestDevicesHoldNoPersonalData(t *testing.T) {
	_, hs := testServer(t, func(o *Options) { o.StaffToken = testStaffToken })
	token := enrolDevice(t, hs)
	fileDossier(t, hs, token, "dossier-1", birthRequest())
	call(t, "POST", hs.URL+"/v1/devices/heartbeat", token, "", fullHeartbeat())
	_, _, body := call(t, "GET", hs.URL+"/v1/devices", testStaffToken, "", nil)
	for _, p := range []string{"Ngọc", "036192004567", "036 192 004 567", "912 345 678", "0912345678", "001085012345", "Khôi"} {
		if strings.Contains(string(body), p) {
			t.Errorf("GET /v1/devices holds %q: %s", p, body)
		}
	}
}

func mustJSONString(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// staffBrowser is a browser with a cookie jar that does not follow
// redirects, so a test sees each answer.
func staffBrowser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func postForm(t *testing.T, c *http.Client, u string, form url.Values, header http.Header) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest("POST", u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, pageText(t, resp)
}

func getWith(t *testing.T, c *http.Client, u string) (int, http.Header, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, pageText(t, resp)
}

func TestDevicesPageSignsInWithTheStaffToken(t *testing.T) {
	_, hs := testServer(t, func(o *Options) { o.StaffToken = testStaffToken })
	token := enrolDevice(t, hs)
	call(t, "POST", hs.URL+"/v1/devices/heartbeat", token, "", fullHeartbeat())
	b := staffBrowser(t)

	status, h, page := getWith(t, b, hs.URL+"/devices")
	checkPrivateHeaders(t, "sign-in page", h)
	if status != http.StatusUnauthorized || !strings.Contains(page, `type="password"`) || strings.Contains(page, "kiosk-01") {
		t.Fatalf("GET /devices without signing in = %d; want 401 with a sign-in form and no device:\n%s", status, page)
	}
	if status, _, page := postForm(t, b, hs.URL+"/devices", url.Values{"token": {"not-the-staff-token"}}, nil); status != http.StatusUnauthorized || !strings.Contains(page, "Mã cán bộ không đúng") {
		t.Errorf("sign-in with a wrong token = %d; want 401 saying so:\n%s", status, page)
	}
	if status, _, _ := postForm(t, b, hs.URL+"/devices", url.Values{"token": {testStaffToken}}, http.Header{"Origin": {"https://evil.example"}}); status != http.StatusForbidden {
		t.Errorf("sign-in posted from another site = %d; want 403", status)
	}
	status, h, _ = postForm(t, b, hs.URL+"/devices?lang=en", url.Values{"token": {testStaffToken}}, nil)
	if status != http.StatusSeeOther || h.Get("Location") != "/devices?lang=en" {
		t.Fatalf("sign-in = %d to %q; want 303 back to the page", status, h.Get("Location"))
	}
	if c := h.Get("Set-Cookie"); !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "SameSite=Strict") || strings.Contains(c, testStaffToken) {
		t.Errorf("staff cookie %q; want HttpOnly, SameSite=Strict and not the token itself", c)
	}

	status, h, page = getWith(t, b, hs.URL+"/devices?lang=en")
	checkPrivateHeaders(t, "devices page", h)
	if status != http.StatusOK || h.Get("Refresh") == "" {
		t.Fatalf("GET /devices signed in = %d, Refresh %q; want 200 reloading itself", status, h.Get("Refresh"))
	}
	for _, want := range []string{"kiosk-01", "0.3.0", "2 / 1 / 1", "40.0 GB / 64.0 GB", "database_corrupt", "offline"} {
		if !strings.Contains(page, want) {
			t.Errorf("the devices page lacks %q:\n%s", want, page)
		}
	}

	if status, _, _ := postForm(t, b, hs.URL+"/devices", url.Values{"action": {"sign_out"}}, nil); status != http.StatusSeeOther {
		t.Errorf("sign out = %d; want 303", status)
	}
	if status, _, _ := getWith(t, b, hs.URL+"/devices"); status != http.StatusUnauthorized {
		t.Errorf("GET /devices after signing out = %d; want 401", status)
	}
}

func TestDevicesPageLimitsSignIns(t *testing.T) {
	_, hs := testServer(t, func(o *Options) { o.StaffToken = testStaffToken })
	b := staffBrowser(t)
	for range staffSignInLimit {
		postForm(t, b, hs.URL+"/devices", url.Values{"token": {"guess-guess-guess-guess"}}, nil)
	}
	if status, _, _ := postForm(t, b, hs.URL+"/devices", url.Values{"token": {testStaffToken}}, nil); status != http.StatusTooManyRequests {
		t.Errorf("sign-in after %d tries in a minute = %d; want 429", staffSignInLimit, status)
	}
}
