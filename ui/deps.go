package ui

import (
	"context"
	"time"

	"github.com/motcua/kiosk/kiosk"
)

// Submission is a finished form, handed to the Submitter.
type Submission struct {
	ProcedureID    string
	CatalogVersion string
	Applicant      kiosk.Applicant
	Answers        map[string]string
	ConsentAt      time.Time
}

// Receipt is what the citizen leaves with. Code is empty when the dossier
// is saved on the kiosk and will be sent when the network returns.
type Receipt struct {
	Code, DueDate, TrackingURL string // DueDate as dd/mm/yyyy
	Problems                   map[string]string
}

// Submitter files a dossier: it queues it safely first, then waits a
// little for the central system's answer. It is called off the UI
// goroutine.
type Submitter interface {
	Submit(ctx context.Context, s Submission) (Receipt, error)
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
