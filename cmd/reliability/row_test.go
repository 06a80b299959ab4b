package main

import (
	"strings"
	"testing"
)

func TestParseLine(t *testing.T) {
	tests := []struct {
		name, in  string
		want      row
		wantFound bool
		wantErr   string
	}{
		{name: "as Logf writes it",
			in:        "    crash_test.go:56: RELIABILITY area=crash case=sigkill tried=200 lost=0 duplicated=0 corrupt=0 crashes=0 pii=0",
			want:      row{Area: "crash", Case: "sigkill", Tried: 200},
			wantFound: true},
		{name: "counts and notes",
			in:        "RELIABILITY area=faults case=sync tried=500 lost=1 duplicated=2 corrupt=3 crashes=4 pii=5 posts=1000 503s=331\n",
			want:      row{Area: "faults", Case: "sync", Tried: 500, Lost: 1, Duplicated: 2, Corrupt: 3, Crashes: 4, PII: 5, Notes: "posts=1000 503s=331"},
			wantFound: true},
		{name: "keys in another order",
			in:        "RELIABILITY pii=0 crashes=0 corrupt=0 duplicated=0 lost=0 tried=2 case=c area=access",
			want:      row{Area: "access", Case: "c", Tried: 2},
			wantFound: true},
		{name: "no summary", in: "    sync_test.go:287: 500 dossiers in 58.72s"},
		{name: "a count missing", in: "RELIABILITY area=crash case=c tried=1 lost=0 duplicated=0 corrupt=0 crashes=0",
			wantFound: true, wantErr: "no pii"},
		{name: "not a number", in: "RELIABILITY area=crash case=c tried=many lost=0 duplicated=0 corrupt=0 crashes=0 pii=0",
			wantFound: true, wantErr: `tried="many" is not a count`},
		{name: "negative", in: "RELIABILITY area=crash case=c tried=1 lost=-1 duplicated=0 corrupt=0 crashes=0 pii=0",
			wantFound: true, wantErr: "not a count"},
		{name: "twice", in: "RELIABILITY area=crash case=c case=d tried=1 lost=0 duplicated=0 corrupt=0 crashes=0 pii=0",
			wantFound: true, wantErr: "case given twice"},
		{name: "a word without a value", in: "RELIABILITY area=crash case=c tried=1 lost=0 duplicated=0 corrupt=0 crashes=0 pii=0 oops",
			wantFound: true, wantErr: `"oops" is not key=value`},
		{name: "an empty case", in: "RELIABILITY area=crash case= tried=1 lost=0 duplicated=0 corrupt=0 crashes=0 pii=0",
			wantFound: true, wantErr: "empty area or case"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, found, err := parseLine(tt.in)
			if found != tt.wantFound {
				t.Fatalf("parseLine(%q) found = %v; want %v", tt.in, found, tt.wantFound)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("parseLine(%q) error = %v; want one saying %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got.Area != tt.want.Area || got.Case != tt.want.Case || got.Notes != tt.want.Notes ||
				counts(got) == nil || strings.Join(counts(got), " ") != strings.Join(counts(tt.want), " ") {
				t.Errorf("parseLine(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestRowVerdict(t *testing.T) {
	tests := []struct {
		r    row
		want bool
	}{
		{row{Tried: 10}, true},
		{row{}, true}, // tried 0 alone is not a failure: a test says so by failing
		{row{Tried: 10, Lost: 1}, false},
		{row{Tried: 10, Duplicated: 1}, false},
		{row{Tried: 10, Corrupt: 1}, false},
		{row{Tried: 10, Crashes: 1}, false},
		{row{Tried: 10, PII: 1}, false},
		{row{Tried: 10, Problem: "test fail"}, false},
	}
	for _, tt := range tests {
		if got := tt.r.ok(); got != tt.want {
			t.Errorf("%+v.ok() = %v; want %v", tt.r, got, tt.want)
		}
	}
}

// Go's fuzz deadline race (go.dev/issue/75804) is told from a finding:
// only the bare error line right after the target's FAIL is the race.
func TestCoordinatorRace(t *testing.T) {
	tests := []struct {
		name   string
		output []string
		want   bool
	}{
		{"the race", []string{"fuzz: elapsed: 21s, execs: 121990 (0/sec), new interesting: 139 (total: 250)", "--- FAIL: FuzzConvert (21.01s)", "    context deadline exceeded"}, true},
		{"a seed that fails", []string{"--- FAIL: FuzzCrash (0.00s)", "    --- FAIL: FuzzCrash/seed#0 (0.00s)", "        p_test.go:14: crashed on boom"}, false},
		{"the target's own deadline", []string{"--- FAIL: FuzzClient (3.00s)", "    --- FAIL: FuzzClient (0.20s)", "        client_test.go:40: Dossier: context deadline exceeded"}, false},
		{"a bare line elsewhere", []string{"context deadline exceeded", "--- FAIL: FuzzX (1.00s)", "    input_test.go:3: boom"}, false},
		{"nothing", nil, false},
	}
	for _, tt := range tests {
		if got := coordinatorRace(tt.output); got != tt.want {
			t.Errorf("coordinatorRace(%s) = %v; want %v", tt.name, got, tt.want)
		}
	}
}
