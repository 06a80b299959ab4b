package offline_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/rs/zerolog"
	bolt "go.etcd.io/bbolt"
	"golang.org/x/text/unicode/norm"

	"github.com/motcua/kiosk/assets"
	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/kiosk/centralsim"
	"github.com/motcua/kiosk/kiosk/selfserve"
	"github.com/motcua/kiosk/offline"
)

// ---- sessions ----

var ict = time.FixedZone("ICT", 7*60*60)

func finishedSession(proc string, at time.Time, rating int, steps ...selfserve.Step) selfserve.Session {
	return selfserve.Session{Procedure: proc, Started: at, Outcome: selfserve.Finished, LastStep: selfserve.StepDone,
		Steps: steps, Rating: rating}
}

func abandonedSession(proc string, at time.Time, last string, help int) selfserve.Session {
	return selfserve.Session{Procedure: proc, Started: at, Outcome: selfserve.Abandoned, LastStep: last,
		HelpRequests: help, Steps: []selfserve.Step{{Name: last, Duration: 90 * time.Second}}}
}

func record(t *testing.T, s *offline.Store, sessions ...selfserve.Session) {
	t.Helper()
	for _, sess := range sessions {
		if err := s.RecordSession(sess); err != nil {
			t.Fatalf("RecordSession(%+v): %v", sess, err)
		}
	}
}

func figures(t *testing.T, s *offline.Store, from, to string) []selfserve.Figures {
	t.Helper()
	figs, err := s.Figures(from, to)
	if err != nil {
		t.Fatalf("Figures(%s, %s): %v", from, to, err)
	}
	return figs
}

func TestMetricsRecordedAcrossDays(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, offline.Options{})
	day1 := time.Date(2026, 3, 9, 23, 50, 0, 0, ict) // 16:50 UTC: still the 9th in Vietnam
	day2 := time.Date(2026, 3, 10, 0, 10, 0, 0, ict)
	consent := selfserve.Step{Name: selfserve.StepConsent, Duration: 20 * time.Second}
	record(t, s,
		finishedSession("dang-ky-khai-sinh", day1, 5, consent),
		abandonedSession("dang-ky-khai-sinh", day1, "q:ho_ten", 1),
		finishedSession("chung-thuc-ban-sao", day2, 4, consent),
		finishedSession("dang-ky-khai-sinh", day2, 0),
		selfserve.Session{Procedure: "dang-ky-khai-sinh", Practice: true, Started: day2, Outcome: selfserve.Finished},
		selfserve.Session{Started: day2, HelpRequests: 1, Outcome: selfserve.Abandoned, LastStep: selfserve.StepProcedure},
		finishedSession("dang-ky-khai-sinh", day2.AddDate(0, 0, 1), 5), // outside the range asked for
	)
	want := []selfserve.Figures{
		{Date: "2026-03-09", Procedure: "dang-ky-khai-sinh", Started: 2, Finished: 1, SelfServed: 1, HelpRequests: 1,
			Abandoned: 1, AbandonedAt: map[string]int{"q:ho_ten": 1},
			StepMedian: map[string]time.Duration{"consent": 20 * time.Second, "q:ho_ten": 90 * time.Second},
			Ratings:    [5]int{0, 0, 0, 0, 1}},
		{Date: "2026-03-10", Procedure: "", HelpRequests: 1},
		{Date: "2026-03-10", Procedure: "chung-thuc-ban-sao", Started: 1, Finished: 1, SelfServed: 1,
			StepMedian: map[string]time.Duration{"consent": 20 * time.Second}, Ratings: [5]int{0, 0, 0, 1, 0}},
		{Date: "2026-03-10", Procedure: "dang-ky-khai-sinh", Started: 1, Finished: 1, SelfServed: 1, Practice: 1},
	}
	if got := figures(t, s, "2026-03-09", "2026-03-10"); !reflect.DeepEqual(got, want) {
		t.Errorf("Figures(2026-03-09, 2026-03-10) =\n%+v\nwant\n%+v", got, want)
	}
	if got := figures(t, s, "2026-03-10", "2026-03-10"); !reflect.DeepEqual(got, want[1:]) {
		t.Errorf("Figures(2026-03-10, 2026-03-10) =\n%+v\nwant\n%+v", got, want[1:])
	}
	if got := figures(t, s, "2026-03-12", "2026-03-31"); len(got) != 0 {
		t.Errorf("Figures of days without sessions = %+v; want none", got)
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, dir, offline.Options{})
	if got := figures(t, s, "2026-03-09", "2026-03-10"); !reflect.DeepEqual(got, want) {
		t.Errorf("Figures after a restart =\n%+v\nwant\n%+v", got, want)
	}
}

func TestMetricsRefusesWhatCentralCannotTake(t *testing.T) {
	s := openStore(t, t.TempDir(), offline.Options{})
	for _, sess := range []selfserve.Session{
		finishedSession("Đăng ký khai sinh", time.Now(), 5),
		finishedSession("dang-ky-khai-sinh/2", time.Now(), 5),
		finishedSession(strings.Repeat("a", 65), time.Now(), 5),
		finishedSession("dang-ky-khai-sinh", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), 5),
	} {
		if err := s.RecordSession(sess); !errors.Is(err, offline.ErrNotMetrics) {
			t.Errorf("RecordSession(procedure %q, started %v) = %v; want ErrNotMetrics", sess.Procedure, sess.Started, err)
		}
	}
	if got := figures(t, s, "0000-01-01", "9999-12-31"); len(got) != 0 {
		t.Errorf("Figures = %+v; want none", got)
	}
}

func TestMetricsPurgeOldDays(t *testing.T) {
	now := time.Date(2026, 6, 30, 10, 0, 0, 0, ict)
	s := openStore(t, t.TempDir(), offline.Options{Now: func() time.Time { return now }})
	for _, daysAgo := range []int{120, 91, 90, 30, 0} {
		record(t, s, finishedSession("dang-ky-khai-sinh", now.AddDate(0, 0, -daysAgo), 5))
	}
	n, err := s.PurgeMetrics()
	if err != nil || n != 2 {
		t.Errorf("PurgeMetrics() = %d, %v; want 2 days purged", n, err)
	}
	var dates []string
	for _, f := range figures(t, s, "0000-01-01", "9999-12-31") {
		dates = append(dates, f.Date)
	}
	if want := []string{"2026-04-01", "2026-05-31", "2026-06-30"}; !reflect.DeepEqual(dates, want) {
		t.Errorf("days kept = %v; want %v", dates, want)
	}
}

// ---- the sync loop, against a fake ----

// metricsFake is a central system that answers heartbeats and fails
// metrics reports with err.
type metricsFake struct {
	fakeSender

	mu         sync.Mutex
	err        error
	heartbeats int
	reports    []central.Metrics
}

func (f *metricsFake) Heartbeat(context.Context, central.Heartbeat) (central.HeartbeatReply, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.heartbeats++
	return central.HeartbeatReply{}, nil
}

func (f *metricsFake) SendMetrics(_ context.Context, m central.Metrics) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reports = append(f.reports, m)
	return f.err
}

func (f *metricsFake) counts() (heartbeats, reports int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.heartbeats, len(f.reports)
}

// syncLog is a zerolog writer safe for the sync goroutine.
type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestMetricsFailures(t *testing.T) {
	secret := "days.0.procedure: unknown procedure dang-ky-khai-sinh"
	tests := []struct {
		name        string
		err         error
		wantResends bool
	}{
		{"a refused report is not sent again",
			fmt.Errorf("central: POST /v1/metrics: %w", &central.ValidationError{Code: central.CodeValidationFailed,
				Message: secret, Fields: map[string]string{"days.0.procedure": secret}}), false},
		{"a bad request is not sent again",
			fmt.Errorf("central: POST /v1/metrics: %w", &central.APIError{Status: 400, Code: "bad_json", Message: secret}), false},
		{"an unreachable server gets it at the next heartbeat",
			fmt.Errorf("central: POST /v1/metrics: %w: connection refused", central.ErrOffline), true},
		{"an overloaded server gets it at the next heartbeat",
			fmt.Errorf("central: POST /v1/metrics: %w", &central.APIError{Status: 503, Code: "unavailable"}), true},
		{"a refused token keeps the figures",
			fmt.Errorf("central: POST /v1/metrics: %w", central.ErrUnauthorized), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openStore(t, t.TempDir(), offline.Options{})
			record(t, s, finishedSession("dang-ky-khai-sinh", time.Now(), 5))
			fake := &metricsFake{err: tt.err}
			var logs syncLog
			opts := fastSync()
			opts.HeartbeatEvery = 10 * time.Millisecond
			opts.Log = zerolog.New(&logs)
			stop := startSyncer(t, offline.NewSyncer(s, fake, opts))
			waitFor(t, 5*time.Second, "five heartbeats", func() bool { hb, _ := fake.counts(); return hb >= 5 })
			stop()
			hb, reports := fake.counts()
			if tt.wantResends && reports < hb-1 {
				t.Errorf("%d reports in %d heartbeats; want one a heartbeat until it is taken", reports, hb)
			}
			if !tt.wantResends && reports != 1 {
				t.Errorf("%d reports in %d heartbeats; want 1", reports, hb)
			}
			if strings.Contains(logs.String(), "dang-ky-khai-sinh") {
				t.Errorf("the log holds the report or the server's message:\n%s", logs.String())
			}
		})
	}
}

// TestMetricsPurgeRunsInTheSyncLoop: the sync loop's periodic purge, which
// runs when it starts, drops the figures of days past MetricsRetention.
func TestMetricsPurgeRunsInTheSyncLoop(t *testing.T) {
	s := openStore(t, t.TempDir(), offline.Options{})
	record(t, s,
		finishedSession("dang-ky-khai-sinh", time.Now().AddDate(0, 0, -100), 5),
		finishedSession("dang-ky-khai-sinh", time.Now(), 5))
	startSyncer(t, offline.NewSyncer(s, &metricsFake{}, fastSync()))
	waitFor(t, 5*time.Second, "the old day to be purged", func() bool {
		return len(figures(t, s, "0000-01-01", "9999-12-31")) == 1
	})
}

// ---- the sync loop, against the reference server ----

// metricsTap sits in front of the reference server and keeps every
// metrics report as it went over the wire, with the answer's status.
type metricsTap struct {
	next http.Handler

	mu      sync.Mutex
	reports []tappedReport
}

type tappedReport struct {
	status int
	body   []byte
}

func (m *metricsTap) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/metrics" {
		m.next.ServeHTTP(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	m.next.ServeHTTP(rec, r)
	m.mu.Lock()
	m.reports = append(m.reports, tappedReport{status: rec.status, body: body})
	m.mu.Unlock()
}

// sent returns the reports the server answered with a 2xx, decoded.
func (m *metricsTap) sent(t *testing.T) []central.Metrics {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []central.Metrics
	for _, r := range m.reports {
		if r.status/100 != 2 {
			t.Errorf("a metrics report was answered %d: %s", r.status, r.body)
			continue
		}
		var rep central.Metrics
		if err := json.Unmarshal(r.body, &rep); err != nil {
			t.Fatalf("a metrics report is not JSON: %v", err)
		}
		out = append(out, rep)
	}
	return out
}

func (m *metricsTap) raw() [][]byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out [][]byte
	for _, r := range m.reports {
		out = append(out, r.body)
	}
	return out
}

// tappedCentral is a reference server on loopback, a tap in front of its
// gate, and a client enrolled through the tap.
func tappedCentral(t *testing.T) (*centralEnv, *metricsTap, *central.Client) {
	t.Helper()
	return tapCentral(t, startCentral(t, centralsim.Options{}))
}

// tapCentral puts a tap in front of c's gate and enrols a client through it.
func tapCentral(t *testing.T, c *centralEnv) (*centralEnv, *metricsTap, *central.Client) {
	t.Helper()
	tap := &metricsTap{next: c.gate}
	hs := httptest.NewServer(tap)
	t.Cleanup(hs.Close)
	through := *c
	through.url = hs.URL
	return c, tap, through.enrolled(t, 2)
}

// heartbeatsAfter waits for n more heartbeats at the server: the figures
// due at the one before have been sent, or not, by then.
func heartbeatsAfter(t *testing.T, c *centralEnv, n int) {
	t.Helper()
	start := len(c.gate.requests("POST", "/v1/devices/heartbeat"))
	waitFor(t, 10*time.Second, fmt.Sprintf("%d more heartbeats", n), func() bool {
		return len(c.gate.requests("POST", "/v1/devices/heartbeat")) >= start+n
	})
}

func metricsSync() offline.SyncOptions {
	opts := fastSync()
	opts.HeartbeatEvery = 20 * time.Millisecond
	return opts
}

func TestMetricsSentOnceToTheReferenceServer(t *testing.T) {
	c, tap, client := tappedCentral(t)
	s := openStore(t, t.TempDir(), offline.Options{})
	today := time.Now()
	yesterday := today.AddDate(0, 0, -1)
	consent := selfserve.Step{Name: selfserve.StepConsent, Duration: 30 * time.Second}
	record(t, s,
		finishedSession("dang-ky-khai-sinh", yesterday, 4, consent),
		abandonedSession("dang-ky-khai-sinh", yesterday, "q:ho_ten", 1),
		finishedSession("chung-thuc-ban-sao", today, 5, consent),
		selfserve.Session{Started: today, HelpRequests: 1, Outcome: selfserve.Abandoned, LastStep: selfserve.StepProcedure},
	)
	startSyncer(t, offline.NewSyncer(s, client, metricsSync()))
	waitFor(t, 10*time.Second, "a metrics report", func() bool { return len(tap.raw()) >= 1 })
	heartbeatsAfter(t, c, 3)

	sent := tap.sent(t)
	if len(sent) != 1 {
		t.Fatalf("%d metrics reports; want 1, never resent", len(sent))
	}
	d1, d2 := selfserve.DayOf(yesterday), selfserve.DayOf(today)
	want := []central.MetricsDay{
		{Date: d1, Procedure: "dang-ky-khai-sinh", Started: 2, Finished: 1, SelfServed: 1, HelpRequests: 1,
			Abandoned:         map[string]int{"q:ho_ten": 1},
			StepMedianSeconds: map[string]float64{"consent": 30, "q:ho_ten": 90}, Ratings: [5]int{0, 0, 0, 1, 0}},
		{Date: d2, Procedure: "", HelpRequests: 1},
		{Date: d2, Procedure: "chung-thuc-ban-sao", Started: 1, Finished: 1, SelfServed: 1,
			StepMedianSeconds: map[string]float64{"consent": 30}, Ratings: [5]int{0, 0, 0, 0, 1}},
	}
	if !reflect.DeepEqual(sent[0].Days, want) {
		t.Errorf("report =\n%+v\nwant\n%+v", sent[0].Days, want)
	}

	// A new session today: only today's procedure goes, once.
	record(t, s, finishedSession("chung-thuc-ban-sao", today, 3))
	waitFor(t, 10*time.Second, "a second metrics report", func() bool { return len(tap.raw()) >= 2 })
	heartbeatsAfter(t, c, 3)
	sent = tap.sent(t)
	if len(sent) != 2 {
		t.Fatalf("%d metrics reports; want 2", len(sent))
	}
	if got := sent[1].Days; len(got) != 1 || got[0].Date != d2 || got[0].Procedure != "chung-thuc-ban-sao" ||
		got[0].Started != 2 || got[0].Ratings != [5]int{0, 0, 1, 0, 1} {
		t.Errorf("second report = %+v; want today's chung-thuc-ban-sao alone, with both sessions", got)
	}
}

// TestMetricsBacklogGoesOverSeveralHeartbeats: after a long outage the
// days go 62 at a time, oldest first, as the central system takes them.
func TestMetricsBacklogGoesOverSeveralHeartbeats(t *testing.T) {
	c, tap, client := tappedCentral(t)
	s := openStore(t, t.TempDir(), offline.Options{})
	today := time.Now()
	for i := 69; i >= 0; i-- {
		record(t, s, finishedSession("dang-ky-khai-sinh", today.AddDate(0, 0, -i), 5))
	}
	startSyncer(t, offline.NewSyncer(s, client, metricsSync()))
	waitFor(t, 10*time.Second, "two metrics reports", func() bool { return len(tap.raw()) >= 2 })
	heartbeatsAfter(t, c, 3)
	sent := tap.sent(t)
	if len(sent) != 2 || len(sent[0].Days) != 62 || len(sent[1].Days) != 8 {
		var sizes []int
		for _, r := range sent {
			sizes = append(sizes, len(r.Days))
		}
		t.Fatalf("reports of %v days; want 62 then 8", sizes)
	}
	var dates []string
	for _, r := range sent {
		for _, d := range r.Days {
			dates = append(dates, d.Date)
		}
	}
	if first, last := dates[0], dates[len(dates)-1]; !slices.IsSorted(dates) ||
		first != selfserve.DayOf(today.AddDate(0, 0, -69)) || last != selfserve.DayOf(today) {
		t.Errorf("days sent %s … %s (sorted: %v); want the 70 days oldest first", first, last, slices.IsSorted(dates))
	}
}

// recordDuringSend records a session while the first metrics report is
// on its way, as a citizen finishing at that moment does.
type recordDuringSend struct {
	*central.Client
	once   sync.Once
	during func()
}

func (r *recordDuringSend) SendMetrics(ctx context.Context, m central.Metrics) error {
	r.once.Do(r.during)
	return r.Client.SendMetrics(ctx, m)
}

func TestMetricsRecordedDuringASendStayUnsent(t *testing.T) {
	c, tap, client := tappedCentral(t)
	s := openStore(t, t.TempDir(), offline.Options{})
	now := time.Now()
	record(t, s, finishedSession("dang-ky-khai-sinh", now, 5))
	sender := &recordDuringSend{Client: client, during: func() { // on the sync goroutine: no t.Fatal
		if err := s.RecordSession(abandonedSession("dang-ky-khai-sinh", now, selfserve.StepPapers, 0)); err != nil {
			t.Errorf("RecordSession during the send: %v", err)
		}
	}}
	startSyncer(t, offline.NewSyncer(s, sender, metricsSync()))
	waitFor(t, 10*time.Second, "two metrics reports", func() bool { return len(tap.raw()) >= 2 })
	heartbeatsAfter(t, c, 3)

	sent := tap.sent(t)
	if len(sent) != 2 {
		t.Fatalf("%d metrics reports; want 2: the day as first read, then with the session recorded meanwhile", len(sent))
	}
	first, second := sent[0].Days, sent[1].Days
	if len(first) != 1 || first[0].Started != 1 || len(first[0].Abandoned) != 0 {
		t.Errorf("first report = %+v; want the one finished session", first)
	}
	if len(second) != 1 || second[0].Started != 2 || second[0].Abandoned[selfserve.StepPapers] != 1 {
		t.Errorf("second report = %+v; want both sessions", second)
	}
}

// stepPattern is every step name a report may carry.
var stepPattern = regexp.MustCompile(`^(procedure|consent|identity|papers|review|pay|done|q:[a-z][a-z0-9_]*)$`)

// TestMetricsHoldNoPersonalData: a kiosk that holds a citizen's draft and
// dossier, and the sessions of every step of the procedure's real form,
// reports figures without a trace of the citizen, with step names only:
// not in the reports it sends, in plain text or in an encoding a leak
// could take, nor in what the reference server keeps of them.
func TestMetricsHoldNoPersonalData(t *testing.T) {
	const (
		name    = "Nguyễn Văn An"
		id      = "001203004567"
		phone   = "0912345678"
		address = "12 Lê Lợi"
	)
	var personal []string
	for _, p := range []string{name, address, "Văn An", "Lê Lợi"} {
		personal = append(personal, norm.NFC.String(p), norm.NFD.String(p), strings.ToUpper(p))
	}
	personal = append(personal, id, "203004567", "001 203 004 567", phone, "912345678", "+84912345678", "0912 345 678")
	forms := piiForms(personal)
	// The summary line of make reliability (cmd/reliability), written
	// even when a check below stops the test: every report the kiosk sent
	// and every record the server keeps of them, searched for every form.
	var scanned, hits, bytesScanned int
	t.Cleanup(func() {
		t.Logf("RELIABILITY area=privacy case=metrics-sent tried=%d lost=0 duplicated=0 corrupt=0 crashes=0 pii=%d forms=%d bytes=%d",
			scanned, hits, len(forms), bytesScanned)
	})
	scan := func(where string, data []byte) {
		scanned++
		bytesScanned += len(data)
		for _, f := range piiHits(data, forms) {
			hits++
			t.Errorf("%s holds %q %s: %s", where, f.value, f.how, data)
		}
	}

	cat, err := kiosk.ParseCatalog(assets.SampleCatalog())
	if err != nil {
		t.Fatal(err)
	}
	proc, ok := cat.Procedure("dang-ky-khai-sinh")
	if !ok {
		t.Fatal("the sample catalog has no dang-ky-khai-sinh")
	}
	serverFile := filepath.Join(t.TempDir(), "central.db")
	c, tap, client := tapCentral(t, startCentral(t, centralsim.Options{DataFile: serverFile}))
	s := openStore(t, t.TempDir(), offline.Options{})
	for _, draftID := range []string{"kept", "filed"} {
		d := birthDraft(draftID)
		d.Applicant = central.Applicant{FullName: name, PersonalID: id, Phone: phone}
		d.Answers["applicant_name"], d.Answers["applicant_id"], d.Answers["applicant_phone"] = name, id, phone
		d.Answers["child_birthplace"] = address
		if draftID == "kept" {
			if err := s.SaveDraft(d); err != nil {
				t.Fatal(err)
			}
		} else if _, err := s.Submit(d); err != nil {
			t.Fatal(err)
		}
	}

	// Every step of the journey through the real form, and a session
	// abandoned at each.
	steps := []selfserve.Step{{Name: selfserve.StepProcedure}, {Name: selfserve.StepConsent}, {Name: selfserve.StepIdentity}}
	papers := false
	for _, f := range proc.Form {
		if f.Kind == kiosk.KindAttachment {
			papers = true
			continue
		}
		steps = append(steps, selfserve.Step{Name: selfserve.QuestionStep(f.ID)})
	}
	if papers {
		steps = append(steps, selfserve.Step{Name: selfserve.StepPapers})
	}
	steps = append(steps, selfserve.Step{Name: selfserve.StepReview}, selfserve.Step{Name: selfserve.StepPay})
	for i := range steps {
		steps[i].Duration = time.Duration(i+1) * 7 * time.Second
	}
	now := time.Now()
	record(t, s, finishedSession(proc.ID, now, 5, steps...))
	for i, st := range steps {
		sess := abandonedSession(proc.ID, now, st.Name, i%2)
		sess.Steps = steps[:i+1]
		record(t, s, sess)
	}

	stop := startSyncer(t, offline.NewSyncer(s, client, metricsSync()))
	waitFor(t, 10*time.Second, "a metrics report", func() bool { return len(tap.raw()) >= 1 })
	waitFor(t, 10*time.Second, "the dossier to be settled", settled(t, s, 1))
	heartbeatsAfter(t, c, 1)
	stop()

	for i, body := range tap.raw() {
		scan(fmt.Sprintf("metrics report %d", i+1), body)
	}
	if err := c.srv.Close(); err != nil { // bbolt locks the file: read it once the server is done
		t.Fatal(err)
	}
	kept, control := serverMetricsRecords(t, serverFile)
	if len(kept) == 0 {
		t.Errorf("the server keeps no metrics record; want the day reported")
	}
	for where, data := range kept {
		scan("the server's "+where, data)
	}
	// The search must be able to fail: the dossier the server keeps in
	// the same file names the citizen, read the same way.
	if len(piiHits(control, forms)) == 0 {
		t.Errorf("the server's dossiers (%d bytes) do not show the seeded name: the scan of its file reads nothing", len(control))
	}

	sent := tap.sent(t)
	if len(sent) == 0 || len(sent[0].Days) != 1 {
		t.Fatalf("reports = %+v; want one day of one procedure", sent)
	}
	day := sent[0].Days[0]
	if len(day.Abandoned) != len(steps) || len(day.StepMedianSeconds) != len(steps) {
		t.Errorf("report has %d abandoned steps and %d medians; want %d each", len(day.Abandoned), len(day.StepMedianSeconds), len(steps))
	}
	for k := range day.Abandoned {
		if !stepPattern.MatchString(k) {
			t.Errorf("abandoned step %q is not a step name", k)
		}
	}
	for k := range day.StepMedianSeconds {
		if !stepPattern.MatchString(k) {
			t.Errorf("median's step %q is not a step name", k)
		}
	}
}

// TestPIIFormsFindEncodedLeaks: the forms piiForms searches for find a
// value that leaked JSON-escaped to ASCII or in base64 at any alignment,
// as a leak through another encoder, a log line or a blob would carry it.
func TestPIIFormsFindEncodedLeaks(t *testing.T) {
	const name = "Nguyễn Văn An"
	forms := piiForms([]string{name, "001203004567"})
	leaks := map[string][]byte{
		"plain":                  []byte(`{"note":"Nguyễn Văn An"}`),
		"JSON \\u, lower hex":    []byte(`{"note":"Nguy\u1ec5n V\u0103n An"}`),
		"JSON \\u, upper hex":    []byte(`{"note":"Nguy\u1EC5n V\u0103n An"}`),
		"digits in a longer run": []byte(`{"n":90012030045671}`),
	}
	for pad := range 3 {
		blob := append(bytes.Repeat([]byte{'x'}, pad), `{"applicant":"`+name+`"}`...)
		leaks[fmt.Sprintf("base64 after %d bytes", pad)] = []byte(base64.StdEncoding.EncodeToString(blob))
		leaks[fmt.Sprintf("base64url after %d bytes", pad)] = []byte(base64.RawURLEncoding.EncodeToString(blob))
	}
	for what, data := range leaks {
		if len(piiHits(data, forms)) == 0 {
			t.Errorf("piiHits(%s) finds nothing in %s", what, data)
		}
	}
	if got := piiHits([]byte(`{"days":[{"date":"2026-03-10","procedure":"dang-ky-khai-sinh","started":3}]}`), forms); len(got) != 0 {
		t.Errorf("piiHits(a clean report) = %+v; want none", got)
	}
}

// piiForm is one way a personal value may travel: as typed, or encoded.
type piiForm struct {
	value, how string
	data       []byte
}

// minBase64Run is the shortest base64 run searched for: shorter ones
// (two groups) turn up by chance in any blob.
const minBase64Run = 8

// piiForms returns every value as typed, JSON-escaped to ASCII (\uXXXX,
// both cases of hex, as encoders other than Go's write it) and in
// standard and URL-safe base64 at each of the three alignments a value
// can have inside a longer base64 blob.
func piiForms(values []string) []piiForm {
	var out []piiForm
	for _, v := range values {
		out = append(out, piiForm{v, "as typed", []byte(v)})
		if esc := jsonASCII(v); esc != v {
			out = append(out, piiForm{v, "JSON-escaped", []byte(esc)}, piiForm{v, "JSON-escaped", []byte(upperHexEscapes(esc))})
		}
		for pad := range 3 {
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
				if run := base64Run(enc, v, pad); len(run) >= minBase64Run {
					out = append(out, piiForm{v, fmt.Sprintf("in base64 at offset %d", pad), []byte(run)})
				}
			}
		}
	}
	return out
}

// jsonASCII writes v as a JSON string's content with every non-ASCII
// character as \uXXXX (a surrogate pair above U+FFFF).
func jsonASCII(v string) string {
	var b strings.Builder
	for _, r := range v {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case r > 0xFFFF:
			hi, lo := utf16.EncodeRune(r)
			fmt.Fprintf(&b, "\\u%04x\\u%04x", hi, lo)
		default:
			fmt.Fprintf(&b, "\\u%04x", r)
		}
	}
	return b.String()
}

var hexEscape = regexp.MustCompile(`\\u[0-9a-f]{4}`)

func upperHexEscapes(esc string) string {
	return hexEscape.ReplaceAllStringFunc(esc, func(m string) string { return `\u` + strings.ToUpper(m[2:]) })
}

// base64Run is the part of v's base64 that is the same whatever comes
// before and after it, when v starts pad bytes into a 3-byte group: the
// groups made of v's bytes only.
func base64Run(enc *base64.Encoding, v string, pad int) string {
	padded := append(make([]byte, pad), v...)
	whole := len(padded) / 3 * 3
	first := 0
	if pad > 0 {
		first = 3
	}
	if whole <= first {
		return ""
	}
	return strings.TrimRight(enc.EncodeToString(padded[:whole]), "=")[first/3*4:]
}

// piiHits returns the forms found in data.
func piiHits(data []byte, forms []piiForm) []piiForm {
	var found []piiForm
	for _, f := range forms {
		if bytes.Contains(data, f.data) {
			found = append(found, f)
		}
	}
	return found
}

// serverMetricsRecords reads the closed reference server's file: every
// key and value it keeps of the metrics (the days, and the idempotency
// records of POST /v1/metrics), by where they are; and, as a control, its
// dossiers. The bucket names are centralsim's (store.go).
func serverMetricsRecords(t *testing.T, file string) (records map[string][]byte, dossiers []byte) {
	t.Helper()
	db, err := bolt.Open(file, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatalf("open the server's file: %v", err)
	}
	defer db.Close()
	records = map[string][]byte{}
	err = db.View(func(tx *bolt.Tx) error {
		for _, name := range []string{"metrics_days", "idempotency", "dossiers"} {
			b := tx.Bucket([]byte(name))
			if b == nil {
				return fmt.Errorf("no bucket %q", name)
			}
			err := b.ForEach(func(k, v []byte) error {
				rec := append(append(bytes.Clone(k), ' '), v...) // copied out before the transaction ends
				switch {
				case name == "dossiers":
					dossiers = append(dossiers, rec...)
				case name == "metrics_days" || bytes.Contains(k, []byte("POST /v1/metrics|")):
					records[fmt.Sprintf("%s record %q", name, k)] = rec
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("read the server's file: %v", err)
	}
	return records, dossiers
}

// The UI records every session as it ends; the admin screen reads the
// figures back, for its chart and its CSV export.
func ExampleStore_RecordSession() {
	store, done := exampleStore()
	defer done()

	at := time.Date(2026, 3, 10, 9, 30, 0, 0, ict)
	err := store.RecordSession(selfserve.Session{
		Procedure: "dang-ky-khai-sinh", Started: at, Outcome: selfserve.Abandoned, LastStep: selfserve.QuestionStep("child_name"),
		Steps: []selfserve.Step{{Name: selfserve.StepConsent, Duration: 25 * time.Second}},
	})
	if err != nil {
		fmt.Println(err) // the figures miss one session; the citizen notices nothing
	}
	figs, err := store.Figures("2026-03-01", "2026-03-31")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range figs {
		fmt.Println(f.Date, f.Procedure, f.Started, "started,", f.AbandonedAt)
	}
	days := selfserve.Totals(figs, 3, at)
	fmt.Println(days[2].Date, days[2].Abandoned, "abandoned")
	// Output:
	// 2026-03-10 dang-ky-khai-sinh 1 started, map[q:child_name:1]
	// 2026-03-10 1 abandoned
}
