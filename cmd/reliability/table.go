package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// sortRows orders rows by area, as areas lists them (others last), and
// keeps the order within an area.
func sortRows(rows []row) {
	rank := func(a string) int {
		if i := slices.Index(areas, a); i >= 0 {
			return i
		}
		return len(areas)
	}
	slices.SortStableFunc(rows, func(a, b row) int { return rank(a.Area) - rank(b.Area) })
}

// printTable writes the rows as one aligned table, then their totals, and
// returns how many rows are not OK.
func printTable(w io.Writer, rows []row) (failed int) {
	head := []string{"AREA", "CASE", "TRIED", "LOST", "DUPLICATED", "CORRUPT", "CRASHES", "PII", "NOTES", "VERDICT"}
	right := []bool{false, false, true, true, true, true, true, true, false, false}
	var total row
	cells := [][]string{head}
	for _, r := range rows {
		verdict := "OK"
		if !r.ok() {
			verdict = "FAIL"
			failed++
		}
		cells = append(cells, append([]string{r.Area, r.Case}, append(counts(r), notes(r), verdict)...))
		total.Tried += r.Tried
		total.Lost += r.Lost
		total.Duplicated += r.Duplicated
		total.Corrupt += r.Corrupt
		total.Crashes += r.Crashes
		total.PII += r.PII
	}
	verdict := "OK"
	if failed > 0 || len(rows) == 0 {
		verdict = fmt.Sprintf("FAIL (%d)", failed)
	}
	cells = append(cells, append([]string{"total", fmt.Sprintf("%d rows", len(rows))}, append(counts(total), "", verdict)...))

	width := make([]int, len(head))
	for _, c := range cells {
		for i, s := range c {
			width[i] = max(width[i], utf8.RuneCountInString(s))
		}
	}
	for n, c := range cells {
		if n == len(cells)-1 {
			fmt.Fprintln(w, rule(width))
		}
		var b strings.Builder
		for i, s := range c {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(s))
			switch {
			case i == len(c)-1:
				b.WriteString(s)
			case right[i]:
				b.WriteString(pad + s + "  ")
			default:
				b.WriteString(s + pad + "  ")
			}
		}
		fmt.Fprintln(w, b.String())
		if n == 0 {
			fmt.Fprintln(w, rule(width))
		}
	}
	return failed
}

func counts(r row) []string {
	out := make([]string, 0, 6)
	for _, n := range []int64{r.Tried, r.Lost, r.Duplicated, r.Corrupt, r.Crashes, r.PII} {
		out = append(out, strconv.FormatInt(n, 10))
	}
	return out
}

// notes joins the row's notes and its problem.
func notes(r row) string {
	switch {
	case r.Problem == "":
		return r.Notes
	case r.Notes == "":
		return r.Problem
	}
	return r.Notes + "; " + r.Problem
}

func rule(width []int) string {
	n := 0
	for _, w := range width {
		n += w + 2
	}
	return strings.Repeat("-", n-2)
}

// why says what makes a row fail: its counts that are not zero, and its
// problem.
func why(r row) string {
	var out []string
	for i, n := range []int64{r.Lost, r.Duplicated, r.Corrupt, r.Crashes, r.PII} {
		if n != 0 {
			out = append(out, fmt.Sprintf("%s=%d", counted[i], n))
		}
	}
	if r.Problem != "" {
		out = append(out, r.Problem)
	}
	if r.Notes != "" {
		out = append(out, r.Notes)
	}
	return strings.Join(out, "; ")
}
