package offline

import (
	"time"

	"github.com/motcua/kiosk/kiosk/central"
)

// Draft is a citizen's dossier while they fill it in. It is personal data
// through and through, so it is only ever stored sealed.
type Draft struct {
	ID             string            `json:"id"`
	ProcedureID    string            `json:"procedure_id"`
	CatalogVersion string            `json:"catalog_version"` // the catalog it was made with
	Applicant      central.Applicant `json:"applicant"`
	BirthDate      string            `json:"birth_date,omitempty"` // the applicant's, dd/mm/yyyy: proves a resume
	Answers        map[string]string `json:"answers"`
	Attachments    []LocalAttachment `json:"attachments,omitempty"`
	ConsentAt      time.Time         `json:"consent_at,omitzero"`
	Assisted       bool              `json:"assisted,omitempty"`
	// Problems are the central system's messages by field after it
	// rejected the dossier; the citizen fixes them without retyping.
	Problems   map[string]string `json:"problems,omitempty"`
	ResumeCode string            `json:"resume_code,omitempty"`
	CreatedAt  time.Time         `json:"created_at"`
	UpdatedAt  time.Time         `json:"updated_at"`
}

// LocalAttachment is a paper attached to a draft: either scanned at the
// kiosk (Data, uploaded before the dossier) or already sent from the
// citizen's phone (ServerID).
type LocalAttachment struct {
	Document int `json:"document"` // which of the procedure's documents, from 1
	// Field is the form's attachment question this file answers; its
	// answer is a local reference until the file is uploaded, and the
	// dossier is sent with the file's server ID in its place.
	Field    string `json:"field,omitempty"`
	Name     string `json:"name"`
	MIME     string `json:"mime"`
	Data     []byte `json:"data,omitempty"`
	ServerID string `json:"server_id,omitempty"`
}

// OutboxState is where a submitted dossier is on its way to the central
// system.
type OutboxState string

const (
	Queued   OutboxState = "queued"   // waiting to be sent
	Sending  OutboxState = "sending"  // being sent; after a crash, sent again with the same key
	Accepted OutboxState = "accepted" // the central system has it: Code and DueDate are set
	Rejected OutboxState = "rejected" // the central system refused it: Problems say why
)

// OutboxItem is a submitted dossier in the outbox. It holds no personal
// data itself; the dossier travels sealed beside it.
type OutboxItem struct {
	Seq            uint64            `json:"seq"`
	DraftID        string            `json:"draft_id"`
	ProcedureID    string            `json:"procedure_id,omitempty"` // not personal: counts "most used here"
	IdempotencyKey string            `json:"idempotency_key"`        // fixed at submission, reused on every attempt
	State          OutboxState       `json:"state"`
	QueuedAt       time.Time         `json:"queued_at"`
	Attempts       int               `json:"attempts"`
	Code           string            `json:"code,omitempty"`
	DueDate        string            `json:"due_date,omitempty"`
	TrackingURL    string            `json:"tracking_url,omitempty"`
	Fee            int64             `json:"fee,omitempty"`
	Problems       map[string]string `json:"problems,omitempty"`
	LastError      string            `json:"last_error,omitempty"` // the kind of the last failure, never a message with data
}
