package kiosk

import "time"

// Calendar knows which days one-stop-shop counters work, to count a
// procedure's legal processing time in working days (ngày làm việc).
//
// Counters work Monday to Friday. Saturdays and Sundays are days off except
// the Saturdays the government swaps to make a holiday longer, and public
// holidays (Bộ luật Lao động 2019, Điều 112) are days off: 1/1, five days
// of Tết Nguyên đán, Giỗ Tổ Hùng Vương (10/3 of the lunar calendar), 30/4,
// 1/5, and 2/9 with one day beside it. A holiday that falls on a weekend
// gives a compensatory day off on the next working day (Điều 112 khoản 3).
//
// Solar-date holidays are computed for any year. The lunar ones, and the
// government's yearly swaps, come from the table below: the years the
// government has announced, and estimates marked as such. Central
// configuration (the heartbeat's holidays) adds what the table lacks.
type Calendar struct {
	off map[civilDate]bool
	on  map[civilDate]bool // weekend days worked in exchange for a day off
}

type civilDate struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) civilDate {
	y, m, d := t.Date()
	return civilDate{y, m, d}
}

func (c civilDate) time() time.Time { return time.Date(c.y, c.m, c.d, 0, 0, 0, 0, time.UTC) }

func (c civilDate) addDays(n int) civilDate { return dateOf(c.time().AddDate(0, 0, n)) }

func isWeekend(d civilDate) bool {
	wd := d.time().Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// lunarHolidays are the solar dates of Tết (the first day of the lunar
// year) and of Giỗ Tổ Hùng Vương for the years the kiosk knows.
var lunarHolidays = map[int]struct{ tet, hungKings civilDate }{
	2025: {civilDate{2025, time.January, 29}, civilDate{2025, time.April, 7}},
	2026: {civilDate{2026, time.February, 17}, civilDate{2026, time.April, 26}},
	2027: {civilDate{2027, time.February, 6}, civilDate{2027, time.April, 16}},
	2028: {civilDate{2028, time.January, 26}, civilDate{2028, time.April, 4}},
}

// announced holds the days off and swapped working Saturdays the
// government announced for civil servants, which replace the computed
// Tết days of that year.
var announced = map[int]struct {
	tetOff    []civilDate // weekdays off for Tết
	extraOff  []civilDate // other swapped days off
	workedSat []civilDate
}{
	// Công văn 6150/LĐTBXH and Thông báo 6150/TB-LĐTBXH (2024): Tết
	// 25/1–2/2/2025, 27/1 swapped with Saturday 8/2; 2/5 swapped with
	// Saturday 26/4; 1/9 beside Quốc khánh.
	2025: {
		tetOff:    dates(2025, time.January, 27, 28, 29, 30, 31),
		extraOff:  append(dates(2025, time.May, 2), dates(2025, time.September, 1)...),
		workedSat: append(dates(2025, time.February, 8), dates(2025, time.April, 26)...),
	},
	// Tết Bính Ngọ: off from Saturday 14/2 to Sunday 22/2/2026.
	2026: {tetOff: dates(2026, time.February, 16, 17, 18, 19, 20)},
}

func dates(y int, m time.Month, days ...int) []civilDate {
	out := make([]civilDate, len(days))
	for i, d := range days {
		out[i] = civilDate{y, m, d}
	}
	return out
}

// NewCalendar returns the calendar of public holidays from 2025 to 2028
// plus extra days off.
func NewCalendar(extra ...time.Time) *Calendar {
	c := &Calendar{off: map[civilDate]bool{}, on: map[civilDate]bool{}}
	for y := 2025; y <= 2028; y++ {
		c.addYear(y)
	}
	for _, t := range extra {
		c.off[dateOf(t)] = true
	}
	return c
}

func (c *Calendar) addYear(y int) {
	c.holiday(civilDate{y, time.January, 1})
	c.holiday(civilDate{y, time.April, 30})
	c.holiday(civilDate{y, time.May, 1})
	c.holiday(civilDate{y, time.September, 2})
	plan, isAnnounced := announced[y]
	if lunar, ok := lunarHolidays[y]; ok {
		c.holiday(lunar.hungKings)
		if !isAnnounced || len(plan.tetOff) == 0 {
			// Not announced: the last day of the old year and the first
			// four of the new, the usual pattern.
			for i := -1; i <= 3; i++ {
				c.holiday(lunar.tet.addDays(i))
			}
		}
	}
	if !isAnnounced || len(plan.extraOff) == 0 {
		c.holiday(civilDate{y, time.September, 1}) // the usual day beside 2/9
	}
	for _, d := range append(plan.tetOff, plan.extraOff...) {
		c.off[d] = true
	}
	for _, d := range plan.workedSat {
		c.on[d] = true
	}
}

// holiday marks d off; on a weekend, the next working day is off instead.
func (c *Calendar) holiday(d civilDate) {
	if !isWeekend(d) && !c.off[d] {
		c.off[d] = true
		return
	}
	for next := d.addDays(1); ; next = next.addDays(1) {
		if !isWeekend(next) && !c.off[next] {
			c.off[next] = true
			return
		}
	}
}

// IsWorkingDay reports whether the counters work on t's date.
func (c *Calendar) IsWorkingDay(t time.Time) bool { return c.working(dateOf(t)) }

func (c *Calendar) working(d civilDate) bool {
	if c.on[d] {
		return true
	}
	return !isWeekend(d) && !c.off[d]
}

// OfficeClose is when a counter stops receiving for the day: a dossier
// received later counts as received the next working day (Nghị định
// 61/2018/NĐ-CP and Thông tư 01/2018/TT-VPCP count processing time from
// the working day after receipt).
const OfficeClose = 17

// DueDate returns the date by which a dossier received at received must be
// handled, at midnight in received's location. A same-day procedure is due
// on the day of receipt; one of N working days is due on the Nth working
// day after it. A dossier received on a day off, or after OfficeClose,
// counts as received on the next working day.
func (c *Calendar) DueDate(received time.Time, t ProcessingTime) time.Time {
	day := dateOf(received)
	if received.Hour() >= OfficeClose {
		day = day.addDays(1)
	}
	for !c.working(day) {
		day = day.addDays(1)
	}
	for n := t.WorkingDays; n > 0 && !t.SameDay; {
		day = day.addDays(1)
		if c.working(day) {
			n--
		}
	}
	return time.Date(day.y, day.m, day.d, 0, 0, 0, 0, received.Location())
}
