package kiosk_test

import (
	"fmt"
	"testing"
	"time"
	_ "time/tzdata" // America/New_York for the DST case, on any machine

	"github.com/motcua/kiosk/kiosk"
)

var ict = time.FixedZone("ICT", 7*3600)

// at is a moment on a Vietnamese wall clock.
func at(y int, m time.Month, d, hour, minute int) time.Time {
	return time.Date(y, m, d, hour, minute, 0, 0, ict)
}

// civil is how central configuration sends an extra holiday: a date
// parsed in UTC.
func civil(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestIsWorkingDay(t *testing.T) {
	cal := kiosk.NewCalendar(civil(2026, time.November, 24), civil(2026, time.January, 10))
	tests := []struct {
		name string
		day  time.Time
		want bool
	}{
		{"an ordinary Friday", at(2026, time.November, 27, 9, 0), true},
		{"Saturday", at(2026, time.November, 28, 9, 0), false},
		{"Sunday", at(2026, time.November, 29, 9, 0), false},

		{"Tết 2025: 28 Chạp", at(2025, time.January, 27, 9, 0), false},
		{"Tết 2025: mùng 3", at(2025, time.January, 31, 9, 0), false},
		{"back after Tết 2025", at(2025, time.February, 3, 9, 0), true},
		{"no Saturday worked after Tết 2025", at(2025, time.February, 8, 9, 0), false},
		{"Friday 2/5/2025, swapped off", at(2025, time.May, 2, 9, 0), false},
		{"Saturday 26/4/2025, worked instead", at(2025, time.April, 26, 9, 0), true},
		{"1/9/2025, beside Quốc khánh", at(2025, time.September, 1, 9, 0), false},

		{"1/1/2026", at(2026, time.January, 1, 9, 0), false},
		{"Friday 2/1/2026, swapped off", at(2026, time.January, 2, 9, 0), false},
		{"Saturday 10/1/2026 is worked, but central configuration made it a day off", at(2026, time.January, 10, 9, 0), false},
		{"the Friday before Tết 2026", at(2026, time.February, 13, 9, 0), true},
		{"Tết 2026: 29 Chạp", at(2026, time.February, 16, 9, 0), false},
		{"Tết 2026: mùng 1", at(2026, time.February, 17, 9, 0), false},
		{"Tết 2026: mùng 4", at(2026, time.February, 20, 9, 0), false},
		{"back after Tết 2026", at(2026, time.February, 23, 9, 0), true},
		{"Giỗ Tổ 2026 falls on Sunday", at(2026, time.April, 26, 9, 0), false},
		{"Monday 27/4/2026, compensatory day", at(2026, time.April, 27, 9, 0), false},
		{"Tuesday after Giỗ Tổ 2026", at(2026, time.April, 28, 9, 0), true},
		{"30/4/2026", at(2026, time.April, 30, 9, 0), false},
		{"1/5/2026", at(2026, time.May, 1, 9, 0), false},
		{"Monday after 1/5/2026", at(2026, time.May, 4, 9, 0), true},
		{"Saturday 22/8/2026, worked for 31/8", at(2026, time.August, 22, 9, 0), true},
		{"Monday 31/8/2026, swapped off", at(2026, time.August, 31, 9, 0), false},
		{"1/9/2026", at(2026, time.September, 1, 9, 0), false},
		{"2/9/2026", at(2026, time.September, 2, 9, 0), false},
		{"3/9/2026", at(2026, time.September, 3, 9, 0), true},
		{"24/11/2026, an extra day off from central configuration", at(2026, time.November, 24, 9, 0), false},
		{"the day after the extra day off", at(2026, time.November, 25, 9, 0), true},

		{"Tết 2027: 28 Chạp", at(2027, time.February, 4, 9, 0), false},
		{"Tết 2027: compensatory Wednesday", at(2027, time.February, 10, 9, 0), false},
		{"back after Tết 2027", at(2027, time.February, 11, 9, 0), true},
		{"Giỗ Tổ 2027", at(2027, time.April, 16, 9, 0), false},
		{"1/5/2027 is a Saturday: Monday 3/5 off", at(2027, time.May, 3, 9, 0), false},
		{"3/9/2027, beside a Thursday 2/9", at(2027, time.September, 3, 9, 0), false},

		{"1/1/2028 is a Saturday: Monday 3/1 off", at(2028, time.January, 3, 9, 0), false},
		{"Tết 2028: mùng 3", at(2028, time.January, 28, 9, 0), false},
		{"back after Tết 2028", at(2028, time.January, 31, 9, 0), true},
		{"30/4/2028 is a Sunday: Tuesday 2/5 off", at(2028, time.May, 2, 9, 0), false},
		{"2/9/2028 is a Saturday: Monday 4/9 off", at(2028, time.September, 4, 9, 0), false},

		{"beyond the table, 1/1/2030 by rule", at(2030, time.January, 1, 9, 0), false},
		{"beyond the table, 1/9/2030 is a Sunday: Tuesday 3/9 off", at(2030, time.September, 3, 9, 0), false},
		{"beyond the table, 4/9/2030", at(2030, time.September, 4, 9, 0), true},

		{"the date is read in the time's own zone", time.Date(2026, time.February, 13, 23, 30, 0, 0, time.UTC), true},
	}
	for _, tt := range tests {
		if got := cal.IsWorkingDay(tt.day); got != tt.want {
			t.Errorf("%s: IsWorkingDay(%s) = %v; want %v", tt.name, tt.day.Format("Mon 02/01/2006"), got, tt.want)
		}
	}
}

// TestElevenHolidaysAYear checks each year of the table against Điều 112:
// 11 days of holiday, compensatory days included, and one Saturday worked
// for each weekday swapped off.
func TestElevenHolidaysAYear(t *testing.T) {
	cal := kiosk.NewCalendar()
	for year := 2025; year <= 2028; year++ {
		net := 0
		for d := civil(year, time.January, 1); d.Year() == year; d = d.AddDate(0, 0, 1) {
			weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
			switch working := cal.IsWorkingDay(d); {
			case !weekend && !working:
				net++
			case weekend && working:
				net--
			}
		}
		if net != 11 {
			t.Errorf("%d: weekdays off less Saturdays worked = %d; want 11", year, net)
		}
	}
}

func TestDueDate(t *testing.T) {
	cal := kiosk.NewCalendar(civil(2026, time.November, 24))
	sameDay := kiosk.ProcessingTime{SameDay: true}
	days := func(n int) kiosk.ProcessingTime { return kiosk.ProcessingTime{WorkingDays: n} }
	tests := []struct {
		name     string
		received time.Time
		pt       kiosk.ProcessingTime
		want     string
	}{
		{"same day on a Friday morning", at(2026, time.November, 27, 9, 0), sameDay, "27/11/2026"},
		{"same day just before 15:00", at(2026, time.November, 27, 14, 59), sameDay, "27/11/2026"},
		{"same day at 15:00: next working day", at(2026, time.November, 27, 15, 0), sameDay, "30/11/2026"},
		{"same day on a Saturday: Monday", at(2026, time.November, 28, 9, 0), sameDay, "30/11/2026"},
		{"same day on mùng 1 Tết 2026", at(2026, time.February, 17, 9, 0), sameDay, "23/02/2026"},
		{"same day wins over working days", at(2026, time.November, 27, 9, 0), kiosk.ProcessingTime{SameDay: true, WorkingDays: 5}, "27/11/2026"},
		{"no processing time: the day of receipt", at(2026, time.November, 28, 9, 0), kiosk.ProcessingTime{}, "30/11/2026"},

		{"3 days from Friday: Wednesday", at(2026, time.November, 27, 9, 0), days(3), "02/12/2026"},
		{"3 days from Friday at 16:59", at(2026, time.November, 27, 16, 59), days(3), "02/12/2026"},
		{"3 days from Friday at 17:00: counted from Monday", at(2026, time.November, 27, 17, 0), days(3), "03/12/2026"},
		{"1 day from Sunday: counted from Monday", at(2026, time.November, 29, 10, 0), days(1), "01/12/2026"},
		{"2 days across an extra day off", at(2026, time.November, 23, 9, 0), days(2), "26/11/2026"},
		{"1 day from Friday 9/1/2026: the Saturday worked counts", at(2026, time.January, 9, 9, 0), days(1), "10/01/2026"},
		{"5 days across Tết 2026", at(2026, time.February, 12, 9, 0), days(5), "26/02/2026"},
		{"received on mùng 2 Tết 2026", at(2026, time.February, 18, 9, 0), days(1), "24/02/2026"},
		{"3 days across Giỗ Tổ and 30/4–1/5/2026", at(2026, time.April, 24, 9, 0), days(3), "04/05/2026"},
		{"received on 30/4/2026", at(2026, time.April, 30, 9, 0), days(1), "05/05/2026"},
		{"10 days across Quốc khánh 2026", at(2026, time.August, 27, 9, 0), days(10), "15/09/2026"},
		{"3 days across the new year", at(2026, time.December, 30, 9, 0), days(3), "05/01/2027"},
		{"15 days across Tết 2027", at(2027, time.January, 25, 9, 0), days(15), "22/02/2027"},
	}
	for _, tt := range tests {
		got := cal.DueDate(tt.received, tt.pt)
		if kiosk.FormatDate(got) != tt.want || got.Location() != ict || got.Hour() != 0 {
			t.Errorf("%s: DueDate(%s, %+v) = %s; want %s 00:00 ICT", tt.name,
				tt.received.Format("Mon 02/01/2006 15:04"), tt.pt, got.Format("Mon 02/01/2006 15:04 MST"), tt.want)
		}
	}
}

// TestDueDateAcrossDST counts in civil dates: in a zone that moves its
// clocks, the due date is still a midnight and still the right day.
func TestDueDateAcrossDST(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	received := time.Date(2026, time.March, 6, 9, 0, 0, 0, ny) // a Friday; clocks go forward on Sunday 8/3
	got := kiosk.NewCalendar().DueDate(received, kiosk.ProcessingTime{WorkingDays: 2})
	if want := time.Date(2026, time.March, 10, 0, 0, 0, 0, ny); !got.Equal(want) || got.Location() != ny {
		t.Errorf("DueDate(%s, 2 working days) = %s; want %s", received, got, want)
	}
}

func TestAddWorkingDays(t *testing.T) {
	cal := kiosk.NewCalendar()
	tests := []struct {
		name string
		from time.Time
		n    int
		want string
	}{
		{"zero keeps the date, even a Sunday", at(2026, time.November, 29, 9, 0), 0, "29/11/2026"},
		{"one from a Friday", at(2026, time.November, 27, 9, 0), 1, "30/11/2026"},
		{"one from a Saturday", at(2026, time.November, 28, 9, 0), 1, "30/11/2026"},
		{"across Tết 2026", at(2026, time.February, 13, 9, 0), 1, "23/02/2026"},
		{"one back from a Monday", at(2026, time.November, 30, 9, 0), -1, "27/11/2026"},
		{"one back across Tết 2026", at(2026, time.February, 23, 9, 0), -1, "13/02/2026"},
	}
	for _, tt := range tests {
		got := cal.AddWorkingDays(tt.from, tt.n)
		if kiosk.FormatDate(got) != tt.want || got.Hour() != 0 || got.Location() != ict {
			t.Errorf("%s: AddWorkingDays(%s, %d) = %s; want %s 00:00 ICT", tt.name,
				tt.from.Format("Mon 02/01/2006"), tt.n, got.Format("Mon 02/01/2006 15:04 MST"), tt.want)
		}
	}
}

func ExampleCalendar_DueDate() {
	cal := kiosk.NewCalendar()
	ict := time.FixedZone("ICT", 7*3600)

	// Received on Friday morning, 3 working days: Monday, Tuesday, Wednesday.
	friday := time.Date(2026, time.November, 27, 9, 30, 0, 0, ict)
	fmt.Println(kiosk.FormatDate(cal.DueDate(friday, kiosk.ProcessingTime{WorkingDays: 3})))

	// Received the Thursday before Tết Bính Ngọ, 5 working days: Friday,
	// then nothing until Monday 23/2 after the nine days off.
	beforeTet := time.Date(2026, time.February, 12, 9, 30, 0, 0, ict)
	fmt.Println(kiosk.FormatDate(cal.DueDate(beforeTet, kiosk.ProcessingTime{WorkingDays: 5})))

	// A same-day procedure on a Saturday is done on Monday.
	saturday := time.Date(2026, time.November, 28, 9, 30, 0, 0, ict)
	fmt.Println(kiosk.FormatDate(cal.DueDate(saturday, kiosk.ProcessingTime{SameDay: true})))
	// Output:
	// 02/12/2026
	// 26/02/2026
	// 30/11/2026
}
