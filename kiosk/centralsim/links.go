package centralsim

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
)

// Link sessions pair a kiosk with a citizen's phone for one visit, in the
// manner of the OAuth device authorization grant (RFC 8628): the kiosk asks
// for a session and shows its URL as a QR code beside a confirm code, the
// phone opens the URL, and the kiosk long-polls until the phone has acted.
// The token in the URL is the only capability: it carries 128 random bits,
// only its hash is stored, it can be redeemed once and only within
// linkRedeemWindow.

const (
	// linkRedeemWindow is how long a new QR code can be redeemed.
	linkRedeemWindow = 2 * time.Minute
	// linkVisitMax bounds a linked session: a kiosk that crashed without
	// closing it must not leave a phone able to send files for ever.
	linkVisitMax = 2 * time.Hour
	// linkKeepEnded is how long an ended session stays readable, so a
	// kiosk that polls late reads "expired" or "closed", not 404.
	linkKeepEnded = 10 * time.Minute
	// linkMaxWait caps a long poll below common proxy idle timeouts.
	linkMaxWait = 30 * time.Second
	// linkMaxWrongTaps closes a link whose phone tapped that many decoy
	// codes: a forged QR stuck on the kiosk, or a guesser, gets a third
	// of a chance at most, and the kiosk shows a new QR.
	linkMaxWrongTaps = 3
)

// Who closed a link session.
const (
	closedByKiosk    = "kiosk"
	closedByMismatch = "mismatch" // too many wrong codes tapped on the phone
)

// linkHub wakes long polls when a link session changes. Each link being
// watched has one channel, closed (and forgotten) on its next change; a
// poller takes the channel before it reads the state, so a change between
// the read and the wait is never missed.
type linkHub struct {
	mu      sync.Mutex
	changed map[string]chan struct{}
}

func newLinkHub() *linkHub { return &linkHub{changed: make(map[string]chan struct{})} }

// watch returns a channel that is closed at the link's next change.
func (h *linkHub) watch(id string) <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	ch, ok := h.changed[id]
	if !ok {
		ch = make(chan struct{})
		h.changed[id] = ch
	}
	return ch
}

// notify wakes everyone watching the link.
func (h *linkHub) notify(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ch, ok := h.changed[id]; ok {
		close(ch)
		delete(h.changed, id)
	}
}

// stateAt is the session's state as the kiosk and the phone see it at now:
// a pending link past its redeem window, or a linked one past the longest
// visit, has expired even though nobody wrote that down.
func (l *linkRecord) stateAt(now time.Time) string {
	switch {
	case l.State == central.LinkPending && !now.Before(l.ExpiresAt):
		return central.LinkExpired
	case l.State == central.LinkLinked && !now.Before(l.LinkedAt.Add(linkVisitMax)):
		return central.LinkExpired
	}
	return l.State
}

// endedAt is when the session stopped being usable.
func (l *linkRecord) endedAt() time.Time {
	switch l.State {
	case central.LinkLinked:
		return l.LinkedAt.Add(linkVisitMax)
	case central.LinkClosed:
		return l.ClosedAt
	}
	return l.ExpiresAt
}

func validPurpose(p string) bool {
	return p == central.PurposeLogin || p == central.PurposeUpload || p == central.PurposeHandoff
}

// checkLinkRequest validates a new session's purpose and procedure.
func (s *Server) checkLinkRequest(req central.LinkSessionRequest) *apiError {
	fields := map[string]kiosk.Text{}
	if !validPurpose(req.Purpose) {
		fields["purpose"] = kiosk.Text{
			VI: "Mục đích phải là login, upload hoặc handoff.",
			EN: "The purpose must be login, upload or handoff.",
		}
	}
	if req.ProcedureID != "" {
		if _, ok := s.catalog.Procedure(req.ProcedureID); !ok {
			fields["procedure_id"] = kiosk.Text{
				VI: "Không có thủ tục này trong danh mục.",
				EN: "There is no such procedure in the catalog.",
			}
		}
	}
	if len(fields) > 0 {
		return validationError(fields)
	}
	return nil
}

func (s *Server) handleCreateLink(w http.ResponseWriter, r *http.Request) {
	var req central.LinkSessionRequest
	d := deviceOf(r)
	base := s.publicURL(r)
	s.idempotent(w, r, "link-session", &req, func(tx *bolt.Tx) (int, any, *apiError) {
		if e := s.checkLinkRequest(req); e != nil {
			return 0, nil, e
		}
		token := randomToken(16)
		now := s.opts.Now()
		confirm := randomDigits(6)
		rec := linkRecord{
			ID:          "lnk_" + randomToken(8),
			DeviceID:    d.ID,
			Purpose:     req.Purpose,
			ProcedureID: req.ProcedureID,
			TokenHash:   tokenKey(token),
			ConfirmCode: confirm,
			Choices:     codeChoices(confirm),
			OTP:         randomDigits(6),
			Location:    d.Location,
			CreatedAt:   now,
			ExpiresAt:   now.Add(linkRedeemWindow),
			State:       central.LinkPending,
			Version:     1,
		}
		if err := putJSON(tx, bucketLinks, rec.ID, rec); err != nil {
			return 0, nil, errInternal
		}
		if err := tx.Bucket(bucketLinkTokens).Put([]byte(rec.TokenHash), []byte(rec.ID)); err != nil {
			return 0, nil, errInternal
		}
		return http.StatusCreated, central.LinkSession{
			ID:          rec.ID,
			URL:         base + "/l/" + token,
			ConfirmCode: rec.ConfirmCode,
			ExpiresAt:   rec.ExpiresAt.UTC(),
		}, nil
	})
}

var errBadPoll = newAPIError(http.StatusBadRequest, "bad_request",
	"Tham số wait hoặc since không hợp lệ.",
	"wait must be a duration such as 25s and since a version number.")

// pollParams reads ?wait= (clamped to 0–30 s) and ?since=.
func pollParams(r *http.Request) (wait time.Duration, since int, hasSince bool, e *apiError) {
	q := r.URL.Query()
	if v := q.Get("wait"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return 0, 0, false, errBadPoll
		}
		wait = min(max(d, 0), linkMaxWait)
	}
	if v := q.Get("since"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, 0, false, errBadPoll
		}
		since, hasSince = n, true
	}
	return wait, since, hasSince, nil
}

// pollDone reports whether a long poll should answer now. With since, it
// waits while the version is unchanged; without, while the link is still
// pending (the kiosk is waiting for the phone). An ended session is final.
func pollDone(st central.LinkState, since int, hasSince bool) bool {
	switch {
	case st.State == central.LinkExpired || st.State == central.LinkClosed:
		return true
	case hasSince:
		return st.Version != since
	}
	return st.State != central.LinkPending
}

// handleGetLink answers a long poll. It never waits inside a bbolt
// transaction: it reads, and if nothing is new it waits on the hub, the
// deadline, the link's expiry or the client going away, then reads again.
func (s *Server) handleGetLink(w http.ResponseWriter, r *http.Request) {
	wait, since, hasSince, apiErr := pollParams(r)
	if apiErr != nil {
		writeError(w, r, apiErr)
		return
	}
	id, deviceID := r.PathValue("id"), deviceOf(r).ID
	deadline := time.Now().Add(wait)
	for {
		changed := s.links.watch(id)
		st, rec, apiErr := s.readLinkState(id, deviceID)
		if apiErr != nil {
			s.links.notify(id) // frees the channel watch made for a link that is not there
			writeError(w, r, apiErr)
			return
		}
		left := time.Until(deadline)
		if pollDone(st, since, hasSince) || left <= 0 {
			writeJSON(w, http.StatusOK, st)
			return
		}
		if st.State == central.LinkPending {
			// Nothing is written when a link expires: wake up to report it.
			left = min(left, rec.ExpiresAt.Sub(s.opts.Now())+10*time.Millisecond)
		}
		timer := time.NewTimer(max(left, 0))
		select {
		case <-changed:
		case <-timer.C:
		case <-r.Context().Done():
			// Shutdown ends request contexts (HTTPServer): answer what
			// is known, as the deadline does, not an empty 200.
			timer.Stop()
			writeJSON(w, http.StatusOK, st)
			return
		}
		timer.Stop()
	}
}

// readLinkState loads a device's own link and what a poll returns for it;
// another device's link is not found, so ids reveal nothing.
func (s *Server) readLinkState(id, deviceID string) (central.LinkState, linkRecord, *apiError) {
	var st central.LinkState
	var rec linkRecord
	err := s.db.View(func(tx *bolt.Tx) error {
		found, err := getJSON(tx, bucketLinks, id, &rec)
		if err != nil {
			return err
		}
		if !found || rec.DeviceID != deviceID {
			return errNotFound
		}
		st, err = linkStateOf(tx, &rec, s.opts.Now())
		return err
	})
	return st, rec, s.apiErrorOf(err)
}

// apiErrorOf passes API errors through and turns any other into a 500.
func (s *Server) apiErrorOf(err error) *apiError {
	var e *apiError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &e):
		return e
	}
	s.log.Error().Err(err).Msg("link session store failed")
	return errInternal
}

// linkStateOf is the poll answer for rec. The identity is given only while
// the session is linked: once it has ended the kiosk has no need of it.
func linkStateOf(tx *bolt.Tx, rec *linkRecord, now time.Time) (central.LinkState, error) {
	st := central.LinkState{
		State:       rec.stateAt(now),
		Attachments: []central.Attachment{},
		DraftID:     rec.DraftID,
		Version:     rec.Version,
	}
	if rec.Handoff != nil {
		st.DossierCode = rec.Handoff.DossierCode
	}
	if st.State == central.LinkLinked && rec.Purpose == central.PurposeLogin {
		st.Identity = rec.Identity
	}
	for _, id := range rec.Attachments {
		var a attachmentRecord
		found, err := getJSON(tx, bucketAttachMeta, id, &a)
		if err != nil {
			return st, err
		}
		if found {
			st.Attachments = append(st.Attachments, a.Attachment)
		}
	}
	return st, nil
}

// handleDeleteLink ends a session for the kiosk (Back, Cancel, finish or
// idle reset). The identity is dropped at once: it is personal data the
// server no longer needs. A draft handed over stays for the phone that
// took it (handoffKeep). Ending an ended session is not an error.
func (s *Server) handleDeleteLink(w http.ResponseWriter, r *http.Request) {
	id, deviceID := r.PathValue("id"), deviceOf(r).ID
	err := s.db.Update(func(tx *bolt.Tx) error {
		var rec linkRecord
		found, err := getJSON(tx, bucketLinks, id, &rec)
		if err != nil {
			return err
		}
		if !found || rec.DeviceID != deviceID {
			return errNotFound
		}
		if rec.State == central.LinkClosed {
			return nil
		}
		rec.State, rec.ClosedAt, rec.ClosedBy, rec.Identity = central.LinkClosed, s.opts.Now(), closedByKiosk, nil
		rec.Version++
		return putJSON(tx, bucketLinks, rec.ID, rec)
	})
	if apiErr := s.apiErrorOf(err); apiErr != nil {
		writeError(w, r, apiErr)
		return
	}
	s.links.notify(id)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

// keptUntil is when a session's record may go: linkKeepEnded after it
// ended, or, for a draft a phone took over, when the hand-over ends.
func (l *linkRecord) keptUntil() time.Time {
	until := l.endedAt().Add(linkKeepEnded)
	if l.Handoff != nil && l.PhoneKey != "" {
		until = maxTime(until, l.handoffUntil())
	}
	return until
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// purgeLinks deletes sessions past keptUntil, with their token hashes
// and their sealed drafts. The files uploaded through them stay: a
// dossier may refer to them. Call it with PurgeExpired.
func (s *Server) purgeLinks(now time.Time) error {
	var gone []string
	err := s.db.Update(func(tx *bolt.Tx) error {
		links := tx.Bucket(bucketLinks)
		var recs []linkRecord
		// Collect first: deleting under a moving cursor skips keys.
		_ = links.ForEach(func(k, v []byte) error {
			var rec linkRecord
			if json.Unmarshal(v, &rec) != nil || now.After(rec.keptUntil()) {
				gone = append(gone, string(k))
				recs = append(recs, rec)
			}
			return nil
		})
		for i, id := range gone {
			if err := links.Delete([]byte(id)); err != nil {
				return err
			}
			if err := deleteLinkTokens(tx, &recs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range gone {
		s.links.notify(id) // also frees the hub's channel
	}
	return nil
}

// deleteLinkTokens forgets the hashes that lead to a link: its QR's and
// its resume QR's.
func deleteLinkTokens(tx *bolt.Tx, rec *linkRecord) error {
	if rec.TokenHash != "" {
		if err := tx.Bucket(bucketLinkTokens).Delete([]byte(rec.TokenHash)); err != nil {
			return err
		}
	}
	if rec.Handoff != nil && rec.Handoff.ResumeHash != "" {
		return tx.Bucket(bucketResumeToken).Delete([]byte(rec.Handoff.ResumeHash))
	}
	return nil
}
