package offline

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/motcua/kiosk/kiosk"
	bolt "go.etcd.io/bbolt"
)

// ErrNotFound means there is no such draft, or it has expired.
var ErrNotFound = errors.New("not found")

// ErrProcedureGone means a draft's procedure is no longer in the catalog,
// so none of its answers can be kept.
var ErrProcedureGone = errors.New("the draft's procedure is no longer offered")

// maxDraftIDLen keeps draft ids far below bbolt's key limit; ours are 18.
const maxDraftIDLen = 64

// draftMeta is what the store keeps about a draft in the clear, to list
// and purge drafts without the key. It must never hold personal data: the
// resume code is not personal (it means nothing without the birth date
// sealed in the draft), and Resumable is only a yes or no.
type draftMeta struct {
	ProcedureID string    `json:"procedure_id"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	ExpiresAt   time.Time `json:"expires_at"`
	ResumeCode  string    `json:"resume_code,omitempty"`
	Resumable   bool      `json:"resumable,omitempty"`
}

// DraftInfo describes a saved draft without opening it.
type DraftInfo struct {
	ID          string
	ProcedureID string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ExpiresAt   time.Time
	// ResumeCode continues the draft later with the applicant's birth
	// date or ID number; Resumable says the draft has one of them, so the
	// code works.
	ResumeCode string
	Resumable  bool
}

// NewDraft starts a draft for a procedure of the given catalog version,
// with its id already set, so every later save of it (or of a copy of it)
// lands on the same record.
func NewDraft(procedureID, catalogVersion string) *Draft {
	return &Draft{ID: newDraftID(), ProcedureID: procedureID, CatalogVersion: catalogVersion,
		Answers: map[string]string{}}
}

func newDraftID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return "d_" + hex.EncodeToString(b[:])
}

// Clone returns a deep copy of d: nothing in it shares memory with d, so
// the UI may go on editing d while the copy is being saved.
func (d *Draft) Clone() *Draft {
	c := *d
	c.Answers = maps.Clone(d.Answers)
	c.Problems = maps.Clone(d.Problems)
	c.Attachments = slices.Clone(d.Attachments)
	for i := range c.Attachments {
		c.Attachments[i].Data = bytes.Clone(c.Attachments[i].Data)
	}
	return &c
}

// SaveDraft seals d and writes it in one transaction with its metadata
// and resume code. When it returns nil the draft is on disk (bbolt syncs
// every commit): that is the moment a save is acknowledged. It sets d's
// id if empty, its timestamps, and its resume code: the one the draft
// already has in the store, else d's own if still free, else a new one.
// A failed save changes nothing in the store.
func (s *Store) SaveDraft(d *Draft) error {
	if d.ID == "" {
		d.ID = newDraftID()
	}
	if len(d.ID) > maxDraftIDLen {
		return fmt.Errorf("draft id of %d bytes is too long", len(d.ID))
	}
	err := s.roomForNewData()
	if err == nil {
		err = s.db.Update(func(tx *bolt.Tx) error { return s.saveDraftTx(tx, d) })
	}
	if err != nil {
		// The id and the error only: the draft itself is personal data.
		s.log.Warn().Str("draft", d.ID).Err(err).Msg("draft not saved")
		return fmt.Errorf("save draft %s: %w", d.ID, err)
	}
	return nil
}

func (s *Store) saveDraftTx(tx *bolt.Tx, d *Draft) error {
	// Unreadable metadata counts as none: the save that rewrites it
	// matters more than what it said.
	old, _ := draftMetaTx(tx, d.ID)
	now := s.opts.Now()
	var err error
	d.UpdatedAt = now
	switch {
	case old != nil && !old.CreatedAt.IsZero():
		d.CreatedAt = old.CreatedAt
	case d.CreatedAt.IsZero():
		d.CreatedAt = now
	}
	if d.ResumeCode, err = claimResumeCode(tx, d.ID, old, d.ResumeCode); err != nil {
		return err
	}
	plain, err := json.Marshal(d)
	if err != nil {
		return err
	}
	meta, err := json.Marshal(draftMeta{ProcedureID: d.ProcedureID, CreatedAt: d.CreatedAt,
		UpdatedAt: now, ExpiresAt: now.Add(s.opts.DraftLifetime),
		ResumeCode: d.ResumeCode, Resumable: provable(d)})
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketDrafts).Put([]byte(d.ID), s.sealer.seal(plain, []byte(d.ID))); err != nil {
		return err
	}
	return tx.Bucket(bucketIndex).Put([]byte(d.ID), meta)
}

// draftMetaTx reads a draft's metadata; ErrNotFound if there is none.
func draftMetaTx(tx *bolt.Tx, id string) (*draftMeta, error) {
	raw := tx.Bucket(bucketIndex).Get([]byte(id))
	if raw == nil {
		return nil, ErrNotFound
	}
	var m draftMeta
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("draft %s metadata: %w", id, err)
	}
	return &m, nil
}

// LoadDraft opens a saved draft. It returns an error wrapping ErrNotFound
// if there is none or it has expired (an expired draft is gone for every
// reader, even before the purge removes it), and ErrTampered if it does
// not decrypt.
func (s *Store) LoadDraft(id string) (*Draft, error) {
	var d *Draft
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		d, err = s.loadDraftTx(tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("load draft %s: %w", id, err)
	}
	return d, nil
}

// loadDraftTx reads and opens a draft that has not expired. Opening
// copies the plaintext out of bbolt's memory, which is only valid inside
// the transaction.
func (s *Store) loadDraftTx(tx *bolt.Tx, id string) (*Draft, error) {
	m, err := draftMetaTx(tx, id)
	if err != nil {
		return nil, err
	}
	sealed := tx.Bucket(bucketDrafts).Get([]byte(id))
	if sealed == nil || !s.opts.Now().Before(m.ExpiresAt) {
		return nil, ErrNotFound
	}
	plain, err := s.sealer.open(sealed, []byte(id))
	if err != nil {
		return nil, err
	}
	var d Draft
	if err := json.Unmarshal(plain, &d); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTampered, err)
	}
	return &d, nil
}

// DeleteDraft removes a draft, its metadata and its resume code. Deleting
// a draft that is not there is not an error: the result is the same.
func (s *Store) DeleteDraft(id string) error {
	err := s.essential(func(tx *bolt.Tx) error { return deleteDraftTx(tx, id) })
	if err != nil {
		return fmt.Errorf("delete draft %s: %w", id, err)
	}
	return nil
}

// deleteDraftTx removes a draft inside a caller's transaction, e.g. the
// one that moves a submitted draft into the outbox.
func deleteDraftTx(tx *bolt.Tx, id string) error {
	m, err := draftMetaTx(tx, id)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if m != nil && m.ResumeCode != "" {
		if err := deleteResumeTx(tx, m.ResumeCode, id); err != nil {
			return err
		}
	}
	if err := tx.Bucket(bucketDrafts).Delete([]byte(id)); err != nil {
		return err
	}
	return tx.Bucket(bucketIndex).Delete([]byte(id))
}

// ListDrafts describes the drafts that have not expired, newest first.
func (s *Store) ListDrafts() ([]DraftInfo, error) {
	now := s.opts.Now()
	var list []DraftInfo
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketIndex).ForEach(func(k, v []byte) error {
			var m draftMeta
			if err := json.Unmarshal(v, &m); err != nil {
				return fmt.Errorf("draft %s metadata: %w", k, err)
			}
			if now.Before(m.ExpiresAt) {
				list = append(list, DraftInfo{ID: string(k), ProcedureID: m.ProcedureID,
					CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, ExpiresAt: m.ExpiresAt,
					ResumeCode: m.ResumeCode, Resumable: m.Resumable})
			}
			return nil
		})
	})
	slices.SortFunc(list, func(a, b DraftInfo) int { return b.UpdatedAt.Compare(a.UpdatedAt) })
	return list, err
}

// PurgeExpiredDrafts deletes the drafts past their expiry with their
// resume codes, and resume codes whose draft is gone, and says how many
// drafts it deleted. Personal data is kept no longer than needed.
func (s *Store) PurgeExpiredDrafts() (int, error) {
	now := s.opts.Now()
	var n int
	err := s.essential(func(tx *bolt.Tx) error {
		n = 0
		expired, err := expiredDrafts(tx, now)
		if err != nil {
			return err
		}
		// Delete after the walk: bbolt cursors do not survive deletes.
		for _, id := range expired {
			if err := deleteDraftTx(tx, id); err != nil {
				return err
			}
		}
		n = len(expired)
		return deleteOrphanResumes(tx)
	})
	if err != nil {
		return 0, fmt.Errorf("purge drafts: %w", err)
	}
	return n, nil
}

// expiredDrafts lists the drafts to purge: expired ones, unreadable
// metadata (it cannot say when the draft expires, and nothing can list
// or resume it), and sealed drafts without metadata.
func expiredDrafts(tx *bolt.Tx, now time.Time) ([]string, error) {
	var ids []string
	err := tx.Bucket(bucketIndex).ForEach(func(k, v []byte) error {
		var m draftMeta
		if json.Unmarshal(v, &m) != nil || !now.Before(m.ExpiresAt) {
			ids = append(ids, string(k))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = tx.Bucket(bucketDrafts).ForEach(func(k, _ []byte) error {
		if tx.Bucket(bucketIndex).Get(k) == nil {
			ids = append(ids, string(k))
		}
		return nil
	})
	return ids, err
}

// Maintain purges expired drafts; the kiosk calls it at start and then
// hourly (see RunMaintenance).
func (s *Store) Maintain() error {
	n, err := s.PurgeExpiredDrafts()
	if err != nil {
		s.log.Error().Err(err).Msg("store maintenance failed")
		return err
	}
	if n > 0 {
		s.log.Info().Int("drafts", n).Msg("expired drafts purged")
	}
	return nil
}

// RunMaintenance calls Maintain at once and then every interval (an hour
// if every is 0) until ctx ends. A failed round is logged and retried at
// the next tick: one bad hour must not stop the purges.
func (s *Store) RunMaintenance(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = time.Hour
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		_ = s.Maintain()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ReconcileDraft brings a draft made with an older catalog up to date
// with cat: it keeps every answer that still fits the procedure's form,
// drops the rest, and returns the fields to ask again (see
// kiosk.ReconcileAnswers). A draft already on cat's version is left as
// it is. It changes d only; the caller saves it.
func ReconcileDraft(d *Draft, cat *kiosk.Catalog, now time.Time) (ask []string, err error) {
	if d.CatalogVersion == cat.Version {
		return nil, nil
	}
	p, ok := cat.Procedure(d.ProcedureID)
	if !ok {
		return nil, fmt.Errorf("draft %s: %w", d.ID, ErrProcedureGone)
	}
	d.Answers, ask = kiosk.ReconcileAnswers(p.Form, d.Answers, now)
	for id := range d.Problems {
		if _, kept := d.Answers[id]; !kept {
			delete(d.Problems, id) // its answer is asked again anyway
		}
	}
	d.CatalogVersion = cat.Version
	return ask, nil
}
