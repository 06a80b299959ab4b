package offline_test

import (
	"context"
	"errors"
	"maps"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/kiosk/centralsim"
	"github.com/motcua/kiosk/offline"
	"github.com/motcua/kiosk/offline/crashcheck"
)

// The clock test moves the kiosk's wall clock while it saves drafts and
// sends dossiers, as a dead clock battery (the kiosk boots hours in the
// past) followed by NTP (a jump forward), or a wrong setting put right,
// does. Waits and timers run on the monotonic clock and must not notice;
// what is stamped with the wall clock must stay right:
//
//   - A draft lives DraftLifetime from its last save, on the wall clock as
//     it read at that save. A jump back never makes a draft vanish: its
//     expiry was written ahead, so it only lives longer. A jump forward
//     past its expiry expires it, as the hours had really passed; the row
//     counts those as expired, not lost.
//   - A resume code locked under a clock that then goes back stays locked
//     for one lockout at most from then, not until the clock catches up.
//   - Every dossier reaches the central system once, whatever the clock.

// resumeLockout is the store's lock of a resume code after five wrong
// dates of birth.
const resumeLockout = 15 * time.Minute

// jumpClock is a wall clock that runs with real time from an offset the
// test moves. Its readings carry no monotonic part, as a time read back
// from disk carries none, so every comparison is on the wall clock.
type jumpClock struct{ offset atomic.Int64 }

func (c *jumpClock) Now() time.Time      { return time.Now().Add(time.Duration(c.offset.Load())).Round(0) }
func (c *jumpClock) set(d time.Duration) { c.offset.Store(int64(d)) }

// clockRecord is what the clock test acknowledged and what its checks found.
type clockRecord struct {
	drafts   []*offline.Draft // as acknowledged: SaveDraft set ID, UpdatedAt and ResumeCode
	lost     map[string]bool  // drafts that should load and did not, or loaded changed
	corrupt  map[string]bool  // drafts that no longer decrypt
	stale    int              // drafts past their lifetime that still loaded
	expired  int              // drafts the final jump forward expired, as it should
	lockOver int              // resume locks that outlived one lockout after a jump back
}

// checkDrafts loads every acknowledged draft at the clock's time: one
// whose lifetime has not passed must load with what was saved; one whose
// lifetime has passed must not. It returns how many had expired.
func (r *clockRecord) checkDrafts(t *testing.T, s *offline.Store, now time.Time, lifetime time.Duration, when string) (expired int) {
	t.Helper()
	for _, want := range r.drafts {
		got, err := s.LoadDraft(want.ID)
		alive := now.Before(want.UpdatedAt.Add(lifetime))
		switch {
		case !alive && errors.Is(err, offline.ErrNotFound):
			expired++
		case !alive:
			r.stale++
			t.Errorf("%s: draft %s saved at %v, past its lifetime at %v, still loads (%v)", when, want.ID, want.UpdatedAt, now, err)
		case errors.Is(err, offline.ErrTampered):
			r.corrupt[want.ID] = true
			t.Errorf("%s: draft %s: %v", when, want.ID, err)
		case err != nil:
			r.lost[want.ID] = true
			t.Errorf("%s: draft %s saved at %v (clock now %v): %v; want it loaded", when, want.ID, want.UpdatedAt, now, err)
		case !maps.Equal(got.Answers, want.Answers) || got.Applicant != want.Applicant ||
			got.ResumeCode != want.ResumeCode || !got.UpdatedAt.Equal(want.UpdatedAt):
			r.lost[want.ID] = true
			t.Errorf("%s: draft %s loads changed: %+v; want %+v", when, want.ID, got, want)
		}
	}
	return expired
}

// checkLockBounded tries the locked code with the right date: it must
// still be locked, but for one lockout from now at most.
func (r *clockRecord) checkLockBounded(t *testing.T, s *offline.Store, clk *jumpClock, code, when string) {
	t.Helper()
	_, err := s.ResumeDraft(code, "05/09/1990")
	now := clk.Now() // after the try: the store's clock read no later
	var locked *offline.LockedError
	if !errors.As(err, &locked) {
		t.Errorf("%s: ResumeDraft(the locked code) = %v; want still locked", when, err)
		return
	}
	if left := locked.Until.Sub(now); left > resumeLockout {
		r.lockOver++
		t.Errorf("%s: the resume code is locked for %v more; want at most %v after the clock went back", when, left.Round(time.Minute), resumeLockout)
	}
}

func TestClockJumps(t *testing.T) {
	const (
		lifetime  = 72 * time.Hour
		batch     = 15 // dossiers queued before each jump, so the jump lands while they are sent
		perJump   = 4  // drafts saved after each jump
		wrongDate = "01/01/2000"
	)
	clk := &jumpClock{}
	// 503s make the Syncer wait out backoffs across the jumps.
	env := startCentral(t, centralsim.Options{FaultRate: 0.2, Latency: 2 * time.Millisecond, Seed: 11})
	enr, err := env.newClient(t, 20).Enroll(context.Background(), central.EnrollRequest{Code: env.srv.EnrollCode(), Hostname: "clock"})
	if err != nil {
		t.Fatal(err)
	}
	client := env.newClient(t, -1) // no retries inside the client: every 503 reaches the Syncer's backoff
	client.SetCredentials(enr.DeviceID, enr.DeviceToken)
	s := openStore(t, t.TempDir(), offline.Options{Now: clk.Now, DraftLifetime: lifetime})
	opts := fastSync()
	opts.Now = clk.Now
	y := offline.NewSyncer(s, client, opts)

	rec := &clockRecord{lost: map[string]bool{}, corrupt: map[string]bool{}}
	ledger := crashcheck.New()
	queued, jumps, midSend, purged := 0, 0, 0, 0
	t.Cleanup(func() {
		t.Logf("RELIABILITY area=faults case=clock-jump tried=%d lost=%d duplicated=%d corrupt=%d crashes=0 pii=0 drafts=%d dossiers=%d jumps=%d mid-send=%d expired=%d kept-past-lifetime=%d lock-over=%d",
			len(rec.drafts)+queued, len(rec.lost)+ledger.Lost, ledger.Duplicated, len(rec.corrupt)+ledger.Corrupt,
			len(rec.drafts), queued, jumps, midSend, rec.expired, rec.stale, rec.lockOver)
	})
	saveDrafts := func(n int) {
		for range n {
			d := birthDraft("")
			if err := s.SaveDraft(d); err != nil {
				t.Fatalf("SaveDraft at %v: %v", clk.Now(), err)
			}
			rec.drafts = append(rec.drafts, d)
		}
	}
	// queueAndJump queues a batch, wakes the Syncer and moves the clock
	// while the batch is being sent; a maintenance run follows, as the
	// hourly one may, and must purge nothing before its time.
	queueAndJump := func(to time.Duration) {
		for range batch {
			if _, err := s.Submit(birthDraft("")); err != nil {
				t.Fatalf("Submit at %v: %v", clk.Now(), err)
			}
			queued++
		}
		y.Wake()
		clk.set(to)
		jumps++
		if q, sending, _, _, _ := s.OutboxCounts(); q+sending > 0 {
			midSend++
		}
		n, err := s.PurgeExpiredDrafts()
		if err != nil {
			t.Fatalf("PurgeExpiredDrafts at %v: %v", clk.Now(), err)
		}
		purged += n
	}

	saveDrafts(perJump) // at the true time
	stop := startSyncer(t, y)

	queueAndJump(3 * time.Hour)
	saveDrafts(perJump)
	queueAndJump(28 * time.Hour) // +25 h more
	saveDrafts(perJump)
	// A citizen mistypes their date of birth five times: the code locks
	// for a lockout on the clock as it reads now.
	lockedCode := rec.drafts[len(rec.drafts)-1].ResumeCode
	for range 5 {
		_, err := s.ResumeDraft(lockedCode, wrongDate)
		if err == nil {
			t.Fatal("ResumeDraft with a wrong date of birth = nil")
		}
	}

	queueAndJump(26 * time.Hour) // back 2 h
	rec.checkDrafts(t, s, clk.Now(), lifetime, "2 h back")
	rec.checkLockBounded(t, s, clk, lockedCode, "2 h back")
	queueAndJump(-time.Hour) // behind the time the first drafts were saved
	rec.checkDrafts(t, s, clk.Now(), lifetime, "behind the first saves")
	rec.checkLockBounded(t, s, clk, lockedCode, "behind the first saves")
	if list, err := s.ListDrafts(); err != nil || len(list) != len(rec.drafts) {
		t.Errorf("ListDrafts behind the first saves = %d drafts, %v; want all %d", len(list), err, len(rec.drafts))
	}
	saveDrafts(perJump)
	clk.set(-time.Hour + resumeLockout + time.Minute) // a lockout later: the code opens again
	if d, err := s.ResumeDraft(lockedCode, "05/09/1990"); err != nil || d.ResumeCode != lockedCode {
		rec.lockOver++
		t.Errorf("ResumeDraft a lockout after the clock went back = %v; want the draft", err)
	}
	if purged != 0 {
		t.Errorf("maintenance after the jumps purged %d drafts; none had reached its lifetime", purged)
	}

	waitFor(t, 30*time.Second, "the outbox to drain across the jumps", settled(t, s, queued))
	stop()
	if err := ledger.CheckServer(outbox(t, s), env.dossierCodes(t)); err != nil {
		t.Errorf("after the clock jumps: %v", err)
	}
	if err := s.Check(); err != nil {
		ledger.Corrupt++
		t.Errorf("store Check after the clock jumps: %v", err)
	}
	if midSend != jumps {
		t.Errorf("%d of %d jumps came while dossiers were being sent; want all", midSend, jumps)
	}

	// Forward past the lifetime of the drafts saved at the true time and
	// an hour before it, not of those saved 3 h and 28 h ahead: only the
	// first expire, and the maintenance run removes exactly them.
	clk.set(lifetime + 2*time.Hour)
	jumps++
	n, err := s.PurgeExpiredDrafts()
	if err != nil {
		t.Fatalf("PurgeExpiredDrafts past the lifetime: %v", err)
	}
	rec.expired = rec.checkDrafts(t, s, clk.Now(), lifetime, "past the lifetime")
	if want := 2 * perJump; rec.expired != want || n != want {
		t.Errorf("a jump past the lifetime expired %d drafts and the purge removed %d; want %d and %d", rec.expired, n, want, want)
	}
}
