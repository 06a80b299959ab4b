package offline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk/central"
)

// heartbeatRecorder is a Sender that records heartbeats and refuses to
// send anything else.
type heartbeatRecorder struct {
	mu   sync.Mutex
	sent []central.Heartbeat
	err  error
}

func (r *heartbeatRecorder) Heartbeat(_ context.Context, hb central.Heartbeat) (central.HeartbeatReply, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, hb)
	return central.HeartbeatReply{Config: central.DeviceConfig{IdleTimeoutSeconds: 120}}, r.err
}

func (r *heartbeatRecorder) last(t *testing.T) central.Heartbeat {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.sent) == 0 {
		t.Fatal("no heartbeat was sent")
	}
	return r.sent[len(r.sent)-1]
}

func (*heartbeatRecorder) UploadAttachmentWithKey(context.Context, string, string, []byte, int) (central.Attachment, error) {
	return central.Attachment{}, central.ErrOffline
}

func (*heartbeatRecorder) SubmitDossierWithKey(context.Context, string, central.DossierRequest) (central.Dossier, error) {
	return central.Dossier{}, central.ErrOffline
}

func (*heartbeatRecorder) Catalog(context.Context, string) (*central.Catalog, []byte, string, bool, error) {
	return nil, nil, "", false, central.ErrOffline
}

// TestHeartbeatHoldsNoPersonalData uses a store as a kiosk does — drafts
// of the seeded applicant saved, resumed, submitted, one refused with
// messages that quote what was typed, an incident whose details quote a
// number and a database key — and sends a heartbeat: its JSON must hold
// none of the seeded values, and still say what IT staff need.
func TestHeartbeatHoldsNoPersonalData(t *testing.T) {
	var logs bytes.Buffer
	s, clock := newClockedStore(t, t.TempDir(), Options{Log: zerolog.New(&logs)})
	useLikeAKiosk(t, s, clock) // one draft left, one dossier queued
	refused, err := s.Submit(sampleDraft())
	if err != nil {
		t.Fatal(err)
	}
	problems := map[string]string{"mother_id": "Số " + seedID + " của " + seedName + " không đúng", "mother_address": seedAddress}
	if _, err := s.markRejected(refused.Seq, problems, "422 validation_failed"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddIncident(Incident{At: clock.Now(), Kind: "test",
		Details: "lookup of " + seedPhone + " failed: key[1]=(hex)" + hexOf(seedID)}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutCatalog([]byte(`{"version":"x"}`), `"etag-1"`); err != nil {
		t.Fatal(err)
	}

	sender := &heartbeatRecorder{}
	y := NewSyncer(s, sender, SyncOptions{Version: "1.2.3", Log: zerolog.New(&logs), Now: clock.Now})
	y.update(func(st *Status) { st.LastError = "offline" })
	y.heartbeat(context.Background())
	hb := sender.last(t)

	data, err := json.Marshal(hb)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range leaks(data) {
		t.Errorf("the heartbeat holds %q: %s", p, data)
	}
	if strings.Contains(string(data), hexOf(seedID)) {
		t.Errorf("the heartbeat holds a database key: %s", data)
	}
	for _, p := range leaks(logs.Bytes()) {
		t.Errorf("the log holds %q", p)
	}

	want := central.Heartbeat{Version: "1.2.3", IntervalSeconds: 300, OutboxQueued: 1, OutboxRejected: 1, Drafts: 1,
		LastError: "offline", DBCheck: central.DBCheckOK, CatalogETag: `"etag-1"`}
	got := hb
	got.UptimeSeconds, got.DiskFreeBytes, got.DiskTotalBytes, got.DBSizeBytes, got.DBCheckedAt, got.Incidents = 0, 0, 0, 0, time.Time{}, nil
	if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
		t.Errorf("heartbeat = %s; want %s", g, w)
	}
	if hb.DBSizeBytes <= 0 || !hb.DBCheckedAt.Equal(clock.Now()) || len(hb.Incidents) != 1 {
		t.Errorf("heartbeat db size %d, checked at %v, %d incidents; want the file's size, the check just run, the incident", hb.DBSizeBytes, hb.DBCheckedAt, len(hb.Incidents))
	}
	if runtime.GOOS == "linux" && (hb.DiskTotalBytes <= 0 || hb.DiskFreeBytes < 0 || hb.DiskFreeBytes > hb.DiskTotalBytes) {
		t.Errorf("disk free %d of %d bytes; want the data directory's file system", hb.DiskFreeBytes, hb.DiskTotalBytes)
	}
	if left, _ := s.Incidents(); len(left) != 0 {
		t.Errorf("after an accepted heartbeat the store keeps %d incidents; want them forgotten", len(left))
	}
	if st := y.Status(); !st.Online || st.LastError != "" || !st.LastSuccess.Equal(clock.Now()) {
		t.Errorf("status after an accepted heartbeat = %+v; want online, no error, last success now", st)
	}
}

func hexOf(s string) string {
	const digits = "0123456789abcdef"
	var b strings.Builder
	for _, c := range []byte(s) {
		b.WriteByte(digits[c>>4])
		b.WriteByte(digits[c&15])
	}
	return b.String()
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestHealthReportsAFailedCheckOnce: damage found while running is in
// every heartbeat's db_check and one incident, and the check runs again
// only after CheckEvery.
func TestHealthReportsAFailedCheckOnce(t *testing.T) {
	s, clock := newClockedStore(t, t.TempDir(), Options{})
	sender := &heartbeatRecorder{}
	y := NewSyncer(s, sender, SyncOptions{Log: zerolog.Nop(), Now: clock.Now, CheckEvery: time.Hour})
	if got := y.Health().DBCheck; got != central.DBCheckUnknown {
		t.Errorf("before any check, db_check = %q; want %q", got, central.DBCheckUnknown)
	}
	checks := 0
	y.check = func() error { checks++; return errors.New("page 12: unreachable unfreed") }
	start := time.Now()
	y.checkStoreIfDue(start)
	y.checkStoreIfDue(start.Add(time.Minute)) // not due: not run
	y.checkStoreIfDue(start.Add(time.Hour))   // due: fails again, no second incident
	if checks != 2 {
		t.Errorf("the check ran %d times; want 2 (at start and after CheckEvery)", checks)
	}
	if hb := y.Health(); hb.DBCheck != central.DBCheckFailed || len(hb.Incidents) != 1 || hb.Incidents[0].Kind != incidentCheckFailed {
		t.Errorf("heartbeat db_check %q, incidents %+v; want failed and one %s", hb.DBCheck, hb.Incidents, incidentCheckFailed)
	}
}

// TestHeartbeatFailureIsInTheStatus: a heartbeat that cannot reach the
// central system says so in the status, as any other request does.
func TestHeartbeatFailureIsInTheStatus(t *testing.T) {
	s, _ := newClockedStore(t, t.TempDir(), Options{})
	sender := &heartbeatRecorder{err: central.ErrOffline}
	y := NewSyncer(s, sender, SyncOptions{Log: zerolog.Nop()})
	y.heartbeat(context.Background())
	if st := y.Status(); st.Online || st.LastError != "offline" {
		t.Errorf("status after a failed heartbeat = %+v; want offline", st)
	}
	if hb := y.Health(); hb.LastError != "offline" {
		t.Errorf("the next heartbeat's last_error = %q; want offline", hb.LastError)
	}
}
