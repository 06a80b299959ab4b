package centralsim

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/motcua/kiosk/kiosk/central"
)

func TestIdempotencyKeyReplaysRefusesAndRequires(t *testing.T) {
	_, hs := testServer(t, nil)
	req := central.EnrollRequest{Code: "1234-5678", Hostname: "kiosk-01"}
	first, _, body1 := call(t, "POST", hs.URL+"/v1/devices/enroll", "", "key-A", req)
	again, h, body2 := call(t, "POST", hs.URL+"/v1/devices/enroll", "", "key-A", req)
	if first != http.StatusCreated || again != first || string(body1) != string(body2) || h.Get("Idempotent-Replayed") != "true" {
		t.Errorf("retry with the same key and body = %d %s (replayed %q); want the first answer %d %s replayed",
			again, body2, h.Get("Idempotent-Replayed"), first, body1)
	}

	req.Hostname = "kiosk-99"
	status, _, body := call(t, "POST", hs.URL+"/v1/devices/enroll", "", "key-A", req)
	if status != http.StatusUnprocessableEntity || errorCode(t, body) != "idempotency_key_reused" {
		t.Errorf("same key, other body = %d %s; want 422 idempotency_key_reused", status, body)
	}
	status, _, body = call(t, "POST", hs.URL+"/v1/devices/enroll", "", "", req)
	if status != http.StatusBadRequest || errorCode(t, body) != "idempotency_key_missing" {
		t.Errorf("no key = %d %s; want 400 idempotency_key_missing", status, body)
	}
}

// TestRetryWhileInProgressIsRefused holds a first request inside its
// commit and sends the retry meanwhile.
func TestRetryWhileInProgressIsRefused(t *testing.T) {
	s, _ := testServer(t, nil)
	entered, release := make(chan struct{}), make(chan struct{})
	slow := func(*bolt.Tx) (int, any, *apiError) {
		close(entered)
		<-release
		return http.StatusCreated, map[string]string{"ok": "yes"}, nil
	}
	newReq := func() *http.Request {
		r := httptest.NewRequest("POST", "/v1/things", strings.NewReader("{}"))
		r.Header.Set(central.HeaderIdempotencyKey, "key-B")
		return r
	}
	firstDone := make(chan *httptest.ResponseRecorder)
	go func() {
		w := httptest.NewRecorder()
		s.once(w, newReq(), "test", "same", slow)
		firstDone <- w
	}()
	<-entered
	w := httptest.NewRecorder()
	s.once(w, newReq(), "test", "same", slow)
	if w.Code != http.StatusConflict || errorCode(t, w.Body.Bytes()) != "idempotency_in_progress" {
		t.Errorf("retry while the first is in progress = %d %s; want 409 idempotency_in_progress", w.Code, w.Body)
	}
	close(release)
	if first := <-firstDone; first.Code != http.StatusCreated {
		t.Errorf("the first request = %d; want 201", first.Code)
	}
}

func TestFailedCommitIsNotRecorded(t *testing.T) {
	s, _ := testServer(t, nil)
	calls := 0
	commit := func(*bolt.Tx) (int, any, *apiError) {
		calls++
		if calls == 1 {
			return 0, nil, errInternal
		}
		return http.StatusCreated, "done", nil
	}
	for _, want := range []int{http.StatusInternalServerError, http.StatusCreated} {
		r := httptest.NewRequest("POST", "/v1/things", nil)
		r.Header.Set(central.HeaderIdempotencyKey, "key-C")
		w := httptest.NewRecorder()
		s.once(w, r, "test", "same", commit)
		if w.Code != want {
			t.Errorf("attempt %d = %d; want %d (a failed commit must leave the key free)", calls, w.Code, want)
		}
	}
}

func TestDropAfterCommitCutsTheConnectionButKeepsTheWork(t *testing.T) {
	_, hs := testServer(t, func(o *Options) { o.DropAfterCommit = 1 })
	req, _ := http.NewRequest("POST", hs.URL+"/v1/devices/enroll", strings.NewReader(`{"code":"1234-5678","hostname":"k"}`))
	req.Header.Set(central.HeaderIdempotencyKey, "key-D")
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		t.Fatalf("with -drop-after-commit 1 the enrolment answered %d; want the connection cut", resp.StatusCode)
	}
	// The code was used by the committed enrolment: a new key cannot reuse it.
	status, _, body := call(t, "POST", hs.URL+"/v1/devices/enroll", "", "key-E", central.EnrollRequest{Code: "1234-5678"})
	if status != http.StatusForbidden {
		t.Errorf("enrolment after the dropped one = %d %s; want 403: the first one was committed", status, body)
	}
}

func TestFaultRateAnswers503WithRetryAfter(t *testing.T) {
	_, hs := testServer(t, func(o *Options) { o.FaultRate = 1 })
	status, h, body := call(t, "GET", hs.URL+"/v1/catalog", "x", "", nil)
	if status != http.StatusServiceUnavailable || h.Get("Retry-After") == "" || errorCode(t, body) != "unavailable" {
		t.Errorf("with -fault-rate 1 GET /v1/catalog = %d (Retry-After %q) %s; want 503 with Retry-After", status, h.Get("Retry-After"), body)
	}
	if status, _, _ := call(t, "GET", hs.URL+"/healthz", "", "", nil); status != http.StatusOK {
		t.Errorf("with -fault-rate 1 GET /healthz = %d; want 200: faults are for the API only", status)
	}
}
