package offline_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/kiosk/centralsim"
	"github.com/motcua/kiosk/offline"
)

// flushSize is a kiosk's backlog after a long day offline, and then some.
const flushSize = 1000

// BenchmarkOutboxFlush queues 1,000 birth registrations in a real store
// and times the sync loop sending them, oldest first and one at a time as
// it does, to the reference server on loopback until every one is
// accepted. Each iteration has its own store and server, so no dossier is
// ever a replay. It reports the rate and the whole flush's time.
//
//	go test -run '^$' -bench OutboxFlush -benchtime 1x ./offline/
func BenchmarkOutboxFlush(b *testing.B) {
	var took time.Duration
	iterations := 0
	for b.Loop() {
		b.StopTimer()
		f := newFlush(b)
		b.StartTimer()
		start := time.Now()
		f.run(b)
		took += time.Since(start)
		iterations++
		b.StopTimer()
		f.check(b) // the store and server close when the benchmark ends
		b.StartTimer()
	}
	b.ReportMetric(float64(flushSize*iterations)/took.Seconds(), "dossiers/s")
	b.ReportMetric(took.Seconds()/float64(iterations), "flush-s")
}

// flush is one kiosk with a full outbox, enrolled with its own reference
// server.
type flush struct {
	central *centralEnv
	client  *central.Client
	store   *offline.Store
}

// newFlush starts a reference server on 127.0.0.1, enrols a client with
// it and queues flushSize dossiers.
func newFlush(b *testing.B) *flush {
	env := startCentral(b, centralsim.Options{})
	f := &flush{central: env, client: env.enrolled(b, 2), store: openStore(b, b.TempDir(), offline.Options{})}
	for i := range flushSize {
		d := birthDraft(fmt.Sprintf("d_%016x", i+1))
		d.Answers["child_name"] = fmt.Sprintf("Trần Minh An %c", 'A'+rune(i%26))
		d.Answers["extract_copies"] = fmt.Sprint(1 + i%3)
		if _, err := f.store.Submit(d); err != nil {
			b.Fatalf("Submit %d: %v", i, err)
		}
	}
	return f
}

// run runs the sync loop, with its default options, until the outbox has
// nothing left to send.
func (f *flush) run(b *testing.B) {
	drained := make(chan struct{})
	closed := false
	opts := offline.SyncOptions{Log: zerolog.Nop(), OnStatus: func(st offline.Status) {
		if st.Queued == 0 && !st.Sending && !closed {
			closed = true // OnStatus is called from the sync goroutine only
			close(drained)
		}
	}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- offline.NewSyncer(f.store, f.client, opts).Run(ctx) }()
	select {
	case <-drained:
	case <-time.After(5 * time.Minute):
		b.Error("the outbox was not drained within 5 minutes")
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		b.Errorf("Run = %v; want context.Canceled", err)
	}
}

// check makes sure every dossier was accepted once: flushSize accepted in
// the outbox, as many on the server.
func (f *flush) check(b *testing.B) {
	queued, sending, accepted, rejected, err := f.store.OutboxCounts()
	if err != nil || accepted != flushSize {
		b.Fatalf("OutboxCounts = %d queued, %d sending, %d accepted, %d rejected, %v; want %d accepted",
			queued, sending, accepted, rejected, err, flushSize)
	}
	ds, err := f.central.srv.Dossiers()
	if err != nil || len(ds) != flushSize {
		b.Fatalf("the server holds %d dossiers (%v); want %d", len(ds), err, flushSize)
	}
}
