package logging

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FileName is the log file in the kiosk's data directory; rotated files
// are FileName.1 (the newest) to FileName.N (the oldest).
const FileName = "kiosk.log"

// Defaults of FileOptions: at most (4+1) × 5 MiB = 25 MiB of logs.
const (
	DefaultMaxBytes = 5 << 20
	DefaultKeep     = 4
)

// rotateRetry is how long a File waits after a failed rotation (a
// rotated file held open on Windows) before it tries again; meanwhile it
// appends past the cap rather than lose lines.
const rotateRetry = time.Minute

// FileOptions configure OpenFile. The zero value is the defaults.
type FileOptions struct {
	// MaxBytes caps the current file: a line that would take it past
	// the cap goes to a fresh file after rotation. A single line longer
	// than the cap is written whole.
	MaxBytes int64
	// Keep is how many rotated files are kept besides the current one.
	Keep int
}

// File is a size-capped, rotating log file: FileName in a directory,
// rotated to FileName.1 … FileName.Keep when it would exceed MaxBytes.
// Files are created 0600 in a 0700 directory. It is safe for concurrent
// use; each Write is appended whole, so a zerolog event stays one line.
// If the file is deleted or moved away while open, the next Write starts
// a new one.
type File struct {
	path string
	opts FileOptions

	mu      sync.Mutex
	f       *os.File
	id      os.FileInfo // of f, to notice the path now names another file or none
	size    int64
	retryAt time.Time // no rotation before, after one failed
	closed  bool
}

var _ io.WriteCloser = (*File)(nil)

// OpenFile opens (creating) FileName in dir for appending.
func OpenFile(dir string, opts FileOptions) (*File, error) {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.Keep <= 0 {
		opts.Keep = DefaultKeep
	}
	lf := &File{path: filepath.Join(dir, FileName), opts: opts}
	if err := lf.open(); err != nil {
		return nil, err
	}
	return lf, nil
}

// Path is the current log file.
func (lf *File) Path() string { return lf.path }

// open opens the current file, creating it and its directory as needed.
func (lf *File) open() error {
	if err := os.MkdirAll(filepath.Dir(lf.path), 0o700); err != nil {
		return fmt.Errorf("log directory: %w", err)
	}
	f, err := os.OpenFile(lf.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("log file: %w", err)
	}
	_ = f.Chmod(0o600) // an older file may have been made wider; best effort (Windows ignores it)
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("log file: %w", err)
	}
	lf.f, lf.id, lf.size = f, info, info.Size()
	return nil
}

// Write appends p to the current file, rotating first if p would take it
// past MaxBytes.
func (lf *File) Write(p []byte) (int, error) {
	lf.mu.Lock()
	defer lf.mu.Unlock()
	if lf.closed {
		return 0, os.ErrClosed
	}
	if err := lf.ensureOpen(); err != nil {
		return 0, err
	}
	if lf.size > 0 && lf.size+int64(len(p)) > lf.opts.MaxBytes && !time.Now().Before(lf.retryAt) {
		if err := lf.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := lf.f.Write(p)
	lf.size += int64(n)
	return n, err
}

// ensureOpen reopens the file if it was never opened, or if the path no
// longer names it (deleted, or moved away by hand).
func (lf *File) ensureOpen() error {
	if lf.f != nil {
		info, err := os.Stat(lf.path)
		if err == nil && os.SameFile(info, lf.id) {
			return nil
		}
		lf.f.Close()
		lf.f = nil
	}
	return lf.open()
}

// rotate shifts FileName.i to FileName.i+1, dropping the oldest, and
// starts a fresh FileName. The current file is closed first: Windows
// does not rename an open file. If a rename fails, writing goes on in
// the current file and rotation is tried again after rotateRetry.
func (lf *File) rotate() error {
	lf.f.Close()
	lf.f = nil
	err := os.Remove(lf.rotated(lf.opts.Keep))
	if errors.Is(err, os.ErrNotExist) {
		err = nil
	}
	for i := lf.opts.Keep - 1; i >= 1 && err == nil; i-- {
		err = os.Rename(lf.rotated(i), lf.rotated(i+1))
		if errors.Is(err, os.ErrNotExist) {
			err = nil
		}
	}
	if err == nil {
		err = os.Rename(lf.path, lf.rotated(1))
	}
	if err != nil {
		lf.retryAt = time.Now().Add(rotateRetry)
	}
	// Open either way: a fresh file after a rotation, the same one after
	// a failure. Only a failure to open loses the line.
	return lf.open()
}

func (lf *File) rotated(i int) string { return lf.path + "." + strconv.Itoa(i) }

// Close closes the file; later writes fail with os.ErrClosed.
func (lf *File) Close() error {
	lf.mu.Lock()
	defer lf.mu.Unlock()
	if lf.closed {
		return nil
	}
	lf.closed = true
	if lf.f == nil {
		return nil
	}
	return lf.f.Close()
}

// Files lists the log files in dir, oldest first: FileName.N … FileName.1,
// then FileName. Files of other names are not logs and are left out.
func Files(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	type logFile struct {
		name string
		n    int // 0 for the current file
	}
	var found []logFile
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		name := e.Name()
		if name == FileName {
			found = append(found, logFile{name, 0})
			continue
		}
		if num, ok := strings.CutPrefix(name, FileName+"."); ok {
			if n, err := strconv.Atoi(num); err == nil && n > 0 && strconv.Itoa(n) == num {
				found = append(found, logFile{name, n})
			}
		}
	}
	slices.SortFunc(found, func(a, b logFile) int { return b.n - a.n })
	paths := make([]string, len(found))
	for i, f := range found {
		paths[i] = filepath.Join(dir, f.name)
	}
	return paths, nil
}

// Export copies the log files of dir into the folder dst, for IT staff to
// take away on a USB stick, and returns the copies' paths, oldest first.
// dst is created if it does not exist, but its parent must: a stick that
// is not mounted is an error wrapping fs.ErrNotExist, not a new folder on
// the kiosk's disk. Name dst after the kiosk and the time to keep earlier
// exports. The copies are as redacted as the files, and synced before
// Export returns, so the stick may be pulled at once. A file rotated away
// while Export runs is skipped.
func Export(dir, dst string) ([]string, error) {
	files, err := Files(dir)
	if err != nil {
		return nil, fmt.Errorf("export logs: %w", err)
	}
	if err := os.Mkdir(dst, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("export logs: %w", err)
	}
	var copied []string
	for _, src := range files {
		to := filepath.Join(dst, filepath.Base(src))
		err := copyFile(src, to)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return copied, fmt.Errorf("export logs: %w", err)
		}
		copied = append(copied, to)
	}
	return copied, nil
}

func copyFile(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	if _, err := io.Copy(out, in); err != nil {
		return err
	}
	return out.Sync()
}
