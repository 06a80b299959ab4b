package practice

import (
	"slices"
	"strings"
	"time"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/selfserve"
)

// Report is the debrief of one practice run, by step name (selfserve's
// names: "q:<field id>", "papers", "review"…); StepTitle puts a name into
// words.
type Report struct {
	// WentWell lists the steps passed without a refused answer, in the
	// order first taken, each once.
	WentWell []string
	// TryAgain is the one step worth practising again, "" for none.
	TryAgain string
	// Finished: the run reached its receipt.
	Finished bool
}

// Slowness thresholds: with no refused answer anywhere, a step is worth
// trying again only when it took more than slowFactor times the median of
// the other steps and more than slowMin.
const (
	slowFactor = 2
	slowMin    = 30 * time.Second
)

// stepTally is one step name's figures over a run: a step revisited
// (Back, or a change from the check page) adds up.
type stepTally struct {
	name     string
	errors   int
	duration time.Duration
	passed   bool
}

// Review debriefs a practice run:
//
//   - TryAgain is the step with the most refused answers (ties: the one
//     taken first); when no answer was refused, the slowest step if it
//     took more than twice the median of the others and over 30 s; else
//     "".
//   - WentWell is every step passed with no refused answer, in the order
//     first taken, without TryAgain (a slow step is not praised and
//     retried at once).
//
// A step taken more than once counts with its errors and times added up.
// Every step of the session was passed except, in an abandoned one, the
// last: the one the citizen left on. Names selfserve does not make are
// ignored, so nothing but a step name ever reaches the screen.
func Review(sess selfserve.Session) Report {
	steps := tally(sess)
	r := Report{Finished: sess.Outcome == selfserve.Finished}
	r.TryAgain = mostErrors(steps)
	if r.TryAgain == "" {
		r.TryAgain = slowest(steps)
	}
	for _, st := range steps {
		if st.passed && st.errors == 0 && st.name != r.TryAgain {
			r.WentWell = append(r.WentWell, st.name)
		}
	}
	return r
}

// tally adds up the session's steps by name, in the order first taken.
func tally(sess selfserve.Session) []*stepTally {
	var steps []*stepTally
	byName := map[string]*stepTally{}
	for i, st := range sess.Steps {
		if !selfserve.ValidStep(st.Name) {
			continue
		}
		t := byName[st.Name]
		if t == nil {
			t = &stepTally{name: st.Name}
			byName[st.Name] = t
			steps = append(steps, t)
		}
		t.errors += max(st.Errors, 0)
		t.duration += max(st.Duration, 0)
		leftOn := sess.Outcome == selfserve.Abandoned && i == len(sess.Steps)-1
		t.passed = t.passed || !leftOn
	}
	return steps
}

// mostErrors is the step with the most refused answers, the first taken
// on a tie, or "" when none was refused.
func mostErrors(steps []*stepTally) string {
	best := ""
	most := 0
	for _, st := range steps {
		if st.errors > most {
			best, most = st.name, st.errors
		}
	}
	return best
}

// slowest is the slowest step (the first taken on a tie) if it stands
// out: more than slowFactor times the median of the others and more than
// slowMin. It is "" otherwise, and when there is no other step to compare
// with.
func slowest(steps []*stepTally) string {
	if len(steps) < 2 {
		return ""
	}
	at := 0
	for i, st := range steps {
		if st.duration > steps[at].duration {
			at = i
		}
	}
	others := make([]time.Duration, 0, len(steps)-1)
	for i, st := range steps {
		if i != at {
			others = append(others, st.duration)
		}
	}
	d := steps[at].duration
	if d > slowMin && d > slowFactor*median(others) {
		return steps[at].name
	}
	return ""
}

// median of a non-empty list: the middle one, or the mean of the two
// middle ones.
func median(ds []time.Duration) time.Duration {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	n := len(ds)
	if n%2 == 1 {
		return ds[n/2]
	}
	return (ds[n/2-1] + ds[n/2]) / 2
}

// stepWords are the steps outside the form, in words that fit in the
// middle of a sentence ("Bạn làm tốt: …"), hence lower case.
var stepWords = map[string]kiosk.Text{
	selfserve.StepProcedure: {VI: "đọc thông tin thủ tục", EN: "reading about the procedure"},
	selfserve.StepConsent:   {VI: "đồng ý cho dùng thông tin cá nhân", EN: "agreeing to the use of your personal data"},
	selfserve.StepIdentity:  {VI: "cho biết bạn là ai (quét thẻ Căn cước hoặc VNeID)", EN: "saying who you are (ID card scan or VNeID)"},
	selfserve.StepPapers:    {VI: "đính kèm giấy tờ", EN: "attaching your papers"},
	selfserve.StepReview:    {VI: "kiểm tra lại câu trả lời", EN: "checking your answers"},
	selfserve.StepPay:       {VI: "nộp lệ phí", EN: "paying the fee"},
	selfserve.StepDone:      {VI: "nhận giấy biên nhận", EN: "getting your receipt"},
}

var (
	unknownQuestion = kiosk.Text{VI: "một câu hỏi của tờ khai", EN: "a question on the form"}
	unknownStep     = kiosk.Text{VI: "một bước", EN: "a step"}
)

// StepTitle puts a step name into words in lang, to fit in a sentence:
// a question ("q:<field id>") is its label as p's form has it, in
// quotation marks (“Họ, chữ đệm và tên của trẻ”) so that a label's own
// commas or question mark do not run into the list around it; the other
// steps are plain lower-case words ("kiểm tra lại câu trả lời"). p may be
// nil, and a question p lacks or a name the kiosk does not make gets a
// general phrase, never the raw name.
func StepTitle(p *kiosk.Procedure, step string, lang kiosk.Lang) string {
	if fieldID, ok := strings.CutPrefix(step, "q:"); ok {
		if p != nil {
			for _, f := range p.Form {
				if f.ID == fieldID {
					return "“" + f.Label.In(lang) + "”"
				}
			}
		}
		return unknownQuestion.In(lang)
	}
	if t, ok := stepWords[step]; ok {
		return t.In(lang)
	}
	return unknownStep.In(lang)
}
