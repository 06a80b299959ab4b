package offline_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
	bolt "go.etcd.io/bbolt"

	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/kiosk/centralsim"
	"github.com/motcua/kiosk/offline"
)

// ---- a reference server behind a switch, and a kiosk enrolled with it ----

// hit is one request the gate let through.
type hit struct {
	method, path, key string
	status            int
	replayed, dropped bool
	body              []byte // POST /v1/dossiers only
}

// gate sits in front of the reference server: it records every request
// and, while down, cuts connections as an unreachable network does.
type gate struct {
	next http.Handler
	down atomic.Bool

	mu   sync.Mutex
	hits []hit
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if g.down.Load() {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
		return
	}
	h := hit{method: r.Method, path: r.URL.Path, key: r.Header.Get(central.HeaderIdempotencyKey)}
	if r.Method == http.MethodPost && r.URL.Path == "/v1/dossiers" {
		h.body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(h.body))
	}
	rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	completed := false
	defer func() { // also while the server's deliberate panic cuts the connection
		h.status, h.dropped = rec.status, !completed
		h.replayed = rec.Header().Get("Idempotent-Replayed") == "true"
		g.mu.Lock()
		g.hits = append(g.hits, h)
		g.mu.Unlock()
	}()
	g.next.ServeHTTP(rec, r)
	completed = true
}

// requests returns the recorded requests to method and path.
func (g *gate) requests(method, path string) []hit {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []hit
	for _, h := range g.hits {
		if h.method == method && h.path == path {
			out = append(out, h)
		}
	}
	return out
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// central is a reference server on loopback behind a gate.
type centralEnv struct {
	srv  *centralsim.Server
	gate *gate
	url  string
}

// startCentral starts the reference server on a loopback port, on a fresh
// data file unless opts names one (for a test that reads it back).
func startCentral(t testing.TB, opts centralsim.Options) *centralEnv {
	t.Helper()
	if opts.DataFile == "" {
		opts.DataFile = filepath.Join(t.TempDir(), "central.db")
	}
	opts.Log = zerolog.Nop()
	srv, err := centralsim.Open(opts)
	if err != nil {
		t.Fatalf("centralsim.Open: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	g := &gate{next: srv.Handler()}
	hs := httptest.NewServer(g)
	t.Cleanup(hs.Close)
	return &centralEnv{srv: srv, gate: g, url: hs.URL}
}

// newClient returns a client that retries quickly, not yet enrolled.
func (c *centralEnv) newClient(t testing.TB, retries int) *central.Client {
	t.Helper()
	cl, err := central.New(central.Config{
		BaseURL: c.url, Version: "test", Timeout: 10 * time.Second,
		MaxRetries: retries, RetryWait: time.Millisecond, RetryMaxWait: 5 * time.Millisecond,
		RetryAfterMax: 5 * time.Millisecond, // the server's injected 503s say Retry-After: 1
	})
	if err != nil {
		t.Fatalf("central.New: %v", err)
	}
	return cl
}

// enrolled returns a client enrolled with the server's one-time code.
func (c *centralEnv) enrolled(t testing.TB, retries int) *central.Client {
	t.Helper()
	cl := c.newClient(t, retries)
	c.enrol(t, cl)
	return cl
}

func (c *centralEnv) enrol(t testing.TB, cl *central.Client) {
	t.Helper()
	enr, err := cl.Enroll(context.Background(), central.EnrollRequest{Code: c.srv.EnrollCode(), Hostname: "kiosk-test"})
	if err != nil {
		t.Fatalf("Enroll: %v", err)
	}
	cl.SetCredentials(enr.DeviceID, enr.DeviceToken)
}

func (c *centralEnv) dossierCodes(t *testing.T) []string {
	t.Helper()
	ds, err := c.srv.Dossiers()
	if err != nil {
		t.Fatalf("Dossiers: %v", err)
	}
	codes := make([]string, len(ds))
	for i, d := range ds {
		codes[i] = d.Code
	}
	return codes
}

// ---- the kiosk's side ----

func openStore(t testing.TB, dir string, opts offline.Options) *offline.Store {
	t.Helper()
	opts.Log = zerolog.Nop()
	s, err := offline.Open(dir, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// birthDraft is a valid birth registration, filled in at the kiosk.
func birthDraft(id string) *offline.Draft {
	now := time.Now()
	return &offline.Draft{
		ID:             id,
		ProcedureID:    "dang-ky-khai-sinh",
		CatalogVersion: "2026.11-sample",
		Applicant:      central.Applicant{FullName: "Nguyễn Thị Mai", PersonalID: "001190012345", Phone: "0912345678"},
		BirthDate:      "05/09/1990",
		Answers: map[string]string{
			"child_name":             "Trần Minh An",
			"child_dob":              now.AddDate(0, 0, -10).Format("02/01/2006"),
			"child_sex":              "nam",
			"child_birthplace":       "Bệnh viện Đa khoa tỉnh, phường Tân Phú",
			"child_ethnicity":        "kinh",
			"child_hometown":         "Hà Nội",
			"mother_name":            "Nguyễn Thị Mai",
			"mother_id":              "001190012345",
			"mother_dob":             "05/09/1990",
			"parents_married":        "yes",
			"applicant_name":         "Nguyễn Thị Mai",
			"applicant_id":           "001190012345",
			"applicant_relationship": "me",
			"extract_copies":         "1",
			"applicant_phone":        "0912345678",
		},
		ConsentAt: now.UTC().Truncate(time.Second),
	}
}

// tinyPNG is a real 4×4 PNG, which the server's type sniffing accepts.
var tinyPNG = func() []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		panic(err)
	}
	return b.Bytes()
}()

// startSyncer runs y until the test ends or stop is called, and checks
// that Run returned because its context ended.
func startSyncer(t *testing.T, y *offline.Syncer) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- y.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Errorf("Run = %v; want context.Canceled", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// fastSync are options with short waits, for tests.
func fastSync() offline.SyncOptions {
	return offline.SyncOptions{BackoffBase: 5 * time.Millisecond, BackoffMax: 50 * time.Millisecond,
		BlockedRetry: time.Minute, Log: zerolog.Nop()}
}

func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func outbox(t *testing.T, s *offline.Store) []offline.OutboxItem {
	t.Helper()
	items, err := s.Outbox()
	if err != nil {
		t.Fatalf("Outbox: %v", err)
	}
	return items
}

// settled reports whether the store's outbox has n items and none left
// to send.
func settled(t *testing.T, s *offline.Store, n int) func() bool {
	return func() bool {
		q, sending, accepted, rejected, err := s.OutboxCounts()
		if err != nil {
			t.Fatalf("OutboxCounts: %v", err)
		}
		return q+sending == 0 && accepted+rejected == n
	}
}

// ---- tests ----

func TestSubmitMovesDraftIntoOutbox(t *testing.T) {
	c := startCentral(t, centralsim.Options{})
	dir := t.TempDir()
	s := openStore(t, dir, offline.Options{})
	item := submitSaved(t, s, birthDraft("d_0000000000000001"))

	// A restart keeps the queued dossier and its key.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, dir, offline.Options{})
	if got := outbox(t, s); len(got) != 1 || got[0].IdempotencyKey != item.IdempotencyKey || got[0].State != offline.Queued {
		t.Fatalf("Outbox after re-Open = %+v; want the one queued item with key %s", got, item.IdempotencyKey)
	}

	y := offline.NewSyncer(s, c.enrolled(t, 2), fastSync())
	startSyncer(t, y)
	waitFor(t, 10*time.Second, "the dossier to be accepted", settled(t, s, 1))
	checkAccepted(t, c, outbox(t, s)[0])
	waitFor(t, time.Second, "the status to say so", func() bool {
		st := y.Status()
		return st.Online && st.Queued == 0 && !st.LastSuccess.IsZero() && st.LastError == "" && st.Blocked == ""
	})
}

// submitSaved saves d, submits it, and checks that the draft and its
// resume code are gone and the dossier is queued.
func submitSaved(t *testing.T, s *offline.Store, d *offline.Draft) offline.OutboxItem {
	t.Helper()
	if err := s.SaveDraft(d); err != nil {
		t.Fatalf("SaveDraft: %v", err)
	}
	code := d.ResumeCode
	item, err := s.Submit(d)
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	if item.State != offline.Queued || item.IdempotencyKey == "" || item.DraftID != d.ID || item.Seq == 0 {
		t.Errorf("Submit = %+v; want a queued item with a key for draft %s", item, d.ID)
	}
	if _, err := s.LoadDraft(d.ID); !errors.Is(err, offline.ErrNotFound) {
		t.Errorf("LoadDraft after Submit = %v; want ErrNotFound", err)
	}
	if _, err := s.ResumeDraft(code, d.BirthDate); !errors.Is(err, offline.ErrResumeNotFound) {
		t.Errorf("ResumeDraft after Submit = %v; want ErrResumeNotFound", err)
	}
	return item
}

// checkAccepted checks an item against the one dossier on the server.
func checkAccepted(t *testing.T, c *centralEnv, got offline.OutboxItem) {
	t.Helper()
	if got.State != offline.Accepted || got.Code == "" || got.DueDate == "" || got.TrackingURL == "" {
		t.Errorf("item after sync = %+v; want accepted with code, due date and tracking URL", got)
	}
	if codes := c.dossierCodes(t); len(codes) != 1 || codes[0] != got.Code {
		t.Errorf("server's dossiers = %v; want [%s]", codes, got.Code)
	}
}

func TestSubmitUnsavedDraft(t *testing.T) {
	s := openStore(t, t.TempDir(), offline.Options{})
	item, err := s.Submit(birthDraft("")) // never saved, not even an id
	if err != nil {
		t.Fatalf("Submit(unsaved) = %v", err)
	}
	if got := outbox(t, s); len(got) != 1 || got[0].Seq != item.Seq {
		t.Errorf("Outbox = %+v; want the submitted item", got)
	}
}

func TestSubmitRefusesWithoutConsent(t *testing.T) {
	s := openStore(t, t.TempDir(), offline.Options{})
	d := birthDraft("d_0000000000000002")
	d.ConsentAt = time.Time{}
	if _, err := s.Submit(d); !errors.Is(err, offline.ErrNoConsent) {
		t.Errorf("Submit(no consent) = %v; want ErrNoConsent", err)
	}
	if got := outbox(t, s); len(got) != 0 {
		t.Errorf("Outbox = %+v; want empty", got)
	}
}

func TestSubmitKeepsOrderAndKeys(t *testing.T) {
	s := openStore(t, t.TempDir(), offline.Options{})
	keys := map[string]bool{}
	for range 5 {
		item, err := s.Submit(birthDraft(""))
		if err != nil {
			t.Fatal(err)
		}
		keys[item.IdempotencyKey] = true
	}
	items := outbox(t, s)
	if len(items) != 5 || len(keys) != 5 {
		t.Fatalf("%d items with %d distinct keys; want 5 and 5", len(items), len(keys))
	}
	if !slices.IsSortedFunc(items, func(a, b offline.OutboxItem) int { return int(a.Seq) - int(b.Seq) }) {
		t.Errorf("Outbox() is not oldest first: %+v", items)
	}
}

func TestRejectedReturnsToDraft(t *testing.T) {
	c := startCentral(t, centralsim.Options{})
	s := openStore(t, t.TempDir(), offline.Options{})
	d := birthDraft("d_0000000000000003")
	d.Applicant.PersonalID = "12345" // not a 12-digit personal identification number
	d.Answers["mother_id"] = "12345"
	item, err := s.Submit(d)
	if err != nil {
		t.Fatal(err)
	}
	y := offline.NewSyncer(s, c.enrolled(t, 2), fastSync())
	stop := startSyncer(t, y)
	waitFor(t, 10*time.Second, "the dossier to be settled", settled(t, s, 1))
	stop()

	got := outbox(t, s)[0]
	if got.State != offline.Rejected || got.Code != "" {
		t.Fatalf("item = %+v; want rejected", got)
	}
	for _, field := range []string{"applicant.personal_id", "mother_id"} {
		if got.Problems[field] == "" {
			t.Errorf("Problems = %v; want a message for %s", got.Problems, field)
		}
	}
	if n, _ := c.srv.DossierCount(); n != 0 {
		t.Errorf("server has %d dossiers; want 0", n)
	}
	if st := y.Status(); st.Rejected != 1 || st.Queued != 0 {
		t.Errorf("Status = %+v; want 1 rejected, 0 queued", st)
	}

	back, err := s.ReturnRejected(item.Seq)
	if err != nil {
		t.Fatalf("ReturnRejected: %v", err)
	}
	checkReturned(t, back, d, got.Problems)
	if saved, err := s.LoadDraft(back.ID); err != nil || saved.Problems["mother_id"] == "" {
		t.Errorf("LoadDraft(returned) = %v, %v; want it saved with its problems", saved, err)
	}
	if got := outbox(t, s); len(got) != 0 {
		t.Errorf("Outbox after ReturnRejected = %+v; want empty", got)
	}
	if _, err := s.ReturnRejected(item.Seq); !errors.Is(err, offline.ErrNotInOutbox) {
		t.Errorf("ReturnRejected twice = %v; want ErrNotInOutbox", err)
	}
}

// checkReturned checks that a rejected dossier came back as it was
// submitted, with the server's problems.
func checkReturned(t *testing.T, back, sent *offline.Draft, problems map[string]string) {
	t.Helper()
	if back.ID != sent.ID || back.Applicant != sent.Applicant || !back.ConsentAt.Equal(sent.ConsentAt) {
		t.Errorf("returned draft %s %+v; want the submitted one", back.ID, back.Applicant)
	}
	for k, v := range sent.Answers {
		if back.Answers[k] != v {
			t.Errorf("returned Answers[%s] = %q; want %q", k, back.Answers[k], v)
		}
	}
	if !maps.Equal(back.Problems, problems) {
		t.Errorf("returned Problems = %v; want %v", back.Problems, problems)
	}
}

func TestReturnRejectedRefusesOthers(t *testing.T) {
	s := openStore(t, t.TempDir(), offline.Options{})
	item, err := s.Submit(birthDraft(""))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReturnRejected(item.Seq); !errors.Is(err, offline.ErrNotRejected) {
		t.Errorf("ReturnRejected(queued) = %v; want ErrNotRejected", err)
	}
	if got := outbox(t, s); len(got) != 1 {
		t.Errorf("Outbox = %+v; want the queued item kept", got)
	}
}

// clock is a test clock moved by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestAcceptedKeepsNoDossierAndIsPurged(t *testing.T) {
	c := startCentral(t, centralsim.Options{})
	clk := &clock{now: time.Now()}
	dir := t.TempDir()
	s := openStore(t, dir, offline.Options{Now: clk.Now, DraftLifetime: 72 * time.Hour})
	if _, err := s.Submit(birthDraft("")); err != nil {
		t.Fatal(err)
	}
	bad := birthDraft("")
	bad.Applicant.PersonalID = "12345"
	if _, err := s.Submit(bad); err != nil {
		t.Fatal(err)
	}
	opts := fastSync()
	opts.Now = clk.Now
	stop := startSyncer(t, offline.NewSyncer(s, c.enrolled(t, 2), opts))
	waitFor(t, 10*time.Second, "both dossiers to be settled", settled(t, s, 2))
	stop()

	// The outbox bucket holds the accepted item alone, and the rejected
	// item with its sealed dossier: the accepted dossier is gone.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := outboxKeys(t, filepath.Join(dir, offline.DBFile)); n != 3 {
		t.Errorf("the outbox bucket has %d keys; want 3 (accepted item; rejected item and its dossier)", n)
	}
	s = openStore(t, dir, offline.Options{Now: clk.Now, DraftLifetime: 72 * time.Hour})

	tests := []struct {
		advance    time.Duration
		wantPurged int
		wantLeft   []offline.OutboxState
	}{
		{advance: time.Hour, wantPurged: 0, wantLeft: []offline.OutboxState{offline.Accepted, offline.Rejected}},
		{advance: 72 * time.Hour, wantPurged: 1, wantLeft: []offline.OutboxState{offline.Accepted}},
		{advance: 30 * 24 * time.Hour, wantPurged: 1, wantLeft: nil},
	}
	for _, tt := range tests {
		clk.Advance(tt.advance)
		n, err := s.PurgeOutbox()
		if err != nil || n != tt.wantPurged {
			t.Errorf("after +%v: PurgeOutbox = %d, %v; want %d", tt.advance, n, err, tt.wantPurged)
		}
		var left []offline.OutboxState
		for _, it := range outbox(t, s) {
			left = append(left, it.State)
		}
		if !slices.Equal(left, tt.wantLeft) {
			t.Errorf("after +%v: outbox states %v; want %v", tt.advance, left, tt.wantLeft)
		}
	}
}

// outboxKeys counts the keys in the closed database's outbox bucket.
func outboxKeys(t *testing.T, path string) int {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	err = db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket([]byte("outbox")).Stats().KeyN
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestProcedureUseCountsTheOutbox(t *testing.T) {
	s := openStore(t, t.TempDir(), offline.Options{})
	for _, id := range []string{"dang-ky-tam-tru", "dang-ky-tam-tru", "dang-ky-khai-sinh"} {
		d := birthDraft("")
		d.ProcedureID = id
		if _, err := s.Submit(d); err != nil {
			t.Fatal(err)
		}
	}
	use, err := s.ProcedureUse()
	if err != nil || use["dang-ky-tam-tru"] != 2 || use["dang-ky-khai-sinh"] != 1 || len(use) != 2 {
		t.Errorf("ProcedureUse() = %v, %v; want tạm trú 2, khai sinh 1", use, err)
	}
}
