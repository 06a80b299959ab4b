package offline

import (
	"context"
	"errors"
	"fmt"
	"maps"
	mathrand "math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
)

// Sender is what the sync loop needs of the central system; a
// *central.Client has these methods.
type Sender interface {
	UploadAttachmentWithKey(ctx context.Context, key, name string, data []byte, document int) (central.Attachment, error)
	SubmitDossierWithKey(ctx context.Context, key string, req central.DossierRequest) (central.Dossier, error)
	Catalog(ctx context.Context, etag string) (cat *central.Catalog, raw []byte, newETag string, notModified bool, err error)
	Heartbeat(ctx context.Context, hb central.Heartbeat) (central.HeartbeatReply, error)
}

var _ Sender = (*central.Client)(nil)

// Why sending is paused (Status.Blocked). Each needs a person; nothing is
// dropped meanwhile.
const (
	BlockedUnauthorized = "unauthorized" // the device token was refused: re-enrol
	BlockedPinMismatch  = "pin_mismatch" // the server's key is not a pinned one
	BlockedUntrusted    = "untrusted"    // the server's certificate does not verify
	BlockedRefused      = "refused"      // the server refuses the request for a reason the kiosk cannot fix
)

// Status is what the UI shows about sending. It holds no personal data.
type Status struct {
	Online      bool      // the central system answered the last request
	Queued      int       // dossiers waiting to be sent (queued or sending)
	Rejected    int       // dossiers refused, waiting for ReturnRejected
	Sending     bool      // a dossier is on its way right now
	LastSuccess time.Time // when a request to the central system last succeeded
	LastError   string    // the kind of the last failure since then ("offline", "503 unavailable"…), never a message
	Blocked     string    // why sending is paused (Blocked… constants); "" while it is not
	// CatalogVersion is the version of the newest catalog fetched or cached.
	CatalogVersion string
}

// SyncOptions configure a Syncer. Every zero value is a sensible default.
type SyncOptions struct {
	// BackoffBase and BackoffMax shape the wait after a transient failure
	// (defaults 1 s and 60 s): after n failures in a row a random time in
	// [0, min(BackoffMax, BackoffBase·2ⁿ⁻¹)] ("full jitter").
	BackoffBase, BackoffMax time.Duration
	// BlockedRetry is how often a paused loop (Status.Blocked) tries again
	// (default 5 min); Wake tries at once.
	BlockedRetry time.Duration
	// Jitter returns a random duration in [0, ceiling]; nil uses
	// math/rand/v2. Tests pass a fixed one.
	Jitter func(ceiling time.Duration) time.Duration
	// CatalogEvery is how often the catalog is refreshed (default 15 min),
	// and PurgeEvery how often old outbox items and self-service figures
	// are purged (default 1 h). Both also happen when Run starts.
	CatalogEvery, PurgeEvery time.Duration
	// HeartbeatEvery is how often the kiosk reports its health and its
	// incidents (default 5 min), and at start; Version goes with it. The
	// central system calls a kiosk stale after three missed heartbeats.
	HeartbeatEvery time.Duration
	Version        string
	// CheckEvery is how often the database's consistency check runs, at
	// a heartbeat (default 1 h, and at the first heartbeat); the
	// heartbeat reports its last result.
	CheckEvery time.Duration
	Log        zerolog.Logger
	// Now stamps LastSuccess and the outbox's records; nil means time.Now.
	// Waits use real timers.
	Now func() time.Time
	// OnStatus is called with every change of the status, from the sync
	// goroutine: the UI hands it over with fyne.Do.
	OnStatus func(Status)
	// OnCatalog is called, from the sync goroutine, when a catalog that
	// differs from the cached one has arrived and been cached.
	OnCatalog func(*kiosk.Catalog)
	// OnConfig is called, from the sync goroutine, with the configuration
	// every successful heartbeat brings (extra holidays, idle timeout…).
	OnConfig func(central.DeviceConfig)
}

// Defaults of SyncOptions.
const (
	DefaultBackoffBase  = time.Second
	DefaultBackoffMax   = time.Minute
	DefaultBlockedRetry = 5 * time.Minute
	DefaultCatalogEvery = 15 * time.Minute
	DefaultPurgeEvery   = time.Hour
	DefaultHeartbeat    = 5 * time.Minute
)

func (o SyncOptions) withDefaults() SyncOptions {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.BackoffBase, DefaultBackoffBase)
	def(&o.BackoffMax, DefaultBackoffMax)
	def(&o.BlockedRetry, DefaultBlockedRetry)
	def(&o.CatalogEvery, DefaultCatalogEvery)
	def(&o.PurgeEvery, DefaultPurgeEvery)
	def(&o.HeartbeatEvery, DefaultHeartbeat)
	def(&o.CheckEvery, DefaultCheckEvery)
	if o.Jitter == nil {
		o.Jitter = func(ceiling time.Duration) time.Duration {
			return time.Duration(mathrand.Int64N(int64(ceiling) + 1))
		}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Syncer drains the outbox to the central system, oldest first and one at
// a time, and keeps the catalog cache fresh. Create it with NewSyncer and
// run it with Run on one goroutine.
//
// Retry-After: the central Client already obeys a server's Retry-After
// between its own retries (capped by its Config.RetryAfterMax) and does
// not expose it on the error it returns once it gives up, so the Syncer
// does not see it; its own backoff starts after the Client's retries.
type Syncer struct {
	store  *Store
	sender Sender
	opts   SyncOptions
	log    zerolog.Logger
	wake   chan struct{}

	// Owned by the Run goroutine.
	failures  int          // transient failures in a row
	cursor    uint64       // every item below it is settled: the next search starts here
	nextCheck time.Time    // when the database's consistency check is next due
	check     func() error // the consistency check; nil: the store's (tests replace it)

	mu          sync.Mutex
	status      Status
	started     time.Time // when Run started, for the uptime
	dbCheck     string    // the last consistency check's result (central.DBCheck…)
	dbCheckedAt time.Time
}

// NewSyncer returns a Syncer over store that sends with sender.
func NewSyncer(store *Store, sender Sender, opts SyncOptions) *Syncer {
	opts = opts.withDefaults()
	return &Syncer{store: store, sender: sender, opts: opts, log: opts.Log, wake: make(chan struct{}, 1)}
}

// Wake makes the loop try at once: call it after Store.Submit, and when
// the network is known to be back. It never blocks.
func (y *Syncer) Wake() {
	select {
	case y.wake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// Status returns the current status.
func (y *Syncer) Status() Status {
	y.mu.Lock()
	defer y.mu.Unlock()
	return y.status
}

// update changes the status and tells OnStatus if it changed.
func (y *Syncer) update(change func(*Status)) {
	y.mu.Lock()
	before := y.status
	change(&y.status)
	after := y.status
	y.mu.Unlock()
	if after != before && y.opts.OnStatus != nil {
		y.opts.OnStatus(after)
	}
}

// Run sends the outbox and refreshes the catalog until ctx ends, then
// returns ctx's error. A dossier found in state Sending (the kiosk stopped
// mid-send) is sent again with the same Idempotency-Key, which the central
// system answers with the first answer instead of a second dossier. While
// the central system cannot be reached, every retry after a backoff is the
// probe that finds the network back; Wake cuts the wait short.
func (y *Syncer) Run(ctx context.Context) error {
	y.cursor, y.failures = 0, 0
	y.startStatus()
	now := time.Now()
	y.mu.Lock()
	y.started = now
	y.mu.Unlock()
	sch := schedule{retry: now, catalog: now, purge: now, heartbeat: now}
	for {
		y.housekeeping(ctx, &sch)
		if sch.retryDue() {
			sch.retry = y.drain(ctx)
		}
		if err := y.sleep(ctx, &sch); err != nil {
			return err
		}
	}
}

// schedule is when the loop next has something to do, on the real clock.
type schedule struct {
	retry     time.Time // next try at the outbox; zero: nothing to send
	catalog   time.Time
	purge     time.Time
	heartbeat time.Time
}

func (s schedule) retryDue() bool { return !s.retry.IsZero() && !time.Now().Before(s.retry) }

func (s schedule) next() time.Time {
	next := s.catalog
	for _, t := range []time.Time{s.purge, s.heartbeat} {
		if t.Before(next) {
			next = t
		}
	}
	if !s.retry.IsZero() && s.retry.Before(next) {
		next = s.retry
	}
	return next
}

// sleep waits for the next thing to do, a Wake, or the end of ctx.
func (y *Syncer) sleep(ctx context.Context, sch *schedule) error {
	t := time.NewTimer(time.Until(sch.next()))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-y.wake:
		sch.retry = time.Now() // something was queued, or the network is back
	case <-t.C:
	}
	return nil
}

// housekeeping purges the outbox and old figures, refreshes the catalog
// and sends the heartbeat and the figures when due.
func (y *Syncer) housekeeping(ctx context.Context, sch *schedule) {
	if !time.Now().Before(sch.purge) {
		y.purge()
		sch.purge = time.Now().Add(y.opts.PurgeEvery)
	}
	if !time.Now().Before(sch.catalog) && ctx.Err() == nil {
		if y.syncCatalog(ctx) && !sch.retry.IsZero() {
			sch.retry = time.Now() // the central system answers: no need to wait out a backoff
		}
		sch.catalog = time.Now().Add(y.opts.CatalogEvery)
	}
	if !time.Now().Before(sch.heartbeat) && ctx.Err() == nil {
		y.heartbeat(ctx)
		y.sendMetrics(ctx) // the figures ride along, at most one report a heartbeat
		sch.heartbeat = time.Now().Add(y.opts.HeartbeatEvery)
	}
}

func (y *Syncer) purge() {
	y.purgeMetrics()
	n, err := y.store.PurgeOutbox()
	if err != nil {
		y.log.Error().Err(err).Msg("outbox purge failed")
		return
	}
	if n > 0 {
		y.log.Info().Int("purged", n).Msg("old outbox items purged")
	}
}

func (y *Syncer) startStatus() {
	y.refreshCounts()
	if v := y.cachedCatalogVersion(); v != "" {
		y.update(func(s *Status) { s.CatalogVersion = v })
	}
}

func (y *Syncer) refreshCounts() {
	q, sending, _, rejected, err := y.store.OutboxCounts()
	if err != nil {
		y.log.Error().Err(err).Msg("cannot count the outbox")
		return
	}
	y.update(func(s *Status) { s.Queued, s.Rejected = q+sending, rejected })
}

// verdict is what became of one attempt at the oldest dossier.
type verdict int

const (
	verdictSent      verdict = iota // accepted: go on with the next
	verdictRejected                 // refused with reasons: set aside, go on with the next
	verdictTransient                // keep it, back off, send it again
	verdictBlocked                  // keep it, pause everything, call a person
	verdictStopped                  // ctx ended
)

// drain sends dossiers oldest first, one at a time, until the outbox has
// nothing left to send or one cannot be sent now. Order is kept: a dossier
// that cannot be sent holds back those queued after it. It returns when
// to try again; zero means there is nothing to send.
func (y *Syncer) drain(ctx context.Context) time.Time {
	y.refreshCounts() // Submit, on another goroutine, may have queued more
	for ctx.Err() == nil {
		item, ok, err := y.store.nextToSend(y.cursor)
		if err != nil {
			y.storeFailed(err)
			return time.Now().Add(y.backoff())
		}
		if !ok {
			y.failures = 0
			y.refreshCounts()
			return time.Time{}
		}
		switch y.send(ctx, item.Seq) {
		case verdictSent, verdictRejected:
			y.cursor = item.Seq + 1 // settled: never searched again
		case verdictTransient:
			return time.Now().Add(y.backoff())
		case verdictBlocked:
			return time.Now().Add(y.opts.BlockedRetry)
		case verdictStopped:
			return time.Time{}
		}
	}
	return time.Time{}
}

// backoff counts a transient failure and returns the wait before the next
// try: full jitter over an exponentially growing ceiling.
func (y *Syncer) backoff() time.Duration {
	y.failures++
	ceiling := y.opts.BackoffMax
	if n := y.failures - 1; n < 32 {
		if c := y.opts.BackoffBase << n; c > 0 && c < ceiling {
			ceiling = c
		}
	}
	return y.opts.Jitter(ceiling)
}

func (y *Syncer) storeFailed(err error) {
	y.log.Error().Err(err).Msg("the outbox cannot be read or written")
	y.update(func(s *Status) { s.LastError = "store" })
}

// send makes one attempt at a dossier: attachments first, then the
// dossier, all under keys fixed at submission.
func (y *Syncer) send(ctx context.Context, seq uint64) verdict {
	item, d, err := y.store.beginSend(seq)
	if err != nil {
		return y.unreadable(seq, err)
	}
	y.update(func(s *Status) { s.Sending = true })
	defer y.update(func(s *Status) { s.Sending = false })
	dossier, err := y.deliver(ctx, item, d)
	if err != nil {
		return y.failed(ctx, item, err)
	}
	return y.accepted(item, dossier)
}

// unreadable handles a dossier that cannot be made ready to send. One that
// no longer decrypts is set aside as rejected (and reported), so it does
// not hold back every dossier behind it; any other store failure is
// retried.
func (y *Syncer) unreadable(seq uint64, err error) verdict {
	if !errors.Is(err, ErrTampered) {
		y.storeFailed(err)
		return verdictTransient
	}
	y.log.Error().Uint64("seq", seq).Msg("a queued dossier does not decrypt; set aside")
	if _, err := y.store.markRejected(seq, map[string]string{"dossier": ErrTampered.Error()}, "tampered"); err != nil {
		y.storeFailed(err)
		return verdictTransient
	}
	in := Incident{At: y.opts.Now(), Kind: "outbox_tampered", Details: fmt.Sprintf("outbox item %d does not decrypt", seq)}
	if err := y.store.AddIncident(in); err != nil {
		y.log.Error().Err(err).Msg("cannot record the incident")
	}
	y.refreshCounts()
	return verdictRejected
}

// deliver uploads the dossier's scanned papers, then files it.
func (y *Syncer) deliver(ctx context.Context, item OutboxItem, d *Draft) (central.Dossier, error) {
	ids, err := y.upload(ctx, item, d)
	if err != nil {
		return central.Dossier{}, err
	}
	return y.sender.SubmitDossierWithKey(ctx, item.IdempotencyKey, dossierRequest(d, ids))
}

// upload sends every attachment that has no server ID yet, each under a
// key derived from the dossier's, and returns all server IDs in order.
// The IDs are kept in the sealed dossier; if keeping one fails, the next
// attempt uploads again under the same key and gets the same ID back.
func (y *Syncer) upload(ctx context.Context, item OutboxItem, d *Draft) ([]string, error) {
	ids := make([]string, 0, len(d.Attachments))
	for i, a := range d.Attachments {
		if a.ServerID == "" && len(a.Data) > 0 {
			att, err := y.sender.UploadAttachmentWithKey(ctx, AttachmentKey(item.IdempotencyKey, i), attachmentName(a, i), a.Data, a.Document)
			if err != nil {
				return nil, &uploadError{err: err}
			}
			if err := y.store.recordUpload(item.Seq, i, att.ID); err != nil {
				y.log.Warn().Err(err).Uint64("seq", item.Seq).Msg("cannot keep an attachment's server ID")
			}
			a.ServerID = att.ID
			d.Attachments[i].ServerID = att.ID // the dossier's fields name it
		}
		if a.ServerID != "" {
			ids = append(ids, a.ServerID)
		}
	}
	return ids, nil
}

// AttachmentKey is the Idempotency-Key of a dossier's index-th attachment:
// derived, so every attempt (and every restart) uploads under the same key.
func AttachmentKey(dossierKey string, index int) string {
	return dossierKey + "/att/" + strconv.Itoa(index)
}

func attachmentName(a LocalAttachment, i int) string {
	if a.Name != "" {
		return a.Name
	}
	return "document-" + strconv.Itoa(i+1)
}

// uploadError marks a failure to upload an attachment, so that a file
// the server refuses is sent back to the citizen, not retried.
type uploadError struct{ err error }

func (e *uploadError) Error() string { return "upload attachment: " + e.err.Error() }
func (e *uploadError) Unwrap() error { return e.err }

// dossierRequest is the request of a dossier; the same dossier always
// gives the same bytes, as its Idempotency-Key requires. An attachment
// question answered by an uploaded file is answered with its server ID.
func dossierRequest(d *Draft, attachments []string) central.DossierRequest {
	fields := maps.Clone(d.Answers)
	for _, a := range d.Attachments {
		if a.Field != "" && a.ServerID != "" {
			fields[a.Field] = a.ServerID
		}
	}
	return central.DossierRequest{
		ProcedureID: d.ProcedureID,
		Applicant:   d.Applicant,
		Fields:      fields,
		Attachments: attachments,
		Channel:     "kiosk",
		Assisted:    d.Assisted,
		ConsentAt:   d.ConsentAt,
	}
}

func (y *Syncer) accepted(item OutboxItem, dossier central.Dossier) verdict {
	if _, err := y.store.markAccepted(item.Seq, dossier); err != nil {
		// Filed, but not recorded: the next attempt gets the same answer.
		y.storeFailed(err)
		return verdictTransient
	}
	y.failures = 0
	y.log.Info().Uint64("seq", item.Seq).Str("key", keyPrefix(item.IdempotencyKey)).
		Int("attempts", item.Attempts).Msg("dossier accepted")
	// One fewer waiting; counting the whole outbox again here (it keeps
	// accepted items for days) made sending n dossiers cost n². drain
	// counts afresh when it starts and when it ends.
	y.update(func(s *Status) {
		s.Online, s.LastSuccess, s.LastError, s.Blocked = true, y.opts.Now(), "", ""
		s.Queued = max(s.Queued-1, 0)
	})
	return verdictSent
}

// failed decides what an error means for the dossier. A dossier is never
// dropped: it is sent again later, set aside for the citizen with the
// server's reasons, or held while a person fixes the kiosk.
func (y *Syncer) failed(ctx context.Context, item OutboxItem, err error) verdict {
	if ctx.Err() != nil {
		return verdictStopped // it stays Sending; the next Run sends it again with the same key
	}
	kind := errorKind(err)
	ev := y.log.Warn().Uint64("seq", item.Seq).Str("key", keyPrefix(item.IdempotencyKey)).Str("error", kind)
	if problems, ok := rejection(err); ok {
		if _, err := y.store.markRejected(item.Seq, problems, kind); err != nil {
			y.storeFailed(err)
			return verdictTransient
		}
		ev.Int("problems", len(problems)).Msg("dossier rejected")
		y.update(func(s *Status) {
			s.Online = true
			if isAuthBlock(s.Blocked) {
				s.Blocked = "" // the server read the dossier: the kiosk is trusted
			}
		})
		y.refreshCounts()
		return verdictRejected
	}
	if err := y.store.noteFailure(item.Seq, kind); err != nil {
		y.log.Error().Err(err).Msg("cannot record a failed attempt")
	}
	if central.IsTransient(err) {
		ev.Msg("dossier not sent; will retry")
		y.update(func(s *Status) { s.Online, s.LastError = answered(err), kind })
		return verdictTransient
	}
	reason := blockReason(err)
	ev.Str("blocked", reason).Msg("sending paused: needs a person")
	y.update(func(s *Status) { s.Online, s.LastError, s.Blocked = answered(err), kind, reason })
	return verdictBlocked
}

// rejection returns the citizen's problems when err says the dossier
// itself is wrong: field messages, or a scanned file the server refuses.
func rejection(err error) (map[string]string, bool) {
	var (
		v   *central.ValidationError
		a   *central.APIError
		up  *uploadError
		upl = errors.As(err, &up)
	)
	switch {
	case errors.As(err, &v) && upl:
		return map[string]string{"attachments": firstMessage(v)}, true
	case errors.As(err, &v) && len(v.Fields) == 0:
		return map[string]string{"dossier": v.Message}, true
	case errors.As(err, &v):
		return maps.Clone(v.Fields), true
	case upl && errors.As(err, &a) &&
		(a.Status == http.StatusRequestEntityTooLarge || a.Status == http.StatusUnsupportedMediaType):
		return map[string]string{"attachments": a.Message}, true
	}
	return nil, false
}

// firstMessage is one message of a validation error, for a problem that
// has one place to show it.
func firstMessage(v *central.ValidationError) string {
	for _, k := range []string{"file", "document"} {
		if m := v.Fields[k]; m != "" {
			return m
		}
	}
	for _, m := range v.Fields {
		return m
	}
	return v.Message
}

// blockReason names why an error pauses all sending.
func blockReason(err error) string {
	switch {
	case errors.Is(err, central.ErrUnauthorized):
		return BlockedUnauthorized
	case errors.Is(err, central.ErrPinMismatch):
		return BlockedPinMismatch
	case errors.Is(err, central.ErrUntrusted):
		return BlockedUntrusted
	}
	// Another permanent answer (400, 404, 409, 422 idempotency_key_reused,
	// an answer too large or not JSON): the kiosk cannot fix it by itself,
	// and sending the next dossier instead would break the order.
	return BlockedRefused
}

// isAuthBlock reports whether a block is about the kiosk's credentials or
// the server's identity, which any successful call disproves.
func isAuthBlock(reason string) bool {
	return reason == BlockedUnauthorized || reason == BlockedPinMismatch || reason == BlockedUntrusted
}

// answered reports whether the central system answered (so it is online),
// as opposed to being unreachable or untrusted.
func answered(err error) bool {
	return !errors.Is(err, central.ErrOffline) && !errors.Is(err, central.ErrPinMismatch) &&
		!errors.Is(err, central.ErrUntrusted) && !errors.Is(err, context.Canceled) &&
		!errors.Is(err, context.DeadlineExceeded)
}

// errorKind names an error without its text, which may quote what the
// citizen typed: for logs, the status and the outbox.
func errorKind(err error) string {
	var (
		a *central.APIError
		v *central.ValidationError
	)
	switch {
	case errors.As(err, &v):
		return "422 " + v.Code
	case errors.As(err, &a):
		return strconv.Itoa(a.Status) + " " + a.Code
	case errors.Is(err, central.ErrOffline):
		return "offline"
	case errors.Is(err, central.ErrPinMismatch):
		return BlockedPinMismatch
	case errors.Is(err, central.ErrUntrusted):
		return BlockedUntrusted
	case errors.Is(err, central.ErrResponseTooLarge):
		return "response_too_large"
	case errors.Is(err, central.ErrBadResponse):
		return "bad_response"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "cancelled"
	}
	return "other"
}
