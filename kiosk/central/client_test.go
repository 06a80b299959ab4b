package central_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/assets"
	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/kiosk/centralsim"
)

// ---- retries, against a tiny server that fails on purpose ----

// flaky records every attempt it receives and fails the first ones as
// fail says; then it answers ok with a dossier.
type flaky struct {
	fail func(n int, w http.ResponseWriter) bool // n counts from 1; true: answered (failed)

	mu       sync.Mutex
	attempts int
	keys     []string
	bodies   [][]byte
	headers  []http.Header
	paths    []string
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.attempts++
	n := f.attempts
	f.keys = append(f.keys, r.Header.Get(central.HeaderIdempotencyKey))
	f.bodies = append(f.bodies, body)
	f.headers = append(f.headers, r.Header.Clone())
	f.paths = append(f.paths, r.URL.EscapedPath())
	f.mu.Unlock()
	if f.fail != nil && f.fail(n, w) {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(central.Dossier{Code: "000.00.01.H26-260930-0012", Status: central.StatusReceived})
}

func (f *flaky) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.attempts
}

// failFirst fails the first k attempts with fn.
func failFirst(k int, fn func(w http.ResponseWriter)) func(int, http.ResponseWriter) bool {
	return func(n int, w http.ResponseWriter) bool {
		if n > k {
			return false
		}
		fn(w)
		return true
	}
}

func status(code int, retryAfter, errCode string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		if retryAfter != "" {
			w.Header().Set(central.HeaderRetryAfter, retryAfter)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(central.ErrorBody{Error: central.ErrorDetail{Code: errCode, Message: "m"}})
	}
}

// hangUp closes the connection without answering, as a server that
// crashed (or dropped the answer) after committing does.
func hangUp(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		conn.Close()
	}
}

func newFlaky(t *testing.T, fail func(int, http.ResponseWriter) bool) (*flaky, string) {
	t.Helper()
	f := &flaky{fail: fail}
	ts := httptest.NewServer(f)
	t.Cleanup(ts.Close)
	return f, ts.URL
}

// fastConfig retries quickly, so a test's time goes into what it checks.
func fastConfig(url string) central.Config {
	return central.Config{
		BaseURL: url, DeviceID: "dev_0001_abcdef", Token: "tok", Version: "1.2.3",
		MaxRetries: 4, RetryWait: time.Millisecond, RetryMaxWait: 5 * time.Millisecond,
		Timeout: 5 * time.Second,
	}
}

func newClient(t *testing.T, cfg central.Config) *central.Client {
	t.Helper()
	c, err := central.New(cfg)
	if err != nil {
		t.Fatalf("New(%+v) = %v", cfg, err)
	}
	return c
}

// tinyPNG is a real PNG, which the reference server's type sniffing accepts.
var tinyPNG = func() []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		panic(err)
	}
	return b.Bytes()
}()

var sampleDossier = central.DossierRequest{
	ProcedureID: "dang-ky-khai-sinh",
	Applicant:   central.Applicant{FullName: "Nguyễn Thị Mai", PersonalID: "001190012345"},
	Fields:      map[string]string{"child_name": "Trần Minh An"},
	Channel:     "kiosk",
	ConsentAt:   time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC),
}

func TestRetries(t *testing.T) {
	tests := []struct {
		name         string
		fail         func(int, http.ResponseWriter) bool
		cfg          func(*central.Config)
		wantAttempts int
		wantErr      func(error) bool // nil: success
		minTook      time.Duration
	}{
		{name: "503 then ok", fail: failFirst(2, status(503, "", "unavailable")), wantAttempts: 3},
		{name: "429 then ok", fail: failFirst(1, status(429, "", "too_many_requests")), wantAttempts: 2},
		{name: "502 then ok", fail: failFirst(1, status(502, "", "")), wantAttempts: 2},
		{name: "hang up after commit, twice", fail: failFirst(2, hangUp), wantAttempts: 3},
		{name: "409 idempotency in progress", fail: failFirst(1, status(409, "", central.CodeIdempotencyInProgress)), wantAttempts: 2},
		{
			name: "503 Retry-After 1 s is honoured", fail: failFirst(1, status(503, "1", "unavailable")),
			wantAttempts: 2, minTook: 900 * time.Millisecond,
		},
		{
			name:         "Retry-After as an HTTP-date, capped by RetryAfterMax",
			fail:         failFirst(1, status(503, time.Now().Add(time.Hour).UTC().Format(http.TimeFormat), "unavailable")),
			cfg:          func(c *central.Config) { c.RetryAfterMax = 300 * time.Millisecond },
			wantAttempts: 2, minTook: 250 * time.Millisecond,
		},
		{
			name: "400 is never retried", fail: failFirst(9, status(400, "", "bad_request")), wantAttempts: 1,
			wantErr: func(err error) bool { return apiStatus(err) == 400 && !central.IsTransient(err) },
		},
		{
			name: "422 is never retried", fail: failFirst(9, status(422, "", central.CodeValidationFailed)), wantAttempts: 1,
			wantErr: func(err error) bool { var v *central.ValidationError; return errors.As(err, &v) },
		},
		{
			name: "409 for another reason is never retried", fail: failFirst(9, status(409, "", "conflict")), wantAttempts: 1,
			wantErr: func(err error) bool { return apiStatus(err) == 409 && !central.IsTransient(err) },
		},
		{
			name: "501 is never retried", fail: failFirst(9, status(501, "", "not_implemented")), wantAttempts: 1,
			wantErr: func(err error) bool { return apiStatus(err) == 501 && !central.IsTransient(err) },
		},
		{
			name: "401 is never retried", fail: failFirst(9, status(401, "", "unauthorized")), wantAttempts: 1,
			wantErr: func(err error) bool { return errors.Is(err, central.ErrUnauthorized) && apiStatus(err) == 401 },
		},
		{
			name: "500 until out of retries", fail: failFirst(99, status(500, "", "internal")),
			cfg:          func(c *central.Config) { c.MaxRetries = 2 },
			wantAttempts: 3,
			wantErr:      func(err error) bool { return apiStatus(err) == 500 && central.IsTransient(err) },
		},
		{
			name: "hang-ups until out of retries", fail: failFirst(99, hangUp),
			cfg:          func(c *central.Config) { c.MaxRetries = 2 },
			wantAttempts: 3,
			wantErr:      func(err error) bool { return errors.Is(err, central.ErrOffline) && central.IsTransient(err) },
		},
		{
			name: "negative MaxRetries never retries", fail: failFirst(99, status(503, "", "unavailable")),
			cfg:          func(c *central.Config) { c.MaxRetries = -1 },
			wantAttempts: 1,
			wantErr:      func(err error) bool { return apiStatus(err) == 503 },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, url := newFlaky(t, tt.fail)
			cfg := fastConfig(url)
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			c := newClient(t, cfg)
			start := time.Now()
			d, err := c.SubmitDossier(context.Background(), sampleDossier)
			if took := time.Since(start); took < tt.minTook {
				t.Errorf("SubmitDossier() took %v; want at least %v (Retry-After)", took, tt.minTook)
			}
			checkOutcome(t, d, err, tt.wantErr)
			if got := f.count(); got != tt.wantAttempts {
				t.Errorf("server saw %d attempts; want %d", got, tt.wantAttempts)
			}
			checkSameRequest(t, f)
		})
	}
}

// checkOutcome checks a SubmitDossier result: success with the server's
// code when wantErr is nil, else an error wantErr accepts.
func checkOutcome(t *testing.T, d central.Dossier, err error, wantErr func(error) bool) {
	t.Helper()
	switch {
	case wantErr == nil && err != nil:
		t.Errorf("SubmitDossier() = %v; want success", err)
	case wantErr == nil && d.Code != "000.00.01.H26-260930-0012":
		t.Errorf("SubmitDossier() code = %q; want the server's", d.Code)
	case wantErr != nil && !wantErr(err):
		t.Errorf("SubmitDossier() error = %v; not the error wanted", err)
	}
}

func apiStatus(err error) int {
	var e *central.APIError
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// checkSameRequest checks that every attempt carried the same
// Idempotency-Key and byte-identical body, and that the body is the
// request itself (resty sends an io.Reader body only once).
func checkSameRequest(t *testing.T, f *flaky) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	want, _ := json.Marshal(sampleDossier)
	for i := range f.keys {
		if f.keys[i] == "" || f.keys[i] != f.keys[0] {
			t.Errorf("attempt %d Idempotency-Key = %q; want %q on every attempt", i+1, f.keys[i], f.keys[0])
		}
		if !bytes.Equal(f.bodies[i], want) {
			t.Errorf("attempt %d body = %q; want %q", i+1, f.bodies[i], want)
		}
	}
}

func TestRetryKeepsMultipartBodyIdentical(t *testing.T) {
	f, url := newFlaky(t, failFirst(2, hangUp))
	c := newClient(t, fastConfig(url))
	if _, err := c.UploadAttachment(context.Background(), `giấy "chứng" sinh.png`, tinyPNG, 1); err != nil {
		t.Fatalf("UploadAttachment() = %v", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.attempts != 3 {
		t.Errorf("server saw %d attempts; want 3", f.attempts)
	}
	for i := 1; i < len(f.bodies); i++ {
		if !bytes.Equal(f.bodies[i], f.bodies[0]) || f.keys[i] != f.keys[0] {
			t.Errorf("attempt %d sent another body or key than attempt 1 (a new multipart boundary?)", i+1)
		}
		if f.headers[i].Get("Content-Type") != f.headers[0].Get("Content-Type") {
			t.Errorf("attempt %d Content-Type = %q; want %q", i+1, f.headers[i].Get("Content-Type"), f.headers[0].Get("Content-Type"))
		}
	}
	if !bytes.Contains(f.bodies[0], tinyPNG) {
		t.Errorf("multipart body does not hold the file")
	}
}

func TestContextCancelStopsRetries(t *testing.T) {
	f, url := newFlaky(t, failFirst(99, status(503, "10", "unavailable")))
	c := newClient(t, fastConfig(url))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.SubmitDossier(ctx, sampleDossier)
	if took := time.Since(start); took > time.Second {
		t.Errorf("SubmitDossier() returned %v after cancel; want at once", took-100*time.Millisecond)
	}
	if !errors.Is(err, context.Canceled) || central.IsTransient(err) || errors.Is(err, central.ErrOffline) {
		t.Errorf("SubmitDossier() = %v; want context.Canceled, not transient", err)
	}
	if n := f.count(); n != 1 {
		t.Errorf("server saw %d attempts; want 1 (the wait was cancelled)", n)
	}
}

func TestAttemptTimeout(t *testing.T) {
	slow := func(n int, w http.ResponseWriter) bool {
		if n == 1 {
			time.Sleep(400 * time.Millisecond) // longer than the attempt may take
		}
		return false
	}
	f, url := newFlaky(t, slow)
	cfg := fastConfig(url)
	cfg.Timeout = 100 * time.Millisecond
	c := newClient(t, cfg)
	if _, err := c.SubmitDossier(context.Background(), sampleDossier); err != nil {
		t.Fatalf("SubmitDossier() = %v; want success on the second attempt", err)
	}
	if n := f.count(); n != 2 {
		t.Errorf("server saw %d attempts; want 2", n)
	}

	// The caller's own deadline is not an attempt timeout: no retry, and
	// the error says so.
	f2, url2 := newFlaky(t, failFirst(99, func(http.ResponseWriter) { time.Sleep(300 * time.Millisecond) }))
	c2 := newClient(t, fastConfig(url2))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c2.SubmitDossier(ctx, sampleDossier)
	if !errors.Is(err, context.DeadlineExceeded) || central.IsTransient(err) {
		t.Errorf("SubmitDossier() past the caller's deadline = %v; want context.DeadlineExceeded", err)
	}
	if n := f2.count(); n != 1 {
		t.Errorf("server saw %d attempts; want 1", n)
	}
}

func TestRequestHeaders(t *testing.T) {
	f, url := newFlaky(t, nil)
	cfg := fastConfig(url)
	cfg.Lang = "en"
	c := newClient(t, cfg)
	ctx := context.Background()
	if _, err := c.SubmitDossier(ctx, sampleDossier); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Dossier(ctx, "000.00.01.H26/260930 0012"); err != nil {
		t.Fatal(err)
	}
	c.SetCredentials("dev_0002_xyz", "tok2")
	c.SetLang("vi")
	if _, err := c.Dossier(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	checks := []struct {
		i            int
		header, want string
	}{
		{0, "User-Agent", "MotCuaKiosk/1.2.3 (device dev_0001_abcdef)"},
		{0, "Authorization", "Bearer tok"},
		{0, "Accept-Language", "en"},
		{0, "Content-Type", "application/json"},
		{1, central.HeaderIdempotencyKey, ""}, // GETs carry none
		{2, "User-Agent", "MotCuaKiosk/1.2.3 (device dev_0002_xyz)"},
		{2, "Authorization", "Bearer tok2"},
		{2, "Accept-Language", "vi"},
	}
	for _, ck := range checks {
		if got := f.headers[ck.i].Get(ck.header); got != ck.want {
			t.Errorf("request %d %s = %q; want %q", ck.i+1, ck.header, got, ck.want)
		}
	}
	if got, want := f.paths[1], "/v1/dossiers/000.00.01.H26%2F260930%200012"; got != want {
		t.Errorf("Dossier() path = %q; want %q (the code escaped, never parsed)", got, want)
	}
}

func TestIdempotencyKeys(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		k := central.NewIdempotencyKey()
		if len(k) != 36 || k[14] != '4' || !strings.ContainsRune("89ab", rune(k[19])) {
			t.Fatalf("NewIdempotencyKey() = %q; want a version-4 UUID", k)
		}
		if seen[k] {
			t.Fatalf("NewIdempotencyKey() repeated %q", k)
		}
		seen[k] = true
	}
}

func TestResponseTooLarge(t *testing.T) {
	var n int
	var mu sync.Mutex
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"code":"%s"}`, strings.Repeat("x", 2048))
	}))
	defer ts.Close()
	cfg := fastConfig(ts.URL)
	cfg.MaxResponseBytes = 1024
	c := newClient(t, cfg)
	_, err := c.Dossier(context.Background(), "x")
	if !errors.Is(err, central.ErrResponseTooLarge) || central.IsTransient(err) {
		t.Errorf("Dossier() = %v; want ErrResponseTooLarge", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if n != 1 {
		t.Errorf("server saw %d attempts; want 1", n)
	}
}

func TestIsTransient(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{fmt.Errorf("x: %w: %w", central.ErrOffline, io.EOF), true},
		{&central.APIError{Status: 429}, true},
		{&central.APIError{Status: 500}, true},
		{&central.APIError{Status: 503}, true},
		{&central.APIError{Status: 501}, false},
		{&central.APIError{Status: 409, Code: central.CodeIdempotencyInProgress}, true},
		{&central.APIError{Status: 409, Code: "conflict"}, false},
		{&central.APIError{Status: 400}, false},
		{&central.APIError{Status: 403, Code: "invalid_enroll_code"}, false},
		{&central.APIError{Status: 401}, false},
		{fmt.Errorf("x: %w", &central.ValidationError{Code: central.CodeValidationFailed}), false},
		{central.ErrUnauthorized, false},
		{central.ErrPinMismatch, false},
		{central.ErrUntrusted, false},
		{central.ErrResponseTooLarge, false},
		{fmt.Errorf("x: %w", context.Canceled), false},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), false},
		{errors.New("something else"), false},
	}
	for _, tt := range tests {
		if got := central.IsTransient(tt.err); got != tt.want {
			t.Errorf("IsTransient(%v) = %v; want %v", tt.err, got, tt.want)
		}
	}
}

func TestNewChecksConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  central.Config
		ok   bool
	}{
		{"https", central.Config{BaseURL: "https://motcua.example.gov.vn/api/"}, true},
		{"http loopback v4", central.Config{BaseURL: "http://127.0.0.1:8787"}, true},
		{"http loopback 127/8", central.Config{BaseURL: "http://127.3.2.1:8787"}, true},
		{"http loopback v6", central.Config{BaseURL: "http://[::1]:8787"}, true},
		{"http localhost", central.Config{BaseURL: "http://localhost:8787"}, true},
		{"http to a LAN host", central.Config{BaseURL: "http://192.168.1.10:8787"}, false},
		{"http to a name", central.Config{BaseURL: "http://motcua.example.gov.vn"}, false},
		{"http to localhost-like name", central.Config{BaseURL: "http://localhost.example.com"}, false},
		{"no scheme", central.Config{BaseURL: "motcua.example.gov.vn"}, false},
		{"ftp", central.Config{BaseURL: "ftp://motcua.example.gov.vn"}, false},
		{"empty", central.Config{}, false},
		{"query", central.Config{BaseURL: "https://h/?a=1"}, false},
		{"good pins", central.Config{BaseURL: "https://h", Pins: []string{
			"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="}}, true},
		{"bad pin", central.Config{BaseURL: "https://h", Pins: []string{"not-a-pin"}}, false},
		{"short pin", central.Config{BaseURL: "https://h", Pins: []string{"AAAA"}}, false},
	}
	for _, tt := range tests {
		_, err := central.New(tt.cfg)
		if (err == nil) != tt.ok {
			t.Errorf("%s: New(%q) = %v; want ok=%v", tt.name, tt.cfg.BaseURL, err, tt.ok)
		}
	}
}

// ---- against the reference server ----

const enrollCode = "1234-5678"

// sim is the reference central server on a loopback port, with a count of
// the requests each route received.
type sim struct {
	*centralsim.Server
	URL  string
	cert *x509.Certificate // TLS only

	mu      sync.Mutex
	hits    map[string]int // "POST /v1/devices/enroll" → requests
	replays int            // answers marked Idempotent-Replayed
}

func startSim(t *testing.T, opts centralsim.Options, useTLS bool) *sim {
	t.Helper()
	opts.DataFile = filepath.Join(t.TempDir(), "c.db")
	opts.EnrollCode = enrollCode
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	opts.Log = zerolog.Nop()
	s, err := centralsim.Open(opts)
	if err != nil {
		t.Fatalf("centralsim.Open() = %v", err)
	}
	sm := &sim{Server: s, hits: map[string]int{}}
	h := s.Handler()
	counted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sm.mu.Lock()
		sm.hits[r.Method+" "+r.URL.Path]++
		sm.mu.Unlock()
		h.ServeHTTP(w, r) // a dropped answer panics through here, uncounted
		if w.Header().Get("Idempotent-Replayed") == "true" {
			sm.mu.Lock()
			sm.replays++
			sm.mu.Unlock()
		}
	})
	ts := httptest.NewUnstartedServer(counted)
	ts.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are the point of TestPinning
	if useTLS {
		ts.StartTLS()
		sm.cert = ts.Certificate()
	} else {
		ts.Start()
	}
	sm.URL = ts.URL
	t.Cleanup(func() {
		ts.Close()
		s.Close()
	})
	return sm
}

func (s *sim) count(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[route]
}

func simConfig(s *sim) central.Config {
	cfg := fastConfig(s.URL)
	cfg.DeviceID, cfg.Token = "", ""
	return cfg
}

// enrolled returns a client enrolled with s.
func enrolled(t *testing.T, s *sim, cfg central.Config) *central.Client {
	t.Helper()
	c := newClient(t, cfg)
	enr, err := c.Enroll(context.Background(), central.EnrollRequest{Code: enrollCode, Hostname: "kiosk-01", Version: "1.2.3"})
	if err != nil {
		t.Fatalf("Enroll() = %v", err)
	}
	if enr.DeviceID == "" || enr.DeviceToken == "" {
		t.Fatalf("Enroll() = %+v; want a device ID and token", enr)
	}
	c.SetCredentials(enr.DeviceID, enr.DeviceToken)
	return c
}

// birthRegistration is a valid "dang-ky-khai-sinh" dossier, answered as
// the form in assets/catalog.json asks: a mother registering her son.
func birthRegistration(photo string) central.DossierRequest {
	born := time.Now().AddDate(0, 0, -10).Format("02/01/2006")
	return central.DossierRequest{
		ProcedureID: "dang-ky-khai-sinh",
		Applicant:   central.Applicant{FullName: "Nguyễn Thị Mai", PersonalID: "001190012345", Phone: "0912345678"},
		Fields: map[string]string{
			"child_name":             "Trần Minh An",
			"child_dob":              born,
			"child_sex":              "nam",
			"child_birthplace":       "Bệnh viện Đa khoa tỉnh, phường Tân Phú",
			"child_ethnicity":        "kinh",
			"child_hometown":         "Hà Nội",
			"birth_notice_photo":     photo,
			"mother_name":            "Nguyễn Thị Mai",
			"mother_id":              "001190012345", // 001 Hà Nội, 1: a woman born in 19xx, 90
			"mother_dob":             "05/09/1990",
			"parents_married":        "yes",
			"applicant_name":         "Nguyễn Thị Mai",
			"applicant_id":           "001190012345",
			"applicant_relationship": "me",
			"extract_copies":         "1",
			"applicant_phone":        "0912345678",
		},
		Attachments: []string{},
		Channel:     "kiosk",
		ConsentAt:   time.Now().UTC().Truncate(time.Second),
	}
}

// answersFor fills every required question of a procedure with a valid
// answer by its kind, for one woman born in 1990.
func answersFor(t *testing.T, cat *central.Catalog, procID string) central.DossierRequest {
	t.Helper()
	proc, ok := cat.Procedure(procID)
	if !ok {
		t.Fatalf("no procedure %q in the catalog", procID)
	}
	byKind := map[kiosk.FieldKind]string{
		kiosk.KindText: "Hà Nội", kiosk.KindAddress: "Số 1 Lê Lợi, xã Tân Phú",
		kiosk.KindPersonName: "Nguyễn Thị Mai", kiosk.KindPersonalID: "001190012345",
		kiosk.KindDate: "05/09/1990", kiosk.KindNumber: "1", kiosk.KindYesNo: "yes",
		kiosk.KindPhone: "0912345678", kiosk.KindEmail: "mai@example.com",
	}
	fields := map[string]string{}
	for _, f := range proc.Form {
		if !f.Required {
			continue
		}
		v := byKind[f.Kind]
		if f.Kind == kiosk.KindSelect {
			v = f.Options[0].Value
			if f.Role == kiosk.RoleSex {
				v = kiosk.SexFemale
			}
		}
		fields[f.ID] = v
	}
	if _, problems := kiosk.ValidateForm(proc.Form, fields, time.Now()); problems != nil {
		t.Fatalf("answersFor(%q) is not valid: %v", procID, problems)
	}
	return central.DossierRequest{
		ProcedureID: procID,
		Applicant:   central.Applicant{FullName: "Nguyễn Thị Mai", PersonalID: "001190012345", Phone: "0912345678"},
		Fields:      fields,
		Channel:     "kiosk",
		ConsentAt:   time.Now().UTC(),
	}
}

func TestEnrollWithAWrongCode(t *testing.T) {
	s := startSim(t, centralsim.Options{}, false)
	c := newClient(t, simConfig(s))
	_, err := c.Enroll(context.Background(), central.EnrollRequest{Code: "0000-0000", Hostname: "kiosk-01"})
	var apiErr *central.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusForbidden || apiErr.Code != "invalid_enroll_code" {
		t.Fatalf("Enroll(wrong code) = %v; want *APIError 403 invalid_enroll_code", err)
	}
	if central.IsTransient(err) {
		t.Errorf("IsTransient(%v) = true; want false", err)
	}
	if n := s.count("POST /v1/devices/enroll"); n != 1 {
		t.Errorf("server saw %d enrolments; want 1 (never retried)", n)
	}
}

// TestFullFlow walks a kiosk through a visit against the reference server.
func TestFullFlow(t *testing.T) {
	s := startSim(t, centralsim.Options{}, false)
	c := enrolled(t, s, simConfig(s))

	reply, err := c.Heartbeat(context.Background(), central.Heartbeat{Version: "1.2.3", UptimeSeconds: 60})
	if err != nil || reply.Config.IdleTimeoutSeconds <= 0 || reply.ServerTime.IsZero() {
		t.Fatalf("Heartbeat() = %+v, %v; want a config", reply, err)
	}
	cat := testCatalog(t, c)
	t.Run("link session", func(t *testing.T) { testLinkSession(t, c) })
	att := testAttachment(t, c)
	code := testDossier(t, c, att.ID)
	t.Run("payment", func(t *testing.T) { testPayment(t, c, cat) })
	t.Run("feedback, help, metrics", func(t *testing.T) { testAfterVisit(t, c, code) })
}

// testCatalog fetches the catalog, then again with its ETag: 304.
func testCatalog(t *testing.T, c *central.Client) *central.Catalog {
	ctx := context.Background()
	cat, raw, etag, notModified, err := c.Catalog(ctx, "")
	if err != nil || cat == nil || len(raw) == 0 || etag == "" || notModified {
		t.Fatalf("Catalog(\"\") = %v, %d bytes, %q, %v, %v; want the catalog and its ETag", cat != nil, len(raw), etag, notModified, err)
	}
	if _, ok := cat.Procedure("dang-ky-khai-sinh"); !ok {
		t.Fatalf("Catalog() has no dang-ky-khai-sinh")
	}
	cat2, raw2, etag2, notModified, err := c.Catalog(ctx, etag)
	if err != nil || !notModified || cat2 != nil || raw2 != nil || etag2 != etag {
		t.Fatalf("Catalog(%q) = %v, %d bytes, %q, %v, %v; want 304 not modified", etag, cat2 != nil, len(raw2), etag2, notModified, err)
	}
	return cat
}

// testAttachment uploads a photo and downloads it again.
func testAttachment(t *testing.T, c *central.Client) central.Attachment {
	ctx := context.Background()
	att, err := c.UploadAttachment(ctx, "giấy chứng sinh.png", tinyPNG, 1)
	sum := sha256.Sum256(tinyPNG)
	want := central.Attachment{ID: att.ID, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(tinyPNG)), MIME: "image/png", Document: 1}
	if err != nil || att.ID == "" || att != want {
		t.Fatalf("UploadAttachment() = %+v, %v; want %+v", att, err, want)
	}
	data, mime, err := c.Attachment(ctx, att.ID)
	if err != nil || !bytes.Equal(data, tinyPNG) || mime != "image/png" {
		t.Fatalf("Attachment(%q) = %d bytes, %q, %v; want the PNG back", att.ID, len(data), mime, err)
	}
	return att
}

// testDossier files a birth registration with a photo and reads it back.
func testDossier(t *testing.T, c *central.Client, photo string) string {
	ctx := context.Background()
	d, err := c.SubmitDossier(ctx, birthRegistration(photo))
	if err != nil || d.Code == "" || d.Status != central.StatusReceived || d.DueDate == "" || d.TrackingURL == "" {
		t.Fatalf("SubmitDossier() = %+v, %v; want a received dossier with a code", d, err)
	}
	back, err := c.Dossier(ctx, d.Code)
	if err != nil || back.Code != d.Code || back.ProcedureID != "dang-ky-khai-sinh" || back.Status != central.StatusReceived {
		t.Errorf("Dossier(%q) = %+v, %v; want it back", d.Code, back, err)
	}
	if _, err := c.Dossier(ctx, "000.00.01.H26-000101-9999"); !errors.Is(err, central.ErrNotFound) {
		t.Errorf("Dossier(unknown) = %v; want ErrNotFound", err)
	}
	return d.Code
}

// testAfterVisit rates the visit, calls for help and reports figures.
func testAfterVisit(t *testing.T, c *central.Client, code string) {
	ctx := context.Background()
	id, err := c.SendFeedback(ctx, central.Feedback{DossierCode: code, Rating: 5, Comment: "Nhanh, dễ dùng"})
	if err != nil || id == "" {
		t.Errorf("SendFeedback() = %q, %v; want an id", id, err)
	}
	ticket, err := c.RequestHelp(ctx, central.HelpRequest{Screen: "form", Step: "mother_id"})
	if err != nil || ticket.ID == "" || ticket.State != central.HelpOpen || ticket.Position != 1 {
		t.Errorf("RequestHelp() = %+v, %v; want an open ticket first in the queue", ticket, err)
	}
	queue, err := c.HelpRequests(ctx, central.HelpOpen)
	if err != nil || len(queue) != 1 || queue[0].ID != ticket.ID {
		t.Errorf("HelpRequests(open) = %+v, %v; want [%s]", queue, err, ticket.ID)
	}
	if got, err := c.HelpTicket(ctx, ticket.ID); err != nil || got.ID != ticket.ID || got.Position != 1 || got.State != central.HelpOpen {
		t.Errorf("HelpTicket(%s) = %+v, %v; want it open, first in the queue", ticket.ID, got, err)
	}
	if _, err := c.HelpTicket(ctx, "help_99999999"); !errors.Is(err, central.ErrNotFound) {
		t.Errorf("HelpTicket(unknown) = %v; want ErrNotFound", err)
	}
	today := time.Now().Format(time.DateOnly)
	m := central.Metrics{Days: []central.MetricsDay{{
		Date: today, Procedure: "dang-ky-khai-sinh", Started: 3, Finished: 1, SelfServed: 1, HelpRequests: 1,
		Abandoned: map[string]int{"q:mother_id": 1}, StepMedianSeconds: map[string]float64{"consent": 12.5},
		Ratings: [5]int{0, 0, 0, 0, 1},
	}}}
	if err := c.SendMetrics(ctx, m); err != nil {
		t.Errorf("SendMetrics() = %v", err)
	}
	m.Days[0].Abandoned = map[string]int{"Nguyễn Thị Mai": 1} // free text never travels
	var valErr *central.ValidationError
	if err := c.SendMetrics(ctx, m); !errors.As(err, &valErr) || valErr.Fields["days[0].abandoned"] == "" {
		t.Errorf("SendMetrics(a name as a step) = %v; want a ValidationError for days[0].abandoned", err)
	}
}

func testLinkSession(t *testing.T, c *central.Client) {
	ctx := context.Background()
	ls, err := c.CreateLinkSession(ctx, central.LinkSessionRequest{Purpose: central.PurposeUpload, ProcedureID: "dang-ky-khai-sinh"})
	if err != nil || ls.ID == "" || !strings.Contains(ls.URL, "/l/") || len(ls.ConfirmCode) != 6 || !ls.ExpiresAt.After(time.Now()) {
		t.Fatalf("CreateLinkSession() = %+v, %v; want a pending link", ls, err)
	}
	st, err := c.LinkSessionState(ctx, ls.ID, 0, 0)
	if err != nil || st.State != central.LinkPending || st.Version == 0 {
		t.Fatalf("LinkSessionState(no wait) = %+v, %v; want pending", st, err)
	}
	pollLink(t, c, ls.ID, 300*time.Millisecond, st.Version, central.LinkPending, 250*time.Millisecond, time.Second)
	if err := c.EndLinkSession(ctx, ls.ID); err != nil {
		t.Fatalf("EndLinkSession() = %v", err)
	}
	pollLink(t, c, ls.ID, 5*time.Second, st.Version, central.LinkClosed, 0, 2*time.Second)
	if err := c.EndLinkSession(ctx, ls.ID); err != nil {
		t.Errorf("EndLinkSession(again) = %v; want nil", err)
	}
}

// pollLink long-polls a link and checks the state and how long it took.
func pollLink(t *testing.T, c *central.Client, id string, wait time.Duration, since int, want string, minTook, maxTook time.Duration) {
	t.Helper()
	start := time.Now()
	st, err := c.LinkSessionState(context.Background(), id, wait, since)
	took := time.Since(start)
	if err != nil || st.State != want || took < minTook || took > maxTook {
		t.Errorf("LinkSessionState(wait %v, since %d) = %+v, %v after %v; want %s after %v to %v", wait, since, st, err, took, want, minTook, maxTook)
	}
}

func testPayment(t *testing.T, c *central.Client, cat *central.Catalog) {
	ctx := context.Background()
	d, err := c.SubmitDossier(ctx, answersFor(t, cat, "xac-nhan-tinh-trang-hon-nhan"))
	if err != nil || d.Fee != 15000 {
		t.Fatalf("SubmitDossier(xac-nhan-tinh-trang-hon-nhan) = %+v, %v; want a fee of 15000 đồng", d, err)
	}
	p, err := c.CreatePayment(ctx, central.PaymentRequest{DossierCode: d.Code})
	if err != nil || p.ID == "" || p.Amount != 15000 || p.VietQR == "" || p.State != central.PaymentPending {
		t.Fatalf("CreatePayment() = %+v, %v; want a pending order of 15000", p, err)
	}
	got, err := c.Payment(ctx, p.ID)
	if err != nil || got.ID != p.ID || got.DossierCode != d.Code || got.State != central.PaymentPending {
		t.Errorf("Payment(%q) = %+v, %v; want it back, pending", p.ID, got, err)
	}
}

// TestValidationErrorsInBothLanguages sends a dossier with wrong answers
// and expects the kiosk validators' own messages back, per field, in the
// language asked for.
func TestValidationErrorsInBothLanguages(t *testing.T) {
	s := startSim(t, centralsim.Options{}, false)
	proc, _ := mustCatalog(t).Procedure("dang-ky-khai-sinh")
	bad := birthRegistration("")
	bad.Fields["mother_dob"] = "05/09/1991"      // the ID number says 1990
	bad.Fields["applicant_phone"] = "0212345678" // a landline
	bad.Fields["child_sex"] = "x"
	_, want := kiosk.ValidateForm(proc.Form, bad.Fields, time.Now())
	if len(want) < 3 {
		t.Fatalf("the test dossier has %d problems; want at least 3", len(want))
	}
	c := enrolled(t, s, simConfig(s))
	for _, lang := range []kiosk.Lang{kiosk.VI, kiosk.EN} {
		c.SetLang(string(lang))
		_, err := c.SubmitDossier(context.Background(), bad)
		var v *central.ValidationError
		if !errors.As(err, &v) || v.Code != central.CodeValidationFailed || central.IsTransient(err) {
			t.Fatalf("%s: SubmitDossier(bad) = %v; want a *ValidationError", lang, err)
		}
		for id, msg := range want {
			if got := v.Fields[id]; got != msg.In(lang) {
				t.Errorf("%s: Fields[%q] = %q; want %q", lang, id, got, msg.In(lang))
			}
		}
		if v.Message == "" {
			t.Errorf("%s: ValidationError.Message is empty", lang)
		}
	}
}

func mustCatalog(t *testing.T) *central.Catalog {
	t.Helper()
	cat, err := kiosk.ParseCatalog(assets.SampleCatalog())
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func TestUnauthorized(t *testing.T) {
	s := startSim(t, centralsim.Options{}, false)
	for _, token := range []string{"", "not-a-token"} {
		cfg := simConfig(s)
		cfg.Token = token
		c := newClient(t, cfg)
		_, err := c.Heartbeat(context.Background(), central.Heartbeat{Version: "1.2.3"})
		var apiErr *central.APIError
		if !errors.Is(err, central.ErrUnauthorized) || !errors.As(err, &apiErr) || apiErr.Message == "" || central.IsTransient(err) {
			t.Errorf("Heartbeat() with token %q = %v; want ErrUnauthorized with the server's message", token, err)
		}
	}
	if n := s.count("POST /v1/devices/heartbeat"); n != 2 {
		t.Errorf("server saw %d heartbeats; want 2 (a 401 is never retried)", n)
	}
}

func TestOversizedUpload(t *testing.T) {
	s := startSim(t, centralsim.Options{}, false)
	c := enrolled(t, s, simConfig(s))
	big := make([]byte, 11<<20)
	copy(big, tinyPNG)
	_, err := c.UploadAttachment(context.Background(), "big.png", big, 0)
	if apiStatus(err) != http.StatusRequestEntityTooLarge || central.IsTransient(err) {
		t.Errorf("UploadAttachment(11 MiB) = %v; want *APIError 413", err)
	}
	if n := s.count("POST /v1/attachments"); n != 1 {
		t.Errorf("server saw %d uploads; want 1 (a 413 is never retried)", n)
	}
}

// TestFaultyServerNeverLosesOrDoublesADossier is issue 3's acceptance
// test: with 30% of requests answered 503 and 30% of commits cut off
// before the answer, 200 dossiers sent through the client are exactly 200
// dossiers on the server, each with the code the client reported.
func TestFaultyServerNeverLosesOrDoublesADossier(t *testing.T) {
	s := startSim(t, centralsim.Options{FaultRate: 0.3, DropAfterCommit: 0.3}, false)
	cfg := simConfig(s)
	cfg.MaxRetries = 20 // 0.51²¹ ≈ 7·10⁻⁷ that one dossier fails every attempt
	cfg.RetryWait, cfg.RetryMaxWait = time.Millisecond, 10*time.Millisecond
	cfg.RetryAfterMax = 10 * time.Millisecond // the server says 1 s; the test has no time for that
	c := enrolled(t, s, cfg)

	const dossiers, workers = 200, 4
	var (
		mu    sync.Mutex
		codes = map[string]int{}
		wg    sync.WaitGroup
	)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < dossiers; i += workers {
				req := birthRegistration("")
				req.Fields["extract_copies"] = fmt.Sprint(i) // every dossier its own body
				d, err := c.SubmitDossier(context.Background(), req)
				if err != nil {
					t.Errorf("SubmitDossier(#%d) = %v", i, err)
					continue
				}
				mu.Lock()
				codes[d.Code]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()

	if n, err := s.DossierCount(); err != nil || n != dossiers {
		t.Errorf("server holds %d dossiers (%v); want %d", n, err, dossiers)
	}
	onServer, err := s.Dossiers()
	if err != nil {
		t.Fatal(err)
	}
	serverCodes := map[string]bool{}
	for _, d := range onServer {
		serverCodes[d.Code] = true
		if codes[d.Code] != 1 {
			t.Errorf("server dossier %s was reported to the client %d times; want once", d.Code, codes[d.Code])
		}
	}
	for code := range codes {
		if !serverCodes[code] {
			t.Errorf("the client was told %s, which the server does not have", code)
		}
	}
	s.mu.Lock()
	posts, replays := s.hits["POST /v1/dossiers"], s.replays
	s.mu.Unlock()
	t.Logf("%d dossiers in %d POSTs; %d answers were replays of a commit whose answer was dropped", dossiers, posts, replays)
	if replays == 0 || posts <= dossiers+replays {
		t.Errorf("server saw %d POSTs and %d replays for %d dossiers; the faults were not injected", posts, replays, dossiers)
	}
}

func TestPinning(t *testing.T) {
	s := startSim(t, centralsim.Options{}, true)
	roots := x509.NewCertPool()
	roots.AddCert(s.cert)
	good := central.SPKIPin(s.cert)
	other := "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" // sha256 of nothing
	tests := []struct {
		name  string
		roots *x509.CertPool
		pins  []string
		want  error // nil: enrolment works
	}{
		{"right pin", roots, []string{good}, nil},
		{"backup pin matches", roots, []string{other, good}, nil},
		{"no pins, trusted root", roots, nil, nil},
		{"wrong pin", roots, []string{other}, central.ErrPinMismatch},
		{"untrusted certificate", nil, []string{good}, central.ErrUntrusted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := simConfig(s)
			cfg.RootCAs, cfg.Pins = tt.roots, tt.pins
			c := newClient(t, cfg)
			before := s.count("POST /v1/devices/enroll")
			_, err := c.Enroll(context.Background(), central.EnrollRequest{Code: "0000-0000"})
			switch {
			case tt.want == nil && apiStatus(err) != http.StatusForbidden: // reached the server
				t.Errorf("Enroll() over TLS = %v; want the server's 403", err)
			case tt.want != nil && (!errors.Is(err, tt.want) || central.IsTransient(err)):
				t.Errorf("Enroll() over TLS = %v; want %v, not transient", err, tt.want)
			case tt.want != nil && s.count("POST /v1/devices/enroll") != before:
				t.Errorf("the request reached the server despite %v", tt.want)
			}
		})
	}
}

func TestTLSVerificationCannotBeTurnedOff(t *testing.T) {
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	if _, err := central.New(central.Config{BaseURL: "https://127.0.0.1:1", HTTPClient: hc}); err == nil {
		t.Errorf("New() with InsecureSkipVerify = nil; want an error")
	}
}
