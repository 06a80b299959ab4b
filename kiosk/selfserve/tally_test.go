package selfserve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // America/New_York for the daylight-saving case, on any machine
)

// ict is Vietnam's time, without depending on the machine's zone files.
var ict = time.FixedZone("ICT", 7*60*60)

func step(name string, secs int) Step {
	return Step{Name: name, Duration: time.Duration(secs) * time.Second}
}

func assisted(name string, secs int) Step {
	s := step(name, secs)
	s.Assisted = true
	return s
}

// scriptedDay is one procedure's day at a kiosk: three citizens finish on
// their own, one after asking for help, one guided by an assistant; two
// leave at the name question and one at the papers; two practise.
func scriptedDay() []Session {
	start := time.Date(2026, 3, 10, 8, 0, 0, 0, ict)
	proc := "dang-ky-khai-sinh"
	name := QuestionStep("ho_ten")
	finished := func(help, rating int, steps ...Step) Session {
		return Session{Procedure: proc, Started: start, Outcome: Finished, LastStep: StepDone,
			Steps: steps, HelpRequests: help, Rating: rating}
	}
	abandoned := func(last string, help int, steps ...Step) Session {
		return Session{Procedure: proc, Started: start, Outcome: Abandoned, LastStep: last,
			Steps: steps, HelpRequests: help}
	}
	practice := Session{Procedure: proc, Practice: true, Started: start, Outcome: Finished, LastStep: StepDone,
		Steps: []Step{step(StepConsent, 999)}, HelpRequests: 2, Rating: 2}
	return []Session{
		finished(0, 5, step(StepConsent, 10), step(name, 60), step(StepPapers, 120), step(StepReview, 30)),
		finished(0, 5, step(StepConsent, 20), step(name, 40), step(StepPapers, 100), step(StepReview, 20)),
		finished(0, 4, step(StepConsent, 30), step(name, 50), step(StepPapers, 80), step(StepReview, 40)),
		finished(1, 3, step(StepConsent, 40), step(name, 90), step(StepPapers, 200), step(StepReview, 60)),
		finished(1, 5, step(StepConsent, 50), assisted(name, 70), assisted(StepPapers, 150), assisted(StepReview, 50)),
		abandoned(name, 0, step(StepConsent, 15), step(name, 300)),
		abandoned(name, 1, step(StepConsent, 25), step(name, 200)),
		abandoned(StepPapers, 0, step(StepConsent, 35), step(name, 45), step(StepPapers, 500)),
		practice,
		practice,
	}
}

func TestScriptedDay(t *testing.T) {
	tally := Tally{Date: "2026-03-10", Procedure: "dang-ky-khai-sinh"}
	for _, s := range scriptedDay() {
		tally.Add(s)
	}
	got := tally.Figures()
	want := Figures{
		Date: "2026-03-10", Procedure: "dang-ky-khai-sinh",
		Started: 8, Finished: 5, Abandoned: 3, SelfServed: 3, Assisted: 1, HelpRequests: 3, Practice: 2,
		AbandonedAt: map[string]int{"q:ho_ten": 2, "papers": 1},
		StepMedian: map[string]time.Duration{
			"consent":  27500 * time.Millisecond, // 10 15 20 25 | 30 35 40 50
			"q:ho_ten": 65 * time.Second,         // 40 45 50 60 | 70 90 200 300
			"papers":   135 * time.Second,        // 80 100 120 | 150 200 500
			"review":   40 * time.Second,         // 20 30 [40] 50 60
		},
		Ratings: [5]int{0, 0, 1, 1, 3},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Figures() =\n%+v\nwant\n%+v", got, want)
	}
	if share := got.SelfServedShare(); share != 0.6 {
		t.Errorf("SelfServedShare() = %v; want 0.6", share)
	}
	if mean := got.MeanRating(); math.Abs(mean-4.4) > 1e-9 {
		t.Errorf("MeanRating() = %v; want 4.4", mean)
	}
}

func TestAddRules(t *testing.T) {
	tests := []struct {
		name string
		s    Session
		want Tally
	}{
		{"practice counts only as practice",
			Session{Procedure: "p", Practice: true, Outcome: Abandoned, LastStep: StepPapers, HelpRequests: 3, Rating: 4,
				Steps: []Step{step(StepPapers, 5)}},
			Tally{Practice: 1}},
		{"help before choosing a procedure counts only its help",
			Session{HelpRequests: 2, Outcome: Abandoned, LastStep: StepProcedure, Rating: 5, Steps: []Step{step(StepProcedure, 5)}},
			Tally{HelpRequests: 2}},
		{"an unknown outcome is only started",
			Session{Procedure: "p", Outcome: "lost"},
			Tally{Started: 1}},
		{"finished with help is neither self-served nor assisted",
			Session{Procedure: "p", Outcome: Finished, HelpRequests: 1},
			Tally{Started: 1, Finished: 1, HelpRequests: 1}},
		{"an assisted step makes a finished session assisted",
			Session{Procedure: "p", Outcome: Finished, Steps: []Step{assisted(StepReview, 2)}},
			Tally{Started: 1, Finished: 1, Assisted: 1,
				StepSeconds: map[string][]float64{"review": {2}}, StepCount: map[string]int{"review": 1}}},
		{"an abandoned assisted session is not counted assisted",
			Session{Procedure: "p", Outcome: Abandoned, LastStep: StepReview, Steps: []Step{assisted(StepReview, 2)}},
			Tally{Started: 1, Abandoned: map[string]int{"review": 1},
				StepSeconds: map[string][]float64{"review": {2}}, StepCount: map[string]int{"review": 1}}},
		{"a revisited step counts each visit",
			Session{Procedure: "p", Outcome: Finished, Steps: []Step{step("q:a", 1), step("q:a", 3)}},
			Tally{Started: 1, Finished: 1, SelfServed: 1,
				StepSeconds: map[string][]float64{"q:a": {1, 3}}, StepCount: map[string]int{"q:a": 2}}},
		{"what no kiosk reports is ignored",
			Session{Procedure: "p", Outcome: Abandoned, LastStep: "q:Họ tên", HelpRequests: -4, Rating: 6,
				Steps: []Step{step("Nguyễn Văn An", 3), step("q:", 1), step("q:1x", 1), step(StepPay, -1), step("", 2)}},
			Tally{Started: 1}},
		{"a rating of 1 counts",
			Session{Procedure: "p", Outcome: Finished, Rating: 1},
			Tally{Started: 1, Finished: 1, SelfServed: 1, Ratings: [5]int{1, 0, 0, 0, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Tally
			got.Add(tt.s)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Add(%+v) =\n%+v\nwant\n%+v", tt.s, got, tt.want)
			}
		})
	}
}

func TestStepsAreCapped(t *testing.T) {
	var tally Tally
	for i := range MaxSteps + 5 {
		name := QuestionStep(fmt.Sprintf("f%d", i))
		tally.Add(Session{Procedure: "p", Outcome: Abandoned, LastStep: name, Steps: []Step{step(name, 1)}})
	}
	tally.Add(Session{Procedure: "p", Outcome: Abandoned, LastStep: "q:f0", Steps: []Step{step("q:f0", 3)}})
	if len(tally.Abandoned) != MaxSteps || len(tally.StepSeconds) != MaxSteps {
		t.Errorf("kept %d abandoned steps and %d step times; want %d each", len(tally.Abandoned), len(tally.StepSeconds), MaxSteps)
	}
	if tally.Started != MaxSteps+6 || tally.Abandoned["q:f0"] != 2 || len(tally.StepSeconds["q:f0"]) != 2 {
		t.Errorf("Started = %d, q:f0 abandoned %d times with %v; want %d, 2, two times: a kept step still counts",
			tally.Started, tally.Abandoned["q:f0"], tally.StepSeconds["q:f0"], MaxSteps+6)
	}
}

func TestValidNames(t *testing.T) {
	tests := []struct {
		name       string
		step, proc bool
	}{
		{"", false, true},
		{"consent", true, true},
		{"q:ho_ten", true, false},
		{"q:child_name2", true, false},
		{"dang-ky-khai-sinh", false, true},
		{"practice-khai-sinh", false, true},
		{"q:", false, false},
		{"q:Họ tên", false, false},
		{"q:1a", false, false},
		{"Consent", false, false},
		{"dang--ky", false, false},
		{"-dang", false, false},
		{"dang-ky-", false, false},
		{"Nguyễn Văn An", false, false},
		{"001203004567", false, true}, // looks like an ID number, but a slug: the catalog decides
		{"q:" + strings.Repeat("a", 62), true, false},
		{"q:" + strings.Repeat("a", 63), false, false},
		{strings.Repeat("a", 64), false, true},
		{strings.Repeat("a", 65), false, false},
	}
	for _, tt := range tests {
		if got := ValidStep(tt.name); got != tt.step {
			t.Errorf("ValidStep(%q) = %v; want %v", tt.name, got, tt.step)
		}
		if got := ValidProcedure(tt.name); got != tt.proc {
			t.Errorf("ValidProcedure(%q) = %v; want %v", tt.name, got, tt.proc)
		}
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{[]float64{5}, 5},
		{[]float64{3, 1}, 2},
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{7, 7, 1, 100, 7}, 7},
		{[]float64{0.25, 0.5}, 0.375},
	}
	for _, tt := range tests {
		in := append([]float64(nil), tt.in...)
		if got := median(in); got != tt.want {
			t.Errorf("median(%v) = %v; want %v", tt.in, got, tt.want)
		}
		if !reflect.DeepEqual(in, tt.in) {
			t.Errorf("median(%v) reordered its argument to %v", tt.in, in)
		}
	}
}

func TestFiguresOfAnEmptyTally(t *testing.T) {
	f := Tally{Date: "2026-03-10", Procedure: "p", StepSeconds: map[string][]float64{"papers": {}}}.Figures()
	want := Figures{Date: "2026-03-10", Procedure: "p"}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("Figures() = %+v; want %+v", f, want)
	}
	if f.SelfServedShare() != 0 || f.MeanRating() != 0 {
		t.Errorf("SelfServedShare, MeanRating = %v, %v; want 0, 0", f.SelfServedShare(), f.MeanRating())
	}
}

// TestSamplesAreCapped: a step taken more than MaxSamples times a day
// keeps MaxSamples times, spread over the whole day, the same every time.
func TestSamplesAreCapped(t *testing.T) {
	const n = 5 * MaxSamples
	add := func() Tally {
		var tally Tally
		for i := 1; i <= n; i++ { // the day's times grow: 1 s, 2 s … n s
			tally.Add(Session{Procedure: "p", Outcome: Finished, Steps: []Step{step(StepPapers, i)}})
		}
		return tally
	}
	a, b := add(), add()
	if got := len(a.StepSeconds[StepPapers]); got != MaxSamples {
		t.Fatalf("kept %d times; want %d", got, MaxSamples)
	}
	if a.StepCount[StepPapers] != n {
		t.Errorf("StepCount = %d; want %d", a.StepCount[StepPapers], n)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("the same sessions kept different samples")
	}
	// The first hours alone would give a median of 500 s; the whole day's
	// is 2500 s.
	med := a.Figures().StepMedian[StepPapers].Seconds()
	if med < 0.9*n/2 || med > 1.1*n/2 {
		t.Errorf("median of the sample = %v s; want about %v s", med, n/2)
	}
	late := 0
	for _, s := range a.StepSeconds[StepPapers] {
		if s > n/2 {
			late++
		}
	}
	if late < 0.4*MaxSamples {
		t.Errorf("%d of the kept times are from the second half of the day; want about half", late)
	}
}

func TestTallyJSON(t *testing.T) {
	tally := Tally{Date: "2026-03-10", Procedure: "dang-ky-khai-sinh"}
	for _, s := range scriptedDay() {
		tally.Add(s)
	}
	data, err := json.Marshal(tally)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"date"`, `"procedure"`, `"self_served"`, `"help_requests"`, `"step_seconds"`, `"step_count"`, `"ratings"`} {
		if !bytes.Contains(data, []byte(key)) {
			t.Errorf("the JSON has no %s: %s", key, data)
		}
	}
	var back Tally
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, tally) {
		t.Errorf("a Tally read back from JSON =\n%+v\nwant\n%+v", back, tally)
	}
}

func TestDayOf(t *testing.T) {
	at := time.Date(2026, 3, 9, 20, 30, 0, 0, time.UTC)
	if got := DayOf(at); got != "2026-03-09" {
		t.Errorf("DayOf(%v) = %q; want 2026-03-09", at, got)
	}
	if got := DayOf(at.In(ict)); got != "2026-03-10" {
		t.Errorf("DayOf(%v) = %q; want 2026-03-10, the day in Vietnam", at.In(ict), got)
	}
}

func TestTotals(t *testing.T) {
	today := time.Date(2026, 3, 10, 0, 30, 0, 0, ict)
	figs := []Figures{
		{Date: "2026-03-10", Procedure: "a", Started: 2, Finished: 1, SelfServed: 1, Abandoned: 1, HelpRequests: 1},
		{Date: "2026-03-10", Procedure: "b", Started: 3, Finished: 3, Assisted: 1, SelfServed: 2, Practice: 4},
		{Date: "2026-03-08", Procedure: "a", Started: 1, Abandoned: 1},
		{Date: "2026-03-06", Procedure: "a", Started: 9}, // before the window
		{Date: "2026-03-11", Procedure: "a", Started: 9}, // after it
	}
	got := Totals(figs, 4, today)
	want := []Figures{
		{Date: "2026-03-07"},
		{Date: "2026-03-08", Started: 1, Abandoned: 1},
		{Date: "2026-03-09"},
		{Date: "2026-03-10", Started: 5, Finished: 4, SelfServed: 3, Assisted: 1, Abandoned: 1, HelpRequests: 1, Practice: 4},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Totals(…, 4, %v) =\n%+v\nwant\n%+v", today, got, want)
	}
	if got := Totals(figs, 0, today); got != nil {
		t.Errorf("Totals(…, 0, …) = %v; want nil", got)
	}
	if got := Totals(nil, 30, today); len(got) != 30 || got[0].Date != "2026-02-09" || got[29].Date != "2026-03-10" {
		t.Errorf("Totals(nil, 30, %v) = %d days from %s to %s; want 30 from 2026-02-09 to 2026-03-10",
			today, len(got), got[0].Date, got[len(got)-1].Date)
	}
}

// TestTotalsOverADaylightSavingChange: a 23-hour day is still one day.
func TestTotalsOverADaylightSavingChange(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip(err)
	}
	today := time.Date(2026, 3, 9, 0, 15, 0, 0, ny) // clocks went forward on the 8th
	var dates []string
	for _, d := range Totals(nil, 3, today) {
		dates = append(dates, d.Date)
	}
	if want := []string{"2026-03-07", "2026-03-08", "2026-03-09"}; !reflect.DeepEqual(dates, want) {
		t.Errorf("Totals(nil, 3, %v) dates = %v; want %v", today, dates, want)
	}
}

func TestWriteCSV(t *testing.T) {
	figs := []Figures{
		{Date: "2026-03-10", Procedure: "dang-ky-khai-sinh", Started: 8, Finished: 5, Abandoned: 3, SelfServed: 3, Assisted: 1,
			HelpRequests: 3, Practice: 2, AbandonedAt: map[string]int{"q:ho_ten": 2, "papers": 1},
			StepMedian: map[string]time.Duration{"review": 40 * time.Second, "consent": 27500 * time.Millisecond, "q:ho_ten": 65 * time.Second},
			Ratings:    [5]int{0, 0, 1, 1, 3}},
		{Date: "2026-03-10", Procedure: "", HelpRequests: 2},
		{Date: "2026-03-09", Procedure: "chung-thuc-ban-sao", Started: 3, Finished: 3, SelfServed: 2,
			StepMedian: map[string]time.Duration{"papers": 1234567 * time.Microsecond}},
	}
	var b strings.Builder
	if err := WriteCSV(&b, figs); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"date,procedure,started,finished,abandoned,self_served,assisted,help_requests,practice,self_served_share," +
		"rating_1,rating_2,rating_3,rating_4,rating_5,abandoned_at,median_seconds_by_step\n" +
		"2026-03-09,chung-thuc-ban-sao,3,3,0,2,0,0,0,0.667,0,0,0,0,0,,papers=1.2\n" +
		"2026-03-10,,0,0,0,0,0,2,0,0.000,0,0,0,0,0,,\n" +
		"2026-03-10,dang-ky-khai-sinh,8,5,3,3,1,3,2,0.600,0,0,1,1,3,papers=1;q:ho_ten=2,consent=27.5;q:ho_ten=65.0;review=40.0\n"
	if got := b.String(); got != want {
		t.Errorf("WriteCSV wrote\n%s\nwant\n%s", got, want)
	}
	if figs[0].Procedure != "dang-ky-khai-sinh" {
		t.Errorf("WriteCSV reordered its argument")
	}

	b.Reset()
	if err := WriteCSV(&b, nil); err != nil || strings.Count(b.String(), "\n") != 1 {
		t.Errorf("WriteCSV(nil) = %q, %v; want the header only", b.String(), err)
	}
}

// FuzzTallyAdd: no session, however odd, makes Add or Figures panic or
// breaks the counts' invariants, and every Tally survives JSON.
func FuzzTallyAdd(f *testing.F) {
	f.Add("dang-ky-khai-sinh", false, "finished", "done", "consent,q:ho_ten,papers", int64(time.Minute), true, 1, 5)
	f.Add("", false, "abandoned", "procedure", "procedure", int64(-1), false, -3, 0)
	f.Add("p", true, "finished", "", "", int64(math.MaxInt64), false, math.MaxInt32, -1)
	f.Add("p", false, "abandoned", "q:Họ tên", "q:\x00,,q:a", int64(math.MinInt64), true, 0, 6)
	f.Fuzz(func(t *testing.T, proc string, practice bool, outcome, last, names string, dur int64, helped bool, help, rating int) {
		s := Session{Procedure: proc, Practice: practice, Outcome: Outcome(outcome), LastStep: last,
			HelpRequests: help, Rating: rating}
		for i, name := range strings.Split(names, ",") {
			s.Steps = append(s.Steps, Step{Name: name, Duration: time.Duration(dur), Assisted: helped && i%2 == 0})
		}
		var tally Tally
		for range 3 {
			tally.Add(s)
		}
		fig := tally.Figures()
		if fig.Finished > fig.Started || fig.Abandoned > fig.Started || fig.SelfServed+fig.Assisted > fig.Finished {
			t.Errorf("Figures() = %+v: more finished, abandoned, self-served or assisted than started", fig)
		}
		if fig.HelpRequests < 0 || fig.Practice < 0 || fig.Started < 0 {
			t.Errorf("Figures() = %+v: a negative count", fig)
		}
		if len(tally.StepSeconds) > MaxSteps || len(tally.Abandoned) > MaxSteps {
			t.Errorf("Tally kept %d step times and %d abandoned steps; want at most %d", len(tally.StepSeconds), len(tally.Abandoned), MaxSteps)
		}
		for step := range maps.Keys(tally.StepSeconds) {
			if !ValidStep(step) {
				t.Errorf("Tally kept the step name %q", step)
			}
		}
		for step := range fig.AbandonedAt {
			if !ValidStep(step) {
				t.Errorf("Tally kept the abandoned step %q", step)
			}
		}
		_ = fig.SelfServedShare()
		_ = fig.MeanRating()
		data, err := json.Marshal(tally)
		if err != nil {
			t.Fatalf("json.Marshal: %v", err)
		}
		var back Tally
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatalf("json.Unmarshal: %v", err)
		}
		back.Add(s)
		if err := WriteCSV(&strings.Builder{}, []Figures{fig, back.Figures()}); err != nil {
			t.Errorf("WriteCSV: %v", err)
		}
	})
}
