package offline

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/motcua/kiosk/kiosk/central"
)

// The outbox keeps two records per submitted dossier in bucketOutbox:
//
//   - the item, under its 8-byte big-endian sequence number: state, key,
//     code, problems; no personal data, so status screens and counts
//     never decrypt anything;
//   - the dossier itself (the whole Draft as JSON), sealed, under the same
//     8 bytes plus 'd', which sorts right after its item. Its associated
//     data is the 8-byte key and the Idempotency-Key, so a sealed dossier
//     moved under another item does not open.
//
// The dossier is deleted the moment the central system accepts it: the
// kiosk keeps personal data no longer than it needs it.

// AcceptedLifetime is how long an accepted item (code, due date, tracking
// URL: no personal data) stays for the receipt and "track my dossier".
const AcceptedLifetime = 30 * 24 * time.Hour

// Errors of the outbox.
var (
	// ErrNoConsent: a dossier without the citizen's recorded consent never
	// leaves the kiosk.
	ErrNoConsent = errors.New("the dossier has no recorded consent to process personal data")
	// ErrNotInOutbox: no outbox item has that sequence number.
	ErrNotInOutbox = errors.New("no such dossier in the outbox")
	// ErrNotRejected: only a rejected dossier can go back to its draft.
	ErrNotRejected = errors.New("the dossier was not rejected")
)

// outboxRecord is an item as stored: the item and when it settled
// (accepted or rejected), which the purge counts from.
type outboxRecord struct {
	OutboxItem
	SettledAt time.Time `json:"settled_at,omitzero"`
}

func seqKey(seq uint64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, seq)
	return k
}

func payloadKey(seq uint64) []byte { return append(seqKey(seq), 'd') }

// payloadAD binds a sealed dossier to its item.
func payloadAD(seq uint64, idemKey string) []byte { return append(seqKey(seq), idemKey...) }

// Submit moves a dossier into the outbox in one transaction: the draft
// (and its resume code) is deleted and the dossier queued under an
// Idempotency-Key fixed now, which every attempt to send it reuses. The
// draft need not have been saved before. Stop its autosaving first, so no
// late save brings the draft back, and wake the sync loop afterwards so
// the dossier is sent at once:
//
//	autosaver.Flush()
//	autosaver.Discard()
//	item, err := store.Submit(draft)
//	if err == nil {
//		syncer.Wake()
//	}
func (s *Store) Submit(d *Draft) (OutboxItem, error) {
	if d == nil {
		return OutboxItem{}, errors.New("offline: Submit: no draft")
	}
	if d.ConsentAt.IsZero() {
		return OutboxItem{}, ErrNoConsent
	}
	dossier := *d
	dossier.Problems = nil  // the answers were corrected; old messages no longer apply
	dossier.ResumeCode = "" // the code is forgotten with the draft
	plain, err := json.Marshal(&dossier)
	if err != nil {
		return OutboxItem{}, fmt.Errorf("offline: Submit: %w", err)
	}
	var item OutboxItem
	key, tried := central.NewIdempotencyKey(), false
	err = s.essential(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		if tried {
			// A retry on a full disk (essential): should the failed
			// commit have landed after all (a sync that failed after
			// the meta page was written), the dossier is queued once.
			if it, found, err := itemWithKey(b, key); found || err != nil {
				item = it
				return err
			}
		}
		tried = true
		if err := forgetDraft(tx, d); err != nil {
			return err
		}
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		item = OutboxItem{Seq: seq, DraftID: d.ID, ProcedureID: d.ProcedureID, IdempotencyKey: key,
			State: Queued, QueuedAt: s.opts.Now()}
		if err := putRecord(b, outboxRecord{OutboxItem: item}); err != nil {
			return err
		}
		return b.Put(payloadKey(seq), s.sealer.seal(plain, payloadAD(seq, item.IdempotencyKey)))
	})
	if err != nil {
		return OutboxItem{}, fmt.Errorf("offline: Submit: %w", err)
	}
	s.log.Info().Uint64("seq", item.Seq).Str("key", keyPrefix(item.IdempotencyKey)).Msg("dossier queued")
	return item, nil
}

// forgetDraft deletes a submitted draft (record, index entry and resume
// code, see deleteDraftTx), so the dossier exists in one place only. A
// draft that was never saved has nothing to delete.
func forgetDraft(tx *bolt.Tx, d *Draft) error {
	if d.ID == "" {
		return nil
	}
	return deleteDraftTx(tx, d.ID)
}

// keyPrefix is as much of an Idempotency-Key as a log line may carry.
func keyPrefix(key string) string { return key[:min(8, len(key))] }

func putRecord(b *bolt.Bucket, rec outboxRecord) error {
	data, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return b.Put(seqKey(rec.Seq), data)
}

func getRecord(b *bolt.Bucket, seq uint64) (outboxRecord, error) {
	var rec outboxRecord
	raw := b.Get(seqKey(seq))
	if raw == nil {
		return rec, ErrNotInOutbox
	}
	return rec, json.Unmarshal(raw, &rec)
}

// forEachRecord calls fn for every item from sequence number from on, in
// order, until fn returns false.
func forEachRecord(b *bolt.Bucket, from uint64, fn func(outboxRecord) bool) error {
	c := b.Cursor()
	for k, v := c.Seek(seqKey(from)); k != nil; k, v = c.Next() {
		if len(k) != 8 {
			continue // a sealed dossier, not an item
		}
		var rec outboxRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("outbox item %d: %w", binary.BigEndian.Uint64(k), err)
		}
		if !fn(rec) {
			return nil
		}
	}
	return nil
}

// Outbox lists every item, oldest first.
func (s *Store) Outbox() ([]OutboxItem, error) {
	var items []OutboxItem
	err := s.db.View(func(tx *bolt.Tx) error {
		return forEachRecord(tx.Bucket(bucketOutbox), 0, func(rec outboxRecord) bool {
			items = append(items, rec.OutboxItem)
			return true
		})
	})
	return items, err
}

// OutboxCounts counts the items in each state.
func (s *Store) OutboxCounts() (queued, sending, accepted, rejected int, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		return forEachRecord(tx.Bucket(bucketOutbox), 0, func(rec outboxRecord) bool {
			switch rec.State {
			case Queued:
				queued++
			case Sending:
				sending++
			case Accepted:
				accepted++
			case Rejected:
				rejected++
			}
			return true
		})
	})
	return queued, sending, accepted, rejected, err
}

// ReturnRejected takes a rejected dossier back as a draft, with the
// central system's messages in Problems so the citizen fixes only those
// and retypes nothing. In one transaction it saves the draft (with a new
// resume code and a fresh lifetime, as SaveDraft would) and removes the
// item, so the dossier is never only in memory. Submitting the draft again
// queues it under a new Idempotency-Key; attachments already uploaded keep
// their ServerID and are not uploaded again.
func (s *Store) ReturnRejected(seq uint64) (*Draft, error) {
	var d *Draft
	err := s.essential(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		rec, err := getRecord(b, seq)
		if err != nil {
			return err
		}
		if rec.State != Rejected {
			return fmt.Errorf("%w (it is %s)", ErrNotRejected, rec.State)
		}
		if d, err = s.openPayload(b, rec.OutboxItem); err != nil {
			return err
		}
		d.Problems = maps.Clone(rec.Problems)
		if d.ID == "" || len(d.ID) > maxDraftIDLen {
			d.ID = newDraftID() // it was submitted without ever being saved
		}
		if err := s.saveDraftTx(tx, d); err != nil {
			return err
		}
		return deleteItem(b, seq)
	})
	if err != nil {
		return nil, fmt.Errorf("offline: ReturnRejected %d: %w", seq, err)
	}
	return d, nil
}

// itemWithKey finds the outbox item queued under key.
func itemWithKey(b *bolt.Bucket, key string) (it OutboxItem, found bool, err error) {
	err = forEachRecord(b, 0, func(rec outboxRecord) bool {
		if rec.IdempotencyKey == key {
			it, found = rec.OutboxItem, true
			return false
		}
		return true
	})
	return it, found, err
}

func deleteItem(b *bolt.Bucket, seq uint64) error {
	if err := b.Delete(payloadKey(seq)); err != nil {
		return err
	}
	return b.Delete(seqKey(seq))
}

// openPayload decrypts an item's dossier. The plaintext is decoded at
// once: bbolt's value is only valid inside the transaction.
func (s *Store) openPayload(b *bolt.Bucket, item OutboxItem) (*Draft, error) {
	sealed := b.Get(payloadKey(item.Seq))
	if sealed == nil {
		return nil, fmt.Errorf("outbox item %d has no dossier (state %s)", item.Seq, item.State)
	}
	plain, err := s.sealer.open(sealed, payloadAD(item.Seq, item.IdempotencyKey))
	if err != nil {
		return nil, err
	}
	var d Draft
	if err := json.Unmarshal(plain, &d); err != nil {
		return nil, fmt.Errorf("outbox item %d: %w", item.Seq, err)
	}
	return &d, nil
}

func (s *Store) putPayload(b *bolt.Bucket, item OutboxItem, d *Draft) error {
	plain, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return b.Put(payloadKey(item.Seq), s.sealer.seal(plain, payloadAD(item.Seq, item.IdempotencyKey)))
}

// PurgeOutbox deletes accepted items older than AcceptedLifetime and
// rejected ones (with their dossier) older than the draft lifetime, as an
// abandoned draft would be. It returns how many it deleted.
func (s *Store) PurgeOutbox() (int, error) {
	now := s.opts.Now()
	var n int
	err := s.essential(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		// Collect first: deleting under a moving cursor skips keys.
		var old []uint64
		err := forEachRecord(b, 0, func(rec outboxRecord) bool {
			if s.expired(rec, now) {
				old = append(old, rec.Seq)
			}
			return true
		})
		if err != nil {
			return err
		}
		for _, seq := range old {
			if err := deleteItem(b, seq); err != nil {
				return err
			}
		}
		n = len(old)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("offline: PurgeOutbox: %w", err)
	}
	return n, nil
}

func (s *Store) expired(rec outboxRecord, now time.Time) bool {
	settled := rec.SettledAt
	if settled.IsZero() {
		settled = rec.QueuedAt
	}
	switch rec.State {
	case Accepted:
		return now.Sub(settled) > AcceptedLifetime
	case Rejected:
		return now.Sub(settled) > s.opts.DraftLifetime
	}
	return false // queued and sending dossiers are never dropped
}

// ---- the sync loop's side: one transaction per step ----

// nextToSend returns the oldest item from sequence number from on that is
// queued or was being sent when the kiosk stopped.
func (s *Store) nextToSend(from uint64) (item OutboxItem, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		return forEachRecord(tx.Bucket(bucketOutbox), from, func(rec outboxRecord) bool {
			if rec.State == Queued || rec.State == Sending {
				item, ok = rec.OutboxItem, true
				return false
			}
			return true
		})
	})
	return item, ok, err
}

// beginSend marks an item Sending and counts the attempt before anything
// goes on the wire, so a crash mid-send is visible after the restart; it
// returns the item and its dossier.
func (s *Store) beginSend(seq uint64) (OutboxItem, *Draft, error) {
	var (
		item OutboxItem
		d    *Draft
	)
	err := s.updateItem(seq, func(b *bolt.Bucket, rec *outboxRecord) error {
		var err error
		if d, err = s.openPayload(b, rec.OutboxItem); err != nil {
			return err
		}
		rec.State = Sending
		rec.Attempts++
		item = rec.OutboxItem
		return nil
	})
	return item, d, err
}

// recordUpload keeps an attachment's server ID in the sealed dossier, so
// later attempts refer to the same upload instead of making it again.
func (s *Store) recordUpload(seq uint64, index int, serverID string) error {
	return s.updateItem(seq, func(b *bolt.Bucket, rec *outboxRecord) error {
		d, err := s.openPayload(b, rec.OutboxItem)
		if err != nil {
			return err
		}
		if index >= len(d.Attachments) {
			return fmt.Errorf("outbox item %d has no attachment %d", seq, index)
		}
		d.Attachments[index].ServerID = serverID
		return s.putPayload(b, rec.OutboxItem, d)
	})
}

// markAccepted records the central system's answer and deletes the
// dossier, which the kiosk no longer needs, in one transaction.
func (s *Store) markAccepted(seq uint64, dossier central.Dossier) (OutboxItem, error) {
	var item OutboxItem
	err := s.updateItem(seq, func(b *bolt.Bucket, rec *outboxRecord) error {
		rec.State = Accepted
		rec.Code, rec.DueDate, rec.Fee, rec.TrackingURL = dossier.Code, dossier.DueDate, dossier.Fee, dossier.TrackingURL
		rec.Problems, rec.LastError = nil, ""
		rec.SettledAt = s.opts.Now()
		item = rec.OutboxItem
		return b.Delete(payloadKey(seq))
	})
	return item, err
}

// markRejected records the central system's field messages; the dossier
// stays sealed until ReturnRejected gives it back.
func (s *Store) markRejected(seq uint64, problems map[string]string, kind string) (OutboxItem, error) {
	var item OutboxItem
	err := s.updateItem(seq, func(_ *bolt.Bucket, rec *outboxRecord) error {
		rec.State = Rejected
		rec.Problems = problems
		rec.LastError = kind
		rec.SettledAt = s.opts.Now()
		item = rec.OutboxItem
		return nil
	})
	return item, err
}

// noteFailure records the kind of a failed attempt and puts the item back
// in the queue, to be sent again with the same key: Sending means an
// attempt is on its way, or was when the kiosk stopped.
func (s *Store) noteFailure(seq uint64, kind string) error {
	return s.updateItem(seq, func(_ *bolt.Bucket, rec *outboxRecord) error {
		rec.State = Queued
		rec.LastError = kind
		return nil
	})
}

func (s *Store) updateItem(seq uint64, change func(b *bolt.Bucket, rec *outboxRecord) error) error {
	return s.essential(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		rec, err := getRecord(b, seq)
		if err != nil {
			return err
		}
		if err := change(b, &rec); err != nil {
			return err
		}
		return putRecord(b, rec)
	})
}

// ProcedureUse counts the dossiers in the outbox by procedure: what is
// filed most at this kiosk, for "most used here" (accepted dossiers stay
// in the outbox for AcceptedLifetime, so it is the recent weeks' use).
func (s *Store) ProcedureUse() (map[string]int, error) {
	items, err := s.Outbox()
	if err != nil {
		return nil, err
	}
	use := map[string]int{}
	for _, it := range items {
		if it.ProcedureID != "" {
			use[it.ProcedureID]++
		}
	}
	return use, nil
}
