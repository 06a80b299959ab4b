package offline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"

	bolt "go.etcd.io/bbolt"
)

// The disk reserve. bbolt never writes in place: deleting a draft,
// moving one into the outbox or recording the central system's answer
// all need free pages, so on a full disk the kiosk could neither free
// space nor settle a citizen's dossier. The store therefore keeps a file
// of Options.ReserveBytes in the data directory, allocated at Open, and
// gives it up when one of those essential writes finds the disk full:
// the write is tried again, and an incident tells IT staff in the next
// heartbeat. Draft saves and the catalog never use it: a full disk
// refuses them, and the screen says the answers are not saved. While the
// reserve is given up they are refused even if a little room is left,
// which is the essential writes' until the reserve can be allocated
// again: at a refused save (off Linux at most once a minute), at the next
// Open, and at each consistency check. A store that could not make its
// reserve at Open is in the same state.

// ReserveFile is the reserve's name in the data directory.
const ReserveFile = "reserve"

// defaultReserve is enough for a few essential writes of drafts that carry
// scans: bbolt rewrites a whole leaf to delete one value, and a leaf of
// large values holds at least two, so a write may need twice the largest
// draft. On a kiosk's disk of tens of gigabytes it is nothing.
const defaultReserve = 32 << 20

// incidentDiskFull is the incident of a reserve given up.
const incidentDiskFull = "disk_full"

func (s *Store) reservePath() string { return filepath.Join(s.dir, ReserveFile) }

// KeepReserve allocates the reserve if it is missing or short. It fails
// when the disk has no room for it: the store works on without one and,
// until it can make it, refuses new drafts and catalogs.
func (s *Store) KeepReserve() error {
	s.reserveMu.Lock()
	defer s.reserveMu.Unlock()
	return s.keepReserveLocked()
}

func (s *Store) keepReserveLocked() error {
	want := int64(s.opts.ReserveBytes)
	if want <= 0 {
		return nil
	}
	if fi, err := os.Stat(s.reservePath()); err == nil && fi.Size() >= want {
		s.reserveGone = false
		return nil
	}
	s.reserveTriedAt = s.opts.Now()
	if err := allocate(s.reservePath(), want); err != nil {
		_ = os.Remove(s.reservePath()) // a half reserve would only mislead the next look
		s.reserveGone = true
		return fmt.Errorf("the disk reserve (%d KiB): %w", want>>10, err)
	}
	s.reserveGone = false
	return nil
}

// roomForNewData refuses new data while the reserve is given up and
// cannot be allocated again: what room is left is the essential writes'.
func (s *Store) roomForNewData() error {
	s.reserveMu.Lock()
	defer s.reserveMu.Unlock()
	if !s.reserveGone {
		return nil
	}
	if since := s.opts.Now().Sub(s.reserveTriedAt); since >= 0 && since < reserveRetry {
		return fmt.Errorf("the disk is full: the store's reserve is in use for essential writes: %w", diskFullErrors[0])
	}
	return s.keepReserveLocked()
}

// essential runs an essential write: on a full disk it gives up the
// reserve and tries once more. fn may run twice; the second time after a
// failed commit, which bbolt has rolled back.
func (s *Store) essential(fn func(tx *bolt.Tx) error) error {
	err := s.db.Update(fn)
	if err == nil || !isDiskFull(err) || !s.releaseReserve() {
		return err
	}
	return s.db.Update(fn)
}

// releaseReserve deletes the reserve, if there is one, and records the
// incident. It reports whether a retry may find room: the reserve was
// just freed, here or by a write that met the full disk at the same time.
func (s *Store) releaseReserve() bool {
	s.reserveMu.Lock()
	err := os.Remove(s.reservePath())
	freedBefore := err != nil && s.reserveGone
	if err == nil {
		s.reserveGone = true
		s.reserveTriedAt = s.opts.Now()
	}
	s.reserveMu.Unlock()
	if err != nil {
		return freedBefore
	}
	s.log.Error().Msg("the disk is full: the store gave up its reserve to finish an essential write")
	in := Incident{At: s.opts.Now(), Kind: incidentDiskFull,
		Details: "the disk is full; the store's reserve was used to settle dossiers and delete drafts; free space on the disk"}
	if err := s.db.Update(func(tx *bolt.Tx) error { return addIncidentTx(tx, in) }); err != nil {
		s.log.Error().Err(err).Msg("cannot record the disk-full incident")
	}
	return true
}

// diskFullErrors are the operating system's errors for a full disk:
// Windows' ERROR_DISK_FULL and ERROR_HANDLE_DISK_FULL, elsewhere ENOSPC
// and EDQUOT.
var diskFullErrors = func() []error {
	if runtime.GOOS == "windows" {
		return []error{syscall.Errno(112), syscall.Errno(39)}
	}
	return []error{syscall.ENOSPC, syscall.EDQUOT}
}()

// isDiskFull reports whether err is the operating system's "no space
// left" (or over quota).
func isDiskFull(err error) bool {
	for _, full := range diskFullErrors {
		if errors.Is(err, full) {
			return true
		}
	}
	return false
}
