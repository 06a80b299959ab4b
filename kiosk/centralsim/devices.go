package centralsim

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

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
	// Incidents are the latest the kiosk reported, for IT staff.
	Incidents []central.Incident `json:"incidents,omitempty"`
}

// maxIncidents is how many reported incidents a device keeps.
const maxIncidents = 50

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
	if apiErr != nil {
		writeError(w, r, apiErr)
		return
	}
	d := deviceOf(r)
	now := s.opts.Now()
	d.LastSeen, d.Version = now, truncate(hb.Version, 32)
	for _, in := range hb.Incidents {
		in.Kind, in.Details = truncate(in.Kind, 64), truncate(in.Details, 500)
		s.log.Warn().Str("device", d.ID).Str("kind", in.Kind).Time("at", in.At).Msg("kiosk reported an incident")
		d.Incidents = append(d.Incidents, in)
	}
	d.Incidents = d.Incidents[max(0, len(d.Incidents)-maxIncidents):]
	if err := s.db.Update(func(tx *bolt.Tx) error { return putJSON(tx, bucketDevices, d.key, d.device) }); err != nil {
		writeError(w, r, errInternal)
		return
	}
	writeJSON(w, http.StatusOK, central.HeartbeatReply{
		Config:     central.DeviceConfig{IdleTimeoutSeconds: 120, Holidays: s.holidays()},
		ServerTime: now.UTC(),
	})
}

// holidays are the extra days off as the contract writes them.
func (s *Server) holidays() []string {
	var out []string
	for _, d := range s.opts.Holidays {
		out = append(out, d.Format(time.DateOnly))
	}
	return out
}

func catalogETag(raw []byte) string {
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
