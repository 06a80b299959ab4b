package centralsim

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
)

// ictZone is Vietnam's time, UTC+7 all year. A fixed zone rather than
// time.LoadLocation("Asia/Ho_Chi_Minh"): the server must not depend on the
// host's tzdata (Windows and slim containers lack it), and the offset has
// not changed since 1975.
var ictZone = time.FixedZone("ICT", 7*3600)

const (
	// maxDossierAttachments bounds the attachment list: a dossier has a
	// handful of papers, and each one costs a lookup.
	maxDossierAttachments = 50
)

var (
	dossierMsgProcedure = kiosk.Text{
		VI: "Thủ tục này không có trong danh mục. Vui lòng chọn lại thủ tục.",
		EN: "This procedure is not in the catalog. Please choose the procedure again.",
	}
	dossierMsgChannel = kiosk.Text{
		VI: "Kênh nộp hồ sơ phải là kiosk.",
		EN: "The channel must be \"kiosk\".",
	}
	dossierMsgConsent = kiosk.Text{
		VI: "Cần có sự đồng ý của bạn về việc xử lý dữ liệu cá nhân trước khi nộp hồ sơ.",
		EN: "Your consent to the processing of personal data is needed before the application is filed.",
	}
	dossierMsgAttachment = kiosk.Text{
		VI: "Không tìm thấy tệp đính kèm đã tải lên. Vui lòng tải tệp lên lại.",
		EN: "An uploaded file could not be found. Please upload it again.",
	}
	dossierMsgTooManyFiles = kiosk.Text{
		VI: fmt.Sprintf("Hồ sơ có quá nhiều tệp đính kèm: tối đa %d tệp.", maxDossierAttachments),
		EN: fmt.Sprintf("The application has too many attached files: at most %d.", maxDossierAttachments),
	}
	dossierMsgInvalid = kiosk.Text{
		VI: "Câu trả lời này chưa đúng. Vui lòng kiểm tra lại.",
		EN: "This answer is not right. Please check it.",
	}
)

// problemOf is the citizen's message of a kiosk validator's error.
func problemOf(err error) kiosk.Text {
	var inv *kiosk.Invalid
	if errors.As(err, &inv) {
		return inv.Message
	}
	return dossierMsgInvalid
}

func (s *Server) handleCreateDossier(w http.ResponseWriter, r *http.Request) {
	var req central.DossierRequest
	deviceID, base := deviceOf(r).ID, s.publicURL(r)
	s.idempotent(w, r, "dossier", &req, func(tx *bolt.Tx) (int, any, *apiError) {
		return s.createDossier(tx, deviceID, base, channelKiosk, req)
	})
}

// Channels a dossier comes in by. A device may file only as a kiosk; the
// hand-over page files as the phone, for the kiosk that handed it over.
const (
	channelKiosk = string(kiosk.ChannelKiosk)
	channelPhone = string(kiosk.ChannelPhone)
)

// createDossier validates and files a dossier inside the caller's write
// transaction (the idempotency one, or the phone page's), so its code, its
// record and the replayable answer are written together or not at all.
// channel is the only channel the request may name.
func (s *Server) createDossier(tx *bolt.Tx, deviceID, base, channel string, req central.DossierRequest) (int, any, *apiError) {
	now := s.opts.Now()
	proc, clean, apiErr := s.checkDossier(tx, deviceID, channel, req, now)
	if apiErr != nil {
		return 0, nil, apiErr
	}
	local := now.In(ictZone)
	day := local.Format("060102")
	seq, err := nextSeq(tx, "dossier-"+day)
	if err != nil {
		return 0, nil, errInternal
	}
	code := fmt.Sprintf("%s-%s-%04d", s.opts.AgencyCode, day, seq)
	received := now.UTC()
	d := central.Dossier{
		Code:        code,
		ProcedureID: proc.ID,
		ReceivedAt:  received,
		DueDate:     s.calendar.DueDate(local, proc.Time).Format(time.DateOnly),
		Fee:         kiosk.QuoteFee(proc, clean.Fields, kiosk.Channel(clean.Channel)).Total,
		Status:      central.StatusReceived,
		Timeline:    []central.TimelineEntry{{Status: central.StatusReceived, At: received}},
		TrackingURL: base + "/t/" + url.PathEscape(code),
	}
	if err := putJSON(tx, bucketDossiers, code, dossierRecord{Dossier: d, DeviceID: deviceID, Request: clean}); err != nil {
		return 0, nil, errInternal
	}
	return http.StatusCreated, d, nil
}

// checkDossier validates a dossier as a real central system would, with
// the kiosk's own validators, and returns its procedure and the request
// with every answer normalised. All problems are reported at once, so the
// kiosk can mark every field that needs correcting.
func (s *Server) checkDossier(tx *bolt.Tx, deviceID, channel string, req central.DossierRequest, now time.Time) (*kiosk.Procedure, central.DossierRequest, *apiError) {
	proc, ok := s.catalog.Procedure(req.ProcedureID)
	if !ok {
		return nil, req, validationError(map[string]kiosk.Text{"procedure_id": dossierMsgProcedure})
	}
	problems := map[string]kiosk.Text{}
	if req.Channel != channel {
		problems["channel"] = dossierMsgChannel
	}
	if req.ConsentAt.IsZero() {
		problems["consent_at"] = dossierMsgConsent
	}
	clean := req
	clean.Applicant = checkApplicant(req.Applicant, now, problems)
	fields, formProblems := kiosk.ValidateForm(proc.Form, req.Fields, now)
	maps.Copy(problems, formProblems)
	clean.Fields = fields
	maps.Copy(problems, kiosk.CheckFeeUnits(proc, fields))
	clean.Attachments = checkAttachments(tx, deviceID, proc.Form, req.Attachments, fields, problems)
	if len(problems) > 0 {
		return nil, req, validationError(problems)
	}
	return proc, clean, nil
}

// checkApplicant validates the person filing and returns their details
// normalised; problems are keyed "applicant.<json name>".
func checkApplicant(a central.Applicant, now time.Time, problems map[string]kiosk.Text) central.Applicant {
	out := central.Applicant{Verified: a.Verified}
	var err error
	if out.FullName, err = kiosk.NormalizeName(a.FullName); err != nil {
		problems["applicant.full_name"] = problemOf(err)
	}
	if id, err := kiosk.CheckPersonalID(a.PersonalID, now); err != nil {
		problems["applicant.personal_id"] = problemOf(err)
	} else {
		out.PersonalID = id.Number
	}
	if strings.TrimSpace(a.Phone) != "" {
		if out.Phone, err = kiosk.NormalizePhone(a.Phone); err != nil {
			problems["applicant.phone"] = problemOf(err)
		}
	}
	if strings.TrimSpace(a.Email) != "" {
		if out.Email, err = kiosk.NormalizeEmail(a.Email); err != nil {
			problems["applicant.email"] = problemOf(err)
		}
	}
	return out
}

// checkAttachments checks that every listed attachment and every answer
// to an attachment question is a file this device uploaded (itself or
// through its phone link), and returns them all, each once: a file named
// only in a form answer still belongs to the dossier.
func checkAttachments(tx *bolt.Tx, deviceID string, form []kiosk.Field, listed []string, answers map[string]string, problems map[string]kiosk.Text) []string {
	if len(listed) > maxDossierAttachments {
		problems["attachments"] = dossierMsgTooManyFiles
		return nil
	}
	var all []string
	for _, id := range listed {
		if !deviceOwnsAttachment(tx, deviceID, id) {
			problems["attachments"] = dossierMsgAttachment
		} else if !slices.Contains(all, id) {
			all = append(all, id)
		}
	}
	for _, f := range form {
		id := answers[f.ID]
		if f.Kind != kiosk.KindAttachment || id == "" {
			continue
		}
		if !deviceOwnsAttachment(tx, deviceID, id) {
			problems[f.ID] = dossierMsgAttachment
		} else if !slices.Contains(all, id) {
			all = append(all, id)
		}
	}
	return all
}

// deviceOwnsAttachment reports whether id is an attachment the device uploaded.
// Another device's file is "not found" too: ids must not be probed.
func deviceOwnsAttachment(tx *bolt.Tx, deviceID, id string) bool {
	var a attachmentRecord
	found, err := getJSON(tx, bucketAttachMeta, id, &a)
	return err == nil && found && a.DeviceID == deviceID
}

func (s *Server) handleGetDossier(w http.ResponseWriter, r *http.Request) {
	rec, found, err := s.loadDossier(r.PathValue("code"))
	switch {
	case err != nil:
		writeError(w, r, errInternal)
	case !found || rec.DeviceID != deviceOf(r).ID:
		// Another kiosk's dossier is "not found": codes are guessable.
		writeError(w, r, errNotFound)
	default:
		writeJSON(w, http.StatusOK, s.dossierNow(rec.Dossier))
	}
}

// loadDossier reads a dossier record by its code.
func (s *Server) loadDossier(code string) (rec dossierRecord, found bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		found, err = getJSON(tx, bucketDossiers, code, &rec)
		return err
	})
	return rec, found, err
}

// dossierSteps are the statuses a dossier passes through, in order.
var dossierSteps = []string{central.StatusReceived, central.StatusProcessing, central.StatusDone}

// dossierNow is the dossier as it stands on the server's clock. With
// StepEvery set, a dossier moves on one status each StepEvery after it was
// received; the timeline is worked out from the received time when read,
// which gives every reader the same answer without a background job.
func (s *Server) dossierNow(d central.Dossier) central.Dossier {
	if s.opts.StepEvery <= 0 {
		return d
	}
	now := s.opts.Now()
	d.Timeline = nil
	for i, status := range dossierSteps {
		at := d.ReceivedAt.Add(time.Duration(i) * s.opts.StepEvery)
		if i > 0 && now.Before(at) {
			break
		}
		d.Status = status
		d.Timeline = append(d.Timeline, central.TimelineEntry{Status: status, At: at})
	}
	return d
}

// DossierCount is the number of dossiers filed.
func (s *Server) DossierCount() (int, error) {
	var n int
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketDossiers).Stats().KeyN
		return nil
	})
	return n, err
}

// Dossiers returns every dossier filed, as it stands now, sorted by code
// (for tests, demos and the training operator; it holds no personal data).
func (s *Server) Dossiers() ([]central.Dossier, error) {
	var out []central.Dossier
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDossiers).ForEach(func(_, v []byte) error {
			var rec dossierRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return err
			}
			out = append(out, s.dossierNow(rec.Dossier))
			return nil
		})
	})
	slices.SortFunc(out, func(a, b central.Dossier) int { return strings.Compare(a.Code, b.Code) })
	return out, err
}

// ErrNoDossier is returned for a dossier code no dossier has.
var ErrNoDossier = errors.New("centralsim: no dossier has this code")

// Assisted reports whether the dossier with this code was filed with a
// member of the digital-tech team signed in at the kiosk (its request's
// assisted flag); ErrNoDossier when no dossier has the code.
func (s *Server) Assisted(code string) (bool, error) {
	var rec dossierRecord
	var found bool
	err := s.db.View(func(tx *bolt.Tx) (err error) {
		found, err = getJSON(tx, bucketDossiers, code, &rec)
		return err
	})
	if err == nil && !found {
		err = ErrNoDossier
	}
	return rec.Request.Assisted, err
}
