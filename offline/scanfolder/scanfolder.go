// Package scanfolder hands the kiosk the pages its document scanner saves
// into a folder, and keeps that folder empty of personal data.
//
// Scanner software on Linux and Windows alike can "scan to folder"; a
// Watcher polls that folder rather than using inotify or
// ReadDirectoryChangesW, because polling every half second costs nothing,
// needs no new dependency and behaves the same on every system and on
// network shares, where change notifications are unreliable.
//
// A scanned page is a citizen's document in plain text on the kiosk's disk.
// The Watcher deletes each file as soon as it has read it (the kiosk keeps
// it encrypted in its own store from then on), deletes what an earlier
// citizen left behind when it starts, and Clear empties the folder when a
// session ends. Deleting is not wiping: the blocks stay on the disk until
// reused, which is why the kiosk's disk should be encrypted too.
package scanfolder

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk"
)

// Scan is a complete page the scanner saved: a JPEG, PNG or PDF, judged by
// its content. Data belongs to the receiver; the file is already gone.
type Scan struct {
	Name string // the file's name in the folder, e.g. scan_0001.pdf
	MIME string // image/jpeg, image/png or application/pdf
	Data []byte
	At   time.Time // when the Watcher took it
}

// ProblemKind is why a file from the scanner was not handed over. Its
// values are the ui package's ScanRefusal values, so the kiosk converts
// one into the other without a table.
type ProblemKind string

const (
	// TooLarge is a file over Options.MaxSize: the central system would
	// refuse it, so the citizen should scan it again at a lower resolution.
	TooLarge ProblemKind = "too_large"
	// NotDocument is a file that is not a JPEG, PNG or PDF, whatever its
	// name says.
	NotDocument ProblemKind = "not_document"
	// Unreadable is a file the kiosk could not read, several times over.
	Unreadable ProblemKind = "unreadable"
)

// Problem is a file from the scanner that was not handed over, and why;
// the file is deleted all the same. Name is for the citizen's screen
// ("tệp X không phải ảnh hay PDF"), never for a log.
type Problem struct {
	Name string
	Kind ProblemKind
}

// Options configure New. Every zero value is a sensible default.
type Options struct {
	// Interval is the time between two looks at the folder (default
	// 500 ms). A file is complete when its size and modification time are
	// the same at two looks in a row, so Interval must be longer than the
	// longest pause of the scanner while it writes a file.
	Interval time.Duration
	// MaxSize is the largest file handed over (default
	// kiosk.MaxDocumentSize, the central system's upload limit); a larger
	// one is a TooLarge problem and is never read whole.
	MaxSize int64
	// Log gets what happened, never a file's name: only sizes, types and
	// kinds of problems.
	Log zerolog.Logger
	// Now stamps Scan.At; nil means time.Now.
	Now func() time.Time
}

// DefaultInterval is Options.Interval's default.
const DefaultInterval = 500 * time.Millisecond

func (o Options) withDefaults() Options {
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.MaxSize <= 0 {
		o.MaxSize = kiosk.MaxDocumentSize
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// maxReadTries is how many looks in a row a complete file may fail to
// open or read before it is Unreadable. On Windows a file the scanner
// still holds open cannot be opened; the next look usually can.
const maxReadTries = 3

// Errors of read that are not the file system's.
var (
	errTooLarge = errors.New("file over the size limit")
	errChanged  = errors.New("file changed while read")
)

// Watcher watches one scan folder. Create it with New and run it with Run
// on one goroutine; Clear may be called from any goroutine.
type Watcher struct {
	dir  string
	opts Options
	log  zerolog.Logger

	// The file system, replaceable by tests that need a failure.
	open   func(path string) (io.ReadCloser, error)
	remove func(path string) error

	mu      sync.Mutex
	swept   bool                 // the first listing since Run started was emptied
	pending map[string]candidate // files seen, not yet complete
	stuck   map[string]bool      // files dealt with that could not be deleted
	failing bool                 // the folder could not be listed last time
}

// candidate is a file seen at the last look, with the stamp that must not
// change before the next one.
type candidate struct {
	size  int64
	mod   time.Time
	tries int // failed reads of it, complete
}

func (c candidate) same(o candidate) bool { return c.size == o.size && c.mod.Equal(o.mod) }

// New returns a Watcher of the folder dir. It touches nothing until Run or
// Clear.
func New(dir string, opts Options) *Watcher {
	opts = opts.withDefaults()
	return &Watcher{
		dir:     dir,
		opts:    opts,
		log:     opts.Log,
		open:    func(p string) (io.ReadCloser, error) { return os.Open(p) },
		remove:  os.Remove,
		pending: map[string]candidate{},
		stuck:   map[string]bool{},
	}
}

// Run looks at the folder every Options.Interval until ctx ends, and
// returns ctx.Err(). It calls found with each new complete file that is a
// document and problem with each other one, once each, in name order, on
// Run's goroutine (the UI hands them over with fyne.Do); both must be
// non-nil. Whether a page is wanted at that moment is the receiver's
// decision: the file is deleted either way.
//
// A file is complete when its size and modification time stay the same
// from one look to the next, and it is not empty: scanners create the
// file, then write it as the lamp moves. Hidden files and the temporary
// names programs write under (~x, x.tmp, x.part, x.crdownload) are left
// for their writer to rename.
//
// What is in the folder at the first look is an earlier citizen's: it is
// deleted, never handed over. A missing folder is created (0700) at every
// look, so the folder may be deleted and created again while Run runs;
// a folder that cannot be read is logged and looked at again.
func (w *Watcher) Run(ctx context.Context, found func(Scan), problem func(Problem)) error {
	w.mu.Lock()
	w.swept = false
	w.mu.Unlock()
	tick := time.NewTicker(w.opts.Interval)
	defer tick.Stop()
	for ctx.Err() == nil {
		w.poll(found, problem)
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
	}
	return ctx.Err()
}

// Clear deletes every file in the folder, complete or not, handed over or
// not: call it when a session ends, so that nothing of this citizen's is
// left for the next one. Subfolders are left alone: the Watcher never
// reads them, and a folder set up wrongly (a home folder, say) loses its
// loose files rather than everything under it. A file that cannot be
// deleted is never handed over afterwards; the error says how many.
func (w *Watcher) Clear() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	entries, err := os.ReadDir(w.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("scanfolder: clear: %w", err)
	}
	if left, err := w.sweep(entries); err != nil {
		return fmt.Errorf("scanfolder: clear: %d files not deleted: %w", left, err)
	}
	return nil
}

// taken is a file the Watcher has dealt with: a Scan, or a problem when
// kind is set.
type taken struct {
	scan Scan
	kind ProblemKind
	size int64
}

// poll is one look at the folder. The callbacks run after the lock is
// released, so that they may call Clear.
func (w *Watcher) poll(found func(Scan), problem func(Problem)) {
	for _, t := range w.look() {
		if t.kind != "" {
			problem(Problem{Name: t.scan.Name, Kind: t.kind})
		} else {
			found(t.scan)
		}
	}
}

// look lists the folder and deals with every file that is complete.
func (w *Watcher) look() []taken {
	w.mu.Lock()
	defer w.mu.Unlock()
	entries, ok := w.list()
	if !ok {
		return nil
	}
	if !w.swept {
		w.swept = true
		w.sweepStale(entries)
		return nil
	}
	var out []taken
	present := make(map[string]bool, len(entries))
	for _, e := range entries {
		present[e.Name()] = true
		if t, ok := w.consider(e); ok {
			out = append(out, t)
		}
	}
	w.forgetGone(present)
	return out
}

// list reads the folder, creating it if it is missing. Failures are logged
// when they start and when they end, not at every look.
func (w *Watcher) list() ([]fs.DirEntry, bool) {
	entries, err := os.ReadDir(w.dir)
	if errors.Is(err, fs.ErrNotExist) {
		entries, err = nil, os.MkdirAll(w.dir, 0o700)
	}
	if err != nil {
		if !w.failing {
			w.log.Warn().Err(err).Msg("scan folder unreadable; scanned pages wait until it is back")
		}
		w.failing = true
		return nil, false
	}
	if w.failing {
		w.log.Info().Msg("scan folder readable again")
	}
	w.failing = false
	return entries, true
}

// sweepStale deletes what an earlier citizen left in the folder: pages the
// kiosk never took (it stopped, or crashed, during their session) must not
// join this citizen's dossier, and must not stay on the disk.
func (w *Watcher) sweepStale(entries []fs.DirEntry) {
	left, err := w.sweep(entries)
	if err != nil {
		w.log.Error().Err(err).Int("left", left).Msg("stale scans not deleted; they will not be handed over")
	}
}

// sweep deletes every entry but subfolders, and returns how many it could
// not delete, which are then stuck, and the first error.
func (w *Watcher) sweep(entries []fs.DirEntry) (left int, err error) {
	removed := 0
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		name := e.Name()
		delete(w.pending, name)
		if rerr := w.delete(name); rerr != nil {
			w.stuck[name] = true
			left++
			err = cmp.Or(err, rerr)
			continue
		}
		removed++
	}
	if removed > 0 {
		w.log.Info().Int("files", removed).Msg("scan folder emptied")
	}
	return left, err
}

// consider deals with one entry of the folder, and says whether it was
// handed over or refused at this look.
func (w *Watcher) consider(e fs.DirEntry) (taken, bool) {
	name := e.Name()
	if w.stuck[name] {
		if w.delete(name) == nil {
			delete(w.stuck, name)
		}
		return taken{}, false
	}
	if ignored(name) || !e.Type().IsRegular() {
		return taken{}, false
	}
	info, err := e.Info()
	if err != nil {
		return taken{}, false // gone since the listing
	}
	now := candidate{size: info.Size(), mod: info.ModTime()}
	before, seen := w.pending[name]
	if !seen || !before.same(now) || now.size == 0 {
		w.pending[name] = now // new, still growing, or not started
		return taken{}, false
	}
	return w.take(name, before)
}

// ignored says whether a name is a hidden file or one a program is still
// writing under a temporary name. Such files are never handed over; Clear
// deletes them.
func ignored(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~") {
		return true
	}
	lower := strings.ToLower(name) // Windows names ignore case
	for _, suffix := range []string{".tmp", ".part", ".crdownload"} {
		if strings.HasSuffix(lower, suffix) {
			return true
		}
	}
	return false
}

// take reads a complete file, deletes it and says what it was. A file that
// changed while read, or could not be read yet, waits for another look.
func (w *Watcher) take(name string, c candidate) (taken, bool) {
	data, err := w.read(name, c.size)
	switch {
	case errors.Is(err, errChanged):
		delete(w.pending, name)
		return taken{}, false
	case err != nil && !errors.Is(err, errTooLarge) && c.tries+1 < maxReadTries:
		c.tries++
		w.pending[name] = c
		return taken{}, false
	}
	delete(w.pending, name)
	t := w.judge(name, c.size, data, err)
	w.dispose(name, t, err)
	return t, true
}

// read reads a file of the given size, refusing one over MaxSize without
// reading it whole.
func (w *Watcher) read(name string, size int64) ([]byte, error) {
	if size > w.opts.MaxSize {
		return nil, errTooLarge
	}
	f, err := w.open(filepath.Join(w.dir, name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, w.opts.MaxSize+1))
	switch {
	case err != nil:
		return nil, err
	case int64(len(data)) > w.opts.MaxSize:
		return nil, errTooLarge
	case int64(len(data)) != size:
		return nil, errChanged // the scanner paused longer than Interval
	}
	return data, nil
}

// judge turns what read returned into a Scan or a problem.
func (w *Watcher) judge(name string, size int64, data []byte, err error) taken {
	t := taken{scan: Scan{Name: name, At: w.opts.Now()}, size: size}
	switch {
	case errors.Is(err, errTooLarge):
		t.kind = TooLarge
	case err != nil:
		t.kind = Unreadable
	default:
		mime, ok := kiosk.SniffDocument(data)
		if !ok {
			t.kind = NotDocument
			break
		}
		t.scan.MIME, t.scan.Data = mime, data
	}
	return t
}

// dispose deletes a file that was dealt with and logs it. One that cannot
// be deleted is stuck: it is not handed over again, and deleting it is
// tried again at every look. readErr is why an Unreadable file was.
func (w *Watcher) dispose(name string, t taken, readErr error) {
	if t.kind == "" {
		w.log.Debug().Int64("size", t.size).Str("type", t.scan.MIME).Msg("scan taken")
	} else {
		w.log.Info().Int64("size", t.size).Str("problem", string(t.kind)).
			AnErr("read", withoutName(readErr)).Msg("scan refused")
	}
	if err := w.delete(name); err != nil {
		w.stuck[name] = true
		w.log.Error().Err(err).Int64("size", t.size).Str("kind", cmp.Or(t.scan.MIME, string(t.kind))).
			Msg("scan not deleted from the scan folder; it will not be handed over again")
	}
}

// delete removes a file from the folder; one already gone is fine. Its
// error does not hold the file's name.
func (w *Watcher) delete(name string) error {
	err := w.remove(filepath.Join(w.dir, name))
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return withoutName(err)
}

// withoutName strips the path from a file system error, as a scanner's
// file name may be a citizen's name ("Nguyen Van An - CCCD.pdf").
func withoutName(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// forgetGone drops what the Watcher remembers of files no longer there.
func (w *Watcher) forgetGone(present map[string]bool) {
	for name := range w.pending {
		if !present[name] {
			delete(w.pending, name)
		}
	}
	for name := range w.stuck {
		if !present[name] {
			delete(w.stuck, name)
		}
	}
}
