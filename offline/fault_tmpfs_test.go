//go:build linux

package offline_test

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk/centralsim"
	"github.com/motcua/kiosk/offline"
	"github.com/motcua/kiosk/offline/crashcheck"
)

// The full-disk test puts the kiosk's data directory on a real tmpfs of a
// few MiB and fills it with drafts that carry scans, as a kiosk's own
// disk fills: the write that does not fit must fail with an error (not a
// crash) and leave everything acknowledged before it intact; the store
// must still open and pass its check; deleting drafts must make room
// again; and the outbox must then drain, each dossier once. Unlike bbolt's
// MaxSize (TestSaveDraftDiskFull), the error here comes from the kernel.
//
// Mounting needs root. As root (here and in CI) the test mounts directly;
// otherwise it runs the work in a child process (this test binary again,
// as TestDiskFullTmpfsChild) inside user and mount namespaces of its own
// (unshare --user --map-root-user --mount), where it is root and mounts.

const (
	envTmpfsChild = "OFFLINE_TMPFS_CHILD" // the directory the child mounts on
	tmpfsSize     = 4 << 20
	tmpfsReserve  = 512 << 10      // the store's reserve for essential writes, to scale
	tmpfsResult   = "tmpfs-result" // starts the child's line with its counts
)

// diskFullRecord is what the full-disk test tried and what its checks
// found; its String is the row's counts and notes.
type diskFullRecord struct {
	tried, lost, duplicated, corrupt, crashes int
	saved, submitted, refused                 int // saves and submits acknowledged; saves and submits refused
	deleted, deleteRefused, remounted         int // making room: drafts deleted, deletes refused, 1 if the disk had to grow
	drainStalled                              int // 1 if the outbox could not drain before the disk grew
}

const diskFullFormat = "tried=%d lost=%d duplicated=%d corrupt=%d crashes=%d pii=0 size=4MiB saved=%d submitted=%d refused=%d deleted=%d delete-refused=%d remounted=%d drain-stalled=%d"

func (r *diskFullRecord) String() string {
	return fmt.Sprintf(diskFullFormat, r.tried, r.lost, r.duplicated, r.corrupt, r.crashes,
		r.saved, r.submitted, r.refused, r.deleted, r.deleteRefused, r.remounted, r.drainStalled)
}

func (r *diskFullRecord) parse(s string) error {
	_, err := fmt.Sscanf(s, diskFullFormat, &r.tried, &r.lost, &r.duplicated, &r.corrupt, &r.crashes,
		&r.saved, &r.submitted, &r.refused, &r.deleted, &r.deleteRefused, &r.remounted, &r.drainStalled)
	return err
}

func TestDiskFullTmpfs(t *testing.T) {
	if os.Getenv(envTmpfsChild) != "" {
		t.Skip("inside the child")
	}
	rec := &diskFullRecord{}
	how := "none"
	// The summary line of make reliability (cmd/reliability), written
	// even when a check below stops the test: the counts are the checks'.
	t.Cleanup(func() { t.Logf("RELIABILITY area=faults case=disk-full-tmpfs %s mount=%s", rec, how) })
	dir := t.TempDir()
	rootErr := errors.New("not root")
	if os.Geteuid() == 0 {
		if rootErr = mountTmpfs(dir); rootErr == nil {
			how = "root"
			t.Cleanup(func() { unmountTmpfs(t, dir) })
			fillTheDisk(t, dir, rec)
			return
		}
	}
	runDiskFullChild(t, dir, rec, &how, rootErr)
}

// runDiskFullChild runs TestDiskFullTmpfsChild in namespaces of its own
// and takes its counts. A child that ends without them crashed.
func runDiskFullChild(t *testing.T, dir string, rec *diskFullRecord, how *string, rootErr error) {
	t.Helper()
	cmd := exec.Command("unshare", "--user", "--map-root-user", "--mount",
		os.Args[0], "-test.run=^TestDiskFullTmpfsChild$", "-test.v")
	cmd.Env = append(os.Environ(), envTmpfsChild+"="+dir)
	out, err := cmd.CombinedOutput()
	i := bytes.Index(out, []byte(tmpfsResult+" "))
	if i < 0 {
		// No namespace (no unshare, or user namespaces not allowed: the
		// child never ran), or no mount in it: the test cannot run here,
		// and says what it needs. A child that ran and ended without its
		// counts crashed.
		ran := bytes.Contains(out, []byte("=== RUN   TestDiskFullTmpfsChild"))
		if !ran || bytes.Contains(out, []byte("mount-failed")) {
			t.Fatalf("the full-disk test needs a tmpfs it can fill: run it as root, or where unprivileged user namespaces are allowed (unshare --user --map-root-user --mount). As root: %v; in a user namespace: %v\n%s", rootErr, err, out)
		}
		*how = "userns"
		rec.crashes++
		t.Fatalf("the child ended without its counts (%v):\n%s", err, out)
	}
	*how = "userns"
	line, _, _ := bytes.Cut(out[i+len(tmpfsResult)+1:], []byte("\n"))
	if perr := rec.parse(string(line)); perr != nil {
		t.Fatalf("the child's counts %q: %v", line, perr)
	}
	if err != nil {
		t.Errorf("the child failed (%v):\n%s", err, out)
	}
}

// TestDiskFullTmpfsChild is the full-disk test's work in the child, where
// it is root in namespaces of its own: the mount ends with the process.
func TestDiskFullTmpfsChild(t *testing.T) {
	dir := os.Getenv(envTmpfsChild)
	if dir == "" {
		t.Skip("runs only as TestDiskFullTmpfs's child process")
	}
	if err := mountTmpfs(dir); err != nil {
		fmt.Println("mount-failed", err)
		t.Fatalf("mount a tmpfs in the namespace: %v", err)
	}
	rec := &diskFullRecord{}
	t.Cleanup(func() { fmt.Println(tmpfsResult, rec) })
	fillTheDisk(t, dir, rec)
}

func mountTmpfs(dir string) error {
	return syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV,
		fmt.Sprintf("size=%d,mode=0700", tmpfsSize))
}

// growTmpfs doubles the tmpfs, as IT freeing the disk would.
func growTmpfs(dir string) error {
	return syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT|syscall.MS_NOSUID|syscall.MS_NODEV,
		fmt.Sprintf("size=%d", 2*tmpfsSize))
}

func unmountTmpfs(t *testing.T, dir string) {
	if err := syscall.Unmount(dir, 0); err != nil {
		// Something still holds a file open: detach, the kernel frees it
		// when it is closed.
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount the tmpfs on %s: %v", dir, err)
		}
	}
}

// scannedDraft is draft i with a scan of about 200 KiB: a PNG of noise,
// which does not compress, different for every i and the same every run.
func scannedDraft(i int) *offline.Draft {
	rnd := rand.New(rand.NewPCG(uint64(i), 42))
	img := image.NewNRGBA(image.Rect(0, 0, 256, 200))
	for j := range img.Pix {
		img.Pix[j] = byte(rnd.Uint32())
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic(err)
	}
	d := birthDraft("")
	d.Attachments = []offline.LocalAttachment{{Document: 1, Name: fmt.Sprintf("scan-%d.png", i), MIME: "image/png", Data: b.Bytes()}}
	return d
}

// safely runs a store call, turning a panic, or a fault on bbolt's memory
// map (a page the full tmpfs could not back), into an error and a crash
// counted: a full disk must be an error, never a crash.
func safely(rec *diskFullRecord, op func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if v := recover(); v != nil {
			rec.crashes++
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return op()
}

// diskFull is the kiosk's side of the full-disk test: what the store
// acknowledged.
type diskFull struct {
	rec    *diskFullRecord
	saved  map[string]*offline.Draft // draft id → its acknowledged content
	queued map[string]string         // draft id → idempotency key, acknowledged as queued
}

func fillTheDisk(t *testing.T, dir string, rec *diskFullRecord) {
	k := &diskFull{rec: rec, saved: map[string]*offline.Draft{}, queued: map[string]string{}}
	s := openStore(t, dir, offline.Options{ReserveBytes: tmpfsReserve})
	refused, refusal := k.fill(t, s)
	if !errors.Is(refusal, syscall.ENOSPC) {
		t.Errorf("the refused save failed with %v; want the disk full (ENOSPC)", refusal)
	}
	if _, err := s.LoadDraft(refused); !errors.Is(err, offline.ErrNotFound) {
		t.Errorf("LoadDraft(the refused draft) = %v; want ErrNotFound: a failed save changes nothing", err)
	}
	if err := s.Check(); err != nil {
		rec.corrupt++
		t.Errorf("Check on the full disk: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close on the full disk: %v", err)
	}

	s = k.reopen(t, dir)
	k.verify(t, s, "reopened on the full disk")
	k.makeRoom(t, s, dir)
	k.verify(t, s, "after making room")
	env := startCentral(t, centralsim.Options{})
	k.drain(t, s, dir, env)
	ledger := crashcheck.New()
	if err := ledger.CheckServer(outbox(t, s), env.dossierCodes(t)); err != nil {
		t.Errorf("after the disk was full: %v", err)
	}
	rec.lost += ledger.Lost
	rec.duplicated += ledger.Duplicated
	rec.corrupt += ledger.Corrupt
	t.Logf("%d MiB tmpfs: %d saves of drafts with scans and %d submits acknowledged, %d refused; to make room %d drafts deleted, %d deletes refused, grown %d times; %d dossiers sent",
		tmpfsSize>>20, rec.saved, rec.submitted, rec.refused, rec.deleted, rec.deleteRefused, rec.remounted, len(k.queued))
}

// fill saves drafts with scans, submitting every third, until a save is
// refused, and returns the refused draft's id and the error.
func (k *diskFull) fill(t *testing.T, s *offline.Store) (string, error) {
	t.Helper()
	for i := 0; ; i++ {
		if i == 64 {
			t.Fatalf("64 drafts with scans fitted in a %d MiB tmpfs: the disk never filled", tmpfsSize>>20)
		}
		d := scannedDraft(i)
		k.rec.tried++
		if err := safely(k.rec, func() error { return s.SaveDraft(d) }); err != nil {
			if k.rec.crashes > 0 {
				t.Fatalf("SaveDraft on a full disk crashed: %v", err)
			}
			k.rec.refused++
			return d.ID, err
		}
		k.rec.saved++
		k.saved[d.ID] = d.Clone()
		if i%3 != 2 {
			continue
		}
		k.rec.tried++
		var item offline.OutboxItem
		err := safely(k.rec, func() (err error) { item, err = s.Submit(d); return err })
		switch {
		case k.rec.crashes > 0:
			t.Fatalf("Submit on a full disk crashed: %v", err)
		case err != nil:
			k.rec.refused++ // the draft stays a draft
		default:
			k.rec.submitted++
			k.queued[d.ID] = item.IdempotencyKey
			delete(k.saved, d.ID)
		}
	}
}

// reopen opens the store as the next start would: it must open, not move
// the file aside as damaged, and pass its check.
func (k *diskFull) reopen(t *testing.T, dir string) *offline.Store {
	t.Helper()
	var s *offline.Store
	err := safely(k.rec, func() (err error) {
		s, err = offline.Open(dir, offline.Options{Log: zerolog.Nop(), ReserveBytes: tmpfsReserve})
		return err
	})
	if err != nil {
		k.rec.corrupt++
		t.Fatalf("reopening the store on the full disk: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if aside := offline.MovedAside(dir); len(aside) > 0 {
		k.rec.corrupt++
		t.Errorf("the store was moved aside as damaged: %s", aside[0])
	}
	if err := s.Check(); err != nil {
		k.rec.corrupt++
		t.Errorf("Check after reopening on the full disk: %v", err)
	}
	return s
}

// verify loads every acknowledged draft with its scan, and finds every
// acknowledged dossier in the outbox under its key.
func (k *diskFull) verify(t *testing.T, s *offline.Store, when string) {
	t.Helper()
	for id, want := range k.saved {
		var got *offline.Draft
		err := safely(k.rec, func() (err error) { got, err = s.LoadDraft(id); return err })
		switch {
		case errors.Is(err, offline.ErrNotFound):
			k.rec.lost++
			t.Errorf("%s: acknowledged draft %s: %v", when, id, err)
		case err != nil:
			k.rec.corrupt++
			t.Errorf("%s: acknowledged draft %s: %v", when, id, err)
		case !maps.Equal(got.Answers, want.Answers) || len(got.Attachments) != 1 ||
			!bytes.Equal(got.Attachments[0].Data, want.Attachments[0].Data):
			k.rec.lost++
			t.Errorf("%s: draft %s loads with other answers or another scan than acknowledged", when, id)
		}
	}
	inOutbox := map[string]string{}
	for _, it := range outbox(t, s) {
		inOutbox[it.DraftID] = it.IdempotencyKey
	}
	for id, key := range k.queued {
		if inOutbox[id] != key {
			k.rec.lost++
			t.Errorf("%s: the dossier from draft %s, acknowledged as queued with key %s, is not in the outbox (%q)", when, id, key, inOutbox[id])
		}
	}
}

// makeRoom deletes half the drafts, as the kiosk's purge of abandoned
// drafts would, then saves a draft with a scan. Deleting is an essential
// write: the store gives up its reserve for it (offline/reserve.go), so a
// delete is refused only once an earlier essential write took the
// reserve. The file does not shrink,
// but bbolt reuses the pages a delete frees. A delete itself rewrites the
// leaf that holds the draft, with the other drafts in it (bbolt keeps at
// least two values a leaf, so a leaf of drafts with scans is hundreds of
// KiB): on a full disk it may find no run of free pages that long and be
// refused. A refused delete must change nothing. If the deletes made no
// room, the disk grows (a remount), as IT freeing space would, and the
// save must then work.
func (k *diskFull) makeRoom(t *testing.T, s *offline.Store, dir string) {
	t.Helper()
	ids := slices.Sorted(maps.Keys(k.saved))
	for _, id := range ids[:len(ids)/2] {
		err := safely(k.rec, func() error { return s.DeleteDraft(id) })
		switch {
		case k.rec.crashes > 0:
			t.Fatalf("DeleteDraft on the full disk crashed: %v", err)
		case errors.Is(err, syscall.ENOSPC):
			k.rec.deleteRefused++ // the draft stays, as verify checks
			// An essential write may be refused only once the store's
			// reserve has gone to an earlier one.
			if _, err := os.Stat(filepath.Join(dir, offline.ReserveFile)); err == nil {
				t.Errorf("DeleteDraft refused for a full disk with the store's reserve still on it")
			}
		case err != nil:
			t.Fatalf("DeleteDraft on the full disk: %v; want nil or ENOSPC", err)
		default:
			delete(k.saved, id)
			k.rec.deleted++
		}
	}
	d := scannedDraft(1000)
	k.rec.tried++
	err := safely(k.rec, func() error { return s.SaveDraft(d) })
	if errors.Is(err, syscall.ENOSPC) {
		t.Logf("after %d drafts deleted and %d deletes refused the disk is still full; growing it", k.rec.deleted, k.rec.deleteRefused)
		if err := growTmpfs(dir); err != nil {
			t.Fatalf("remount the tmpfs bigger: %v", err)
		}
		k.rec.remounted++
		err = safely(k.rec, func() error { return s.SaveDraft(d) })
	}
	if err != nil {
		k.rec.lost++ // a citizen's save refused with room made
		t.Fatalf("SaveDraft with room made: %v", err)
	}
	k.rec.saved++
	k.saved[d.ID] = d.Clone()
}

// drain sends the outbox, first on the disk as it is. Sending writes too
// (each upload's server ID into the sealed dossier, then the acceptance,
// which deletes it), and each of those rewrites a leaf of dossiers with
// scans, which a disk still nearly full may refuse: the dossiers then
// wait, filed on the server but not yet recorded at the kiosk. If they
// have not drained in a second the disk grows, and the retries must get
// the same codes back (the server replays them): each dossier once.
func (k *diskFull) drain(t *testing.T, s *offline.Store, dir string, env *centralEnv) {
	t.Helper()
	stop := startSyncer(t, offline.NewSyncer(s, env.enrolled(t, 2), fastSync()))
	done := settled(t, s, len(k.queued))
	for deadline := time.Now().Add(time.Second); !done() && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if !done() && k.rec.remounted == 0 {
		k.rec.drainStalled++
		t.Logf("the outbox has not drained in 1 s on the nearly full disk; growing it")
		if err := growTmpfs(dir); err != nil {
			t.Fatalf("remount the tmpfs bigger: %v", err)
		}
		k.rec.remounted++
	}
	waitFor(t, time.Minute, "the outbox to drain", done)
	stop()
}
