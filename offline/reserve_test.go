package offline

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The reserve's rules, without a full disk (fault_tmpfs_test.go fills a
// real one): Open allocates it; giving it up records the incident; while
// it cannot be allocated again, new drafts are refused and essential
// writes still go through; once it can, drafts are saved again.
func TestReserveIsForEssentialWrites(t *testing.T) {
	const size = 64 << 10
	s, _ := newClockedStore(t, "", Options{ReserveBytes: size})
	reserve := filepath.Join(s.dir, ReserveFile)
	if fi, err := os.Stat(reserve); err != nil || fi.Size() != size {
		t.Fatalf("after Open the reserve is %v, %v; want a file of %d bytes", fi, err, size)
	}
	kept := sampleDraft()
	if err := s.SaveDraft(kept); err != nil {
		t.Fatal(err)
	}

	if !s.releaseReserve() {
		t.Fatal("releaseReserve() = false with a reserve on disk")
	}
	if _, err := os.Stat(reserve); !os.IsNotExist(err) {
		t.Errorf("after releaseReserve the file is still there (%v)", err)
	}
	in, err := s.Incidents()
	if err != nil || len(in) != 1 || in[0].Kind != incidentDiskFull {
		t.Errorf("incidents = %+v, %v; want one %s", in, err, incidentDiskFull)
	}

	// Something in the reserve's place, so that it cannot come back: as
	// a full disk would refuse it.
	if err := os.MkdirAll(filepath.Join(reserve, "blocked"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveDraft(sampleDraft()); err == nil {
		t.Error("SaveDraft while the reserve is given up and cannot come back = nil; want refused")
	}
	if err := s.PutCatalog([]byte(`{}`), `"e"`); err == nil {
		t.Error("PutCatalog while the reserve is given up = nil; want refused")
	}
	kept.ConsentAt = time.Now()
	if _, err := s.Submit(kept); err != nil {
		t.Errorf("Submit while the reserve is given up = %v; want it to go through (essential)", err)
	}
	if s.releaseReserve() {
		t.Error("releaseReserve() = true with no reserve to give")
	}

	if err := os.RemoveAll(reserve); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveDraft(sampleDraft()); err != nil {
		t.Errorf("SaveDraft once the reserve fits again = %v; want nil", err)
	}
	if fi, err := os.Stat(reserve); err != nil || fi.Size() != size {
		t.Errorf("the reserve is %v, %v; want it back, %d bytes", fi, err, size)
	}
}

func TestNoReserveWhenNegative(t *testing.T) {
	s, _ := newClockedStore(t, "", Options{ReserveBytes: -1})
	if _, err := os.Stat(filepath.Join(s.dir, ReserveFile)); !os.IsNotExist(err) {
		t.Errorf("with ReserveBytes -1 the reserve exists (%v); want none", err)
	}
	if s.releaseReserve() {
		t.Error("releaseReserve() = true without a reserve")
	}
}
