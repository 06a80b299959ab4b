package ui

import (
	"context"
	"time"

	"github.com/motcua/kiosk/kiosk"
)

// Submission is a finished form, handed to the Submitter.
type Submission struct {
	DraftID        string // the saved draft it replaces, "" if none
	ProcedureID    string
	CatalogVersion string
	Applicant      kiosk.Applicant
	// Verified says the applicant's identity came from the identity
	// provider (VNeID on the phone), not from what was typed or scanned.
	Verified    bool
	Answers     map[string]string
	Attachments []Attachment
	ConsentAt   time.Time
	// Assisted says a member of the digital-tech team was signed in at
	// the kiosk for some step of the form (assistant mode).
	Assisted bool
}

// Attachment is a file that answers one of the form's attachment
// questions: a paper scanned at the kiosk (Data, uploaded with the
// dossier) or a photo the citizen sent from their phone (ServerID, already
// on the central system). It is personal data: it lives in the session
// and in the sealed draft, nowhere else.
type Attachment struct {
	FieldID    string
	Name, MIME string
	Data       []byte
	ServerID   string
}

// Receipt is what the citizen leaves with. Code is empty when the dossier
// is saved on the kiosk and will be sent when the network returns.
type Receipt struct {
	Code, DueDate, TrackingURL string // DueDate as dd/mm/yyyy
	Fee                        int64  // đồng, as the central system computed it; 0 when free
	Problems                   map[string]string
}

// PrintedReceipt is the paper a citizen leaves with: the receipt and
// what the kiosk knows around it.
type PrintedReceipt struct {
	Receipt
	Unit          string
	ProcedureName kiosk.Text
	Applicant     string
	ReceivedAt    time.Time
	Paid          bool // the fee was paid at the kiosk
	Lang          kiosk.Lang
}

// Printer prints receipts, on the system's printer or a thermal receipt
// printer. It is called off the UI goroutine.
type Printer interface {
	Print(ctx context.Context, r PrintedReceipt) error
}

// PaymentOrder is a fee to pay by bank transfer: VietQR is the payload a
// Vietnamese banking app scans; Payee who receives it.
type PaymentOrder struct {
	ID, VietQR, Payee string
	Amount            int64 // đồng
	ExpiresAt         time.Time
}

// Payment states.
const (
	PaymentPending = "pending"
	PaymentPaid    = "paid"
	PaymentExpired = "expired"
)

// Payer asks the central system for fee orders and follows them. It is
// called off the UI goroutine.
type Payer interface {
	Order(ctx context.Context, dossierCode string) (PaymentOrder, error)
	State(ctx context.Context, orderID string) (string, error)
}

// Submitter files a dossier: it queues it safely first, then waits a
// little for the central system's answer. It is called off the UI
// goroutine.
type Submitter interface {
	Submit(ctx context.Context, s Submission) (Receipt, error)
}

// Feedback sends a citizen's rating of the service (1–5) for a dossier.
// It is called off the UI goroutine.
type Feedback interface {
	Rate(ctx context.Context, dossierCode string, rating int) error
}

// TrackedDossier is a dossier's status as the central system tells it.
type TrackedDossier struct {
	Code, ProcedureID, Status string // Status: received, processing, done
	ReceivedAt                time.Time
	DueDate                   string // dd/mm/yyyy
	Timeline                  []TrackStep
}

// TrackStep is one step of a dossier's timeline.
type TrackStep struct {
	Status string
	At     time.Time
}

// Tracker finds a dossier by its code. It is called off the UI goroutine;
// ErrUnknownDossier means no dossier has that code.
type Tracker interface {
	Track(ctx context.Context, code string) (TrackedDossier, error)
}

// DraftState is the citizen's form as it is saved while they go.
type DraftState struct {
	ID, ProcedureID, CatalogVersion string
	Answers                         map[string]string
	Attachments                     []Attachment
	ConsentAt                       time.Time
	// BirthDate (dd/mm/yyyy) and PersonalID are the applicant's, as far
	// as known: a draft resumes with its code plus either of them, so
	// without both there is no resume code to show.
	BirthDate, PersonalID string
}

// Drafts keeps the form saved as the citizen goes — within 300 ms, off the
// UI goroutine — and finds a saved one again. Save sets d.ID on first use;
// the kiosk hears how each save went through Kiosk.SetSaved.
type Drafts interface {
	Save(d *DraftState)
	Resume(code, proof string) (DraftState, error) // proof: birth date or ID number
}

// ResumeError says why a draft could not be resumed, so the screen can
// say what to do.
type ResumeError struct {
	Kind      ResumeRefusal
	Until     time.Time // for ResumeLocked
	TriesLeft int       // for ResumeWrongDate
}

func (e *ResumeError) Error() string { return "resume refused: " + string(e.Kind) }

// ResumeRefusal is the kind of a ResumeError.
type ResumeRefusal string

const (
	ResumeBadCode   ResumeRefusal = "bad_code"   // not the shape of a resume code
	ResumeUnknown   ResumeRefusal = "unknown"    // no draft has it (or it expired)
	ResumeLocked    ResumeRefusal = "locked"     // too many wrong dates: wait
	ResumeWrongDate ResumeRefusal = "wrong_date" // the date of birth does not match
)

// Link purposes: what the citizen's phone does for the kiosk.
const (
	LinkLogin   = "login"   // sign in with the identity provider (VNeID)
	LinkUpload  = "upload"  // send photos of papers
	LinkHandoff = "handoff" // continue the form on the phone
)

// Link session states.
const (
	LinkPending = "pending"
	LinkLinked  = "linked"
	LinkExpired = "expired"
	LinkClosed  = "closed"
)

// LinkSession is a QR link between the kiosk and a citizen's phone: the
// kiosk shows URL as a QR beside ConfirmCode until ExpiresAt.
type LinkSession struct {
	ID, URL, ConfirmCode string
	ExpiresAt            time.Time
}

// LinkState is a link session as the central system last told it.
type LinkState struct {
	State    string          // LinkPending, LinkLinked, LinkExpired or LinkClosed
	Identity *LinkedIdentity // login: who signed in on the phone
	Files    []LinkedFile    // upload: what the phone has sent so far
	Version  int             // changes with every change; Wait waits for a newer one
}

// LinkedIdentity is a citizen as the identity provider vouches for them.
type LinkedIdentity struct {
	FullName, PersonalID, BirthDate, Sex, Address string // BirthDate as dd/mm/yyyy
}

// LinkedFile is a file the phone sent: which attachment question it
// answers, and what Fetch needs to bring it to the screen.
type LinkedFile struct {
	ID, FieldID, MIME string
	Size              int64
}

// Linker pairs the kiosk with phones through the central system. Every
// method is called off the UI goroutine. Wait long-polls: it returns when
// the session's version differs from since, when it ends, or after
// about 25 s with the state unchanged.
type Linker interface {
	Open(ctx context.Context, purpose, procedureID string) (LinkSession, error)
	Wait(ctx context.Context, id string, since int) (LinkState, error)
	Close(ctx context.Context, id string) error
	Fetch(ctx context.Context, fileID string) (data []byte, mime string, err error)
	// Handoff gives the form so far to a handoff session, for the phone
	// to finish; Claim takes back a form a phone hands to the kiosk with
	// its QR (the token of a kiosk.ScanHandoff).
	Handoff(ctx context.Context, linkID string, d DraftState) error
	Claim(ctx context.Context, token string) (DraftState, error)
}
