package centralsim

import (
	"encoding/binary"
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
// feedback, help requests for the digital-tech team, and aggregated
// self-service figures.

const (
	maxFeedbackComment = 1000 // characters
	maxScreenLen       = 64   // characters of a help request's screen and step names
	maxAbandonedSteps  = 100  // distinct steps in one metrics report
)

// feedbackRecord is one citizen's rating. The comment is free text and may
// hold anything the citizen typed: it is stored, never logged.
type feedbackRecord struct {
	central.Feedback
	ID        string    `json:"id"`
	DeviceID  string    `json:"device_id"`
	CreatedAt time.Time `json:"created_at"`
}

// metricsRecord is one metrics report as a device sent it.
type metricsRecord struct {
	central.Metrics
	DeviceID   string    `json:"device_id"`
	ReceivedAt time.Time `json:"received_at"`
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
	helpMsgPeriod = kiosk.Text{
		VI: "Thời điểm kết thúc phải sau thời điểm bắt đầu.",
		EN: "The period must end after it starts.",
	}
	helpMsgAbandoned = kiosk.Text{
		VI: fmt.Sprintf("Quá nhiều bước: tối đa %d bước, mỗi tên tối đa %d ký tự.", maxAbandonedSteps, maxScreenLen),
		EN: fmt.Sprintf("Too many steps: at most %d, each name at most %d characters.", maxAbandonedSteps, maxScreenLen),
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
	tickets := []central.HelpTicket{}
	err := tx.Bucket(bucketHelp).ForEach(func(_, v []byte) error {
		var rec helpRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return err
		}
		if rec.State == state {
			tickets = append(tickets, rec.HelpTicket)
		}
		return nil
	})
	slices.SortStableFunc(tickets, func(a, b central.HelpTicket) int { return a.CreatedAt.Compare(b.CreatedAt) })
	for i := range tickets {
		tickets[i].Position = 0
		if state == central.HelpOpen {
			tickets[i].Position = i + 1
		}
	}
	return tickets, err
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

// ---- Metrics ----

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	var req central.Metrics
	deviceID := deviceOf(r).ID
	// Idempotent like every creating POST: a retried report must not be
	// counted twice.
	s.idempotent(w, r, "metrics", &req, func(tx *bolt.Tx) (int, any, *apiError) {
		return s.storeMetrics(tx, deviceID, req)
	})
}

func (s *Server) storeMetrics(tx *bolt.Tx, deviceID string, m central.Metrics) (int, any, *apiError) {
	if problems := checkMetrics(m); len(problems) > 0 {
		return 0, nil, validationError(problems)
	}
	seq, err := tx.Bucket(bucketMetrics).NextSequence()
	if err != nil {
		return 0, nil, errInternal
	}
	var key [8]byte
	binary.BigEndian.PutUint64(key[:], seq)
	data, err := json.Marshal(metricsRecord{Metrics: m, DeviceID: deviceID, ReceivedAt: s.opts.Now().UTC()})
	if err == nil {
		err = tx.Bucket(bucketMetrics).Put(key[:], data)
	}
	if err != nil {
		return 0, nil, errInternal
	}
	return http.StatusAccepted, struct{}{}, nil
}

// checkMetrics refuses negative counts, a period that ends before it
// starts and an oversized map of abandoned steps.
func checkMetrics(m central.Metrics) map[string]kiosk.Text {
	problems := map[string]kiosk.Text{}
	counts := map[string]int{
		"sessions": m.Sessions, "submitted": m.Submitted, "self_served": m.SelfServed,
		"assisted": m.Assisted, "practice": m.Practice, "help_requests": m.HelpRequests,
	}
	for name, n := range counts {
		if n < 0 {
			problems[name] = helpMsgNegative
		}
	}
	if !m.PeriodStart.IsZero() && m.PeriodEnd.Before(m.PeriodStart) {
		problems["period_end"] = helpMsgPeriod
	}
	if len(m.Abandoned) > maxAbandonedSteps {
		problems["abandoned"] = helpMsgAbandoned
	}
	for step, n := range m.Abandoned {
		switch {
		case !shortName(step):
			problems["abandoned"] = helpMsgAbandoned
		case n < 0:
			problems["abandoned."+step] = helpMsgNegative
		}
	}
	return problems
}
