package centralsim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/motcua/kiosk/kiosk/central"
)

// call sends one JSON request and returns the status, headers and body.
func call(t *testing.T, method, url, token, key string, body any) (int, http.Header, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set(central.HeaderIdempotencyKey, key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, data
}

// enrolDevice enrols with the test server's code and returns the token.
func enrolDevice(t *testing.T, hs *httptest.Server) string {
	t.Helper()
	status, _, body := call(t, "POST", hs.URL+"/v1/devices/enroll", "", "enrol-1", central.EnrollRequest{Code: "1234-5678", Hostname: "kiosk-01", Version: "test"})
	if status != http.StatusCreated {
		t.Fatalf("enrol = %d %s; want 201", status, body)
	}
	var e central.Enrollment
	if err := json.Unmarshal(body, &e); err != nil || e.DeviceToken == "" || e.DeviceID == "" {
		t.Fatalf("enrol body %s: %v; want a device id and token", body, err)
	}
	return e.DeviceToken
}

func errorCode(t *testing.T, body []byte) string {
	t.Helper()
	var e central.ErrorBody
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %s is not the contract's error shape: %v", body, err)
	}
	return e.Error.Code
}

func TestEnrolCodesAreOneTime(t *testing.T) {
	_, hs := testServer(t, nil)
	enrolDevice(t, hs)
	status, _, body := call(t, "POST", hs.URL+"/v1/devices/enroll", "", "enrol-2", central.EnrollRequest{Code: "1234-5678", Hostname: "kiosk-02"})
	if status != http.StatusForbidden || errorCode(t, body) != "invalid_enroll_code" {
		t.Errorf("second enrolment with a used code = %d %s; want 403 invalid_enroll_code", status, body)
	}
	status, _, body = call(t, "POST", hs.URL+"/v1/devices/enroll", "", "enrol-3", central.EnrollRequest{Code: "0000-0000"})
	if status != http.StatusForbidden {
		t.Errorf("enrolment with a wrong code = %d %s; want 403", status, body)
	}
}

func TestKioskEndpointsNeedADeviceToken(t *testing.T) {
	_, hs := testServer(t, nil)
	tokens, refused := []string{"", "not-a-token"}, 0
	for _, token := range tokens {
		status, _, body := call(t, "GET", hs.URL+"/v1/catalog", token, "", nil)
		if status == http.StatusUnauthorized {
			refused++
		}
		if status != http.StatusUnauthorized || errorCode(t, body) != "unauthorized" {
			t.Errorf("GET /v1/catalog with token %q = %d %s; want 401 unauthorized", token, status, body)
		}
	}
	t.Logf("RELIABILITY area=access case=device-token-required tried=%d lost=0 duplicated=0 corrupt=0 crashes=0 pii=0 refused=%d",
		len(tokens), refused)
}

func TestCatalogHasAnETag(t *testing.T) {
	_, hs := testServer(t, nil)
	token := enrolDevice(t, hs)
	status, h, body := call(t, "GET", hs.URL+"/v1/catalog", token, "", nil)
	if status != http.StatusOK || h.Get("ETag") == "" || len(body) < 1000 {
		t.Fatalf("GET /v1/catalog = %d, ETag %q, %d bytes; want 200 with an ETag and the catalog", status, h.Get("ETag"), len(body))
	}
	req, _ := http.NewRequest("GET", hs.URL+"/v1/catalog", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("If-None-Match", h.Get("ETag"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("GET /v1/catalog with If-None-Match = %d; want 304", resp.StatusCode)
	}
}

func TestHeartbeatReturnsConfig(t *testing.T) {
	extra := time.Date(2027, 2, 15, 0, 0, 0, 0, time.UTC) // a Monday the table does not know as a day off
	_, hs := testServer(t, func(o *Options) { o.Holidays = []time.Time{extra} })
	token := enrolDevice(t, hs)
	status, _, body := call(t, "POST", hs.URL+"/v1/devices/heartbeat", token, "", central.Heartbeat{Version: "test", UptimeSeconds: 60})
	var reply central.HeartbeatReply
	if status != http.StatusOK || json.Unmarshal(body, &reply) != nil || reply.Config.IdleTimeoutSeconds <= 0 {
		t.Errorf("heartbeat = %d %s; want 200 with an idle timeout", status, body)
	}
	if len(reply.Config.Holidays) != 1 || reply.Config.Holidays[0] != "2027-02-15" {
		t.Errorf("heartbeat holidays = %v; want the server's extra day off", reply.Config.Holidays)
	}
}
