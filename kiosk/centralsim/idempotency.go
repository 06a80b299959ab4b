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
	Body        json.RawMessage `json:"body"`
	CreatedAt   time.Time       `json:"created_at"`
}

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
	body, apiErr := readBody(w, r, maxJSONBody)
	if apiErr == nil && json.Unmarshal(body, req) != nil {
		apiErr = errBadJSON
	}
	if apiErr != nil {
		writeError(w, r, apiErr)
		return
	}
	sum := sha256.Sum256(body)
	s.once(w, r, scope, hex.EncodeToString(sum[:]), commit)
}

// once runs commit at most once for the request's Idempotency-Key within
// scope, and replays the first response to retries. fingerprint identifies
// the request's content: the same key with another fingerprint is refused.
func (s *Server) once(w http.ResponseWriter, r *http.Request, scope, fingerprint string, commit commitFunc) {
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

	rec, replayed, apiErr := s.runOnce(full, fingerprint, commit)
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
	w.WriteHeader(rec.Status)
	_, _ = w.Write(rec.Body)
}

// errRollback carries a commitFunc's error out of the transaction.
type errRollback struct{ apiErr *apiError }

func (e errRollback) Error() string { return e.apiErr.Error() }

func (s *Server) runOnce(full, fingerprint string, commit commitFunc) (rec idemRecord, replayed bool, apiErr *apiError) {
	err := s.db.Update(func(tx *bolt.Tx) error {
		found, err := getJSON(tx, bucketIdempotency, full, &rec)
		if err != nil {
			return err
		}
		if found {
			if rec.Fingerprint != fingerprint {
				return errRollback{errKeyReused}
			}
			replayed = true
			return nil
		}
		status, resp, e := commit(tx)
		if e != nil {
			return errRollback{e}
		}
		body, err := json.Marshal(resp)
		if err != nil {
			return err
		}
		rec = idemRecord{Fingerprint: fingerprint, Status: status, Body: body, CreatedAt: s.opts.Now()}
		return putJSON(tx, bucketIdempotency, full, rec)
	})
	var rb errRollback
	switch {
	case errors.As(err, &rb):
		return rec, false, rb.apiErr
	case err != nil:
		s.log.Error().Err(err).Msg("idempotent commit failed")
		return rec, false, errInternal
	}
	return rec, replayed, nil
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
	cutoff := s.opts.Now().Add(-idempotencyTTL)
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketIdempotency)
		// Collect first: deleting under a moving cursor skips keys.
		var expired [][]byte
		_ = b.ForEach(func(k, v []byte) error {
			var rec idemRecord
			if json.Unmarshal(v, &rec) != nil || rec.CreatedAt.Before(cutoff) {
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
