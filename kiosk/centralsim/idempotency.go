package centralsim

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/motcua/kiosk/kiosk/central"
)

// idemRecord is the first response to an Idempotency-Key, replayed to every
// retry with the same key and body. It is written in the same transaction
// as what the request created, so a crash can never leave a dossier
// without its record (which would let a retry file it twice) or a record
// without its dossier.
type idemRecord struct {
	Fingerprint string          `json:"fingerprint"`
	Status      int             `json:"status"`
	Body        json.RawMessage `json:"body,omitempty"`
	// Sealed holds the body instead of Body when it is personal data
	// (a claimed hand-over draft), sealed under the record's key.
	Sealed    []byte    `json:"sealed,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	// ExpiresAt, when set, ends the record before idempotencyTTL: a
	// sealed answer is kept no longer than the data it holds.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
}

// idemSealed asks once to keep the answer sealed, and for how long.
type idemSealed struct{ keep time.Duration }

// idempotencyTTL is how long keys are kept: the contract promises at least
// seven days, so a kiosk that was offline for a week can still retry safely.
const idempotencyTTL = 8 * 24 * time.Hour

var (
	errKeyMissing = newAPIError(http.StatusBadRequest, "idempotency_key_missing",
		"Thiếu khóa Idempotency-Key.", "This request needs an Idempotency-Key header (1–255 characters).")
	errKeyReused = newAPIError(http.StatusUnprocessableEntity, "idempotency_key_reused",
		"Khóa Idempotency-Key đã được dùng cho một yêu cầu khác.",
		"This Idempotency-Key was already used with a different request body.")
	errKeyInProgress = newAPIError(http.StatusConflict, "idempotency_in_progress",
		"Yêu cầu trước với cùng khóa đang được xử lý.",
		"A request with this Idempotency-Key is still being processed; retry shortly.")
)

// commitFunc does a creating request's work inside the write transaction
// and returns the success status and response body. An error rolls the
// whole transaction back and nothing is recorded, so a retry runs again.
type commitFunc func(tx *bolt.Tx) (int, any, *apiError)

// idempotent handles a creating POST with a JSON body: it decodes the body
// into req, then runs commit at most once per Idempotency-Key.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, scope string, req any, commit commitFunc) {
	s.idempotentSealed(w, r, scope, req, nil, commit)
}

// idempotentSealed is idempotent for an answer that carries personal data:
// with sealed set, the replayable answer is stored sealed and kept for
// sealed.keep only.
func (s *Server) idempotentSealed(w http.ResponseWriter, r *http.Request, scope string, req any, sealed *idemSealed, commit commitFunc) {
	body, apiErr := readBody(w, r, maxJSONBody)
	if apiErr == nil && json.Unmarshal(body, req) != nil {
		apiErr = errBadJSON
	}
	if apiErr != nil {
		writeError(w, r, apiErr)
		return
	}
	sum := sha256.Sum256(body)
	s.onceSealed(w, r, scope, hex.EncodeToString(sum[:]), sealed, commit)
}

// once runs commit at most once for the request's Idempotency-Key within
// scope, and replays the first response to retries. fingerprint identifies
// the request's content: the same key with another fingerprint is refused.
func (s *Server) once(w http.ResponseWriter, r *http.Request, scope, fingerprint string, commit commitFunc) {
	s.onceSealed(w, r, scope, fingerprint, nil, commit)
}

// onceSealed is once with the answer kept sealed when sealed is set.
func (s *Server) onceSealed(w http.ResponseWriter, r *http.Request, scope, fingerprint string, sealed *idemSealed, commit commitFunc) {
	key := r.Header.Get(central.HeaderIdempotencyKey)
	if key == "" || len(key) > 255 {
		writeError(w, r, errKeyMissing)
		return
	}
	if d := deviceOf(r); d != nil {
		scope = d.ID
	}
	full := scope + "|" + r.Method + " " + r.URL.Path + "|" + key
	if _, busy := s.inflight.LoadOrStore(full, struct{}{}); busy {
		writeError(w, r, errKeyInProgress)
		return
	}
	defer s.inflight.Delete(full)

	ans, replayed, apiErr := s.runOnce(full, fingerprint, sealed, commit)
	if apiErr != nil {
		writeError(w, r, apiErr)
		return
	}
	if !replayed && s.roll(s.opts.DropAfterCommit) {
		s.log.Debug().Msg("dropping the connection after commit (injected fault)")
		panic(http.ErrAbortHandler) // net/http closes the connection without a response
	}
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(ans.status)
	_, _ = w.Write(ans.data)
}

// idemAnswer is the answer once writes: the first one, or its replay.
type idemAnswer struct {
	status int
	data   []byte
}

// errRollback carries a commitFunc's error out of the transaction.
type errRollback struct{ apiErr *apiError }

func (e errRollback) Error() string { return e.apiErr.Error() }

func (s *Server) runOnce(full, fingerprint string, sealed *idemSealed, commit commitFunc) (ans idemAnswer, replayed bool, apiErr *apiError) {
	err := s.db.Update(func(tx *bolt.Tx) error {
		var rec idemRecord
		found, err := getJSON(tx, bucketIdempotency, full, &rec)
		if err != nil {
			return err
		}
		if found && !rec.expired(s.opts.Now()) {
			if rec.Fingerprint != fingerprint {
				return errRollback{errKeyReused}
			}
			replayed = true
			ans, err = s.replay(rec, full)
			return err
		}
		status, resp, e := commit(tx)
		if e != nil {
			return errRollback{e}
		}
		body, err := json.Marshal(resp)
		if err != nil {
			return err
		}
		ans = idemAnswer{status: status, data: body}
		return putJSON(tx, bucketIdempotency, full, s.newIdemRecord(full, fingerprint, ans, sealed))
	})
	var rb errRollback
	switch {
	case errors.As(err, &rb):
		return ans, false, rb.apiErr
	case err != nil:
		s.log.Error().Err(err).Msg("idempotent commit failed")
		return ans, false, errInternal
	}
	return ans, replayed, nil
}

func (s *Server) newIdemRecord(full, fingerprint string, ans idemAnswer, sealed *idemSealed) idemRecord {
	now := s.opts.Now()
	rec := idemRecord{Fingerprint: fingerprint, Status: ans.status, CreatedAt: now}
	if sealed == nil {
		rec.Body = ans.data
		return rec
	}
	rec.Sealed, rec.ExpiresAt = s.seal(ans.data, full), now.Add(sealed.keep)
	return rec
}

// replay is the stored answer of rec, opened if it was sealed.
func (s *Server) replay(rec idemRecord, full string) (idemAnswer, error) {
	if rec.Sealed == nil {
		return idemAnswer{status: rec.Status, data: rec.Body}, nil
	}
	data, err := s.unseal(rec.Sealed, full)
	return idemAnswer{status: rec.Status, data: data}, err
}

// expired reports whether a record with its own end is past it; a purge
// that has not run yet must not let it replay.
func (rec *idemRecord) expired(now time.Time) bool {
	return !rec.ExpiresAt.IsZero() && !now.Before(rec.ExpiresAt)
}

// PurgeExpired deletes idempotency records and link sessions past their
// time. Open calls it; a long-running server should call it hourly.
func (s *Server) PurgeExpired() error {
	if err := s.purgeLinks(s.opts.Now()); err != nil {
		return err
	}
	return s.purgeIdempotency()
}

func (s *Server) purgeIdempotency() error {
	now := s.opts.Now()
	cutoff := now.Add(-idempotencyTTL)
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketIdempotency)
		// Collect first: deleting under a moving cursor skips keys.
		var expired [][]byte
		_ = b.ForEach(func(k, v []byte) error {
			var rec idemRecord
			if json.Unmarshal(v, &rec) != nil || rec.CreatedAt.Before(cutoff) || rec.expired(now) {
				expired = append(expired, append([]byte(nil), k...))
			}
			return nil
		})
		for _, k := range expired {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
}
