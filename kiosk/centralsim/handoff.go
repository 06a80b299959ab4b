package centralsim

import (
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
)

// A hand-over moves a form from the kiosk to the citizen's phone and,
// if they like, back. The kiosk puts its draft under a handoff link
// session (PUT /v1/link-sessions/{id}/draft); the phone that matched the
// code shows the whole form, saves it and may submit it; its page also
// shows a resume QR that any kiosk of this server can scan to claim the
// latest answers (POST /v1/handoffs/claim). The draft is sealed at rest
// (seal.go), and it outlives the kiosk's session: the citizen walks away
// from the kiosk, which ends the session, and finishes at home.

const (
	// handoffKeep is how long after the link ended the phone that took
	// the draft may still finish it.
	handoffKeep = 24 * time.Hour
	// resumeTTL is how long a resume QR can be claimed; each view of the
	// page shows a new one.
	resumeTTL = 30 * time.Minute
	// draftMaxAnswer caps one answer of a draft, in bytes: far above any
	// field's own limit, far below the body's.
	draftMaxAnswer = 4 << 10
)

var (
	errNotHandoff = newAPIError(http.StatusConflict, "conflict",
		"Phiên kết nối này không dùng để chuyển hồ sơ sang điện thoại.",
		"This link session is not a hand-over (purpose handoff).")
	errHandoffGone = newAPIError(http.StatusGone, "gone",
		"Phiên chuyển hồ sơ đã kết thúc: không nhận thêm gì nữa.",
		"The hand-over has ended (the session ended, or the application was submitted or taken back): it accepts nothing more.")
	msgDraftAnswerLong = kiosk.Text{
		VI: "Câu trả lời quá dài.",
		EN: "The answer is too long.",
	}
	msgResumeToken = kiosk.Text{
		VI: "Mã tiếp tục phải có 32 chữ số thập lục phân.",
		EN: "The resume token must be 32 hexadecimal digits.",
	}
)

// handoffUntil is when a hand-over ends for the phone: handoffKeep after
// the kiosk's session ended (or would end, while it lasts).
func (l *linkRecord) handoffUntil() time.Time { return l.endedAt().Add(handoffKeep) }

// handoffKept reports whether the phone that took a hand-over may still
// open its page (to finish, or to read what became of it).
func (l *linkRecord) handoffKept(now time.Time) bool {
	return l.Purpose == central.PurposeHandoff && l.Handoff != nil && l.PhoneKey != "" && now.Before(l.handoffUntil())
}

// handoffOpen reports whether the draft can still be changed, submitted
// or claimed: it is there, nobody has filed or taken it, and its time is
// not over.
func (l *linkRecord) handoffOpen(now time.Time) bool {
	h := l.Handoff
	return h != nil && h.Sealed != nil && h.DossierCode == "" && h.ClaimedAt.IsZero() && now.Before(l.handoffUntil())
}

// sealDraft stores d sealed in the link's hand-over.
func (s *Server) sealDraft(rec *linkRecord, d central.HandoffDraft, now time.Time) error {
	plain, err := json.Marshal(d)
	if err != nil {
		return err
	}
	rec.Handoff.Sealed, rec.Handoff.UpdatedAt = s.seal(plain, rec.DraftID), now
	return nil
}

// openDraft is the link's draft in plain.
func (s *Server) openDraft(rec *linkRecord) (central.HandoffDraft, error) {
	var d central.HandoffDraft
	if rec.Handoff == nil || rec.Handoff.Sealed == nil {
		return d, errLinkClosed
	}
	plain, err := s.unseal(rec.Handoff.Sealed, rec.DraftID)
	if err != nil {
		return d, err
	}
	return d, json.Unmarshal(plain, &d)
}

// checkDraft validates a kiosk's draft and keeps only the answers to its
// procedure's questions: a draft is unfinished by nature, so the answers
// themselves are checked when the phone submits.
func (s *Server) checkDraft(d *central.HandoffDraft, linkProc string) *apiError {
	proc, ok := s.catalog.Procedure(d.ProcedureID)
	if !ok || linkProc != "" && linkProc != d.ProcedureID {
		return validationError(map[string]kiosk.Text{"procedure_id": dossierMsgProcedure})
	}
	problems := map[string]kiosk.Text{}
	if d.ConsentAt.IsZero() {
		problems["consent_at"] = dossierMsgConsent
	}
	kept := map[string]string{}
	for _, f := range proc.Form {
		v, ok := d.Answers[f.ID]
		switch {
		case !ok || v == "":
		case len(v) > draftMaxAnswer:
			problems["answers."+f.ID] = msgDraftAnswerLong
		default:
			kept[f.ID] = v
		}
	}
	if len(problems) > 0 {
		return validationError(problems)
	}
	d.Answers = kept
	return nil
}

// handlePutDraft takes the kiosk's draft for a hand-over, replacing the
// one before. A PUT is idempotent by itself, so it needs no
// Idempotency-Key. The first draft bumps the session's version (draft_id
// appears); later ones change nothing the kiosk polls for.
func (s *Server) handlePutDraft(w http.ResponseWriter, r *http.Request) {
	var d central.HandoffDraft
	body, apiErr := readBody(w, r, maxJSONBody)
	if apiErr == nil && json.Unmarshal(body, &d) != nil {
		apiErr = errBadJSON
	}
	if apiErr != nil {
		writeError(w, r, apiErr)
		return
	}
	id, deviceID := r.PathValue("id"), deviceOf(r).ID
	var first bool
	err := s.db.Update(func(tx *bolt.Tx) error {
		var rec linkRecord
		found, err := getJSON(tx, bucketLinks, id, &rec)
		if err != nil {
			return err
		}
		if !found || rec.DeviceID != deviceID {
			return errNotFound
		}
		first = rec.Handoff == nil
		if err := s.putDraft(&rec, &d); err != nil {
			return err
		}
		if first {
			rec.Version++
		}
		if err := s.sealDraft(&rec, d, s.opts.Now()); err != nil {
			return err
		}
		return putJSON(tx, bucketLinks, rec.ID, rec)
	})
	if apiErr := s.apiErrorOf(err); apiErr != nil {
		writeError(w, r, apiErr)
		return
	}
	if first {
		s.links.notify(id)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

// putDraft checks that rec can take a draft and makes its hand-over.
func (s *Server) putDraft(rec *linkRecord, d *central.HandoffDraft) error {
	if rec.Purpose != central.PurposeHandoff {
		return errNotHandoff
	}
	switch st := rec.stateAt(s.opts.Now()); {
	case st != central.LinkPending && st != central.LinkLinked:
		return errHandoffGone
	case rec.Handoff != nil && (rec.Handoff.DossierCode != "" || !rec.Handoff.ClaimedAt.IsZero()):
		return errHandoffGone
	}
	if e := s.checkDraft(d, rec.ProcedureID); e != nil {
		return e
	}
	if rec.Handoff == nil {
		rec.DraftID, rec.Handoff = "drf_"+randomToken(8), &handoffRecord{}
	}
	return nil
}

// resumeTokenHash reads a claimed token: 32 hex digits, as
// kiosk.ClassifyScan reads it (any case: a scanner with Caps Lock on).
func resumeTokenHash(token string) (string, bool) {
	token = strings.ToLower(strings.TrimSpace(token))
	if len(token) != 32 {
		return "", false
	}
	if _, err := hex.DecodeString(token); err != nil {
		return "", false
	}
	return tokenKey(token), true
}

// handleClaimHandoff gives a kiosk the draft behind a resume QR, once:
// the token is spent, and the hand-over ends on the phone, which then
// says the application went back to a kiosk (two places able to submit
// would file it twice). Any enrolled device may claim: the citizen may
// come back to another kiosk of the office.
//
// It takes an Idempotency-Key like the other POSTs, so a kiosk whose
// answer was lost gets the same draft on its retry rather than a spent
// token. That answer is the citizen's form, so the replay is kept sealed
// and only for handoffKeep, not the usual seven days.
func (s *Server) handleClaimHandoff(w http.ResponseWriter, r *http.Request) {
	var req central.HandoffClaim
	deviceID := deviceOf(r).ID
	var linkID string
	s.idempotentSealed(w, r, "handoff-claim", &req, &idemSealed{keep: handoffKeep}, func(tx *bolt.Tx) (int, any, *apiError) {
		hash, ok := resumeTokenHash(req.Token)
		if !ok {
			return 0, nil, validationError(map[string]kiosk.Text{"token": msgResumeToken})
		}
		d, id, err := s.claim(tx, hash, deviceID)
		if err != nil {
			return 0, nil, s.apiErrorOf(err)
		}
		linkID = id
		return http.StatusOK, d, nil
	})
	if linkID != "" {
		s.links.notify(linkID)
	}
}

// claim spends a resume token and takes the draft out of the hand-over.
// An unknown, spent or expired token, or a hand-over that has ended, is
// not found: the phone page shows a fresh QR when reloaded.
func (s *Server) claim(tx *bolt.Tx, hash, deviceID string) (central.HandoffDraft, string, error) {
	id := tx.Bucket(bucketResumeToken).Get([]byte(hash))
	if id == nil {
		return central.HandoffDraft{}, "", errNotFound
	}
	var rec linkRecord
	found, err := getJSON(tx, bucketLinks, string(id), &rec)
	if err != nil {
		return central.HandoffDraft{}, "", err
	}
	now := s.opts.Now()
	if !found || rec.Handoff == nil || rec.Handoff.ResumeHash != hash || !now.Before(rec.Handoff.ResumeUntil) || !rec.handoffOpen(now) {
		return central.HandoffDraft{}, "", errNotFound
	}
	d, err := s.openDraft(&rec)
	if err != nil {
		s.log.Error().Err(err).Msg("a claimed draft does not open")
		return central.HandoffDraft{}, "", errNotFound
	}
	if err := tx.Bucket(bucketResumeToken).Delete([]byte(hash)); err != nil {
		return central.HandoffDraft{}, "", err
	}
	h := rec.Handoff
	h.ClaimedAt, h.ClaimedBy, h.Sealed, h.ResumeHash, h.ResumeUntil = now, deviceID, nil, "", time.Time{}
	rec.Version++
	return d, rec.ID, putJSON(tx, bucketLinks, rec.ID, rec)
}
