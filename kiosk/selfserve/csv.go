package selfserve

import (
	"cmp"
	"encoding/csv"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// csvHeader names WriteCSV's columns. The names are stable: spreadsheets
// and scripts at the province read them.
var csvHeader = []string{
	"date", "procedure", "started", "finished", "abandoned", "self_served", "assisted",
	"help_requests", "practice", "self_served_share",
	"rating_1", "rating_2", "rating_3", "rating_4", "rating_5",
	"abandoned_at", "median_seconds_by_step",
}

// WriteCSV writes figs as CSV, one row per day and procedure sorted by
// date then procedure, after a header row: date, procedure, started,
// finished, abandoned, self_served, assisted, help_requests, practice,
// self_served_share (0 to 1, three decimals), rating_1 … rating_5,
// abandoned_at and median_seconds_by_step (each "step=value;step=value",
// sorted by step; seconds with one decimal).
//
// No cell can start a spreadsheet formula ("=", "+", "-", "@"), so the
// export needs no guard against CSV injection: every cell is a date, a
// number, a procedure ID from the catalog or step names (ValidStep);
// nothing a citizen typed is ever in the figures.
func WriteCSV(w io.Writer, figs []Figures) error {
	rows := slices.Clone(figs)
	slices.SortStableFunc(rows, func(a, b Figures) int {
		return cmp.Or(cmp.Compare(a.Date, b.Date), cmp.Compare(a.Procedure, b.Procedure))
	})
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, f := range rows {
		if err := cw.Write(csvRow(f)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvRow(f Figures) []string {
	itoa := strconv.Itoa
	row := []string{
		f.Date, f.Procedure, itoa(f.Started), itoa(f.Finished), itoa(f.Abandoned),
		itoa(f.SelfServed), itoa(f.Assisted), itoa(f.HelpRequests), itoa(f.Practice),
		strconv.FormatFloat(f.SelfServedShare(), 'f', 3, 64),
	}
	for _, n := range f.Ratings {
		row = append(row, itoa(n))
	}
	medians := make(map[string]string, len(f.StepMedian))
	for step, d := range f.StepMedian {
		medians[step] = strconv.FormatFloat(d.Seconds(), 'f', 1, 64)
	}
	abandoned := make(map[string]string, len(f.AbandonedAt))
	for step, n := range f.AbandonedAt {
		abandoned[step] = itoa(n)
	}
	return append(row, pairs(abandoned), pairs(medians))
}

// pairs writes m as "key=value;key=value", sorted by key.
func pairs(m map[string]string) string {
	var b strings.Builder
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(k + "=" + m[k])
	}
	return b.String()
}
