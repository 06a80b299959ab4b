package kiosk

import (
	"maps"
	"time"
)

// Journey is one citizen's way through a procedure's form, one question
// per page (GOV.UK's pattern): each field is a step, all the papers to
// attach are one step, and "check your answers" is the last. It holds the
// rules of the wizard — order, progress, validation, going back, changing
// an answer from the check page — so that the screen only draws it.
//
// A Journey is not safe for concurrent use; the UI goroutine owns it.
type Journey struct {
	proc    *Procedure
	now     func() time.Time
	steps   []Step
	at      int               // index into steps
	answers map[string]string // normalised answers by field ID
	locked  map[string]string // field ID → where a prefilled answer came from
	// returnToReview is set while the citizen changes one answer from the
	// check page: the next step after it is the check page again.
	returnToReview bool
}

// StepKind is what a step of a journey asks.
type StepKind int

const (
	StepField       StepKind = iota // one question
	StepAttachments                 // every paper to attach, with its state
	StepReview                      // check your answers, then submit
)

// Step is one page of the journey. Field is set for StepField.
type Step struct {
	Kind  StepKind
	Field *Field
}

// NewJourney starts a journey through p's form, resuming from answers
// (nil for a new one) at the first question. now is the clock that
// validation uses (birth dates in the future…).
func NewJourney(p *Procedure, answers map[string]string, now func() time.Time) *Journey {
	j := &Journey{proc: p, now: now, answers: map[string]string{}, locked: map[string]string{}}
	maps.Copy(j.answers, answers)
	hasAttachments := false
	for i := range p.Form {
		f := &p.Form[i]
		if f.Kind == KindAttachment {
			hasAttachments = true
			continue
		}
		j.steps = append(j.steps, Step{Kind: StepField, Field: f})
	}
	if hasAttachments {
		j.steps = append(j.steps, Step{Kind: StepAttachments})
	}
	j.steps = append(j.steps, Step{Kind: StepReview})
	j.skipLocked(1)
	return j
}

// Procedure is the procedure the journey files.
func (j *Journey) Procedure() *Procedure { return j.proc }

// Current is the page the citizen is on.
func (j *Journey) Current() Step { return j.steps[j.at] }

// Progress returns the current page's number and the number of pages, for
// "Bước 3 / 7". Pages prefilled from the card are not counted: the citizen
// never sees them.
func (j *Journey) Progress() (n, total int) {
	for i, s := range j.steps {
		if j.isLocked(s) {
			continue
		}
		total++
		if i <= j.at {
			n++
		}
	}
	return n, total
}

// Answer returns the answer to a field so far ("" if none).
func (j *Journey) Answer(fieldID string) string { return j.answers[fieldID] }

// Answers returns a copy of every answer so far, normalised.
func (j *Journey) Answers() map[string]string { return maps.Clone(j.answers) }

// Source says where a prefilled answer came from ("card", "vneid"), or ""
// for an answer the citizen typed.
func (j *Journey) Source(fieldID string) string { return j.locked[fieldID] }

// Submit answers the current question. A valid answer is stored in its
// normalised form and the journey moves on; an invalid one is returned as
// *Invalid with the message to show next to the field, and the citizen
// stays on the page with what they typed. An optional question left empty
// moves on too.
func (j *Journey) Submit(value string) error {
	s := j.Current()
	if s.Kind == StepAttachments {
		for _, f := range j.AttachmentFields() {
			if _, err := CheckField(*f, j.answers[f.ID], j.now()); err != nil {
				return err // a required paper is missing
			}
		}
	}
	if s.Kind == StepField {
		clean, err := CheckField(*s.Field, value, j.now())
		if err != nil {
			return err
		}
		if clean == "" {
			delete(j.answers, s.Field.ID)
		} else {
			j.answers[s.Field.ID] = clean
		}
	}
	j.next()
	return nil
}

// AttachmentFields are the form's questions answered with a file, in form
// order: the attachments step shows one box each.
func (j *Journey) AttachmentFields() []*Field {
	var out []*Field
	for i := range j.proc.Form {
		if f := &j.proc.Form[i]; f.Kind == KindAttachment {
			out = append(out, f)
		}
	}
	return out
}

// IsAttachment reports whether fieldID is one of the form's attachment
// questions.
func (j *Journey) IsAttachment(fieldID string) bool {
	for _, f := range j.AttachmentFields() {
		if f.ID == fieldID {
			return true
		}
	}
	return false
}

// SetAttachment records the reference of an attached paper (its local or
// server ID) for an attachment field, or clears it with "".
func (j *Journey) SetAttachment(fieldID, ref string) {
	if ref == "" {
		delete(j.answers, fieldID)
		return
	}
	j.answers[fieldID] = ref
}

func (j *Journey) next() {
	if j.returnToReview {
		j.returnToReview = false
		j.at = len(j.steps) - 1
		return
	}
	if j.at < len(j.steps)-1 {
		j.at++
		j.skipLocked(1)
	}
}

// Back goes to the previous page; it reports false on the first page,
// where the screen's Back leaves the journey.
func (j *Journey) Back() bool {
	j.returnToReview = false
	for i := j.at - 1; i >= 0; i-- {
		if !j.isLocked(j.steps[i]) {
			j.at = i
			return true
		}
	}
	return false
}

// Change goes to the page of one answer from the check page; after it is
// answered the journey returns to the check page. Prefilled answers cannot
// be changed: they come from the card or the identity provider.
func (j *Journey) Change(fieldID string) bool {
	for i, s := range j.steps {
		if s.Kind == StepAttachments && j.IsAttachment(fieldID) || s.Kind == StepField && s.Field.ID == fieldID && !j.isLocked(s) {
			j.at, j.returnToReview = i, true
			return true
		}
	}
	return false
}

// Prefill fills fields from a trusted source — the Căn cước card's QR or
// the identity provider — and locks them: they are shown as coming from
// that source and skipped by the wizard. Values that do not validate for
// their field are left for the citizen to answer.
func (j *Journey) Prefill(values map[string]string, source string) {
	for i := range j.proc.Form {
		f := j.proc.Form[i]
		v, ok := values[f.ID]
		if !ok {
			continue
		}
		clean, err := CheckField(f, v, j.now())
		if err != nil || clean == "" {
			continue
		}
		j.answers[f.ID], j.locked[f.ID] = clean, source
	}
	j.skipLocked(1)
}

// Review lists every question with its answer and, after the whole form
// is checked (cross-field rules included), its problem, in form order. The
// check page draws it with a change link per answer.
func (j *Journey) Review() []ReviewItem {
	_, problems := ValidateForm(j.proc.Form, j.answers, j.now())
	items := make([]ReviewItem, 0, len(j.proc.Form))
	for i := range j.proc.Form {
		f := &j.proc.Form[i]
		items = append(items, ReviewItem{Field: f, Value: j.answers[f.ID], Source: j.locked[f.ID], Problem: problems[f.ID]})
	}
	return items
}

// ReviewItem is one line of the check page.
type ReviewItem struct {
	Field   *Field
	Value   string
	Source  string // "" when typed by the citizen
	Problem Text   // zero when the answer is fine
}

// Ready reports whether the whole form is valid, so the dossier can be
// submitted; otherwise the check page shows the problems.
func (j *Journey) Ready() bool {
	_, problems := ValidateForm(j.proc.Form, j.answers, j.now())
	return len(problems) == 0
}

func (j *Journey) isLocked(s Step) bool {
	return s.Kind == StepField && j.locked[s.Field.ID] != ""
}

// skipLocked moves past prefilled pages in direction dir.
func (j *Journey) skipLocked(dir int) {
	for j.isLocked(j.steps[j.at]) && j.at+dir >= 0 && j.at+dir < len(j.steps) {
		j.at += dir
	}
}

// Applicant is who files the dossier, read from the form: the name, ID
// number and birth date of the procedure's ApplicantPerson, and the form's
// phone and email.
type Applicant struct {
	FullName, PersonalID, BirthDate, Phone, Email string
}

// Applicant reads the applicant from the answers so far.
func (j *Journey) Applicant() Applicant {
	var a Applicant
	who := j.proc.ApplicantPerson()
	for _, f := range j.proc.Form {
		v := j.answers[f.ID]
		switch {
		case who != "" && f.Person == who && f.Kind == KindPersonName:
			a.FullName = v
		case who != "" && f.Person == who && f.Kind == KindPersonalID:
			a.PersonalID = v
		case who != "" && f.Person == who && f.Role == RoleBirthDate:
			a.BirthDate = v
		case f.Kind == KindPhone && a.Phone == "":
			a.Phone = v
		case f.Kind == KindEmail && a.Email == "":
			a.Email = v
		}
	}
	return a
}

// Resume puts a journey rebuilt from a saved draft on its first question
// still to answer (required and empty, or refused by the checks), or on
// the check page when there is none: the citizen carries on where they
// stopped rather than paging through what they already said.
func (j *Journey) Resume() {
	_, problems := ValidateForm(j.proc.Form, j.answers, j.now())
	for i, s := range j.steps {
		if s.Kind != StepField || j.isLocked(s) {
			continue
		}
		if _, bad := problems[s.Field.ID]; bad {
			j.at = i
			return
		}
	}
	j.at = len(j.steps) - 1
}
