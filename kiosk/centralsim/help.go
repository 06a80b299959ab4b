package centralsim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
)

// This file holds what a kiosk reports besides dossiers: citizens'
// feedback and help requests for the digital-tech team (metrics.go has
// the aggregated self-service figures).

const (
	maxFeedbackComment = 1000 // characters
	maxScreenLen       = 64   // characters of a help request's screen and step names
)

// feedbackRecord is one citizen's rating. The comment is free text and may
// hold anything the citizen typed: it is stored, never logged.
type feedbackRecord struct {
	central.Feedback
	ID        string    `json:"id"`
	DeviceID  string    `json:"device_id"`
	CreatedAt time.Time `json:"created_at"`
}

var (
	helpMsgRating = kiosk.Text{
		VI: "Vui lòng chọn mức đánh giá từ 1 đến 5 sao.",
		EN: "Please choose a rating from 1 to 5 stars.",
	}
	helpMsgComment = kiosk.Text{
		VI: fmt.Sprintf("Góp ý dài quá: tối đa %d ký tự.", maxFeedbackComment),
		EN: fmt.Sprintf("The comment is too long: at most %d characters.", maxFeedbackComment),
	}
	helpMsgUnreadable = kiosk.Text{
		VI: "Nội dung có ký tự không đọc được.",
		EN: "The text has characters that cannot be read.",
	}
	helpMsgDossier = kiosk.Text{
		VI: "Không tìm thấy hồ sơ có mã này.",
		EN: "No application has this code.",
	}
	helpMsgScreen = kiosk.Text{
		VI: fmt.Sprintf("Cần tên màn hình, tối đa %d ký tự.", maxScreenLen),
		EN: fmt.Sprintf("The screen name is required, at most %d characters.", maxScreenLen),
	}
	helpMsgStep = kiosk.Text{
		VI: fmt.Sprintf("Tên bước tối đa %d ký tự.", maxScreenLen),
		EN: fmt.Sprintf("The step name has at most %d characters.", maxScreenLen),
	}
	helpMsgNegative = kiosk.Text{
		VI: "Số liệu không được là số âm.",
		EN: "A count cannot be negative.",
	}
	errHelpState = newAPIError(http.StatusBadRequest, "bad_request",
		"Trạng thái phải là open, taken hoặc done.", "state must be open, taken or done.")
)

// ---- Feedback ----

func (s *Server) handleCreateFeedback(w http.ResponseWriter, r *http.Request) {
	var req central.Feedback
	deviceID := deviceOf(r).ID
	s.idempotent(w, r, "feedback", &req, func(tx *bolt.Tx) (int, any, *apiError) {
		return s.createFeedback(tx, deviceID, req)
	})
}

func (s *Server) createFeedback(tx *bolt.Tx, deviceID string, req central.Feedback) (int, any, *apiError) {
	if apiErr := checkFeedback(tx, deviceID, &req); apiErr != nil {
		return 0, nil, apiErr
	}
	rec := feedbackRecord{Feedback: req, ID: "fb_" + randomToken(8), DeviceID: deviceID, CreatedAt: s.opts.Now().UTC()}
	if err := putJSON(tx, bucketFeedback, rec.ID, rec); err != nil {
		return 0, nil, errInternal
	}
	return http.StatusCreated, map[string]string{"id": rec.ID}, nil
}

// checkFeedback validates a rating and trims its text in place.
func checkFeedback(tx *bolt.Tx, deviceID string, req *central.Feedback) *apiError {
	problems := map[string]kiosk.Text{}
	if req.Rating < 1 || req.Rating > 5 {
		problems["rating"] = helpMsgRating
	}
	req.Comment = strings.TrimSpace(req.Comment)
	switch {
	case !utf8.ValidString(req.Comment):
		problems["comment"] = helpMsgUnreadable
	case utf8.RuneCountInString(req.Comment) > maxFeedbackComment:
		problems["comment"] = helpMsgComment
	}
	req.DossierCode = strings.TrimSpace(req.DossierCode)
	if req.DossierCode != "" {
		var d dossierRecord
		found, err := getJSON(tx, bucketDossiers, req.DossierCode, &d)
		if err != nil {
			return errInternal
		}
		if !found || d.DeviceID != deviceID {
			problems["dossier_code"] = helpMsgDossier
		}
	}
	if len(problems) > 0 {
		return validationError(problems)
	}
	return nil
}

// ---- Help requests ----

func (s *Server) handleCreateHelp(w http.ResponseWriter, r *http.Request) {
	var req central.HelpRequest
	dev := deviceOf(r)
	s.idempotent(w, r, "help", &req, func(tx *bolt.Tx) (int, any, *apiError) {
		return s.createHelp(tx, dev.ID, dev.Location, req)
	})
}

func (s *Server) createHelp(tx *bolt.Tx, deviceID, location string, req central.HelpRequest) (int, any, *apiError) {
	screen, step := strings.TrimSpace(req.Screen), strings.TrimSpace(req.Step)
	problems := map[string]kiosk.Text{}
	if !shortName(screen) || screen == "" {
		problems["screen"] = helpMsgScreen
	}
	if !shortName(step) {
		problems["step"] = helpMsgStep
	}
	if len(problems) > 0 {
		return 0, nil, validationError(problems)
	}
	seq, err := nextSeq(tx, "help")
	if err != nil {
		return 0, nil, errInternal
	}
	t := helpRecord{HelpTicket: central.HelpTicket{
		// Zero-padded, so the bucket's key order is the queue's order.
		ID:        fmt.Sprintf("help_%08d", seq),
		DeviceID:  deviceID,
		Location:  location,
		Screen:    screen,
		Step:      step,
		State:     central.HelpOpen,
		CreatedAt: s.opts.Now().UTC(),
	}}
	open, err := helpTickets(tx, central.HelpOpen)
	if err != nil {
		return 0, nil, errInternal
	}
	t.Position = len(open) + 1
	if err := putJSON(tx, bucketHelp, t.ID, t); err != nil {
		return 0, nil, errInternal
	}
	return http.StatusCreated, t.HelpTicket, nil
}

// shortName reports whether s is readable text of at most maxScreenLen
// characters.
func shortName(s string) bool {
	return utf8.ValidString(s) && utf8.RuneCountInString(s) <= maxScreenLen
}

func (s *Server) handleListHelp(w http.ResponseWriter, r *http.Request) {
	state := r.URL.Query().Get("state")
	if state == "" {
		state = central.HelpOpen
	}
	if !slices.Contains([]string{central.HelpOpen, central.HelpTaken, central.HelpDone}, state) {
		writeError(w, r, errHelpState)
		return
	}
	var tickets []central.HelpTicket
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		tickets, err = helpTickets(tx, state)
		return err
	})
	if err != nil {
		writeError(w, r, errInternal)
		return
	}
	writeJSON(w, http.StatusOK, map[string][]central.HelpTicket{"tickets": tickets})
}

// helpTickets lists the tickets in state, oldest first, with the open
// ones numbered by their place in the queue (others have position 0).
func helpTickets(tx *bolt.Tx, state string) ([]central.HelpTicket, error) {
	recs, err := helpRecords(tx, state)
	tickets := make([]central.HelpTicket, len(recs))
	for i, rec := range recs {
		tickets[i] = rec.HelpTicket
	}
	return tickets, err
}

// helpRecords is helpTickets with what only staff see (when a ticket was
// taken or done).
func helpRecords(tx *bolt.Tx, state string) ([]helpRecord, error) {
	recs := []helpRecord{}
	err := tx.Bucket(bucketHelp).ForEach(func(_, v []byte) error {
		var rec helpRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return err
		}
		if rec.State == state {
			recs = append(recs, rec)
		}
		return nil
	})
	slices.SortStableFunc(recs, func(a, b helpRecord) int { return a.CreatedAt.Compare(b.CreatedAt) })
	for i := range recs {
		recs[i].Position = 0
		if state == central.HelpOpen {
			recs[i].Position = i + 1
		}
	}
	return recs, err
}

// handleGetHelp is a kiosk following its own call for help: the ticket
// with its place in the queue now. Another kiosk's ticket is 404, as an
// unknown one is, so ids reveal nothing.
func (s *Server) handleGetHelp(w http.ResponseWriter, r *http.Request) {
	var (
		ticket central.HelpTicket
		found  bool
	)
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		ticket, found, err = helpTicket(tx, r.PathValue("id"))
		return err
	})
	switch {
	case err != nil:
		writeError(w, r, errInternal)
	case !found || ticket.DeviceID != deviceOf(r).ID:
		writeError(w, r, errNotFound)
	default:
		writeJSON(w, http.StatusOK, ticket)
	}
}

// handleWithdrawHelp is the kiosk withdrawing its own ticket when the
// citizen's session ends: it is done, so the team does not walk to an
// empty kiosk. Another device's ticket is not found, as an unknown one.
func (s *Server) handleWithdrawHelp(w http.ResponseWriter, r *http.Request) {
	deviceID := deviceOf(r).ID
	err := s.moveHelp(r.PathValue("id"), func(rec *helpRecord, now time.Time) error {
		if rec.DeviceID != deviceID {
			return ErrNoHelpRequest
		}
		if rec.State != central.HelpDone {
			rec.State, rec.DoneAt = central.HelpDone, now
		}
		return nil
	})
	switch {
	case errors.Is(err, ErrNoHelpRequest):
		writeError(w, r, errNotFound)
	case err != nil:
		writeError(w, r, errInternal)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// helpTicket reads one ticket, with its position worked out as
// helpTickets does (the queue is short: listing it is cheap).
func helpTicket(tx *bolt.Tx, id string) (central.HelpTicket, bool, error) {
	var rec helpRecord
	found, err := getJSON(tx, bucketHelp, id, &rec)
	if err != nil || !found {
		return central.HelpTicket{}, false, err
	}
	rec.Position = 0
	if rec.State == central.HelpOpen {
		open, err := helpTickets(tx, central.HelpOpen)
		if err != nil {
			return central.HelpTicket{}, false, err
		}
		rec.Position = 1 + slices.IndexFunc(open, func(t central.HelpTicket) bool { return t.ID == id })
	}
	return rec.HelpTicket, true, nil
}

// ErrNoHelpRequest is returned for a help request id that does not exist.
var ErrNoHelpRequest = errors.New("centralsim: no such help request")

// ErrHelpClosed is returned when taking a help request that is done.
var ErrHelpClosed = errors.New("centralsim: the help request is already done")

// TakeHelp marks an open help request taken by a member of staff. Taking
// a taken request again is fine (two staff tapped at once).
func (s *Server) TakeHelp(id string) error {
	return s.moveHelp(id, func(rec *helpRecord, now time.Time) error {
		switch rec.State {
		case central.HelpDone:
			return ErrHelpClosed
		case central.HelpOpen:
			rec.State, rec.TakenAt = central.HelpTaken, now
		}
		return nil
	})
}

// DoneHelp marks a help request done, whether it was taken first or not.
func (s *Server) DoneHelp(id string) error {
	return s.moveHelp(id, func(rec *helpRecord, now time.Time) error {
		if rec.State != central.HelpDone {
			rec.State, rec.DoneAt = central.HelpDone, now
		}
		return nil
	})
}

// moveHelp changes one help request in a write transaction.
func (s *Server) moveHelp(id string, change func(*helpRecord, time.Time) error) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		var rec helpRecord
		found, err := getJSON(tx, bucketHelp, id, &rec)
		if err != nil {
			return err
		}
		if !found {
			return ErrNoHelpRequest
		}
		if err := change(&rec, s.opts.Now().UTC()); err != nil {
			return err
		}
		rec.Position = 0 // positions are worked out when listed
		return putJSON(tx, bucketHelp, id, rec)
	})
}
