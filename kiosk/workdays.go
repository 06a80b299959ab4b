package kiosk

import "time"

// Calendar knows which days one-stop-shop counters work, to count a
// procedure's legal processing time in working days (ngày làm việc).
//
// A working day is Monday to Friday, unless it is a day off, plus the
// Saturdays the government swaps in for a weekday off. Saturdays are not
// working days in this model even where a counter opens on Saturday
// morning to receive dossiers: processing time is counted in the civil
// service's working days, and its week is Monday to Friday.
//
// A Calendar is never changed after NewCalendar, so one may serve many
// goroutines.
type Calendar struct {
	off    map[civilDate]bool // days off: holidays, compensatory and swapped days, extras
	worked map[civilDate]bool // Saturdays worked in exchange for a weekday off
}

// civilDate is a date without a clock or a zone, so that counting days
// never meets a DST change or a 23-hour day.
type civilDate struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) civilDate {
	y, m, d := t.Date()
	return civilDate{y, m, d}
}

func date(y int, m time.Month, d int) civilDate { return civilDate{y, m, d} }

// addDays lets time.Date normalise the day of the month (32 January is
// 1 February); UTC has no DST, and only the date is kept.
func (c civilDate) addDays(n int) civilDate {
	return dateOf(time.Date(c.y, c.m, c.d+n, 0, 0, 0, 0, time.UTC))
}

func (c civilDate) weekday() time.Weekday {
	return time.Date(c.y, c.m, c.d, 0, 0, 0, 0, time.UTC).Weekday()
}

func (c civilDate) weekend() bool {
	wd := c.weekday()
	return wd == time.Saturday || wd == time.Sunday
}

func (c civilDate) after(o civilDate) bool {
	return time.Date(c.y, c.m, c.d, 0, 0, 0, 0, time.UTC).After(time.Date(o.y, o.m, o.d, 0, 0, 0, 0, time.UTC))
}

// at is the midnight that starts the date in loc.
func (c civilDate) at(loc *time.Location) time.Time {
	return time.Date(c.y, c.m, c.d, 0, 0, 0, 0, loc)
}

// holidaySpan is a run of days off, first to last inclusive. A span may
// take in the weekends around a holiday: the table then reads like the
// government's notice ("nghỉ từ thứ Bảy 14/2 đến hết Chủ nhật 22/2").
type holidaySpan struct {
	name        string
	first, last civilDate
}

// yearPlan is one year's days off for civil servants, and the Saturdays
// they work in exchange for a swapped weekday.
type yearPlan struct {
	year      int
	announced bool // false: computed from the law and past plans, not yet announced
	off       []holidaySpan
	worked    []civilDate
}

// holidayTable lists the public holidays of Bộ luật Lao động 2019 (Labour
// Code), Điều 112 khoản 1, as the civil service takes them each year:
// Tết Dương lịch 1/1 (1 day), Tết Nguyên đán (5 days), Giỗ Tổ Hùng Vương
// 10/3 âm lịch (1 day), 30/4 (1 day), 1/5 (1 day), Quốc khánh 2/9 and one
// day before or after it (2 days): 11 days. A holiday on a Saturday or
// Sunday gives a compensatory day off on the next working day (Điều 112
// khoản 3). Each year the Thủ tướng approves, and Bộ LĐTBXH (until 2025)
// or Bộ Nội vụ (since) announces, which days of Tết and which day beside
// 2/9 are off, and may swap a weekday off for a Saturday worked.
//
// Announced years follow the notices named beside them. Computed years
// apply the law the way past plans did in the same calendar position, and
// must be checked against the notice when it comes out: central
// configuration can add a day off but not take one away. Days off this
// table lacks (a new holiday such as 24/11 Ngày Văn hóa Việt Nam once the
// Labour Code adds it, a one-off swap, a local day off) come from central
// configuration: the heartbeat's holidays, passed to NewCalendar.
var holidayTable = []yearPlan{
	{
		// Tết: Bộ LĐTBXH's plan approved by the Thủ tướng (Văn phòng
		// Chính phủ, 26/11/2024), 28 Chạp – mùng 3, no swap. 30/4–1/5:
		// Friday 2/5 swapped for Saturday 26/4 (Bộ Nội vụ, 2025).
		// Quốc khánh: 1/9 beside 2/9 (Bộ Nội vụ, 2025).
		year: 2025, announced: true,
		off: []holidaySpan{
			{"Tết Dương lịch", date(2025, time.January, 1), date(2025, time.January, 1)},
			{"Tết Nguyên đán Ất Tỵ", date(2025, time.January, 25), date(2025, time.February, 2)},
			{"Giỗ Tổ Hùng Vương", date(2025, time.April, 7), date(2025, time.April, 7)},
			{"30/4 và 1/5, thứ Sáu 2/5 hoán đổi", date(2025, time.April, 30), date(2025, time.May, 4)},
			{"Quốc khánh", date(2025, time.August, 30), date(2025, time.September, 2)},
		},
		worked: []civilDate{date(2025, time.April, 26)},
	},
	{
		// Tết Dương lịch: Văn bản 12729/VPCP-KGVX (25/12/2025), Friday
		// 2/1 swapped for Saturday 10/1. Tết and Quốc khánh: Thông báo
		// 9441/TB-BNV (16/10/2025): Tết 29 Chạp – mùng 4; 1/9 beside 2/9,
		// and Monday 31/8 swapped for Saturday 22/8. Giỗ Tổ falls on
		// Sunday 26/4: Monday 27/4 is the compensatory day.
		year: 2026, announced: true,
		off: []holidaySpan{
			{"Tết Dương lịch, thứ Sáu 2/1 hoán đổi", date(2026, time.January, 1), date(2026, time.January, 4)},
			{"Tết Nguyên đán Bính Ngọ", date(2026, time.February, 14), date(2026, time.February, 22)},
			{"Giỗ Tổ Hùng Vương (Chủ nhật) và ngày nghỉ bù", date(2026, time.April, 25), date(2026, time.April, 27)},
			{"30/4 và 1/5", date(2026, time.April, 30), date(2026, time.May, 3)},
			{"Quốc khánh, thứ Hai 31/8 hoán đổi", date(2026, time.August, 29), date(2026, time.September, 2)},
		},
		worked: []civilDate{date(2026, time.January, 10), date(2026, time.August, 22)},
	},
	{
		// Computed. Tết (mùng 1 = Saturday 6/2) as in 2020 and 2024, when
		// it also fell on a Saturday: 28 and 29 Chạp, mùng 1–3, and two
		// compensatory days for the weekend. 1/5 is a Saturday: Monday
		// 3/5 off. 2/9 is a Thursday: Friday 3/9 beside it, as in 2021.
		year: 2027,
		off: []holidaySpan{
			{"Tết Dương lịch", date(2027, time.January, 1), date(2027, time.January, 1)},
			{"Tết Nguyên đán Đinh Mùi", date(2027, time.February, 4), date(2027, time.February, 10)},
			{"Giỗ Tổ Hùng Vương", date(2027, time.April, 16), date(2027, time.April, 16)},
			{"30/4 và 1/5 (thứ Bảy) và ngày nghỉ bù", date(2027, time.April, 30), date(2027, time.May, 3)},
			{"Quốc khánh", date(2027, time.September, 2), date(2027, time.September, 5)},
		},
	},
	{
		// Computed. 1/1 is a Saturday: Monday 3/1 off. Tết (mùng 1 =
		// Wednesday 26/1) as in 2025: 28 Chạp – mùng 3, Monday to Friday.
		// 30/4 is a Sunday: Tuesday 2/5 off after 1/5. 2/9 is a Saturday:
		// Friday 1/9 beside it and Monday 4/9 off, as in 2023.
		year: 2028,
		off: []holidaySpan{
			{"Tết Dương lịch (thứ Bảy) và ngày nghỉ bù", date(2028, time.January, 1), date(2028, time.January, 3)},
			{"Tết Nguyên đán Mậu Thân", date(2028, time.January, 22), date(2028, time.January, 30)},
			{"Giỗ Tổ Hùng Vương", date(2028, time.April, 4), date(2028, time.April, 4)},
			{"30/4 (Chủ nhật), 1/5 và ngày nghỉ bù", date(2028, time.April, 29), date(2028, time.May, 2)},
			{"Quốc khánh (thứ Bảy) và ngày nghỉ bù", date(2028, time.September, 1), date(2028, time.September, 4)},
		},
	},
}

// ruleYears is how many years after the table NewCalendar still knows the
// solar-date holidays of, by rule alone. Without Tết and Giỗ Tổ they are
// incomplete, but better than nothing until the table or central
// configuration catches up.
const ruleYears = 10

// NewCalendar returns the calendar of the holiday table plus extra days
// off. Each extra is a civil date: its year, month and day in its own
// location, whatever its clock says. A central server that sends
// "2026-11-24" parsed in UTC gives 24 November.
func NewCalendar(extra ...time.Time) *Calendar {
	c := &Calendar{off: map[civilDate]bool{}, worked: map[civilDate]bool{}}
	for _, plan := range holidayTable {
		c.addPlan(plan)
	}
	last := holidayTable[len(holidayTable)-1].year
	for y := last + 1; y <= last+ruleYears; y++ {
		c.addRuleYear(y)
	}
	for _, t := range extra {
		c.off[dateOf(t)] = true
	}
	return c
}

func (c *Calendar) addPlan(plan yearPlan) {
	for _, s := range plan.off {
		for d := s.first; !d.after(s.last); d = d.addDays(1) {
			c.off[d] = true
		}
	}
	for _, d := range plan.worked {
		c.worked[d] = true
	}
}

// addRuleYear applies Điều 112 to the solar-date holidays of a year the
// table lacks. The day beside 2/9 is 1/9, or 3/9 when 2/9 is a Thursday
// so that the break runs into the weekend, as the plans of 2021–2026 did.
func (c *Calendar) addRuleYear(y int) {
	days := []civilDate{date(y, time.January, 1), date(y, time.April, 30), date(y, time.May, 1)}
	nationalDay := date(y, time.September, 2)
	if nationalDay.weekday() == time.Thursday {
		days = append(days, nationalDay, nationalDay.addDays(1))
	} else {
		days = append(days, nationalDay.addDays(-1), nationalDay)
	}
	for _, d := range days { // in date order, so compensation moves forward
		c.observe(d)
	}
}

// observe marks a holiday off; one that falls on a weekend, or on a day
// already off, moves to the next weekday not yet off (Điều 112 khoản 3).
func (c *Calendar) observe(d civilDate) {
	for d.weekend() || c.off[d] {
		d = d.addDays(1)
	}
	c.off[d] = true
}

// IsWorkingDay reports whether counters work on t's date, taken in t's
// own location.
func (c *Calendar) IsWorkingDay(t time.Time) bool { return c.working(dateOf(t)) }

// working puts days off first: central configuration may declare a day
// off that the table has as a swapped working Saturday.
func (c *Calendar) working(d civilDate) bool {
	if c.off[d] {
		return false
	}
	return c.worked[d] || !d.weekend()
}

func (c *Calendar) nextWorking(d civilDate) civilDate {
	for !c.working(d) {
		d = d.addDays(1)
	}
	return d
}

// AddWorkingDays returns midnight, in from's location, of the date n
// working days after from's date (before it, for a negative n). The count
// starts the day after from, so from itself never counts, whether or not
// it is a working day; n == 0 gives from's date.
func (c *Calendar) AddWorkingDays(from time.Time, n int) time.Time {
	return c.addWorking(dateOf(from), n).at(from.Location())
}

func (c *Calendar) addWorking(d civilDate, n int) civilDate {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.addDays(step)
		if c.working(d) {
			n--
		}
	}
	return d
}

// Times of day, on the clock of the received time's location, that decide
// which day a dossier counts as received on.
const (
	// OfficeClose ends the working day. A dossier received later, or on a
	// day off, counts as received on the next working day: processing
	// time only runs in working days, and nobody handles it before then.
	OfficeClose = 17 * time.Hour
	// SameDayCutoff is the last moment a same-day (trong ngày) procedure
	// can still be handled on the day. Nghị định 61/2018/NĐ-CP Điều 19
	// has the counter pass a paper dossier received after 15:00 to the
	// handling office at the start of the next working day, so a citizen
	// who submits later is not promised the result that day.
	SameDayCutoff = 15 * time.Hour
)

// DueDate returns the date by which a dossier received at received must
// be handled, at midnight in received's location.
//
// The dossier counts as received on received's date if that is a working
// day and the clock is before OfficeClose, else on the next working day.
// A same-day procedure is due on that day (the next working day if the
// dossier came after SameDayCutoff). A procedure of N working days is due
// on the Nth working day after that day: the day of receipt itself does
// not count (Bộ luật Dân sự 2015 Điều 147 khoản 3: a period that starts
// with an event runs from the next day; Nghị định 61/2018/NĐ-CP and
// Thông tư 01/2018/TT-VPCP, which govern the appointment slip, set no
// other rule). Received on a Friday morning with 3 working days, a
// dossier is due on Wednesday.
//
// SameDay wins over WorkingDays; a procedure with neither is due on the
// day it counts as received.
func (c *Calendar) DueDate(received time.Time, t ProcessingTime) time.Time {
	day := c.receiptDay(received)
	switch {
	case t.SameDay:
		if day == dateOf(received) && clock(received) >= SameDayCutoff {
			day = c.nextWorking(day.addDays(1))
		}
	case t.WorkingDays > 0:
		day = c.addWorking(day, t.WorkingDays)
	}
	return day.at(received.Location())
}

// receiptDay is the working day a dossier counts as received on.
func (c *Calendar) receiptDay(received time.Time) civilDate {
	day := dateOf(received)
	if clock(received) >= OfficeClose {
		day = day.addDays(1)
	}
	return c.nextWorking(day)
}

// clock is the time of day on the wall clock, which on a DST day differs
// from the time elapsed since midnight.
func clock(t time.Time) time.Duration {
	h, m, s := t.Clock()
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second
}
