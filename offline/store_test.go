package offline

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// manualClock is a clock the test moves by hand.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func newManualClock() *manualClock {
	return &manualClock{t: time.Date(2026, 3, 1, 8, 9, 10, 0, time.UTC)}
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// newClockedStore opens a store in a fresh directory (or dir, if given)
// on a manual clock and closes it when the test ends.
func newClockedStore(t testing.TB, dir string, opts Options) (*Store, *manualClock) {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	clock := newManualClock()
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	s, err := Open(dir, opts)
	if err != nil {
		t.Fatalf("Open(%s) = %v", dir, err)
	}
	t.Cleanup(func() { s.Close() })
	return s, clock
}

func TestOpenAlreadyRunning(t *testing.T) {
	dir := t.TempDir()
	newClockedStore(t, dir, Options{})
	s2, err := Open(dir, Options{})
	if err == nil {
		s2.Close()
	}
	if !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("second Open(%s) = %v; want ErrAlreadyRunning", dir, err)
	}
	want := "the kiosk is already running (data directory " + dir + ")"
	if err.Error() != want {
		t.Errorf("second Open error = %q; want %q", err, want)
	}
	if _, err := os.Stat(filepath.Join(dir, DBFile)); err != nil {
		t.Errorf("the running kiosk's database: %v", err)
	}
}

func TestOpenModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	newClockedStore(t, dir, Options{})
	for _, tt := range []struct {
		name string
		want fs.FileMode
	}{
		{"", 0o700 | fs.ModeDir},
		{KeyFile, 0o600},
		{DBFile, 0o600},
	} {
		fi, err := os.Stat(filepath.Join(dir, tt.name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != tt.want {
			t.Errorf("mode of %q = %v; want %v", tt.name, fi.Mode(), tt.want)
		}
	}
}

func TestOpenKeepsKey(t *testing.T) {
	dir := t.TempDir()
	s, _ := newClockedStore(t, dir, Options{})
	d := sampleDraft()
	if err := s.SaveDraft(d); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, _ := newClockedStore(t, dir, Options{})
	if _, err := s2.LoadDraft(d.ID); err != nil {
		t.Errorf("LoadDraft after reopening = %v; want the draft", err)
	}
}

func TestOpenBadKey(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, KeyFile), []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := Open(dir, Options{}); err == nil || !strings.Contains(err.Error(), "device key") {
		if s != nil {
			s.Close()
		}
		t.Errorf("Open with a 5-byte key = %v; want a device key error", err)
	}
}

// corruptions damage a closed database file in the ways a power cut, a
// bad disk or a careless copy do.
var corruptions = []struct {
	name   string
	damage func(t *testing.T, path string)
}{
	{"garbage", func(t *testing.T, path string) {
		writeFile(t, path, bytes.Repeat([]byte("not a database "), 4096))
	}},
	{"truncated to half", truncateTo(func(n int) int { return n / 2 })},
	{"truncated mid-page", truncateTo(func(n int) int { return n/2 + 100 })},
	{"truncated to 3 pages", truncateTo(func(int) int { return 3 * 4096 })},
	{"page flipped", func(t *testing.T, path string) {
		data := readFile(t, path)
		if n := flipTreePages(data); n == 0 {
			t.Fatal("no branch or leaf page to damage")
		}
		writeFile(t, path, data)
	}},
}

func TestOpenCorrupt(t *testing.T) {
	for _, tt := range corruptions {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s, _ := newClockedStore(t, dir, Options{})
			for range 60 {
				if err := s.SaveDraft(sampleDraft()); err != nil {
					t.Fatal(err)
				}
			}
			s.Close()
			path := filepath.Join(dir, DBFile)
			tt.damage(t, path)
			damaged := readFile(t, path)

			s, clock := newClockedStore(t, dir, Options{})
			aside := path + ".corrupt-20260301T080910Z"
			if got := readFile(t, aside); !bytes.Equal(got, damaged) {
				t.Errorf("%s holds %d bytes; want the damaged file's %d", aside, len(got), len(damaged))
			}
			assertFreshStore(t, s)
			list, err := s.Incidents()
			if err != nil || len(list) != 1 || list[0].Kind != "database_corrupt" || !list[0].At.Equal(clock.Now()) ||
				!strings.Contains(list[0].Details, filepath.Base(aside)) {
				t.Errorf("Incidents() = %+v, %v; want one database_corrupt naming %s", list, err, filepath.Base(aside))
			}
			if err := s.ForgetIncidents(len(list)); err != nil {
				t.Fatal(err)
			}
			if list, _ := s.Incidents(); len(list) != 0 {
				t.Errorf("Incidents() after ForgetIncidents = %+v; want none", list)
			}
		})
	}
}

func truncateTo(size func(n int) int) func(t *testing.T, path string) {
	return func(t *testing.T, path string) {
		data := readFile(t, path)
		writeFile(t, path, data[:size(len(data))])
	}
}

// TestOpenTruncatedAnywhere cuts a database at many places, on page
// boundaries and inside pages (a step of 2½ pages): Open must never crash (a fault reading past
// the end of the file used to kill the process in bbolt's checker), and
// must either find the file sound or move it aside and start fresh.
func TestOpenTruncatedAnywhere(t *testing.T) {
	dir := t.TempDir()
	s, _ := newClockedStore(t, dir, Options{})
	for i := range 30 {
		d := sampleDraft()
		if i%3 == 0 { // some values span several pages
			d.Attachments = []LocalAttachment{{Name: "scan.jpg", Data: bytes.Repeat([]byte{byte(i)}, 9000)}}
		}
		if err := s.SaveDraft(d); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	data := readFile(t, filepath.Join(dir, DBFile))
	moved := 0
	for size := 2 * 4096; size < len(data); size += 10240 {
		sub := t.TempDir()
		writeFile(t, filepath.Join(sub, DBFile), data[:size])
		writeFile(t, filepath.Join(sub, KeyFile), readFile(t, filepath.Join(dir, KeyFile)))
		s, err := Open(sub, Options{})
		if err != nil {
			t.Errorf("Open(cut at %d of %d bytes) = %v; want a sound or fresh store", size, len(data), err)
			continue
		}
		list, _ := s.Incidents()
		moved += len(list)
		if err := s.Check(); err != nil {
			t.Errorf("Check() after Open(cut at %d) = %v", size, err)
		}
		s.Close()
	}
	if moved == 0 {
		t.Errorf("no cut of the file was found damaged")
	}
}

// assertFreshStore checks s is empty, sound and usable.
func assertFreshStore(t *testing.T, s *Store) {
	t.Helper()
	if list, err := s.ListDrafts(); err != nil || len(list) != 0 {
		t.Errorf("ListDrafts() on the fresh store = %d drafts, %v; want none", len(list), err)
	}
	d := sampleDraft()
	if err := s.SaveDraft(d); err != nil {
		t.Errorf("SaveDraft on the fresh store = %v", err)
	}
	if err := s.Check(); err != nil {
		t.Errorf("Check() = %v", err)
	}
}

// flipTreePages turns the type of every branch and leaf page into
// nonsense, as a torn write of a page would, and says how many it hit.
func flipTreePages(data []byte) int {
	const (
		pageSize = 4096
		branch   = 0x01
		leaf     = 0x02
	)
	n := 0
	for off := 2 * pageSize; off+16 <= len(data); off += pageSize {
		flags := binary.LittleEndian.Uint16(data[off+8:])
		if flags == branch || flags == leaf {
			binary.LittleEndian.PutUint16(data[off+8:], 0x7777)
			n++
		}
	}
	return n
}

func TestOpenNewerSchema(t *testing.T) {
	dir := t.TempDir()
	s, _ := newClockedStore(t, dir, Options{})
	setSchema(t, s, "2")
	s.Close()

	s2, err := Open(dir, Options{})
	if err == nil {
		s2.Close()
		t.Fatal("Open(schema 2) = nil; want an error")
	}
	want := "the database has schema 2, newer than this kiosk's 1: update the kiosk"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("Open(schema 2) = %q; want it to say %q", err, want)
	}
	// A newer file is not damaged: it must stay where it is.
	if matches := MovedAside(dir); len(matches) != 0 {
		t.Errorf("a newer database was moved aside: %v", matches)
	}
}

func TestOpenMigrates(t *testing.T) {
	dir := t.TempDir()
	s, _ := newClockedStore(t, dir, Options{})
	setSchema(t, s, "0")
	s.Close()

	ran := 0
	migrations[0] = func(tx *bolt.Tx) error {
		ran++
		return tx.Bucket(bucketMeta).Put([]byte("migrated"), []byte("yes"))
	}
	defer delete(migrations, 0)
	s, _ = newClockedStore(t, dir, Options{})
	err := s.db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if got := string(meta.Get([]byte("schema"))); got != "1" || string(meta.Get([]byte("migrated"))) != "yes" {
			t.Errorf("after migration: schema %q, marker %q; want 1, yes", got, meta.Get([]byte("migrated")))
		}
		return nil
	})
	if err != nil || ran != 1 {
		t.Errorf("migration ran %d times, %v; want once", ran, err)
	}
}

func setSchema(t *testing.T, s *Store, v string) {
	t.Helper()
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put([]byte("schema"), []byte(v))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestCheckWhileSaving: the running kiosk checks its database (at a
// heartbeat, hourly) while citizens' drafts are saved. bbolt's check reads
// the freelist without a lock, so a check in a read transaction raced
// with a commit (go test -race finds it) and could report damage that is
// not there.
func TestCheckWhileSaving(t *testing.T) {
	s, _ := newClockedStore(t, "", Options{})
	stop := make(chan struct{})
	saved := make(chan error, 1)
	go func() {
		for {
			select {
			case <-stop:
				saved <- nil
				return
			default:
			}
			if err := s.SaveDraft(sampleDraft()); err != nil {
				saved <- err
				return
			}
		}
	}()
	for i := range 50 {
		if err := s.Check(); err != nil {
			t.Errorf("Check %d beside saves = %v; want nil", i, err)
		}
	}
	close(stop)
	if err := <-saved; err != nil {
		t.Fatalf("SaveDraft beside checks = %v", err)
	}
}
