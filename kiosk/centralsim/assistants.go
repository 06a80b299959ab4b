package centralsim

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
)

// Assistants are the community digital-tech team: they sign in at a kiosk,
// with their badge's QR or their PIN, to guide a citizen through it. The
// server keeps only keyed hashes of PINs and badge tokens: HMAC-SHA256
// under a key derived from the per-server secret beside the data file
// (seal.go). A copy of the data file alone tests no PIN; losing the key
// file means registering the team again. A PIN has few digits, so what
// protects it online is the lock: assistantMaxFails wrong tries from one
// device lock that device's sign-ins for assistantFailWindow. PINs and
// badges are never logged, and never leave the server.

const (
	assistantMaxFails   = 5
	assistantFailWindow = 15 * time.Minute
	maxAssistantName    = 64 // characters
	// minBadgeLen is 128 bits written in base64url (22 characters); a
	// badge is random, so length is what can be checked of its strength.
	minBadgeLen = 22
	maxBadgeLen = 128
)

var (
	assistantPIN   = regexp.MustCompile(`^[0-9]{4,8}$`)
	assistantID    = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	assistantBadge = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

// AssistantAccount is a member of the digital-tech team as Options
// registers them.
type AssistantAccount struct {
	ID   string // stable and unique, e.g. "asst_3f9a0c1e"
	Name string // shown on the kiosk's coach bar while they guide
	// PIN is 4 to 8 digits, unique in the team.
	PIN string
	// Badge is the token of the badge's QR (BadgeQR): at least 128 random
	// bits in base64url (22 characters or more), unique in the team.
	Badge string
}

// NewAssistant makes an account with a fresh ID and a fresh badge token,
// for the demo and for centralsim's -assistant flag.
func NewAssistant(name, pin string) (AssistantAccount, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return AssistantAccount{}, err
	}
	a := AssistantAccount{
		ID:    "asst_" + randomToken(4),
		Name:  strings.TrimSpace(name),
		PIN:   pin,
		Badge: base64.RawURLEncoding.EncodeToString(b[:]),
	}
	return a, a.check()
}

// BadgeQR is what the badge's QR holds: kiosk.StaffQRPrefix and the token.
func (a AssistantAccount) BadgeQR() string { return kiosk.StaffQRPrefix + a.Badge }

// check validates one account; its errors never quote the PIN or badge.
func (a AssistantAccount) check() error {
	name := strings.TrimSpace(a.Name)
	switch {
	case !assistantID.MatchString(a.ID):
		return fmt.Errorf("assistant %q: the ID must be 1 to 64 letters, digits, '-' or '_'", a.ID)
	case name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxAssistantName ||
		strings.ContainsFunc(name, unicode.IsControl):
		return fmt.Errorf("assistant %s: the name must be 1 to %d printable characters", a.ID, maxAssistantName)
	case !assistantPIN.MatchString(a.PIN):
		return fmt.Errorf("assistant %s: the PIN must be 4 to 8 digits", a.ID)
	case len(a.Badge) < minBadgeLen || len(a.Badge) > maxBadgeLen || !assistantBadge.MatchString(a.Badge):
		return fmt.Errorf("assistant %s: the badge token must be %d to %d characters of base64url (128 random bits or more)", a.ID, minBadgeLen, maxBadgeLen)
	}
	return nil
}

// assistantRecord is a team member as the server keeps them.
type assistantRecord struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	PINHash      string    `json:"pin_hash"`   // hex HMAC-SHA256 of "pin\x00" + PIN
	BadgeHash    string    `json:"badge_hash"` // hex HMAC-SHA256 of "badge\x00" + token
	RegisteredAt time.Time `json:"registered_at"`
}

// credentialHash is the keyed hash of a PIN or badge token; kind keeps a
// PIN from ever matching a badge.
func (s *Server) credentialHash(kind, secret string) string {
	mac := hmac.New(sha256.New, s.assistantKey)
	mac.Write([]byte(kind + "\x00" + secret))
	return hex.EncodeToString(mac.Sum(nil))
}

// registerAssistants replaces the team kept in the data file with accounts
// (when there are any) and loads the team into memory.
func (s *Server) registerAssistants(accounts []AssistantAccount) error {
	if err := checkAssistants(accounts); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		if len(accounts) > 0 {
			if err := s.replaceAssistants(tx, accounts); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketAssistants).ForEach(func(_, v []byte) error {
			var rec assistantRecord
			if err := json.Unmarshal(v, &rec); err != nil {
				return err
			}
			s.assistants = append(s.assistants, rec)
			return nil
		})
	})
}

// checkAssistants validates every account, and that no two share an ID, a
// PIN (a PIN alone must say who signs in) or a badge.
func checkAssistants(accounts []AssistantAccount) error {
	ids, pins, badges := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, a := range accounts {
		if err := a.check(); err != nil {
			return err
		}
		switch {
		case ids[a.ID]:
			return fmt.Errorf("assistant %s: two assistants have this ID", a.ID)
		case pins[a.PIN]:
			return fmt.Errorf("assistant %s: another assistant has the same PIN", a.ID)
		case badges[a.Badge]:
			return fmt.Errorf("assistant %s: another assistant has the same badge", a.ID)
		}
		ids[a.ID], pins[a.PIN], badges[a.Badge] = true, true, true
	}
	return nil
}

func (s *Server) replaceAssistants(tx *bolt.Tx, accounts []AssistantAccount) error {
	if err := tx.DeleteBucket(bucketAssistants); err != nil {
		return err
	}
	if _, err := tx.CreateBucket(bucketAssistants); err != nil {
		return err
	}
	now := s.opts.Now().UTC()
	for _, a := range accounts {
		rec := assistantRecord{
			ID: a.ID, Name: strings.TrimSpace(a.Name), RegisteredAt: now,
			PINHash: s.credentialHash("pin", a.PIN), BadgeHash: s.credentialHash("badge", a.Badge),
		}
		if err := putJSON(tx, bucketAssistants, rec.ID, rec); err != nil {
			return err
		}
	}
	return nil
}

// Assistants lists the team by ID: who may sign in, without their
// credentials.
func (s *Server) Assistants() []central.Assistant {
	out := make([]central.Assistant, len(s.assistants))
	for i, rec := range s.assistants {
		out[i] = central.Assistant{ID: rec.ID, Name: rec.Name}
	}
	return out
}

// findAssistant compares the keyed hash with every member's, in constant
// time and without stopping at a match, so how long it takes says nothing
// about who matched or how much did.
func (s *Server) findAssistant(req central.AssistantSignIn) (assistantRecord, bool) {
	kind, secret := "pin", req.PIN
	if req.Badge != "" {
		kind, secret = "badge", req.Badge
	}
	want := []byte(s.credentialHash(kind, secret))
	found := -1
	for i, rec := range s.assistants {
		have := rec.PINHash
		if kind == "badge" {
			have = rec.BadgeHash
		}
		found = subtle.ConstantTimeSelect(subtle.ConstantTimeCompare([]byte(have), want), i, found)
	}
	if found < 0 {
		return assistantRecord{}, false
	}
	return s.assistants[found], true
}

var (
	errAssistantUnknown = newAPIError(http.StatusUnauthorized, central.CodeAssistantUnknown,
		"Mã PIN hoặc thẻ cán bộ không đúng. Vui lòng thử lại.",
		"The PIN or staff badge is not recognised. Please try again.")
	msgSignInOneOf = kiosk.Text{
		VI: "Nhập mã PIN hoặc quét thẻ cán bộ, chỉ một trong hai.",
		EN: "Give either the PIN or the staff badge, one of the two.",
	}
	msgSignInPIN = kiosk.Text{
		VI: "Mã PIN gồm 4 đến 8 chữ số.",
		EN: "The PIN has 4 to 8 digits.",
	}
	msgSignInBadge = kiosk.Text{
		VI: "Không đọc được thẻ cán bộ. Vui lòng quét lại.",
		EN: "The staff badge could not be read. Please scan it again.",
	}
)

// errAssistantLocked says how long to wait, in whole minutes.
func errAssistantLocked(wait time.Duration) *apiError {
	mins := max(1, int(math.Ceil(wait.Minutes())))
	return newAPIError(http.StatusTooManyRequests, central.CodeAssistantLocked,
		fmt.Sprintf("Đã nhập sai quá nhiều lần trên máy này. Vui lòng đợi %d phút rồi thử lại.", mins),
		fmt.Sprintf("Too many wrong tries on this kiosk. Please wait %d min and try again.", mins))
}

// handleAssistantSignIn checks a team member's badge or PIN. It creates
// nothing, so it takes no Idempotency-Key; the client never retries it,
// as a resent wrong PIN would count twice towards the lock.
func (s *Server) handleAssistantSignIn(w http.ResponseWriter, r *http.Request) {
	dev, now := deviceOf(r), s.opts.Now()
	// A locked device is refused before its body is read: while locked,
	// the right PIN is refused too, so guessing learns nothing.
	if locked, wait := s.assistantFails.full(dev.ID, now); locked {
		w.Header().Set(central.HeaderRetryAfter, strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
		writeError(w, r, errAssistantLocked(wait))
		return
	}
	req, apiErr := readSignIn(w, r)
	if apiErr != nil {
		writeError(w, r, apiErr)
		return
	}
	a, ok := s.findAssistant(req)
	if !ok {
		s.assistantFails.add(dev.ID, now)
		s.log.Warn().Str("device", dev.ID).Msg("assistant sign-in refused")
		writeError(w, r, errAssistantUnknown)
		return
	}
	s.log.Info().Str("device", dev.ID).Str("assistant", a.ID).Msg("assistant signed in")
	writeJSON(w, http.StatusOK, central.Assistant{ID: a.ID, Name: a.Name})
}

// readSignIn decodes a sign-in and checks its shape: exactly one of badge
// and PIN, each as they are made. A malformed one cannot match anybody,
// so it is a 422 and does not count towards the lock.
func readSignIn(w http.ResponseWriter, r *http.Request) (central.AssistantSignIn, *apiError) {
	var req central.AssistantSignIn
	data, apiErr := readBody(w, r, maxJSONBody)
	if apiErr != nil {
		return req, apiErr
	}
	if json.Unmarshal(data, &req) != nil {
		return req, errBadJSON
	}
	problems := map[string]kiosk.Text{}
	switch {
	case (req.PIN == "") == (req.Badge == ""):
		problems["pin"], problems["badge"] = msgSignInOneOf, msgSignInOneOf
	case req.PIN != "" && !assistantPIN.MatchString(req.PIN):
		problems["pin"] = msgSignInPIN
	case req.Badge != "" && (len(req.Badge) > maxBadgeLen || !assistantBadge.MatchString(req.Badge)):
		problems["badge"] = msgSignInBadge
	}
	if len(problems) > 0 {
		return req, validationError(problems)
	}
	return req, nil
}
