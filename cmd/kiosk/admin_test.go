package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk/selfserve"
	"github.com/motcua/kiosk/offline"
	"github.com/motcua/kiosk/offline/adminpin"
	"github.com/motcua/kiosk/offline/provision"
	"github.com/motcua/kiosk/ui"
)

// stdinWith is a file holding s, standing for a provisioning script's pipe.
func stdinWith(t *testing.T, s string) *os.File {
	t.Helper()
	p := filepath.Join(t.TempDir(), "stdin")
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestAdminPINCommand(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, input string
		code        int
		says        string
	}{
		{"two PINs that differ", "482915\n482916\n", 1, "the two PINs differ"},
		{"a weak PIN", "123456\n123456\n", 1, "PIN"},
		{"only once", "482915\n", 1, "twice"},
		{"a good PIN", "482915\n482915\n", 0, "The admin PIN is set"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		code := adminPINCommand([]string{"--data-dir", dir}, stdinWith(t, tt.input), &out, &errOut)
		if code != tt.code || !strings.Contains(out.String()+errOut.String(), tt.says) {
			t.Errorf("%s: exit %d, said %q %q; want %d and %q", tt.name, code, out.String(), errOut.String(), tt.code, tt.says)
		}
	}
	g, err := adminpin.Open(dir, adminpin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Check("482915"); err != nil {
		t.Errorf("Check(the PIN set) = %v", err)
	}
	var pe *ui.PINError
	if err := pinErr(g.Check("000001")); !errors.As(err, &pe) || pe.Kind != ui.PINWrong || pe.TriesLeft != 4 {
		t.Errorf("a wrong PIN = %v; want the screen's PINWrong with 4 tries left", err)
	}
}

func TestSavedLanguage(t *testing.T) {
	dir := t.TempDir()
	if _, ok := savedLanguage(dir); ok {
		t.Errorf("a fresh data directory has a saved language")
	}
	a := kioskAdmin{b: &backend{dataDir: dir}}
	if err := a.SetDefaultLanguage("en"); err != nil {
		t.Fatal(err)
	}
	if l, ok := savedLanguage(dir); !ok || l != "en" {
		t.Errorf("after setting English the saved language is %q, %v", l, ok)
	}
}

// figuresAdmin is a kioskAdmin over a real store holding a few sessions:
// two days in the chart's 30, one only in the export's 90, one older
// still. Its clock stands at 15:00 on 10 March 2026; log gets its log.
func figuresAdmin(t *testing.T, log *bytes.Buffer) kioskAdmin {
	t.Helper()
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.Local)
	store, err := offline.Open(t.TempDir(), offline.Options{Log: zerolog.Nop(), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	day := func(back int) time.Time { return now.AddDate(0, 0, -back).Add(-time.Hour) }
	birth, marriage := "dang-ky-khai-sinh", "dang-ky-ket-hon"
	for _, s := range []selfserve.Session{
		{Procedure: birth, Started: day(0), Outcome: selfserve.Finished, LastStep: selfserve.StepDone, Rating: 5},
		{Procedure: birth, Started: day(0), Outcome: selfserve.Finished, LastStep: selfserve.StepDone, HelpRequests: 1, Rating: 4},
		{Procedure: birth, Started: day(0), Outcome: selfserve.Abandoned, LastStep: selfserve.QuestionStep("ho_ten")},
		{Procedure: birth, Started: day(0), Practice: true, Outcome: selfserve.Finished},
		{Procedure: marriage, Started: day(1), Outcome: selfserve.Finished, LastStep: selfserve.StepDone,
			Steps: []selfserve.Step{{Name: selfserve.StepReview, Duration: 30 * time.Second, Assisted: true}}},
		{Procedure: birth, Started: day(40), Outcome: selfserve.Finished, LastStep: selfserve.StepDone},
		{Procedure: birth, Started: day(100), Outcome: selfserve.Finished, LastStep: selfserve.StepDone},
	} {
		if err := store.RecordSession(s); err != nil {
			t.Fatalf("RecordSession(%+v): %v", s, err)
		}
	}
	b := &backend{dataDir: t.TempDir(), store: store, device: &provision.Device{ID: "KIOSK-0042"},
		log: zerolog.New(log)}
	return kioskAdmin{b: b, now: func() time.Time { return now }}
}

func TestAdminFigures(t *testing.T) {
	var log bytes.Buffer
	a := figuresAdmin(t, &log)
	figs, err := a.Figures(context.Background(), 30)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		date, proc                                        string
		started, finished, self, assisted, left, practice int
	}
	var got []row
	for _, f := range figs {
		got = append(got, row{f.Date, f.Procedure, f.Started, f.Finished, f.SelfServed, f.Assisted, f.Abandoned, f.Practice})
	}
	want := []row{
		{"2026-03-09", "dang-ky-ket-hon", 1, 1, 0, 1, 0, 0},
		{"2026-03-10", "dang-ky-khai-sinh", 3, 2, 1, 0, 1, 1},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Figures(30) =\n%+v\nwant\n%+v", got, want)
	}
	if figs, err := a.Figures(context.Background(), 1); err != nil || len(figs) != 1 || figs[0].Date != "2026-03-10" {
		t.Errorf("Figures(1) = %+v, %v; want today's only", figs, err)
	}
	if !strings.Contains(log.String(), `"action":"figures"`) {
		t.Errorf("reading the figures was not logged: %s", log.String())
	}

	noStore := kioskAdmin{b: &backend{log: zerolog.Nop()}}
	if _, err := noStore.Figures(context.Background(), 30); err == nil {
		t.Errorf("Figures without a store = nil error; want one")
	}
}

func TestAdminExportFigures(t *testing.T) {
	var log bytes.Buffer
	a := figuresAdmin(t, &log)
	stick := t.TempDir()
	path, err := a.ExportFigures(stick)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(stick, "motcua-figures-KIOSK-0042-20260310-150000.csv"); path != want {
		t.Errorf("ExportFigures wrote %s; want %s", path, want)
	}
	entries, _ := os.ReadDir(stick)
	if len(entries) != 1 {
		t.Errorf("the stick holds %d files; want the CSV alone (no temporary file left)", len(entries))
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatalf("the export is not CSV: %v\n%s", err, raw)
	}
	// date, procedure, started, finished, abandoned, self_served, assisted,
	// help_requests, practice, self_served_share, rating_1 … rating_5, …
	want := [][]string{
		{"date", "procedure", "started", "finished", "abandoned", "self_served", "assisted", "help_requests", "practice", "self_served_share",
			"rating_1", "rating_2", "rating_3", "rating_4", "rating_5", "abandoned_at", "median_seconds_by_step"},
		{"2026-01-29", "dang-ky-khai-sinh", "1", "1", "0", "1", "0", "0", "0", "1.000", "0", "0", "0", "0", "0", "", ""},
		{"2026-03-09", "dang-ky-ket-hon", "1", "1", "0", "0", "1", "0", "0", "0.000", "0", "0", "0", "0", "0", "", "review=30.0"},
		{"2026-03-10", "dang-ky-khai-sinh", "3", "2", "1", "1", "0", "1", "1", "0.500", "0", "0", "0", "1", "1", "q:ho_ten=1", ""},
	}
	if len(rows) != len(want) {
		t.Fatalf("the export has %d rows; want %d (the 100-day-old one left out):\n%s", len(rows), len(want), raw)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d = %q; want %q", i, rows[i], want[i])
		}
	}
	if !strings.Contains(log.String(), `"action":"export_figures"`) || !strings.Contains(log.String(), `"ok":true`) {
		t.Errorf("the export was not logged with its outcome: %s", log.String())
	}

	log.Reset()
	_, err = a.ExportFigures(filepath.Join(stick, "gone"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ExportFigures into a missing folder = %v; want fs.ErrNotExist (the screen says so)", err)
	}
	if !strings.Contains(log.String(), `"ok":false`) {
		t.Errorf("the failed export was not logged as failed: %s", log.String())
	}
}

func TestAdminFileTag(t *testing.T) {
	for _, tt := range []struct{ id, want string }{
		{"KIOSK-0042", "KIOSK-0042"}, {"ubnd/xã tân phú", "ubnd-x--t-n-ph-"}, {"a_b.c", "a_b.c"},
	} {
		a := kioskAdmin{b: &backend{device: &provision.Device{ID: tt.id}}}
		if got := a.fileTag(); got != tt.want {
			t.Errorf("fileTag(%q) = %q; want %q", tt.id, got, tt.want)
		}
	}
	host, _ := os.Hostname()
	if got := (kioskAdmin{b: &backend{}}).fileTag(); host != "" && got == "" {
		t.Errorf("without a device the tag is empty; want the host's name")
	}
}
