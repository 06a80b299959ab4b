package kiosk

import (
	"fmt"
	"testing"
	"time"
)

var ict = time.FixedZone("ICT", 7*3600)

func at(y int, m time.Month, d, hour int) time.Time { return time.Date(y, m, d, hour, 0, 0, 0, ict) }

func TestIsWorkingDay(t *testing.T) {
	cal := NewCalendar(time.Date(2026, time.November, 24, 0, 0, 0, 0, time.UTC))
	tests := []struct {
		name string
		day  time.Time
		want bool
	}{
		{"an ordinary Friday", at(2026, time.November, 27, 9), true},
		{"Saturday", at(2026, time.November, 28, 9), false},
		{"Sunday", at(2026, time.November, 29, 9), false},
		{"New Year's Day 2026", at(2026, time.January, 1, 9), false},
		{"Tết 2026, the first day", at(2026, time.February, 17, 9), false},
		{"Tết 2026, the Friday after", at(2026, time.February, 20, 9), false},
		{"back after Tết 2026", at(2026, time.February, 23, 9), true},
		{"Hùng Kings 2026 falls on Sunday: Monday off", at(2026, time.April, 27, 9), false},
		{"30/4/2026", at(2026, time.April, 30, 9), false},
		{"1/5/2026", at(2026, time.May, 1, 9), false},
		{"2/9/2026", at(2026, time.September, 2, 9), false},
		{"the day beside 2/9/2026", at(2026, time.September, 1, 9), false},
		{"a Saturday swapped to work in 2025", at(2025, time.February, 8, 9), true},
		{"a weekday swapped off in 2025", at(2025, time.May, 2, 9), false},
		{"1/5/2027 is a Saturday: Monday 3/5 off", at(2027, time.May, 3, 9), false},
		{"an extra holiday from central configuration", at(2026, time.November, 24, 9), false},
	}
	for _, tt := range tests {
		if got := cal.IsWorkingDay(tt.day); got != tt.want {
			t.Errorf("%s: IsWorkingDay(%s) = %v; want %v", tt.name, tt.day.Format("Mon 02/01/2006"), got, tt.want)
		}
	}
}

func TestDueDate(t *testing.T) {
	cal := NewCalendar()
	days := func(n int) ProcessingTime { return ProcessingTime{WorkingDays: n} }
	tests := []struct {
		name     string
		received time.Time
		pt       ProcessingTime
		want     string
	}{
		{"same day on a Friday", at(2026, time.November, 27, 9), ProcessingTime{SameDay: true}, "27/11/2026"},
		{"same day on a Saturday: Monday", at(2026, time.November, 28, 9), ProcessingTime{SameDay: true}, "30/11/2026"},
		{"3 days from Friday: Wednesday", at(2026, time.November, 27, 9), days(3), "02/12/2026"},
		{"after closing counts from the next day", at(2026, time.November, 27, 17), days(1), "01/12/2026"},
		{"received on Sunday counts from Monday", at(2026, time.November, 29, 10), days(1), "01/12/2026"},
		{"5 days across Tết 2026", at(2026, time.February, 12, 9), days(5), "26/02/2026"},
		{"2 days across 30/4 and 1/5/2026", at(2026, time.April, 29, 9), days(2), "05/05/2026"},
		{"10 days across 2/9/2026", at(2026, time.August, 27, 9), days(10), "14/09/2026"},
	}
	for _, tt := range tests {
		got := cal.DueDate(tt.received, tt.pt)
		if FormatDate(got) != tt.want || got.Location() != ict {
			t.Errorf("%s: DueDate(%s, %+v) = %s; want %s", tt.name, tt.received.Format("Mon 02/01/2006 15:04"), tt.pt, got.Format("Mon 02/01/2006 MST"), tt.want)
		}
	}
}

func ExampleCalendar_DueDate() {
	cal := NewCalendar()
	received := time.Date(2026, time.February, 12, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	fmt.Println(FormatDate(cal.DueDate(received, ProcessingTime{WorkingDays: 5})))
	// Output: 26/02/2026
}
