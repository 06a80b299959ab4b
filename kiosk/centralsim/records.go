package centralsim

import (
	"time"

	"github.com/motcua/kiosk/kiosk/central"
)

// The records below are what the server keeps in bbolt, as JSON. Personal
// data stays in the records that need it (dossiers, link identities) and
// never reaches the log.

// attachmentRecord describes an uploaded file; its bytes are under the same
// id in bucketAttachData.
type attachmentRecord struct {
	central.Attachment
	DeviceID  string    `json:"device_id"`
	LinkID    string    `json:"link_id,omitempty"` // uploaded from a phone through this link
	CreatedAt time.Time `json:"created_at"`
}

// linkRecord is a link session between a kiosk and a phone.
type linkRecord struct {
	ID          string            `json:"id"`
	DeviceID    string            `json:"device_id"`
	Purpose     string            `json:"purpose"`
	ProcedureID string            `json:"procedure_id,omitempty"`
	TokenHash   string            `json:"token_hash"` // sha256 of the token in the URL
	ConfirmCode string            `json:"confirm_code"`
	CreatedAt   time.Time         `json:"created_at"`
	ExpiresAt   time.Time         `json:"expires_at"` // for redemption; once linked it lasts the visit
	State       string            `json:"state"`
	Identity    *central.Identity `json:"identity,omitempty"`
	Attachments []string          `json:"attachments,omitempty"`
	DraftID     string            `json:"draft_id,omitempty"`
	Version     int               `json:"version"` // bumped on every change; long polls wait for a new one
	LinkedAt    time.Time         `json:"linked_at,omitempty"`
	// Location is the enrolled kiosk's place, shown on the phone page so
	// the citizen can tell it is the kiosk in front of them.
	Location string `json:"location"`
	// OTP is the simulated identity provider's one-time code for this
	// link; the phone page shows it (a real provider would send it).
	OTP string `json:"otp"`
	// PhoneKey is the sha256 of the secret cookie given to the phone that
	// redeemed the link: only that browser may act on it afterwards.
	PhoneKey string    `json:"phone_key,omitempty"`
	ClosedAt time.Time `json:"closed_at,omitempty"`
	ClosedBy string    `json:"closed_by,omitempty"` // closedByKiosk or closedByMismatch
	// Choices are the codes the phone page offers before the link is
	// redeemed: the confirm code and two decoys, in the order shown. They
	// are fixed at creation, so reloading the page reveals nothing.
	Choices []string `json:"choices,omitempty"`
	// WrongTaps counts decoys tapped; at linkMaxWrongTaps the link closes.
	WrongTaps int `json:"wrong_taps,omitempty"`
	// Handoff is the kiosk's draft of a hand-over (purpose handoff) once
	// the kiosk has put it; its id is DraftID.
	Handoff *handoffRecord `json:"handoff,omitempty"`
}

// handoffRecord is a form handed over to the phone. The answers are only
// ever stored sealed (see seal.go); everything else here is bookkeeping.
type handoffRecord struct {
	// Sealed is the central.HandoffDraft as JSON, sealed with the link's
	// DraftID as associated data; nil once submitted or claimed.
	Sealed    []byte    `json:"sealed,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
	// ResumeHash is the sha256 of the resume QR's token the phone page
	// shows now (one at a time), valid until ResumeUntil.
	ResumeHash  string    `json:"resume_hash,omitempty"`
	ResumeUntil time.Time `json:"resume_until,omitempty"`
	// DossierCode is set when the citizen filed from the phone.
	DossierCode string `json:"dossier_code,omitempty"`
	// ClaimedAt is set when a kiosk took the draft back by the resume QR.
	ClaimedAt time.Time `json:"claimed_at,omitempty"`
	ClaimedBy string    `json:"claimed_by,omitempty"` // the device
}

// dossierRecord is a filed dossier with what the citizen submitted.
type dossierRecord struct {
	central.Dossier
	DeviceID string                 `json:"device_id"`
	Request  central.DossierRequest `json:"request"`
}

// paymentRecord is a fee order.
type paymentRecord struct {
	central.Payment
	DeviceID string    `json:"device_id"`
	PaidAt   time.Time `json:"paid_at,omitempty"`
}

// helpRecord is a help request in the staff queue.
type helpRecord struct {
	central.HelpTicket
	TakenAt time.Time `json:"taken_at,omitempty"`
	DoneAt  time.Time `json:"done_at,omitempty"`
}
