package ui

import (
	"time"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/selfserve"
)

// A visit is what the self-service figures learn of one citizen's session:
// which procedure, the steps in order with how long each took, whether an
// assistant was signed in, the help asked for and how it ended. It never
// holds what the citizen typed: step names are the form's field IDs.
type visit struct {
	rec  selfserve.Session
	open bool // a procedure was started (consent shown, or a draft resumed)

	step         string // the step on screen, "" outside a procedure
	stepStart    time.Time
	stepAssisted bool // an assistant was signed in at some moment of the step
	stepErrors   int  // answers refused on this step so far
}

// Recorder keeps the self-service figures on the kiosk and sends them,
// aggregated, to the central system. It is called off the UI goroutine,
// once per session when the session ends.
type Recorder interface {
	Record(s selfserve.Session)
}

// stepName is the figures' name of what the screen asks now, "" outside a
// procedure. Screens inside a step (sending, the phone hand-over) keep
// the step they were opened from.
func (k *Kiosk) stepName() string {
	switch k.screen {
	case screenProcedure:
		if k.visit.open {
			return selfserve.StepProcedure // backed out of the form: still deciding
		}
	case screenConsent:
		return selfserve.StepConsent
	case screenIdentity:
		return selfserve.StepIdentity
	case screenWizard:
		return journeyStep(k.journey)
	case screenSending, screenHandoff:
		return k.visit.step
	case screenAdmin:
		if k.admin != nil && k.admin.panel == nil {
			return k.visit.step // the PIN pad may be cancelled back to the form; the panel ends the session
		}
	case screenPay:
		return selfserve.StepPay
	case screenDone:
		return selfserve.StepDone
	}
	return ""
}

// journeyStep names the journey's current page.
func journeyStep(j *kiosk.Journey) string {
	if j == nil {
		return ""
	}
	switch st := j.Current(); st.Kind {
	case kiosk.StepField:
		return selfserve.QuestionStep(st.Field.ID)
	case kiosk.StepAttachments:
		return selfserve.StepPapers
	}
	return selfserve.StepReview
}

// trackStep follows the citizen from step to step; show calls it with
// every screen. Leaving the procedure (home, the catalog) ends the visit.
func (k *Kiosk) trackStep() {
	name := k.stepName()
	v := &k.visit
	if name == v.step {
		return
	}
	if name == "" {
		if v.open {
			k.endVisit()
		}
		return
	}
	now := k.opts.Now()
	if !v.open {
		proc := k.current
		if k.journey != nil {
			proc = k.journey.Procedure()
		}
		if proc == nil {
			return // a screen shown without its procedure: nothing to count it for
		}
		v.open = true
		v.rec.Procedure, v.rec.Started, v.rec.Practice = proc.ID, now, k.practice
	} else {
		k.closeStep(now)
	}
	v.step, v.stepStart, v.stepErrors, v.stepAssisted = name, now, 0, k.assistant != nil
}

// closeStep adds the step on screen to the visit's record.
func (k *Kiosk) closeStep(now time.Time) {
	v := &k.visit
	if v.step == "" {
		return
	}
	v.rec.Steps = append(v.rec.Steps, selfserve.Step{
		Name: v.step, Duration: now.Sub(v.stepStart), Assisted: v.stepAssisted, Errors: v.stepErrors,
	})
	v.rec.LastStep = v.step
}

// refusedAnswer counts an answer the form refused on the current step.
func (k *Kiosk) refusedAnswer() { k.visit.stepErrors++ }

// visitFinished marks the visit's procedure as filed (or, in practice,
// as gone through to its receipt).
func (k *Kiosk) visitFinished() { k.visit.rec.Outcome = selfserve.Finished }

// endVisit hands the visit to the Recorder and starts a fresh one. A
// visit that asked for help without starting a procedure is recorded too:
// help asked on the catalog is help all the same.
func (k *Kiosk) endVisit() {
	v := &k.visit
	switch now := k.opts.Now(); {
	case v.open:
		k.closeStep(now)
		if v.rec.Outcome == "" {
			v.rec.Outcome = selfserve.Abandoned
		}
	case v.rec.HelpRequests > 0:
		v.rec.Started = now
	default:
		return // nothing happened worth counting
	}
	rec := v.rec
	k.visit = visit{}
	if r := k.opts.Recorder; r != nil {
		k.background(func() func() {
			r.Record(rec)
			return func() {}
		})
	}
}
