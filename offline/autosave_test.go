package offline

import (
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	berrors "go.etcd.io/bbolt/errors"
)

// recordingSaver remembers what it saved and when, and fails while fail
// says so.
type recordingSaver struct {
	mu    sync.Mutex
	saved []*Draft
	at    []time.Time
	fail  error
	calls chan struct{}
}

func newRecordingSaver() *recordingSaver {
	return &recordingSaver{calls: make(chan struct{}, 100)}
}

func (r *recordingSaver) SaveDraft(d *Draft) error {
	r.mu.Lock()
	defer func() {
		r.mu.Unlock()
		r.calls <- struct{}{}
	}()
	if r.fail != nil {
		return r.fail
	}
	r.saved = append(r.saved, d.Clone())
	r.at = append(r.at, time.Now())
	return nil
}

func (r *recordingSaver) setFail(err error) {
	r.mu.Lock()
	r.fail = err
	r.mu.Unlock()
}

func (r *recordingSaver) snapshot() ([]*Draft, []time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*Draft(nil), r.saved...), append([]time.Time(nil), r.at...)
}

// startAutosaver runs a on its own goroutine until the test ends.
func startAutosaver(t *testing.T, a *Autosaver) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// waitResult waits for onResult's next call.
func waitResult(t *testing.T, results <-chan error, within time.Duration) error {
	t.Helper()
	select {
	case err := <-results:
		return err
	case <-time.After(within):
		t.Fatalf("no save reported within %v", within)
		return nil
	}
}

func resultsChan() (chan error, func(error)) {
	ch := make(chan error, 100)
	return ch, func(err error) { ch <- err }
}

func TestNewAutosaverDelay(t *testing.T) {
	tests := []struct{ in, want time.Duration }{
		{0, 250 * time.Millisecond},
		{-time.Second, 250 * time.Millisecond},
		{100 * time.Millisecond, 100 * time.Millisecond},
		{300 * time.Millisecond, 300 * time.Millisecond},
		{time.Second, 300 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := NewAutosaver(newRecordingSaver(), tt.in, nil).delay; got != tt.want {
			t.Errorf("NewAutosaver(delay %v).delay = %v; want %v", tt.in, got, tt.want)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	tests := []struct {
		failures int
		want     time.Duration
	}{
		{1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second},
		{5, 16 * time.Second}, {6, 30 * time.Second}, {100, 30 * time.Second},
	}
	for _, tt := range tests {
		if got := retryAfter(tt.failures); got != tt.want {
			t.Errorf("retryAfter(%d) = %v; want %v", tt.failures, got, tt.want)
		}
	}
}

// TestAutosaverCoalesces: a burst of edits is one save, of the last one,
// within the delay.
func TestAutosaverCoalesces(t *testing.T) {
	r := newRecordingSaver()
	results, onResult := resultsChan()
	a := NewAutosaver(r, 100*time.Millisecond, onResult)
	startAutosaver(t, a)

	d := sampleDraft()
	start := time.Now()
	for _, name := range []string{"T", "Tr", "Trầ", "Trần"} {
		d.Answers["child_name"] = name
		a.Changed(d)
	}
	if err := waitResult(t, results, time.Second); err != nil {
		t.Fatalf("save reported %v", err)
	}
	saved, at := r.snapshot()
	if len(saved) != 1 || saved[0].Answers["child_name"] != "Trần" {
		t.Fatalf("saved %d drafts; want 1 with the last edit", len(saved))
	}
	// 100 ms, with room for a busy machine's scheduling.
	if took := at[0].Sub(start); took < 90*time.Millisecond || took > 250*time.Millisecond {
		t.Errorf("saved %v after the first edit; want about 100 ms", took)
	}
}

// TestAutosaverBoundsLatency: steady typing is saved every delay, not
// held back until the typing stops.
func TestAutosaverBoundsLatency(t *testing.T) {
	r := newRecordingSaver()
	a := NewAutosaver(r, 50*time.Millisecond, nil)
	startAutosaver(t, a)

	d := sampleDraft()
	start := time.Now()
	for i := 0; time.Since(start) < 250*time.Millisecond; i++ {
		d.Answers["note"] = string(rune('a' + i%26))
		a.Changed(d)
		time.Sleep(10 * time.Millisecond)
	}
	saved, _ := r.snapshot()
	if len(saved) < 3 {
		t.Errorf("%d saves during 250 ms of typing with a 50 ms delay; want at least 3", len(saved))
	}
}

// TestAutosaverCopies: the saver works on a copy taken at Changed, so the
// UI may keep editing its own draft.
func TestAutosaverCopies(t *testing.T) {
	r := newRecordingSaver()
	a := NewAutosaver(r, 0, nil)
	d := sampleDraft()
	d.Attachments = []LocalAttachment{{Name: "a.jpg", Data: []byte{1, 2, 3}}}
	a.Changed(d)
	d.Answers["child_name"] = "edited after"
	d.Attachments[0].Data[0] = 9
	if err := a.Flush(); err != nil {
		t.Fatal(err)
	}
	saved, _ := r.snapshot()
	if len(saved) != 1 || saved[0].Answers["child_name"] != "Trần Minh An" || saved[0].Attachments[0].Data[0] != 1 {
		t.Errorf("saved %+v; want the draft as it was at Changed", saved)
	}
}

func TestAutosaverFlush(t *testing.T) {
	r := newRecordingSaver()
	results, onResult := resultsChan()
	a := NewAutosaver(r, 0, onResult)
	if err := a.Flush(); err != nil {
		t.Errorf("Flush() with nothing changed = %v", err)
	}
	d := &Draft{ProcedureID: "p"}
	a.Changed(d)
	if d.ID == "" {
		t.Errorf("Changed left the draft without an id")
	}
	for i := range 2 {
		if err := a.Flush(); err != nil {
			t.Errorf("Flush() #%d = %v", i+1, err)
		}
	}
	if saved, _ := r.snapshot(); len(saved) != 1 || saved[0].ID != d.ID {
		t.Errorf("saved %d drafts; want one, with the id Changed gave", len(saved))
	}
	if n := len(results); n != 1 || <-results != nil {
		t.Errorf("onResult called %d times; want once, with nil", n)
	}

	a.Changed(d)
	a.Discard()
	if err := a.Flush(); err != nil {
		t.Errorf("Flush() after Discard = %v", err)
	}
	if saved, _ := r.snapshot(); len(saved) != 1 {
		t.Errorf("a discarded change was saved")
	}
}

// TestAutosaverRetries: a failed save is reported, kept and retried until
// it succeeds, which is reported too.
func TestAutosaverRetries(t *testing.T) {
	r := newRecordingSaver()
	full := errors.New("disk full")
	r.setFail(full)
	results, onResult := resultsChan()
	a := NewAutosaver(r, 20*time.Millisecond, onResult)
	a.backoff = func(n int) time.Duration { return time.Duration(n) * 20 * time.Millisecond }
	startAutosaver(t, a)

	d := sampleDraft()
	a.Changed(d)
	for i := range 2 {
		if err := waitResult(t, results, time.Second); !errors.Is(err, full) {
			t.Fatalf("result #%d = %v; want disk full", i+1, err)
		}
	}
	r.setFail(nil)
	if err := waitResult(t, results, time.Second); err != nil {
		t.Fatalf("result after the disk recovered = %v; want nil", err)
	}
	if saved, _ := r.snapshot(); len(saved) != 1 || saved[0].ID != d.ID {
		t.Errorf("saved %d drafts; want the kept one", len(saved))
	}
}

func TestAutosaverSavesOnStop(t *testing.T) {
	r := newRecordingSaver()
	a := NewAutosaver(r, MaxAutosaveDelay, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Run(ctx); close(done) }()
	a.Changed(sampleDraft())
	cancel()
	<-done
	if saved, _ := r.snapshot(); len(saved) != 1 {
		t.Errorf("saved %d drafts when stopped; want the pending one", len(saved))
	}
}

// TestAutosaverDiskFull runs the autosaver on a real store capped at
// 1 MiB: a 2 MiB scan does not fit, the citizen hears so, what was saved
// before stays intact, and once the scan is removed the next save works.
func TestAutosaverDiskFull(t *testing.T) {
	s, _ := newClockedStore(t, "", Options{MaxSize: 1 << 20})
	results, onResult := resultsChan()
	a := NewAutosaver(s, 20*time.Millisecond, onResult)
	startAutosaver(t, a) // the default backoff (1 s): the edit below must not wait for it

	d := sampleDraft()
	a.Changed(d)
	if err := waitResult(t, results, time.Second); err != nil {
		t.Fatalf("first save = %v", err)
	}
	saved := d.Clone()

	d.Attachments = []LocalAttachment{{Document: 1, Name: "scan.jpg", MIME: "image/jpeg", Data: make([]byte, 2<<20)}}
	d.Answers["note"] = "thêm bản scan"
	a.Changed(d)
	if err := waitResult(t, results, time.Second); !errors.Is(err, berrors.ErrMaxSizeReached) {
		t.Fatalf("save with a 2 MiB scan = %v; want ErrMaxSizeReached", err)
	}
	got, err := s.LoadDraft(d.ID)
	if err != nil || !reflect.DeepEqual(got.Answers, saved.Answers) || got.Attachments != nil {
		t.Errorf("LoadDraft after the failed save = %v; want the earlier save intact", err)
	}
	if err := s.Check(); err != nil {
		t.Errorf("Check() = %v", err)
	}

	d.Attachments = nil
	a.Changed(d)
	if err := waitResult(t, results, 500*time.Millisecond); err != nil {
		t.Fatalf("save without the scan = %v; want nil", err)
	}
	if got, err := s.LoadDraft(d.ID); err != nil || got.Answers["note"] != "thêm bản scan" {
		t.Errorf("LoadDraft after recovery = %v; want the latest answers", err)
	}
}
