package crashcheck_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/offline"
	"github.com/motcua/kiosk/offline/crashcheck"
)

// A store holding a draft with two answers and one queued dossier.
func storeWithWork(t *testing.T) (dir string, draft *offline.Draft, queued offline.OutboxItem) {
	t.Helper()
	dir = t.TempDir()
	s, err := offline.Open(dir, offline.Options{Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	draft = offline.NewDraft("dang-ky-khai-sinh", "v1")
	draft.Answers = map[string]string{"a": "1", "b": "2"}
	if err := s.SaveDraft(draft); err != nil {
		t.Fatal(err)
	}
	sent := offline.NewDraft("dang-ky-khai-sinh", "v1")
	sent.ConsentAt = time.Now()
	if queued, err = s.Submit(sent); err != nil {
		t.Fatal(err)
	}
	return dir, draft, queued
}

func TestCheckStoreHoldsThePromises(t *testing.T) {
	dir, draft, queued := storeWithWork(t)
	tests := []struct {
		name      string
		lines     []string
		wantLost  int
		wantError string
	}{
		{"kept", []string{"saving " + draft.ID, "saved " + draft.ID + " 2", "queued " + queued.DraftID + " " + queued.IdempotencyKey}, 0, ""},
		{"other lines ignored", []string{"journey 1", "ok soak 3", "saved", "saved x y"}, 0, ""},
		{"a later save lost", []string{"saved " + draft.ID + " 3"}, 1, "holds 2 answers; a save with 3"},
		{"a draft lost", []string{"saved nosuchdraft 1"}, 1, "draft nosuchdraft"},
		{"a queued dossier lost", []string{"queued nosuchdraft key-1"}, 1, "acknowledged as queued with key key-1"},
		{"queued under another key", []string{"queued " + queued.DraftID + " key-2"}, 1, "the outbox has \"" + queued.IdempotencyKey + "\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := crashcheck.New()
			l.Note(tt.lines)
			unsent, err := l.CheckStore(dir)
			if unsent != 1 {
				t.Errorf("unsent = %d; want 1 (the queued dossier)", unsent)
			}
			if tt.wantError == "" && err != nil || tt.wantError != "" && (err == nil || !strings.Contains(err.Error(), tt.wantError)) {
				t.Errorf("CheckStore() = %v; want an error containing %q", err, tt.wantError)
			}
			if l.Lost != tt.wantLost || l.Corrupt != 0 {
				t.Errorf("lost %d, corrupt %d; want %d, 0", l.Lost, l.Corrupt, tt.wantLost)
			}
		})
	}
}

func TestCheckStoreCountsAStoreThatWillNotOpen(t *testing.T) {
	dir, _, _ := storeWithWork(t)
	l := crashcheck.New()
	if err := writeGarbage(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := l.CheckStore(dir); err == nil || l.Corrupt != 1 {
		t.Errorf("CheckStore of a garbled database = %v, corrupt %d; want an error, corrupt 1", err, l.Corrupt)
	}
}

func TestCheckServer(t *testing.T) {
	accepted := func(seq uint64, code string) offline.OutboxItem {
		return offline.OutboxItem{Seq: seq, State: offline.Accepted, Code: code, IdempotencyKey: "key-" + code}
	}
	tests := []struct {
		name                 string
		items                []offline.OutboxItem
		server               []string
		wantLost, wantDouble int
	}{
		{"each once", []offline.OutboxItem{accepted(1, "A"), accepted(2, "B")}, []string{"B", "A"}, 0, 0},
		{"not sent", []offline.OutboxItem{accepted(1, "A"), {Seq: 2, State: offline.Queued}}, []string{"A"}, 1, 0},
		{"not on the server", []offline.OutboxItem{accepted(1, "A"), accepted(2, "B")}, []string{"A"}, 1, 0},
		{"filed twice", []offline.OutboxItem{accepted(1, "A")}, []string{"A", "A2"}, 0, 1},
		{"acknowledged, then gone", []offline.OutboxItem{accepted(1, "A")}, []string{"A"}, 1, 0},
		{"one code for two", []offline.OutboxItem{accepted(1, "A"), accepted(2, "A")}, []string{"A"}, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := crashcheck.New()
			for i, it := range tt.items { // each acknowledged as queued
				l.Note([]string{fmt.Sprintf("queued d%d %s", i, it.IdempotencyKey)})
			}
			if tt.name == "acknowledged, then gone" {
				l.Note([]string{"queued gone key-gone"})
			}
			err := l.CheckServer(tt.items, tt.server)
			if l.Lost != tt.wantLost || l.Duplicated != tt.wantDouble || (err == nil) != (tt.wantLost+tt.wantDouble == 0) {
				t.Errorf("CheckServer: lost %d, duplicated %d, err %v; want %d, %d", l.Lost, l.Duplicated, err, tt.wantLost, tt.wantDouble)
			}
		})
	}
}

// writeGarbage overwrites the database's first pages, where bbolt keeps
// its meta pages.
func writeGarbage(dir string) error {
	f, err := os.OpenFile(filepath.Join(dir, offline.DBFile), os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = f.WriteAt(bytes.Repeat([]byte{0xA5}, 8192), 0)
	return err
}
