package offline

import (
	"context"
	"sync"
	"time"
)

// saver is what the Autosaver needs from the store.
type saver interface {
	SaveDraft(d *Draft) error
}

// Autosave timing.
const (
	// MaxAutosaveDelay is the longest a change waits before its save
	// starts: the promise of a save within 300 ms.
	MaxAutosaveDelay     = 300 * time.Millisecond
	defaultAutosaveDelay = 250 * time.Millisecond
	firstRetry           = time.Second
	maxRetry             = 30 * time.Second
)

// Autosaver saves a draft shortly after every change, off the UI
// goroutine. The UI calls Changed on every edit; Run, on its own
// goroutine, saves the latest copy at most delay after the first change
// not yet saved, so fast typing costs one save per delay, not one per
// key, and never waits longer than delay.
//
// When a save fails (disk full, read-only disk) the latest copy stays in
// memory, onResult hears the error, and Run retries: after 1 s, 2 s, 4 s…
// up to 30 s, or sooner when a new change comes (it may be smaller and
// fit). onResult hears the result of every save, so nil after a failure
// means the answers are safe again.
type Autosaver struct {
	store    saver
	delay    time.Duration
	onResult func(error)
	backoff  func(failures int) time.Duration // tests shorten it

	wake   chan struct{} // a change is waiting; capacity 1, never blocks
	saveMu sync.Mutex    // one save at a time, so saves land in order

	mu      sync.Mutex
	pending *Draft // the latest copy not yet saved; nil when all is saved
	version uint64 // counts changes, to tell whether pending moved on
}

// NewAutosaver returns an Autosaver that saves to store. delay is how
// long a change may wait, at most MaxAutosaveDelay (0 means 250 ms).
// onResult, if not nil, is called from the saving goroutine after every
// save, with nil or the error: the UI wraps it in fyne.Do.
func NewAutosaver(store saver, delay time.Duration, onResult func(err error)) *Autosaver {
	if delay <= 0 {
		delay = defaultAutosaveDelay
	}
	delay = min(delay, MaxAutosaveDelay)
	if onResult == nil {
		onResult = func(error) {}
	}
	return &Autosaver{store: store, delay: delay, onResult: onResult, backoff: retryAfter,
		wake: make(chan struct{}, 1)}
}

// retryAfter is 1 s after the first failure, doubling up to 30 s.
func retryAfter(failures int) time.Duration {
	d := firstRetry
	for i := 1; i < failures && d < maxRetry; i++ {
		d *= 2
	}
	return min(d, maxRetry)
}

// Changed records an edit of d. It copies d at once (the UI goes on
// editing its own) and never blocks. A draft without an id gets one here,
// on d itself, so that every later save lands on the same record.
func (a *Autosaver) Changed(d *Draft) {
	if d.ID == "" {
		d.ID = newDraftID()
	}
	c := d.Clone()
	a.mu.Lock()
	a.pending = c
	a.version++
	a.mu.Unlock()
	a.poke()
}

func (a *Autosaver) poke() {
	select {
	case a.wake <- struct{}{}:
	default: // a wake-up is already waiting; it will find the latest copy
	}
}

// Discard forgets any copy not yet saved, e.g. at an idle reset after a
// failed save, when the citizen's data must leave memory.
func (a *Autosaver) Discard() {
	a.mu.Lock()
	a.pending = nil
	a.version++
	a.mu.Unlock()
}

// Flush saves the latest change now, on the caller's goroutine, and
// returns the result: before submitting, or when the citizen leaves. It
// returns nil when there is nothing to save.
func (a *Autosaver) Flush() error {
	saved, err := a.saveLatest()
	if saved {
		a.onResult(err)
	}
	if err != nil {
		a.poke() // let Run keep retrying
	}
	return err
}

// saveLatest saves the latest copy, if any. The copy leaves memory only
// once saved and not replaced in the meantime.
func (a *Autosaver) saveLatest() (saved bool, err error) {
	a.saveMu.Lock()
	defer a.saveMu.Unlock()
	a.mu.Lock()
	d, version := a.pending, a.version
	a.mu.Unlock()
	if d == nil {
		return false, nil
	}
	err = a.store.SaveDraft(d)
	if err == nil {
		a.mu.Lock()
		if a.version == version {
			a.pending = nil
		}
		a.mu.Unlock()
	}
	return true, err
}

// Run saves changes until ctx ends, then makes one last save of what is
// left, so that stopping the kiosk loses nothing that could be saved.
func (a *Autosaver) Run(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var due time.Time // when the timer fires; zero when stopped
	failures := 0
	for {
		select {
		case <-ctx.Done():
			timer.Stop()
			if saved, err := a.saveLatest(); saved {
				a.onResult(err)
			}
			return
		case <-a.wake:
			// The first unsaved change sets the deadline; later ones do not
			// move it (a bound, not an endless debounce), but do cut a long
			// retry wait short.
			if at := time.Now().Add(a.delay); due.IsZero() || due.After(at) {
				timer.Reset(a.delay)
				due = at
			}
		case <-timer.C:
			due = time.Time{}
			saved, err := a.saveLatest()
			if !saved {
				continue
			}
			a.onResult(err)
			if err == nil {
				failures = 0
				continue
			}
			failures++
			wait := a.backoff(failures)
			timer.Reset(wait)
			due = time.Now().Add(wait)
		}
	}
}
