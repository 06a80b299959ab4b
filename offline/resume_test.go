package offline

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/kiosk/kiosk"
)

func TestResumeAlphabet(t *testing.T) {
	seen := map[rune]bool{}
	for _, r := range ResumeAlphabet {
		if seen[r] {
			t.Errorf("ResumeAlphabet repeats %q", r)
		}
		seen[r] = true
	}
	for _, r := range "0OQD1ILJ2Z5S8B6GUV" {
		if seen[r] {
			t.Errorf("ResumeAlphabet has the look-alike %q", r)
		}
	}
}

func TestNormalizeResumeCode(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"ACEFHKMN", "ACEFHKMN", false},
		{"acef-hkmn", "ACEFHKMN", false},
		{" AcEf  HkMn ", "ACEFHKMN", false},
		{"3479.WXYT", "3479WXYT", false},
		{"ACEF\u00a0HKMN", "ACEFHKMN", false},
		{"ACEF-HKM0", "", true}, // zero: not in the alphabet
		{"ACEF-HKMO", "", true}, // the letter O either
		{"ACEF-HKM", "", true},
		{"ACEF-HKMNP", "", true},
		{"", "", true},
		{"ACEF-HKMĂ", "", true},
	}
	for _, tt := range tests {
		got, err := NormalizeResumeCode(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr || (err != nil && !errors.Is(err, ErrResumeCodeInvalid)) {
			t.Errorf("NormalizeResumeCode(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	if got := FormatResumeCode("ACEFHKMN"); got != "ACEF-HKMN" {
		t.Errorf("FormatResumeCode(ACEFHKMN) = %q; want ACEF-HKMN", got)
	}
}

func TestRandomResumeCode(t *testing.T) {
	counts := map[rune]int{}
	const n = 3000
	for range n {
		c := randomResumeCode()
		if got, err := NormalizeResumeCode(c); err != nil || got != c {
			t.Fatalf("randomResumeCode() = %q: %v", c, err)
		}
		for _, r := range c {
			counts[r]++
		}
	}
	// Each symbol is expected n·8/18 ≈ 1333 times; a biased draw (say,
	// plain modulo) or a dead symbol would show far outside these bounds.
	for _, r := range ResumeAlphabet {
		if c := counts[r]; c < 1100 || c > 1570 {
			t.Errorf("symbol %q drawn %d times in %d codes; want about 1333", r, c, n)
		}
	}
}

func TestResumeCodeCollision(t *testing.T) {
	s, _ := newClockedStore(t, "", Options{})
	defer func(f func() string) { resumeCodeSource = f }(resumeCodeSource)
	seq := []string{"ACEFHKMN", "ACEFHKMN", "ACEFHKMP"}
	resumeCodeSource = func() string {
		c := seq[0]
		if len(seq) > 1 {
			seq = seq[1:]
		}
		return c
	}
	a, b := sampleDraft(), sampleDraft()
	for _, d := range []*Draft{a, b} {
		if err := s.SaveDraft(d); err != nil {
			t.Fatal(err)
		}
	}
	if a.ResumeCode != "ACEFHKMN" || b.ResumeCode != "ACEFHKMP" {
		t.Errorf("resume codes after a collision = %q, %q; want ACEFHKMN, ACEFHKMP", a.ResumeCode, b.ResumeCode)
	}
	// Nothing free at all: the save fails rather than share a code.
	c := sampleDraft()
	if err := s.SaveDraft(c); err == nil {
		t.Errorf("SaveDraft with no free code = nil (code %q); want an error", c.ResumeCode)
	}
}

// resumeStep is one try in a scripted resume session.
type resumeStep struct {
	advance time.Duration // clock moves first
	date    string
	want    error // nil, or a sentinel errors.Is must find
	left    int   // with ErrResumeWrongBirthDate: tries left
}

func TestResumeDraft(t *testing.T) {
	wrong := func(left int) resumeStep {
		return resumeStep{date: "06/09/1990", want: ErrResumeWrongBirthDate, left: left}
	}
	locked := resumeStep{date: "06/09/1990", want: ErrResumeLocked}
	right := resumeStep{date: seedBirth}
	tests := []struct {
		name  string
		steps []resumeStep
	}{
		{"right date", []resumeStep{right}},
		{"other ways to write the date", []resumeStep{
			{date: "5/9/1990"}, {date: "05-09-1990"}, {date: " 05.09.1990 "}}},
		{"fifth wrong try locks", []resumeStep{
			wrong(4), wrong(3), wrong(2), wrong(1), locked,
			{date: seedBirth, want: ErrResumeLocked}, // even the right date
			{advance: resumeLockout - time.Second, date: seedBirth, want: ErrResumeLocked},
			{advance: time.Second, date: seedBirth}, // the lock has ended
		}},
		{"a clock put back does not stretch the lock", []resumeStep{
			wrong(4), wrong(3), wrong(2), wrong(1), locked,
			// The clock goes back two hours (a dead clock battery, then
			// NTP): still locked, but for at most a lockout from now
			// (checkResumeStep checks Until), not two hours more.
			{advance: -2 * time.Hour, date: seedBirth, want: ErrResumeLocked},
			{advance: resumeLockout - time.Second, date: seedBirth, want: ErrResumeLocked},
			{advance: time.Second, date: seedBirth}, // the lock has ended
		}},
		{"tries count again after the lock", []resumeStep{
			wrong(4), wrong(3), wrong(2), wrong(1), locked,
			{advance: resumeLockout, date: "06/09/1990", want: ErrResumeWrongBirthDate, left: 4},
		}},
		{"success resets the count", []resumeStep{
			wrong(4), wrong(3), wrong(2), wrong(1), right, wrong(4),
		}},
		{"an unreadable date is not a try", []resumeStep{
			wrong(4), wrong(3), wrong(2), wrong(1),
			{date: "31/02/1990", want: &kiosk.Invalid{}}, {date: "hôm qua", want: &kiosk.Invalid{}},
			right,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, clock := newClockedStore(t, "", Options{})
			d := sampleDraft()
			if err := s.SaveDraft(d); err != nil {
				t.Fatal(err)
			}
			code := strings.ToLower(FormatResumeCode(d.ResumeCode)) // as a citizen may type it
			for i, st := range tt.steps {
				clock.Advance(st.advance)
				got, err := s.ResumeDraft(code, st.date)
				checkResumeStep(t, i, code, st, got, err, d, clock.Now())
			}
		})
	}
}

func checkResumeStep(t *testing.T, i int, code string, st resumeStep, got *Draft, err error, d *Draft, now time.Time) {
	t.Helper()
	var invalid *kiosk.Invalid
	switch want := st.want.(type) {
	case nil:
		if err != nil || got == nil || got.ID != d.ID || got.Applicant != d.Applicant {
			t.Errorf("step %d: ResumeDraft(%q, %q) = %v, %v; want draft %s", i, code, st.date, got, err, d.ID)
		}
		return
	case *kiosk.Invalid:
		if !errors.As(err, &invalid) {
			t.Errorf("step %d: ResumeDraft(%q, %q) = %v; want a *kiosk.Invalid", i, code, st.date, err)
		}
	default:
		if !errors.Is(err, want) {
			t.Errorf("step %d: ResumeDraft(%q, %q) = %v; want %v", i, code, st.date, err, want)
		}
	}
	if got != nil {
		t.Errorf("step %d: ResumeDraft(%q, %q) returned a draft with error %v", i, code, st.date, err)
	}
	var wrong *WrongBirthDateError
	if errors.As(err, &wrong) && wrong.TriesLeft != st.left {
		t.Errorf("step %d: ResumeDraft(%q, %q) tries left = %d; want %d", i, code, st.date, wrong.TriesLeft, st.left)
	}
	var locked *LockedError
	if errors.As(err, &locked) && locked.Until.After(now.Add(resumeLockout)) {
		t.Errorf("step %d: locked until %v; want at most 15 minutes from %v", i, locked.Until, now)
	}
}

func TestResumeDraftLockedUntil(t *testing.T) {
	s, clock := newClockedStore(t, "", Options{})
	d := sampleDraft()
	if err := s.SaveDraft(d); err != nil {
		t.Fatal(err)
	}
	var err error
	for range resumeMaxFails {
		_, err = s.ResumeDraft(d.ResumeCode, "01/01/2000")
	}
	var locked *LockedError
	if !errors.As(err, &locked) || !locked.Until.Equal(clock.Now().Add(15*time.Minute)) {
		t.Errorf("ResumeDraft after 5 wrong dates = %v; want locked until %v", err, clock.Now().Add(15*time.Minute))
	}
}

func TestResumeDraftRefusals(t *testing.T) {
	s, clock := newClockedStore(t, "", Options{})
	noDate := sampleDraft()
	noDate.BirthDate, noDate.Applicant.PersonalID = "", ""
	expiring := sampleDraft()
	for _, d := range []*Draft{noDate, expiring} {
		if err := s.SaveDraft(d); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Hour)
	}
	// expiring was saved 72 h ago and noDate 73 h: both expired, but
	// noDate is saved again.
	clock.Advance(71 * time.Hour)
	if err := s.SaveDraft(noDate); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, code, date string
		want             error
	}{
		{"unknown code", "WWWW-WWWW", seedBirth, ErrResumeNotFound},
		{"mistyped code", "WWWW-WWW0", seedBirth, ErrResumeCodeInvalid},
		{"draft without a birth date or ID number", noDate.ResumeCode, seedBirth, ErrResumeNoBirthDate},
		{"expired draft", expiring.ResumeCode, seedBirth, ErrResumeNotFound},
	}
	for _, tt := range tests {
		if got, err := s.ResumeDraft(tt.code, tt.date); got != nil || !errors.Is(err, tt.want) {
			t.Errorf("%s: ResumeDraft(%q, %q) = %v, %v; want %v", tt.name, tt.code, tt.date, got, err, tt.want)
		}
	}
}

// TestResumeDraftConcurrent: many wrong tries at once still lock the code
// after exactly five, because each try is counted in its own transaction.
func TestResumeDraftConcurrent(t *testing.T) {
	s, _ := newClockedStore(t, "", Options{})
	d := sampleDraft()
	if err := s.SaveDraft(d); err != nil {
		t.Fatal(err)
	}
	const n = 20
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { _, errs[i] = s.ResumeDraft(d.ResumeCode, "01/01/2000") })
	}
	wg.Wait()
	wrong, locked := 0, 0
	for _, err := range errs {
		switch {
		case errors.Is(err, ErrResumeWrongBirthDate):
			wrong++
		case errors.Is(err, ErrResumeLocked):
			locked++
		default:
			t.Errorf("ResumeDraft = %v; want wrong date or locked", err)
		}
	}
	if wrong != resumeMaxFails-1 || locked != n-wrong {
		t.Errorf("%d concurrent wrong tries: %d wrong, %d locked; want %d wrong, %d locked",
			n, wrong, locked, resumeMaxFails-1, n-resumeMaxFails+1)
	}
	if _, err := s.ResumeDraft(d.ResumeCode, seedBirth); !errors.Is(err, ErrResumeLocked) {
		t.Errorf("ResumeDraft(right date) after the burst = %v; want locked", err)
	}
}

// TestResumeDraftByIDNumber: a form that asks the applicant's ID number
// but not their birth date (khai sinh) resumes with the ID number; either
// proof works on a draft that has both, and a wrong one is a counted try.
func TestResumeDraftByIDNumber(t *testing.T) {
	s, _ := newClockedStore(t, "", Options{})
	idOnly := sampleDraft()
	idOnly.BirthDate = ""
	both := sampleDraft()
	for _, d := range []*Draft{idOnly, both} {
		if err := s.SaveDraft(d); err != nil {
			t.Fatal(err)
		}
	}
	spaced := seedID[:4] + " " + seedID[4:8] + " " + seedID[8:]
	tests := []struct {
		name, code, proof string
		want              error // nil: the draft opens
	}{
		{"ID number", idOnly.ResumeCode, seedID, nil},
		{"ID number typed in groups", idOnly.ResumeCode, spaced, nil},
		{"another ID number", idOnly.ResumeCode, "001190099999", ErrResumeWrongBirthDate},
		{"a date on a draft without one", idOnly.ResumeCode, seedBirth, ErrResumeWrongBirthDate},
		{"ID number on a draft with both", both.ResumeCode, seedID, nil},
		{"date on a draft with both", both.ResumeCode, seedBirth, nil},
	}
	for _, tt := range tests {
		got, err := s.ResumeDraft(tt.code, tt.proof)
		if !errors.Is(err, tt.want) || (tt.want == nil) != (got != nil) {
			t.Errorf("%s: ResumeDraft(%q, %q) = %v, %v; want %v", tt.name, tt.code, tt.proof, got, err, tt.want)
		}
	}
	var inv *kiosk.Invalid
	if _, err := s.ResumeDraft(idOnly.ResumeCode, "12345"); !errors.As(err, &inv) {
		t.Errorf("ResumeDraft(proof 12345) = %v; want a message saying what to type", err)
	}
	if list, err := s.ListDrafts(); err != nil || len(list) != 2 || !list[0].Resumable || !list[1].Resumable {
		t.Errorf("ListDrafts() = %+v, %v; want both resumable", list, err)
	}
}
