package main

import (
	"strings"
	"testing"
)

func TestPrintTable(t *testing.T) {
	rows := []row{
		{Area: "access", Case: "link-token-single-use", Tried: 50, Notes: "linked=1 refused=49"},
		{Area: "hostile", Case: "kiosk.FuzzFold", Tried: 123456, Crashes: 1, Notes: "input kiosk/testdata/fuzz/FuzzFold/77"},
		{Area: "crash", Case: "sigkill", Tried: 200},
		{Area: "faults", Case: "sync", Tried: 500, Problem: "test fail"},
	}
	sortRows(rows)
	var b strings.Builder
	failed := printTable(&b, rows)
	want := `AREA     CASE                    TRIED  LOST  DUPLICATED  CORRUPT  CRASHES  PII  NOTES                                  VERDICT
--------------------------------------------------------------------------------------------------------------------------------
crash    sigkill                   200     0           0        0        0    0                                         OK
faults   sync                      500     0           0        0        0    0  test fail                              FAIL
hostile  kiosk.FuzzFold         123456     0           0        0        1    0  input kiosk/testdata/fuzz/FuzzFold/77  FAIL
access   link-token-single-use      50     0           0        0        0    0  linked=1 refused=49                    OK
--------------------------------------------------------------------------------------------------------------------------------
total    4 rows                 124206     0           0        0        1    0                                         FAIL (2)
`
	if got := b.String(); got != want {
		t.Errorf("printTable =\n%s\nwant\n%s", got, want)
	}
	if failed != 2 {
		t.Errorf("printTable = %d failed; want 2", failed)
	}
}

func TestPrintTableAllOK(t *testing.T) {
	var b strings.Builder
	if failed := printTable(&b, []row{{Area: "privacy", Case: "store", Tried: 40, Notes: "bytes=65667"}}); failed != 0 {
		t.Errorf("printTable = %d failed; want 0", failed)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "total") || !strings.HasSuffix(last, " OK") {
		t.Errorf("totals line = %q; want OK", last)
	}
}

func TestAnEmptyTableFails(t *testing.T) {
	var b strings.Builder
	printTable(&b, nil)
	if !strings.Contains(b.String(), "FAIL") {
		t.Errorf("an empty table reads\n%s\nwant FAIL: a suite that ran nothing proved nothing", b.String())
	}
}
