package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"fyne.io/fyne/v2/theme"
	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/offline"
	"github.com/motcua/kiosk/offline/printer"
	"github.com/motcua/kiosk/offline/scanfolder"
	"github.com/motcua/kiosk/ui"
)

// TestSubmitAndTrackAgainstTheReferenceServer files a khai sinh through
// the outbox and the sync loop to the in-process reference server, as
// the kiosk's "Gửi hồ sơ" does, then tracks it back.
func TestSubmitAndTrackAgainstTheReferenceServer(t *testing.T) {
	d, err := startDemo(zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer d.stop()
	ctx := context.Background()
	client, _, fetched, err := connectDemo(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	store, err := offline.Open(t.TempDir(), offline.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	syncer := offline.NewSyncer(store, client, offline.SyncOptions{Log: zerolog.Nop()})
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- syncer.Run(runCtx) }()
	defer func() { cancel(); <-done }()

	p, _ := fetched.cat.Procedure("dang-ky-khai-sinh")
	j := kiosk.NewJourney(p, nil, time.Now)
	answers := map[string]string{
		"child_name": "Trần Minh An", "child_dob": kiosk.FormatDate(time.Now().AddDate(0, 0, -7)), "child_sex": "nam",
		"child_birthplace": "Bệnh viện Đa khoa tỉnh", "child_ethnicity": "kinh", "child_hometown": "Hà Nội",
		"mother_name": "Nguyễn Thị Mai", "mother_id": "001190012345", "mother_dob": "05/09/1990",
		"parents_married": "yes", "applicant_name": "Nguyễn Thị Mai", "applicant_id": "001190012345",
		"applicant_relationship": "me", "applicant_phone": "0912345678",
	}
	for j.Current().Kind != kiosk.StepReview {
		value := ""
		if f := j.Current().Field; f != nil {
			value = answers[f.ID]
		}
		if err := j.Submit(value); err != nil {
			t.Fatalf("answering %v: %v", j.Current().Field.ID, err)
		}
	}
	sub := outboxSubmitter{store: store, wake: syncer.Wake, poll: 20 * time.Millisecond}
	waitCtx, stop := context.WithTimeout(ctx, 10*time.Second)
	defer stop()
	receipt, err := sub.Submit(waitCtx, ui.Submission{ProcedureID: p.ID, CatalogVersion: fetched.cat.Version,
		Applicant: j.Applicant(), Answers: j.Answers(), ConsentAt: time.Now()})
	if err != nil || !regexp.MustCompile(`^000\.00\.01\.H26-\d{6}-\d{4}$`).MatchString(receipt.Code) ||
		!regexp.MustCompile(`^\d\d/\d\d/\d{4}$`).MatchString(receipt.DueDate) || receipt.TrackingURL == "" {
		t.Fatalf("Submit() = %+v, %v; want a code, a dd/mm/yyyy due date and a tracking URL", receipt, err)
	}

	tracked, err := clientTracker{client: client}.Track(ctx, receipt.Code)
	if err != nil || tracked.Code != receipt.Code || tracked.Status != "received" || len(tracked.Timeline) == 0 || tracked.ProcedureID != p.ID {
		t.Errorf("Track(%s) = %+v, %v; want it received, with its timeline", receipt.Code, tracked, err)
	}
	if err := (clientFeedback{client: client}).Rate(ctx, receipt.Code, 5); err != nil {
		t.Errorf("Rate(%s, 5) = %v; want the rating accepted", receipt.Code, err)
	}
	if _, err := (clientTracker{client: client}).Track(ctx, "000.00.01.H26-000000-9999"); !errors.Is(err, ui.ErrUnknownDossier) {
		t.Errorf("Track(an unknown code) = %v; want ui.ErrUnknownDossier", err)
	}
}

func TestSubmitOfflineSaysItWillSend(t *testing.T) {
	store, err := offline.Open(t.TempDir(), offline.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	woken := false
	receipt, err := outboxSubmitter{store: store, wake: func() { woken = true }, poll: 10 * time.Millisecond}.Submit(ctx,
		ui.Submission{ProcedureID: "dang-ky-khai-sinh", Answers: map[string]string{"child_name": "An"}, ConsentAt: time.Now()})
	items, _ := store.Outbox()
	if err != nil || receipt.Code != "" || !woken || len(items) != 1 || items[0].State != offline.Queued {
		t.Errorf("Submit() with no central system = %+v, %v (woken %v, outbox %+v); want an empty receipt and the dossier queued", receipt, err, woken, items)
	}
}

// TestDraftsSaveResumeAndLeaveWithSubmit: a form saved as the citizen
// goes resumes with its code and birth date, and submitting moves it out
// of the drafts into the outbox.
func TestDraftsSaveResumeAndLeaveWithSubmit(t *testing.T) {
	store, err := offline.Open(t.TempDir(), offline.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	saved := make(chan error, 10)
	saver := offline.NewAutosaver(store, 0, func(err error) { saved <- err })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { saver.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	var lastID string
	d := drafts{store: store, saver: saver, saving: func(id string) { lastID = id }}
	st := &ui.DraftState{ProcedureID: "xac-nhan-tinh-trang-hon-nhan", CatalogVersion: "v1",
		Answers: map[string]string{"applicant_name": "Nguyễn Văn An"}, ConsentAt: time.Now(), BirthDate: "15/03/1985"}
	d.Save(st)
	if err := <-saved; err != nil || st.ID == "" || lastID != st.ID {
		t.Fatalf("Save: %v, id %q (told %q); want a saved draft with an id", err, st.ID, lastID)
	}
	code := resumeCodeOf(store, st.ID)
	if len(code) != 9 { // ACEF-HKMN
		t.Fatalf("resumeCodeOf = %q; want a formatted 8-character code", code)
	}
	got, err := d.Resume(code, "15/03/1985")
	if err != nil || got.ID != st.ID || got.Answers["applicant_name"] != "Nguyễn Văn An" {
		t.Errorf("Resume(%s) = %+v, %v; want the saved draft", code, got, err)
	}
	var re *ui.ResumeError
	if _, err := d.Resume(code, "16/03/1985"); !errors.As(err, &re) || re.Kind != ui.ResumeWrongDate || re.TriesLeft != 4 {
		t.Errorf("Resume with a wrong date = %v; want ResumeWrongDate with 4 tries left", err)
	}
	if _, err := d.Resume("ZZZZ-ZZZZ", "15/03/1985"); !errors.As(err, &re) || re.Kind != ui.ResumeBadCode {
		t.Errorf("Resume(a code with letters never used) = %v; want ResumeBadCode", err)
	}

	// A khai sinh does not ask the applicant's birth date: their ID number
	// alone gives the draft a code that works.
	idOnly := &ui.DraftState{ProcedureID: "dang-ky-khai-sinh", CatalogVersion: "v1",
		Answers: map[string]string{"applicant_id": "001190012345"}, ConsentAt: time.Now(), PersonalID: "001190012345"}
	d.Save(idOnly)
	if err := <-saved; err != nil {
		t.Fatal(err)
	}
	idCode := resumeCodeOf(store, idOnly.ID)
	if got, err := d.Resume(idCode, "0011 9001 2345"); idCode == "" || err != nil || got.PersonalID != "001190012345" {
		t.Errorf("Resume(%q, the ID number) = %+v, %v; want the draft without a birth date", idCode, got, err)
	}

	sub := outboxSubmitter{store: store, saver: saver, wake: func() {}, poll: 10 * time.Millisecond}
	short, stop := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer stop()
	if _, err := sub.Submit(short, ui.Submission{DraftID: st.ID, ProcedureID: st.ProcedureID, Answers: st.Answers, ConsentAt: st.ConsentAt}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.LoadDraft(st.ID); !errors.Is(err, offline.ErrNotFound) {
		t.Errorf("after submitting, LoadDraft = %v; want the draft gone into the outbox", err)
	}
}

// TestScanProblemsMapOntoTheScreensRefusals: the watcher's problem kinds
// are converted to the screen's refusals by value, so they must agree.
func TestScanProblemsMapOntoTheScreensRefusals(t *testing.T) {
	for kind, want := range map[scanfolder.ProblemKind]ui.ScanRefusal{
		scanfolder.TooLarge:    ui.ScanTooLarge,
		scanfolder.NotDocument: ui.ScanNotDocument,
		scanfolder.Unreadable:  ui.ScanUnreadable,
	} {
		if got := ui.ScanRefusal(kind); got != want {
			t.Errorf("ui.ScanRefusal(%q) = %q; want %q", kind, got, want)
		}
	}
}

// TestReceiptPrinterWritesESCPOS prints a receipt as the done screen does,
// to a thermal printer's device file: the bytes start with the printer's
// reset and carry a raster image as wide as the 58 mm roll.
func TestReceiptPrinterWritesESCPOS(t *testing.T) {
	dev := filepath.Join(t.TempDir(), "lp0")
	if err := os.WriteFile(dev, nil, 0o600); err != nil { // the device exists; the printer never creates it
		t.Fatal(err)
	}
	p := receiptPrinter{cfg: printer.Config{Kind: printer.KindESCPOS, Device: dev, PaperMM: 58}, font: theme.DefaultTextFont().Content()}
	err := p.Print(context.Background(), ui.PrintedReceipt{
		Receipt:       ui.Receipt{Code: "000.00.01.H26-261130-0001", DueDate: "02/12/2026", TrackingURL: "http://127.0.0.1:8787/t/000.00.01.H26-261130-0001", Fee: 20000},
		Unit:          "UBND xã Tân Phú",
		ProcedureName: kiosk.Text{VI: "Đăng ký thường trú", EN: "Permanent residence registration"},
		Applicant:     "Nguyễn Thị Mai", ReceivedAt: time.Now(), Lang: kiosk.VI,
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.ReadFile(dev)
	if err != nil {
		t.Fatal(err)
	}
	// ESC @, then GS v 0 m=0 with 48 bytes a row: 384 dots, a 58 mm roll.
	if !bytes.HasPrefix(out, []byte{0x1b, '@', 0x1d, 'v', '0', 0, 48, 0}) || len(out) < 48*400 {
		t.Errorf("printed %d bytes starting % x; want a reset and a 384-dot raster receipt", len(out), out[:min(len(out), 8)])
	}
}
