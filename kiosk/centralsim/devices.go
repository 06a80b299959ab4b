package centralsim

import (
	"cmp"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
)

// enrollCode is a one-time code an IT officer types or scans at a new kiosk.
type enrollCode struct {
	CreatedAt time.Time `json:"created_at"`
	UsedBy    string    `json:"used_by,omitempty"` // device id once used
}

// device is an enrolled kiosk. Only the hash of its token is kept, so a
// copy of the data file does not let anyone act as the kiosk.
type device struct {
	ID         string    `json:"id"`
	Hostname   string    `json:"hostname"`
	Version    string    `json:"version"`
	Unit       string    `json:"unit"`
	Location   string    `json:"location"`
	EnrolledAt time.Time `json:"enrolled_at"`
	LastSeen   time.Time `json:"last_seen"`
	// Health is the latest heartbeat, without its incidents; nil before
	// the first.
	Health *central.Heartbeat `json:"health,omitempty"`
	// Incidents are the latest the kiosk reported, for IT staff.
	Incidents []central.Incident `json:"incidents,omitempty"`
}

const (
	// maxIncidents is how many reported incidents a device keeps, and
	// recentIncidents how many of them the device list shows.
	maxIncidents    = 50
	recentIncidents = 10
	// defaultHeartbeatEvery is a kiosk's heartbeat interval when it has
	// not said (offline.DefaultHeartbeat), and maxHeartbeatEvery the
	// longest the server believes: a kiosk is stale after three missed.
	defaultHeartbeatEvery = 5 * time.Minute
	maxHeartbeatEvery     = time.Hour
	staleAfterMissed      = 3
)

func tokenKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// ensureEnrollCode stores want (or a fresh random code if want is empty
// and no unused code exists) and returns the code to announce.
func (s *Server) ensureEnrollCode(want string) (string, error) {
	code := strings.TrimSpace(want)
	err := s.db.Update(func(tx *bolt.Tx) error {
		if code == "" {
			code = unusedCode(tx)
		}
		if code == "" {
			code = randomDigits(4) + "-" + randomDigits(4)
		}
		var existing enrollCode
		if ok, err := getJSON(tx, bucketEnrollCodes, code, &existing); err != nil || ok {
			return err // an existing code keeps its state: a used code stays used
		}
		return putJSON(tx, bucketEnrollCodes, code, enrollCode{CreatedAt: s.opts.Now()})
	})
	return code, err
}

func unusedCode(tx *bolt.Tx) string {
	var found string
	_ = tx.Bucket(bucketEnrollCodes).ForEach(func(k, v []byte) error {
		var c enrollCode
		if json.Unmarshal(v, &c) == nil && c.UsedBy == "" && found == "" {
			found = string(k)
		}
		return nil
	})
	return found
}

var errBadEnrollCode = newAPIError(http.StatusForbidden, "invalid_enroll_code",
	"Mã đăng ký thiết bị không đúng hoặc đã được dùng.",
	"The enrolment code is wrong or has already been used.")

func (s *Server) handleEnroll(w http.ResponseWriter, r *http.Request) {
	var req central.EnrollRequest
	s.idempotent(w, r, "enroll", &req, func(tx *bolt.Tx) (int, any, *apiError) {
		return s.enroll(tx, req)
	})
}

func (s *Server) enroll(tx *bolt.Tx, req central.EnrollRequest) (int, any, *apiError) {
	code := strings.TrimSpace(req.Code)
	var c enrollCode
	ok, err := getJSON(tx, bucketEnrollCodes, code, &c)
	if err != nil {
		return 0, nil, errInternal
	}
	if !ok || c.UsedBy != "" {
		return 0, nil, errBadEnrollCode
	}
	seq, err := nextSeq(tx, "device")
	if err != nil {
		return 0, nil, errInternal
	}
	now := s.opts.Now()
	d := device{
		ID:         fmt.Sprintf("dev_%04d_%s", seq, randomToken(3)),
		Hostname:   truncate(req.Hostname, 64),
		Version:    truncate(req.Version, 32),
		Unit:       s.opts.Unit.Code,
		Location:   s.opts.Location,
		EnrolledAt: now,
		LastSeen:   now,
	}
	token := randomToken(32)
	c.UsedBy = d.ID
	if err := putJSON(tx, bucketEnrollCodes, code, c); err != nil {
		return 0, nil, errInternal
	}
	if err := putJSON(tx, bucketDevices, tokenKey(token), d); err != nil {
		return 0, nil, errInternal
	}
	return http.StatusCreated, central.Enrollment{DeviceID: d.ID, DeviceToken: token, Unit: s.opts.Unit, Location: d.Location}, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

type deviceKey struct{}

// device wraps a kiosk endpoint: it answers 401 unless the request carries
// the bearer token of an enrolled device, and passes the device on.
func (s *Server) device(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" {
			writeError(w, r, errUnauthorized)
			return
		}
		var d device
		err := s.db.View(func(tx *bolt.Tx) error {
			found, err := getJSON(tx, bucketDevices, tokenKey(token), &d)
			if err == nil && !found {
				return errUnauthorized
			}
			return err
		})
		if err != nil {
			writeError(w, r, errUnauthorized)
			return
		}
		// The bucket is keyed by the token's hash: the lookup compares
		// hashes, so timing reveals nothing about the token.
		auth := &authDevice{device: d, key: tokenKey(token)}
		next(w, r.WithContext(context.WithValue(r.Context(), deviceKey{}, auth)))
	}
}

// authDevice is the device a request authenticated as, with its key in
// the devices bucket.
type authDevice struct {
	device
	key string
}

// deviceOf returns the device that device() authenticated.
func deviceOf(r *http.Request) *authDevice {
	d, _ := r.Context().Value(deviceKey{}).(*authDevice)
	return d
}

func (s *Server) handleHeartbeat(w http.ResponseWriter, r *http.Request) {
	var hb central.Heartbeat
	data, apiErr := readBody(w, r, maxJSONBody)
	if apiErr == nil && json.Unmarshal(data, &hb) != nil {
		apiErr = errBadJSON
	}
	if apiErr == nil {
		if problems := heartbeatProblems(hb); len(problems) > 0 {
			apiErr = validationError(problems)
		}
	}
	if apiErr != nil {
		writeError(w, r, apiErr)
		return
	}
	key := deviceOf(r).key
	now := s.opts.Now()
	err := s.db.Update(func(tx *bolt.Tx) error {
		// Read again inside the write: two heartbeats at once lose nothing.
		var d device
		if found, err := getJSON(tx, bucketDevices, key, &d); err != nil || !found {
			return errors.Join(err, errUnauthorized)
		}
		s.recordHeartbeat(&d, hb, now)
		return putJSON(tx, bucketDevices, key, d)
	})
	if errors.Is(err, errUnauthorized) {
		writeError(w, r, errUnauthorized) // the device was removed meanwhile
		return
	}
	if err != nil {
		writeError(w, r, errInternal)
		return
	}
	writeJSON(w, http.StatusOK, central.HeartbeatReply{
		Config:     central.DeviceConfig{IdleTimeoutSeconds: 120, Holidays: s.holidays()},
		ServerTime: now.UTC(),
	})
}

// recordHeartbeat keeps the latest health of d, its text fields cut to
// size, and appends the reported incidents to the ones it keeps.
func (s *Server) recordHeartbeat(d *device, hb central.Heartbeat, now time.Time) {
	for _, in := range hb.Incidents {
		in.Kind, in.Details = truncate(in.Kind, 64), truncate(in.Details, 500)
		s.log.Warn().Str("device", d.ID).Str("kind", in.Kind).Time("at", in.At).Msg("kiosk reported an incident")
		d.Incidents = append(d.Incidents, in)
	}
	d.Incidents = d.Incidents[max(0, len(d.Incidents)-maxIncidents):]
	hb.Incidents = nil
	hb.Version = truncate(hb.Version, 32)
	hb.LastError, hb.Blocked = truncate(hb.LastError, 64), truncate(hb.Blocked, 32)
	hb.CatalogETag, hb.CatalogVersion = truncate(hb.CatalogETag, 128), truncate(hb.CatalogVersion, 64)
	if hb.DBCheck == "" {
		hb.DBCheck = central.DBCheckUnknown
	}
	d.LastSeen, d.Version, d.Health = now, hb.Version, &hb
}

var (
	msgHeartbeatSize = kiosk.Text{
		VI: "Dung lượng phải từ -1 (không rõ) trở lên.",
		EN: "A size is -1 (unknown) or more.",
	}
	msgHeartbeatCheck = kiosk.Text{
		VI: "Kết quả kiểm tra phải là ok, failed hoặc unknown.",
		EN: "The check result is ok, failed or unknown.",
	}
)

// heartbeatProblems checks a heartbeat's numbers and words. It says
// nothing of what is absent: an older kiosk sends fewer fields.
func heartbeatProblems(hb central.Heartbeat) map[string]kiosk.Text {
	problems := map[string]kiosk.Text{}
	for field, n := range map[string]int64{
		"uptime_seconds": hb.UptimeSeconds, "interval_seconds": hb.IntervalSeconds,
		"outbox_queued": int64(hb.OutboxQueued), "outbox_sending": int64(hb.OutboxSending),
		"outbox_rejected": int64(hb.OutboxRejected), "drafts": int64(hb.Drafts),
	} {
		if n < 0 {
			problems[field] = helpMsgNegative
		}
	}
	for field, n := range map[string]int64{
		"disk_free_bytes": hb.DiskFreeBytes, "disk_total_bytes": hb.DiskTotalBytes, "db_size_bytes": hb.DBSizeBytes,
	} {
		if n < -1 {
			problems[field] = msgHeartbeatSize
		}
	}
	switch hb.DBCheck {
	case "", central.DBCheckOK, central.DBCheckFailed, central.DBCheckUnknown:
	default:
		problems["db_check"] = msgHeartbeatCheck
	}
	return problems
}

// holidays are the extra days off as the contract writes them.
func (s *Server) holidays() []string {
	var out []string
	for _, d := range s.opts.Holidays {
		out = append(out, d.Format(time.DateOnly))
	}
	return out
}

// CatalogETag is the ETag the server gives a catalog: a hash of its
// bytes, so a kiosk's If-None-Match matches exactly when nothing changed.
// A test that serves catalogs the server would refuse serves them under
// the same tag.
func CatalogETag(raw []byte) string {
	sum := sha256.Sum256(raw)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}

func (s *Server) handleCatalog(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("ETag", s.etag)
	if etagMatches(r.Header.Get("If-None-Match"), s.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(s.catalogRaw)
}

// etagMatches implements If-None-Match's list and "*" (RFC 9110 13.1.2).
func etagMatches(header, etag string) bool {
	for _, candidate := range strings.Split(header, ",") {
		c := strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if c == "*" || c == etag {
			return true
		}
	}
	return false
}

// Incidents returns what the device reported in its heartbeats, oldest
// first, for IT staff (and tests).
func (s *Server) Incidents(deviceID string) ([]central.Incident, error) {
	var found []central.Incident
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDevices).ForEach(func(_, v []byte) error {
			var d device
			if err := json.Unmarshal(v, &d); err != nil {
				return err
			}
			if d.ID == deviceID {
				found = d.Incidents
			}
			return nil
		})
	})
	return found, err
}

var errStaffUnauthorized = newAPIError(http.StatusUnauthorized, "unauthorized",
	"Cần mã cán bộ hợp lệ (Authorization: Bearer <mã cán bộ>).",
	"A valid staff token is required (Authorization: Bearer <staff token>).")

// staff wraps an endpoint for IT staff: it answers 401 unless the request
// carries the staff token (Options.StaffToken). A device token is not
// one; without a staff token configured, nobody is staff.
func (s *Server) staff(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !s.isStaffToken(token) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="staff"`)
			writeError(w, r, errStaffUnauthorized)
			return
		}
		next(w, r)
	}
}

// isStaffToken compares in constant time, hashes of equal length.
func (s *Server) isStaffToken(token string) bool {
	if s.opts.StaffToken == "" || token == "" {
		return false
	}
	got, want := sha256.Sum256([]byte(token)), sha256.Sum256([]byte(s.opts.StaffToken))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

func (s *Server) handleListDevices(w http.ResponseWriter, r *http.Request) {
	list, err := s.Devices()
	if err != nil {
		writeError(w, r, errInternal)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

// Devices lists the enrolled kiosks for IT staff, in the order they
// enrolled: each with its latest health, whether it is stale, and its
// recent incidents.
func (s *Server) Devices() (central.DeviceList, error) {
	now := s.opts.Now()
	list := central.DeviceList{Devices: []central.DeviceStatus{}, ServerTime: now.UTC()}
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDevices).ForEach(func(_, v []byte) error {
			var d device
			if err := json.Unmarshal(v, &d); err != nil {
				return err
			}
			list.Devices = append(list.Devices, d.status(now))
			return nil
		})
	})
	slices.SortFunc(list.Devices, func(a, b central.DeviceStatus) int {
		return cmp.Or(a.EnrolledAt.Compare(b.EnrolledAt), cmp.Compare(a.ID, b.ID))
	})
	return list, err
}

// status is the device as IT staff see it at now.
func (d device) status(now time.Time) central.DeviceStatus {
	return central.DeviceStatus{
		ID:         d.ID,
		Unit:       d.Unit,
		Location:   d.Location,
		Hostname:   d.Hostname,
		Version:    d.Version,
		EnrolledAt: d.EnrolledAt.UTC(),
		LastSeen:   d.LastSeen.UTC(),
		Stale:      now.Sub(d.LastSeen) > staleAfterMissed*d.heartbeatEvery(),
		Health:     d.Health,
		Incidents:  slices.Clone(d.Incidents[max(0, len(d.Incidents)-recentIncidents):]),
	}
}

// heartbeatEvery is the interval the device said it keeps, within reason.
func (d device) heartbeatEvery() time.Duration {
	if d.Health == nil || d.Health.IntervalSeconds <= 0 {
		return defaultHeartbeatEvery
	}
	return min(time.Duration(d.Health.IntervalSeconds)*time.Second, maxHeartbeatEvery)
}
