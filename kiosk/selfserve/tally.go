package selfserve

import (
	"regexp"
	"time"
)

// MaxSamples caps the step times a Tally keeps per step and day. Beyond
// it the Tally keeps a uniform sample of all the times seen (reservoir
// sampling), so the median stays representative of the whole day, not of
// its first hours, and a busy day's record stays small (about 20 kB per
// step).
const MaxSamples = 1000

// MaxSteps caps the distinct step names a Tally keeps, in its abandoned
// counts and in its step times alike: the central system takes at most
// 100 a day and procedure, and no form comes near it.
const MaxSteps = 100

// DayOf is the day of t in t's own location, as "2006-01-02": the kiosk's
// local day, which figures are kept and reported by.
func DayOf(t time.Time) string { return t.Format(time.DateOnly) }

var (
	// stepName is what a step name looks like: one of the Step… constants
	// or a question's "q:" and field ID.
	stepName = regexp.MustCompile(`^(procedure|consent|identity|papers|review|pay|done|q:[a-z][a-z0-9_]*)$`)
	// procedureID is the catalog's pattern of procedure IDs.
	procedureID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// ValidStep reports whether name is a step name the kiosk makes: one of
// the Step… constants or QuestionStep of a schema field ID. A Tally
// keeps no other name, so nothing resembling free text reaches the
// figures.
func ValidStep(name string) bool { return len(name) <= 64 && stepName.MatchString(name) }

// ValidProcedure reports whether id can name a procedure in the figures:
// a catalog procedure ID (lower-case letters, digits and hyphens, at most
// 64 characters), or "" for help asked before choosing one. The central
// system refuses any other.
func ValidProcedure(id string) bool {
	return id == "" || len(id) <= 64 && procedureID.MatchString(id)
}

// Tally is one procedure's figures on one day, with the raw step times
// the medians need. It is what the kiosk stores; Figures is what it shows
// and sends. The zero value (with Date and Procedure set) is empty.
type Tally struct {
	Date         string `json:"date"`      // yyyy-mm-dd, the kiosk's local day (DayOf)
	Procedure    string `json:"procedure"` // procedure ID; "" for help asked before choosing one
	Started      int    `json:"started"`
	Finished     int    `json:"finished"`
	SelfServed   int    `json:"self_served"`
	Assisted     int    `json:"assisted"`
	HelpRequests int    `json:"help_requests"`
	Practice     int    `json:"practice"`
	// Abandoned counts the sessions left unfinished by their LastStep.
	Abandoned map[string]int `json:"abandoned,omitempty"`
	// StepSeconds holds how long each step took, in seconds, by step: at
	// most MaxSamples per step, a uniform sample of StepCount[step] times.
	StepSeconds map[string][]float64 `json:"step_seconds,omitempty"`
	// StepCount counts every time a step was taken, sampled or not.
	StepCount map[string]int `json:"step_count,omitempty"`
	Ratings   [5]int         `json:"ratings"` // citizens who gave 1…5 stars
}

// Add counts one ended session:
//
//   - a practice session counts only in Practice;
//   - a session without a procedure (help asked before choosing one)
//     counts only its help requests;
//   - any other counts in Started and HelpRequests; a finished one in
//     Finished, and in SelfServed or Assisted as the Session says; an
//     abandoned one in Abandoned at its LastStep; each step's time in
//     StepSeconds; a rating of 1 to 5 in Ratings.
//
// Add does not check that the session's day and procedure are the
// Tally's: the caller picks the Tally. It ignores what no kiosk reports:
// step names that ValidStep refuses and new ones beyond MaxSteps (an
// abandoned session stopped at one counts in Started only), negative
// times and help counts, ratings outside 1–5. It never panics.
func (t *Tally) Add(s Session) {
	help := max(s.HelpRequests, 0)
	switch {
	case s.Practice:
		t.Practice++
		return
	case s.Procedure == "":
		t.HelpRequests += help
		return
	}
	t.Started++
	t.HelpRequests += help
	switch s.Outcome {
	case Finished:
		t.Finished++
		if s.SelfServed() {
			t.SelfServed++
		}
		if s.Assisted() {
			t.Assisted++
		}
	case Abandoned:
		if keep(t.Abandoned, s.LastStep) {
			if t.Abandoned == nil {
				t.Abandoned = map[string]int{}
			}
			t.Abandoned[s.LastStep]++
		}
	}
	for _, st := range s.Steps {
		if keep(t.StepSeconds, st.Name) && st.Duration >= 0 {
			t.addSample(st.Name, st.Duration.Seconds())
		}
	}
	if s.Rating >= 1 && s.Rating <= 5 {
		t.Ratings[s.Rating-1]++
	}
}

// keep reports whether m may count step: a valid name, already in m or
// with room for one more.
func keep[V any](m map[string]V, step string) bool {
	if !ValidStep(step) {
		return false
	}
	_, ok := m[step]
	return ok || len(m) < MaxSteps
}

// addSample keeps one step time: every one up to MaxSamples, then each
// new one replaces a kept one with probability MaxSamples/n (Algorithm R).
// The "random" index comes from n itself, so the same sessions always
// give the same sample and the same medians.
func (t *Tally) addSample(step string, seconds float64) {
	if t.StepSeconds == nil {
		t.StepSeconds = map[string][]float64{}
	}
	if t.StepCount == nil {
		t.StepCount = map[string]int{}
	}
	kept := t.StepSeconds[step]
	n := max(t.StepCount[step], len(kept)) + 1 // a record from elsewhere may lack the count
	t.StepCount[step] = n
	if len(kept) < MaxSamples {
		t.StepSeconds[step] = append(kept, seconds)
		return
	}
	if j := splitmix64(uint64(n)) % uint64(n); j < uint64(len(kept)) {
		kept[j] = seconds
	}
}

// splitmix64 scrambles x into a well-spread 64-bit value (Steele, Lea and
// Flood's SplitMix64 finaliser).
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
