package selfserve

import (
	"maps"
	"math"
	"slices"
	"time"
)

// Figures are one procedure's figures on one day: what the admin screen
// shows, the CSV export holds and the kiosk sends to the central system.
type Figures struct {
	Date      string // yyyy-mm-dd
	Procedure string // "" for help asked before choosing a procedure
	Started   int
	Finished  int
	Abandoned int // the sessions in AbandonedAt, all steps together
	// SelfServed and Assisted are finished sessions: on the citizen's own,
	// and with an assistant signed in. A finished session that asked for
	// help without an assistant is neither.
	SelfServed   int
	Assisted     int
	HelpRequests int
	Practice     int // practice sessions, in none of the counts above
	AbandonedAt  map[string]int
	StepMedian   map[string]time.Duration
	Ratings      [5]int // citizens who gave 1…5 stars
}

// SelfServedShare is the share of finished sessions the citizen finished
// on their own, 0 when none finished.
func (f Figures) SelfServedShare() float64 {
	if f.Finished <= 0 {
		return 0
	}
	return float64(f.SelfServed) / float64(f.Finished)
}

// MeanRating is the mean of the stars given, 0 when none were given.
func (f Figures) MeanRating() float64 {
	var n, sum int
	for i, c := range f.Ratings {
		n += c
		sum += (i + 1) * c
	}
	if n <= 0 {
		return 0
	}
	return float64(sum) / float64(n)
}

// Figures are the Tally's figures: the counts, and the median time of
// each step (of the kept sample, see MaxSamples).
func (t Tally) Figures() Figures {
	f := Figures{
		Date: t.Date, Procedure: t.Procedure,
		Started: t.Started, Finished: t.Finished, SelfServed: t.SelfServed, Assisted: t.Assisted,
		HelpRequests: t.HelpRequests, Practice: t.Practice, Ratings: t.Ratings,
	}
	if len(t.Abandoned) > 0 {
		f.AbandonedAt = maps.Clone(t.Abandoned)
		for _, n := range t.Abandoned {
			f.Abandoned += n
		}
	}
	for step, secs := range t.StepSeconds {
		if len(secs) == 0 {
			continue
		}
		if f.StepMedian == nil {
			f.StepMedian = map[string]time.Duration{}
		}
		f.StepMedian[step] = seconds(median(secs))
	}
	return f
}

// median is the middle value of xs, or the mean of the two middle ones
// for an even count; xs is not changed.
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// seconds is a time in seconds as a Duration, to the nanosecond; times no
// Duration can hold saturate.
func seconds(s float64) time.Duration {
	ns := math.Round(s * float64(time.Second))
	switch {
	case math.IsNaN(ns):
		return 0
	case ns >= math.MaxInt64:
		return math.MaxInt64
	case ns <= math.MinInt64:
		return math.MinInt64
	}
	return time.Duration(ns)
}

// Add adds g's counts to f's: the sessions, help requests, practice,
// abandoned steps and ratings. Medians do not add up: f's stay as they are.
func (f *Figures) Add(g Figures) {
	f.Started += g.Started
	f.Finished += g.Finished
	f.Abandoned += g.Abandoned
	f.SelfServed += g.SelfServed
	f.Assisted += g.Assisted
	f.HelpRequests += g.HelpRequests
	f.Practice += g.Practice
	for step, n := range g.AbandonedAt {
		if f.AbandonedAt == nil {
			f.AbandonedAt = map[string]int{}
		}
		f.AbandonedAt[step] += n
	}
	for i, n := range g.Ratings {
		f.Ratings[i] += n
	}
}

// Totals adds figs up by day over the days days that end with today's
// (DayOf(today)): exactly days entries, oldest first, every procedure
// together (Procedure ""), a day without figures all zero. Figures
// outside those days are left out. They are the admin screen's chart.
func Totals(figs []Figures, days int, today time.Time) []Figures {
	if days <= 0 {
		return nil
	}
	out := make([]Figures, days)
	index := make(map[string]int, days)
	y, m, d := today.Date()
	for i := range out {
		// Noon, so that a daylight-saving change never skips or repeats a day.
		date := DayOf(time.Date(y, m, d-(days-1-i), 12, 0, 0, 0, today.Location()))
		out[i].Date = date
		index[date] = i
	}
	for _, f := range figs {
		if i, ok := index[f.Date]; ok {
			out[i].Add(f)
		}
	}
	return out
}
