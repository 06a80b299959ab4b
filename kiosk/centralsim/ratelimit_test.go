package centralsim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/motcua/kiosk/kiosk/central"
)

func TestWindowLimiter(t *testing.T) {
	l := newWindowLimiter(3, time.Minute)
	t0 := dossierTestNow
	steps := []struct {
		key      string
		at       time.Duration
		wantOK   bool
		wantWait time.Duration
	}{
		{"a", 0, true, 0},
		{"a", 10 * time.Second, true, 0},
		{"a", 20 * time.Second, true, 0},
		{"a", 30 * time.Second, false, 30 * time.Second}, // until the first leaves the window
		{"b", 30 * time.Second, true, 0},                 // another device has its own window
		{"a", 59 * time.Second, false, time.Second},
		{"a", 60 * time.Second, true, 0}, // the first is a minute old: out
		{"a", 61 * time.Second, false, 9 * time.Second},
		{"a", 3 * time.Minute, true, 0},
	}
	for _, s := range steps {
		ok, wait := l.allow(s.key, t0.Add(s.at))
		if ok != s.wantOK || wait != s.wantWait {
			t.Errorf("allow(%q) at +%v = %v, %v; want %v, %v", s.key, s.at, ok, wait, s.wantOK, s.wantWait)
		}
	}
}

// tryCreateLink asks for a link session from a goroutine: failures are
// reported with Errorf, not Fatalf.
func tryCreateLink(t *testing.T, base, token, key string) (int, http.Header, []byte) {
	body, _ := json.Marshal(central.LinkSessionRequest{Purpose: central.PurposeLogin})
	req, _ := http.NewRequest("POST", base+"/v1/link-sessions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set(central.HeaderIdempotencyKey, key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("POST /v1/link-sessions: %v", err)
		return 0, nil, nil
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, data
}

// TestLinkSessionFlood fires 500 concurrent creates from one kiosk: 30 get
// a session, the rest a 429 with Retry-After, the server stays up, another
// kiosk is not affected, and a minute later the first can create again.
func TestLinkSessionFlood(t *testing.T) {
	s, hs, clock, token := linkTestServer(t)
	other := enrolSecondKiosk(t, s, hs)
	const n = 500
	var (
		wg          sync.WaitGroup
		mu          sync.Mutex
		counts      = map[int]int{}
		retryAfters = map[string]int{}
		codes       = map[string]int{}
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, h, body := tryCreateLink(t, hs.URL, token, fmt.Sprint("flood-", i))
			var e central.ErrorBody
			_ = json.Unmarshal(body, &e)
			mu.Lock()
			defer mu.Unlock()
			counts[status]++
			if status == http.StatusTooManyRequests {
				retryAfters[h.Get(central.HeaderRetryAfter)]++
				codes[e.Error.Code]++
			}
		}()
	}
	wg.Wait()
	if counts[http.StatusCreated] != linkCreateLimit || counts[http.StatusTooManyRequests] != n-linkCreateLimit {
		t.Errorf("%d concurrent creates answered %v; want %d 201 and %d 429", n, counts, linkCreateLimit, n-linkCreateLimit)
	}
	if retryAfters["60"] != n-linkCreateLimit || codes["rate_limited"] != n-linkCreateLimit {
		t.Errorf("the 429s carried Retry-After %v and codes %v; want 60 s and rate_limited on each", retryAfters, codes)
	}
	if status, _, body := call(t, "GET", hs.URL+"/healthz", "", "", nil); status != http.StatusOK {
		t.Errorf("GET /healthz after the flood = %d %s; want 200", status, body)
	}
	createLink(t, hs, other, "other", central.LinkSessionRequest{Purpose: central.PurposeLogin})
	if status, _, body := tryCreateLink(t, hs.URL, token, "still"); status != http.StatusTooManyRequests {
		t.Errorf("a create within the minute = %d %s; want 429", status, body)
	}
	clock.Advance(linkCreateWindow)
	createLink(t, hs, token, "after", central.LinkSessionRequest{Purpose: central.PurposeLogin})
}
