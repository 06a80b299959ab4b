package offline_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/motcua/kiosk/offline"
)

// CheckFile only looks: a good file passes, a held one says the kiosk is
// running, a damaged one is reported and left where it is.
func TestCheckFile(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, offline.Options{})
	if err := s.SaveDraft(birthDraft("")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, offline.DBFile)
	if err := offline.CheckFile(path, 50*time.Millisecond); !errors.Is(err, offline.ErrAlreadyRunning) {
		t.Errorf("CheckFile while the store is open = %v; want ErrAlreadyRunning", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := offline.CheckFile(path, time.Second); err != nil {
		t.Errorf("CheckFile(a good store) = %v; want nil", err)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 8192 { // both meta pages
		data[i] ^= 0xA5
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := offline.CheckFile(path, time.Second); err == nil {
		t.Error("CheckFile(a store with garbled meta pages) = nil; want an error")
	}
	if aside := offline.MovedAside(dir); len(aside) > 0 {
		t.Errorf("CheckFile moved the file aside (%s); it must only look", aside[0])
	}
}
