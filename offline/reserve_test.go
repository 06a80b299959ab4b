package offline

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

const testReserve = 64 << 10

// blockReserve puts something in the reserve's place, so that it cannot
// be made again: as a full disk would refuse it.
func blockReserve(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, ReserveFile, "blocked"), 0o700); err != nil {
		t.Fatal(err)
	}
}

func wantReserve(t *testing.T, dir string, present bool) {
	t.Helper()
	fi, err := os.Stat(filepath.Join(dir, ReserveFile))
	switch {
	case present && (err != nil || fi.Size() != testReserve):
		t.Errorf("the reserve is %v, %v; want a file of %d bytes", fi, err, testReserve)
	case !present && !os.IsNotExist(err):
		t.Errorf("the reserve is still there (%v); want it given up", err)
	}
}

// An essential write that meets a full disk gives up the reserve, records
// the incident and is tried again; a write that is not essential is not.
func TestEssentialWriteUsesTheReserve(t *testing.T) {
	s, _ := newClockedStore(t, "", Options{ReserveBytes: testReserve})
	wantReserve(t, s.dir, true)
	full := &os.PathError{Op: "write", Path: s.Path(), Err: syscall.ENOSPC}

	runs := 0
	err := s.essential(func(tx *bolt.Tx) error {
		runs++
		if runs == 1 {
			return full
		}
		return tx.Bucket(bucketMeta).Put([]byte("probe"), []byte("written"))
	})
	if err != nil || runs != 2 {
		t.Fatalf("essential on a full disk = %v after %d runs; want nil after 2", err, runs)
	}
	wantReserve(t, s.dir, false)
	in, err := s.Incidents()
	if err != nil || len(in) != 1 || in[0].Kind != incidentDiskFull {
		t.Errorf("incidents = %+v, %v; want one %s", in, err, incidentDiskFull)
	}

	// Another write meeting the full disk at the same time finds the
	// reserve gone already: it is tried again too, with no new incident.
	runs = 0
	err = s.essential(func(*bolt.Tx) error {
		if runs++; runs == 1 {
			return full
		}
		return nil
	})
	if err != nil || runs != 2 {
		t.Errorf("a second essential write = %v after %d runs; want nil after 2", err, runs)
	}
	if in, _ := s.Incidents(); len(in) != 1 {
		t.Errorf("%d incidents; want still 1", len(in))
	}

	other := errors.New("not a full disk")
	runs = 0
	if err := s.essential(func(*bolt.Tx) error { runs++; return other }); !errors.Is(err, other) || runs != 1 {
		t.Errorf("essential with another error = %v after %d runs; want it at once", err, runs)
	}
}

// While the reserve is given up and cannot be made again, new drafts and
// catalogs are refused and essential writes still go through; a refused
// save tries to make it again (off Linux at most once a minute), and once it can,
// drafts are saved again. A restart on a disk still full keeps refusing.
func TestReserveIsForEssentialWrites(t *testing.T) {
	dir := t.TempDir()
	s, clock := newClockedStore(t, dir, Options{ReserveBytes: testReserve})
	kept := sampleDraft()
	if err := s.SaveDraft(kept); err != nil {
		t.Fatal(err)
	}
	if !s.releaseReserve() {
		t.Fatal("releaseReserve() = false with a reserve on disk")
	}
	blockReserve(t, dir)

	clock.Advance(reserveRetry)
	if err := s.SaveDraft(sampleDraft()); err == nil {
		t.Error("SaveDraft while the reserve is given up and cannot come back = nil; want refused")
	}
	if err := s.PutCatalog([]byte(`{}`), `"e"`); err == nil {
		t.Error("PutCatalog while the reserve is given up = nil; want refused")
	}
	kept.ConsentAt = clock.Now()
	if _, err := s.Submit(kept); err != nil {
		t.Errorf("Submit while the reserve is given up = %v; want it to go through (essential)", err)
	}

	if err := os.RemoveAll(filepath.Join(dir, ReserveFile)); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveDraft(sampleDraft()); reserveRetry > 0 && err == nil {
		t.Errorf("SaveDraft within %v of the last try = nil; want refused without trying", reserveRetry)
	}
	clock.Advance(reserveRetry)
	if err := s.SaveDraft(sampleDraft()); err != nil {
		t.Errorf("SaveDraft a minute later, with room = %v; want nil", err)
	}
	wantReserve(t, dir, true)

	// Given up again, and the kiosk restarts on a disk still full.
	if !s.releaseReserve() {
		t.Fatal("releaseReserve() = false")
	}
	blockReserve(t, dir)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, _ = newClockedStore(t, dir, Options{ReserveBytes: testReserve, Now: func() time.Time { return clock.Now() }})
	if err := s.SaveDraft(sampleDraft()); err == nil {
		t.Error("SaveDraft after a restart on a full disk = nil; want refused: the room left is the essential writes'")
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
	if err := s.SaveDraft(sampleDraft()); err != nil {
		t.Errorf("SaveDraft without a reserve = %v; want nil", err)
	}
}
