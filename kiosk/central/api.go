// Package central is the kiosk's side of the province's central public-service
// API: the request and response types of contract v1 (openapi.yaml beside
// this file is the source of truth), the typed errors, and the Client.
package central

import (
	"time"

	"github.com/motcua/kiosk/kiosk"
)

// Header names of the contract.
const (
	HeaderIdempotencyKey = "Idempotency-Key"
	HeaderRetryAfter     = "Retry-After"
)

// EnrollRequest registers a kiosk with a one-time enrolment code.
type EnrollRequest struct {
	Code     string `json:"code"`
	Hostname string `json:"hostname"`
	Version  string `json:"version"`
}

// Unit is the office a kiosk belongs to.
type Unit struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Enrollment is what the central system gives a newly enrolled kiosk.
type Enrollment struct {
	DeviceID    string `json:"device_id"`
	DeviceToken string `json:"device_token"`
	Unit        Unit   `json:"unit"`
	Location    string `json:"location"`
}

// Heartbeat reports a kiosk's health every few minutes. It never carries
// personal data: versions, counts, sizes, times and short kinds only.
type Heartbeat struct {
	Version       string `json:"version"`
	UptimeSeconds int64  `json:"uptime_seconds"`
	// IntervalSeconds is how often the kiosk sends a heartbeat: the
	// central system calls a kiosk stale after three missed ones.
	IntervalSeconds int64 `json:"interval_seconds,omitempty"`
	// The outbox: dossiers waiting, being sent right now, and refused
	// (waiting for the citizen); Drafts are unfinished forms kept on disk.
	OutboxQueued   int `json:"outbox_queued"`
	OutboxSending  int `json:"outbox_sending"`
	OutboxRejected int `json:"outbox_rejected"`
	Drafts         int `json:"drafts"`
	// LastError is the kind of the last failure since the last successful
	// request ("offline", "untrusted", "store", "503 unavailable"…), never
	// a message; "" when the last request succeeded.
	LastError string `json:"last_error,omitempty"`
	// Blocked says why sending is paused until a person acts
	// ("unauthorized", "pin_mismatch", "untrusted", "refused"); "" if not.
	Blocked string `json:"blocked,omitempty"`
	// The file system of the kiosk's data directory; -1 when unknown.
	DiskFreeBytes  int64 `json:"disk_free_bytes"`
	DiskTotalBytes int64 `json:"disk_total_bytes"`
	// The kiosk's database: its size (-1 when unknown) and the result of
	// its last consistency check (DBCheck… constants) and when it ran.
	DBSizeBytes    int64     `json:"db_size_bytes"`
	DBCheck        string    `json:"db_check"`
	DBCheckedAt    time.Time `json:"db_checked_at,omitzero"`
	CatalogETag    string    `json:"catalog_etag,omitempty"`
	CatalogVersion string    `json:"catalog_version,omitempty"`
	// LastSyncAt is when a request to the central system last succeeded.
	LastSyncAt time.Time `json:"last_sync_at,omitzero"`
	// Incidents are what went wrong on the kiosk since the last accepted
	// heartbeat (a damaged database moved aside…), for IT staff.
	Incidents []Incident `json:"incidents,omitempty"`
}

// Results of a kiosk's database consistency check (Heartbeat.DBCheck).
const (
	DBCheckOK      = "ok"      // the last check found nothing wrong
	DBCheckFailed  = "failed"  // it found damage: the kiosk moves the file aside at its next start
	DBCheckUnknown = "unknown" // no check has run yet
)

// Incident is something IT staff must hear about. It never holds personal
// data: a kind and technical details (file names, error texts).
type Incident struct {
	At      time.Time `json:"at"`
	Kind    string    `json:"kind"`
	Details string    `json:"details"`
}

// DeviceConfig is the central configuration a heartbeat returns.
type DeviceConfig struct {
	IdleTimeoutSeconds int      `json:"idle_timeout_seconds"`
	EnabledProcedures  []string `json:"enabled_procedures,omitempty"` // empty: all
	Holidays           []string `json:"holidays,omitempty"`           // yyyy-mm-dd, beyond the built-in table
}

// HeartbeatReply answers a heartbeat.
type HeartbeatReply struct {
	Config     DeviceConfig `json:"config"`
	ServerTime time.Time    `json:"server_time"`
}

// DeviceList is what IT staff see of the enrolled kiosks
// (GET /v1/devices, with the staff token).
type DeviceList struct {
	Devices    []DeviceStatus `json:"devices"`
	ServerTime time.Time      `json:"server_time"`
}

// DeviceStatus is one kiosk as IT staff see it: who it is, when it last
// reported, its latest health and its recent incidents. No personal data.
type DeviceStatus struct {
	ID         string    `json:"id"`
	Unit       string    `json:"unit"` // the unit's code
	Location   string    `json:"location"`
	Hostname   string    `json:"hostname"`
	Version    string    `json:"version"`
	EnrolledAt time.Time `json:"enrolled_at"`
	// LastSeen is the last heartbeat, or the enrolment before the first.
	LastSeen time.Time `json:"last_seen"`
	// Stale is true once three heartbeat intervals have passed without one.
	Stale bool `json:"stale"`
	// Health is the latest heartbeat without its incidents; nil before
	// the first.
	Health *Heartbeat `json:"health,omitempty"`
	// Incidents are the latest the kiosk reported, oldest first.
	Incidents []Incident `json:"incidents"`
}

// Link-session purposes.
const (
	PurposeLogin   = "login"
	PurposeUpload  = "upload"
	PurposeHandoff = "handoff"
)

// Link-session states.
const (
	LinkPending = "pending"
	LinkLinked  = "linked"
	LinkExpired = "expired"
	LinkClosed  = "closed"
)

// LinkSessionRequest asks for a QR link between the kiosk and a phone.
type LinkSessionRequest struct {
	Purpose     string `json:"purpose"`
	ProcedureID string `json:"procedure_id,omitempty"` // for upload: which papers to ask for
}

// LinkSession is a new link: the kiosk shows URL as a QR beside ConfirmCode.
type LinkSession struct {
	ID          string    `json:"id"`
	URL         string    `json:"url"`
	ConfirmCode string    `json:"confirm_code"`
	ExpiresAt   time.Time `json:"expires_at"`
}

// Identity is a citizen as the identity provider vouches for them.
type Identity struct {
	FullName   string `json:"full_name"`
	PersonalID string `json:"personal_id"`
	BirthDate  string `json:"birth_date"` // dd/mm/yyyy
	Sex        string `json:"sex"`        // kiosk.SexMale or kiosk.SexFemale
	Address    string `json:"address"`
}

// Attachment is an uploaded document.
type Attachment struct {
	ID       string `json:"id"`
	SHA256   string `json:"sha256"`
	Size     int64  `json:"size"`
	MIME     string `json:"mime"`
	Document int    `json:"document,omitempty"` // which of the procedure's documents, from 1; 0 when not said
	// Field is the form's attachment question the file answers (a field
	// ID of kind attachment), or "" when not said.
	Field string `json:"field,omitempty"`
}

// LinkState is what a long poll of a link session returns.
type LinkState struct {
	State       string       `json:"state"`
	Identity    *Identity    `json:"identity,omitempty"`
	Attachments []Attachment `json:"attachments"`
	DraftID     string       `json:"draft_id,omitempty"` // handoff: set once the kiosk has put its draft
	// DossierCode is, for a hand-over, the dossier the citizen filed from
	// the phone: the hand-over accepts nothing more.
	DossierCode string `json:"dossier_code,omitempty"`
	// Version changes with every change of the session; pass it back as
	// ?since= so the next long poll waits for a newer one.
	Version int `json:"version"`
}

// HandoffDraft is a form on its way between the kiosk and the citizen's
// phone: the kiosk puts it under a hand-over link session, and a kiosk
// that scans the phone's resume QR claims the latest answers back. The
// server keeps it sealed; it is personal data.
type HandoffDraft struct {
	ProcedureID string            `json:"procedure_id"`
	Answers     map[string]string `json:"answers"` // by form field ID, as in DossierRequest.Fields
	ConsentAt   time.Time         `json:"consent_at"`
}

// HandoffClaim asks for the draft behind a resume QR (see HandoffQR).
type HandoffClaim struct {
	Token string `json:"token"`
}

// Applicant is the person who files a dossier.
type Applicant struct {
	FullName   string `json:"full_name"`
	PersonalID string `json:"personal_id"`
	Phone      string `json:"phone,omitempty"`
	Email      string `json:"email,omitempty"`
	Verified   bool   `json:"verified"` // identity came from the identity provider
}

// DossierRequest files a dossier.
type DossierRequest struct {
	ProcedureID string            `json:"procedure_id"`
	Applicant   Applicant         `json:"applicant"`
	Fields      map[string]string `json:"fields"`
	Attachments []string          `json:"attachments"`
	Channel     string            `json:"channel"` // "kiosk"
	Assisted    bool              `json:"assisted"`
	ConsentAt   time.Time         `json:"consent_at"`
}

// Dossier statuses.
const (
	StatusReceived   = "received"
	StatusProcessing = "processing"
	StatusDone       = "done"
)

// TimelineEntry is one step in a dossier's life.
type TimelineEntry struct {
	Status string    `json:"status"`
	At     time.Time `json:"at"`
	Note   string    `json:"note,omitempty"`
}

// Dossier is a filed dossier. Its Code is text: codes differ between
// systems and are never parsed.
type Dossier struct {
	Code        string          `json:"code"`
	ProcedureID string          `json:"procedure_id"`
	ReceivedAt  time.Time       `json:"received_at"`
	DueDate     string          `json:"due_date"` // yyyy-mm-dd
	Fee         int64           `json:"fee"`      // đồng
	Status      string          `json:"status"`
	Timeline    []TimelineEntry `json:"timeline,omitempty"`
	TrackingURL string          `json:"tracking_url"`
}

// Payment states.
const (
	PaymentPending = "pending"
	PaymentPaid    = "paid"
	PaymentExpired = "expired"
)

// PaymentRequest asks for a fee order for a dossier.
type PaymentRequest struct {
	DossierCode string `json:"dossier_code"`
}

// Payment is a fee order; VietQR is the payload a banking app scans.
type Payment struct {
	ID          string `json:"id"`
	DossierCode string `json:"dossier_code"`
	Amount      int64  `json:"amount"`
	// Payee is who the VietQR pays, as the citizen's banking app will
	// name it (the collecting treasury or unit): the kiosk shows it so
	// the citizen can check the two agree.
	Payee     string    `json:"payee"`
	VietQR    string    `json:"vietqr"`
	PayURL    string    `json:"pay_url"`
	State     string    `json:"state"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Feedback is a citizen's rating of the service.
type Feedback struct {
	DossierCode string `json:"dossier_code,omitempty"`
	Rating      int    `json:"rating"` // 1–5
	Comment     string `json:"comment,omitempty"`
}

// HelpRequest asks the digital-tech team to come to the kiosk. It names
// the screen and step, never the citizen.
type HelpRequest struct {
	Screen string `json:"screen"`
	Step   string `json:"step,omitempty"`
}

// Help-request states.
const (
	HelpOpen  = "open"
	HelpTaken = "taken"
	HelpDone  = "done"
)

// HelpTicket is a help request in the staff queue.
type HelpTicket struct {
	ID        string    `json:"id"`
	DeviceID  string    `json:"device_id"`
	Location  string    `json:"location"`
	Screen    string    `json:"screen"`
	Step      string    `json:"step,omitempty"`
	State     string    `json:"state"`
	Position  int       `json:"position"` // in the open queue, 1-based; 0 once taken
	CreatedAt time.Time `json:"created_at"`
}

// Metrics are aggregated self-service figures, never personal data and
// never free text: one entry per day and procedure. A kiosk sends a day
// again as it grows; the central system keeps the latest entry per
// device, day and procedure, so a resent day is never counted twice.
type Metrics struct {
	Days []MetricsDay `json:"days"`
}

// MetricsDay is one procedure's figures on one day at one kiosk. Step
// names are the kiosk's step identifiers ("consent", "q:<field id>",
// "papers", "review", "pay"), never what the citizen typed.
type MetricsDay struct {
	Date         string `json:"date"`      // yyyy-mm-dd, the kiosk's local day
	Procedure    string `json:"procedure"` // procedure ID; practice procedures too
	Started      int    `json:"started"`
	Finished     int    `json:"finished"`
	SelfServed   int    `json:"self_served"` // finished without a help request or an assistant
	Assisted     int    `json:"assisted"`    // finished with an assistant signed in
	HelpRequests int    `json:"help_requests"`
	Practice     int    `json:"practice"` // practice sessions (not in the counts above)
	// Abandoned counts the sessions left unfinished by the step they
	// stopped at.
	Abandoned map[string]int `json:"abandoned,omitempty"`
	// StepMedianSeconds is the median time a step took, by step.
	StepMedianSeconds map[string]float64 `json:"step_median_seconds,omitempty"`
	// Ratings counts the citizens who gave 1, 2, 3, 4 and 5 stars.
	Ratings [5]int `json:"ratings"`
}

// MetricsList is what the central system holds of the kiosks' figures for
// a range of days (GET /v1/metrics, with the staff token).
type MetricsList struct {
	From       string          `json:"from,omitempty"` // yyyy-mm-dd, as asked; "" for no lower bound
	To         string          `json:"to,omitempty"`   // yyyy-mm-dd, as asked; "" for no upper bound
	Devices    []DeviceMetrics `json:"devices"`
	ServerTime time.Time       `json:"server_time"`
}

// DeviceMetrics is one kiosk's stored days: the latest entry it sent for
// each day and procedure, by date and then procedure.
type DeviceMetrics struct {
	DeviceID string `json:"device_id"`
	Location string `json:"location"`
	// UpdatedAt is when the newest of these entries arrived.
	UpdatedAt time.Time    `json:"updated_at"`
	Days      []MetricsDay `json:"days"`
}

// AssistantSignIn is a member of the digital-tech team signing in at a
// kiosk to guide a citizen: with the token of their badge's QR
// (MCK1:STAFF:<token>) or with their PIN, one of the two.
type AssistantSignIn struct {
	Badge string `json:"badge,omitempty"`
	PIN   string `json:"pin,omitempty"`
}

// Assistant is a team member as the central system knows them. The name
// is staff data, shown on the kiosk's coach bar; it never reaches a
// dossier or the metrics.
type Assistant struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Catalog is the procedure catalog the API serves.
type Catalog = kiosk.Catalog

// ErrorBody is the one error shape of the API.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong; Fields maps a form field's ID to its
// message in the request's language.
type ErrorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}
