// Package selfserve counts how citizens use the kiosk, so the province can
// see whether self-service grows: sessions started, finished and
// abandoned (and where), time per step, help asked for, sessions guided
// by an assistant, practice and ratings. It holds no personal data by
// construction: a Session names a procedure and steps, never a citizen,
// and nothing in it is free text.
package selfserve

import "time"

// Step names, as the kiosk reports them. A form's question is "q:" and
// its field ID (the schema's identifier, not the answer).
const (
	StepProcedure = "procedure" // the procedure's page, before starting
	StepConsent   = "consent"
	StepIdentity  = "identity" // sign-in with VNeID on the phone
	StepPapers    = "papers"
	StepReview    = "review"
	StepPay       = "pay"
	StepDone      = "done"
)

// QuestionStep is the step name of the form's question fieldID.
func QuestionStep(fieldID string) string { return "q:" + fieldID }

// Outcome is how a session ended.
type Outcome string

const (
	// Finished: the dossier was submitted (queued counts), or a practice
	// run reached its receipt.
	Finished Outcome = "finished"
	// Abandoned: the citizen left (went home, or the idle reset ended
	// the session) before finishing.
	Abandoned Outcome = "abandoned"
)

// Session is one citizen's attempt at one procedure, from starting it to
// finishing or leaving it. The UI builds it as the citizen goes and hands
// it over when the session ends.
type Session struct {
	Procedure string // procedure ID
	Practice  bool   // a practice run: nothing was sent
	Started   time.Time
	Outcome   Outcome
	// LastStep is the step the citizen was on when the session ended:
	// where an abandoned session stopped.
	LastStep     string
	Steps        []Step // in the order taken; a step revisited appears again
	HelpRequests int
	Rating       int // 1–5 stars on the receipt, 0 if none was given
}

// Step is one step as the citizen took it.
type Step struct {
	Name     string
	Duration time.Duration
	// Assisted: an assistant was signed in while the step was taken.
	Assisted bool
	// Errors counts the answers refused before the step was passed.
	Errors int
}

// Assisted reports whether any step was taken with an assistant signed in:
// the dossier then says assisted: true.
func (s Session) Assisted() bool {
	for _, st := range s.Steps {
		if st.Assisted {
			return true
		}
	}
	return false
}

// SelfServed reports whether the citizen finished on their own: no help
// request and no assisted step.
func (s Session) SelfServed() bool {
	return s.Outcome == Finished && s.HelpRequests == 0 && !s.Assisted()
}
