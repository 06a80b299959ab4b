package scanfolder

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// Pages as a scanner writes them: only their first bytes matter here.
var (
	jpegPage = []byte("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00" + strings.Repeat("\x42", 300) + "\xFF\xD9")
	pngPage  = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + strings.Repeat("\x00", 100))
	pdfPage  = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
)

var testNow = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// recorder keeps what a Watcher handed over, in order.
type recorder struct {
	mu       sync.Mutex
	scans    []Scan
	problems []Problem
}

func (r *recorder) found(s Scan) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.scans = append(r.scans, s)
}

func (r *recorder) problem(p Problem) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.problems = append(r.problems, p)
}

// polls makes n looks at the folder.
func (r *recorder) polls(w *Watcher, n int) {
	for range n {
		w.poll(r.found, r.problem)
	}
}

// newWatcher returns a Watcher of a new, empty folder that has had its
// first look, so that files written from now on are new.
func newWatcher(t *testing.T, opts Options) (*Watcher, string, *recorder) {
	t.Helper()
	dir := t.TempDir()
	if opts.Now == nil {
		opts.Now = func() time.Time { return testNow }
	}
	w := New(dir, opts)
	r := &recorder{}
	r.polls(w, 1)
	return w, dir, r
}

func write(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func appendTo(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// names lists the folder.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestAFileWrittenInTwoHalvesIsTakenOnceComplete(t *testing.T) {
	w, dir, r := newWatcher(t, Options{})
	half := len(pdfPage) / 2

	write(t, dir, "scan_0001.pdf", pdfPage[:half])
	r.polls(w, 1) // seen
	appendTo(t, dir, "scan_0001.pdf", pdfPage[half:])
	r.polls(w, 1) // grown: seen again
	if len(r.scans) != 0 {
		t.Fatalf("after the second half was written: %d scans; want none until the file stays the same for a look", len(r.scans))
	}
	r.polls(w, 1) // unchanged: complete
	want := Scan{Name: "scan_0001.pdf", MIME: "application/pdf", Data: pdfPage, At: testNow}
	if len(r.scans) != 1 || !sameScan(r.scans[0], want) {
		t.Fatalf("scans = %+v; want just %s whole", r.scans, want.Name)
	}
	r.polls(w, 3)
	if len(r.scans) != 1 || len(r.problems) != 0 {
		t.Errorf("after more looks: %d scans, %v; want the one scan only", len(r.scans), r.problems)
	}
	if left := names(t, dir); len(left) != 0 {
		t.Errorf("folder holds %v; want it empty once the page is taken", left)
	}
}

func sameScan(a, b Scan) bool {
	return a.Name == b.Name && a.MIME == b.MIME && bytes.Equal(a.Data, b.Data) && a.At.Equal(b.At)
}

func TestEachFileIsHandedOverOnceAndDeleted(t *testing.T) {
	w, dir, r := newWatcher(t, Options{})
	pages := map[string][]byte{"scan_0003.pdf": pdfPage, "scan_0001.jpg": jpegPage, "scan_0002.png": pngPage}
	for name, data := range pages {
		write(t, dir, name, data)
	}
	r.polls(w, 2)
	write(t, dir, "scan_0004.pdf", pdfPage) // the scanner goes on
	r.polls(w, 5)

	var got []string
	for _, s := range r.scans {
		got = append(got, s.Name+" "+s.MIME)
	}
	want := []string{"scan_0001.jpg image/jpeg", "scan_0002.png image/png", "scan_0003.pdf application/pdf", "scan_0004.pdf application/pdf"}
	if !slices.Equal(got, want) {
		t.Errorf("handed over %q; want %q, each once, in name order", got, want)
	}
	if len(r.problems) != 0 {
		t.Errorf("problems = %v; want none", r.problems)
	}
	if left := names(t, dir); len(left) != 0 {
		t.Errorf("folder holds %v; want every page deleted once taken", left)
	}
}

func TestFilesThatAreNotTaken(t *testing.T) {
	tests := []struct {
		name, file string
		data       []byte
		want       ProblemKind // "" when the file is a Scan
	}{
		{"JPEG at the size limit", "scan.jpg", append(slices.Clone(jpegPage[:10]), make([]byte, 1024-10)...), ""},
		{"JPEG over the size limit", "scan.jpg", append(slices.Clone(jpegPage[:10]), make([]byte, 1025-10)...), TooLarge},
		{"text renamed to .jpg", "to-khai.jpg", []byte("Đây là tờ khai, không phải ảnh.\n"), NotDocument},
		{"Windows program named .pdf", "scan.pdf", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), NotDocument},
		{"HTML named .png", "anh.png", []byte("<html><script>alert(1)</script></html>"), NotDocument},
		{"GIF", "scan.gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), NotDocument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, dir, r := newWatcher(t, Options{MaxSize: 1024})
			write(t, dir, tt.file, tt.data)
			r.polls(w, 3)
			var got []ProblemKind
			for _, p := range r.problems {
				if p.Name != tt.file {
					t.Errorf("problem names %q; want %q, to tell the citizen which file", p.Name, tt.file)
				}
				got = append(got, p.Kind)
			}
			want, wantScans := []ProblemKind{tt.want}, 0
			if tt.want == "" {
				want, wantScans = nil, 1
			}
			if !slices.Equal(got, want) || len(r.scans) != wantScans {
				t.Errorf("problems %q and %d scans; want %q and %d", got, len(r.scans), want, wantScans)
			}
			if left := names(t, dir); len(left) != 0 {
				t.Errorf("folder holds %v; want the file deleted, taken or not", left)
			}
		})
	}
}

func TestStaleFilesAreDeletedNotHandedOver(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"scan_0001.pdf", "scan_0002.jpg", ".hidden", "scan_0003.pdf.part", "notes.txt"} {
		write(t, dir, name, pdfPage)
	}
	if err := os.Mkdir(filepath.Join(dir, "old"), 0o700); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "old"), "kept.pdf", pdfPage)

	w := New(dir, Options{})
	r := &recorder{}
	r.polls(w, 4)
	if len(r.scans) != 0 || len(r.problems) != 0 {
		t.Errorf("handed over %d scans and %v from before Run; want none: they are an earlier citizen's", len(r.scans), r.problems)
	}
	if left := names(t, dir); !slices.Equal(left, []string{"old"}) {
		t.Errorf("folder holds %v; want only the subfolder left", left)
	}
	if _, err := os.Stat(filepath.Join(dir, "old", "kept.pdf")); err != nil {
		t.Errorf("a file in a subfolder: %v; want it left alone", err)
	}
}

func TestPartialAndHiddenFilesAreIgnored(t *testing.T) {
	w, dir, r := newWatcher(t, Options{})
	partial := []string{".scan_0001.pdf", "~scan_0001.pdf", "scan_0001.pdf.tmp", "scan_0001.TMP",
		"scan_0001.pdf.part", "scan_0001.pdf.crdownload"}
	for _, name := range partial {
		write(t, dir, name, pdfPage)
	}
	r.polls(w, 4)
	if len(r.scans) != 0 || len(r.problems) != 0 {
		t.Errorf("handed over %d scans and %v; want none of %q", len(r.scans), r.problems, partial)
	}
	if left := names(t, dir); len(left) != len(partial) {
		t.Errorf("folder holds %v; want every partial file left for its writer", left)
	}
}

func TestAnEmptyFileWaitsForItsContent(t *testing.T) {
	w, dir, r := newWatcher(t, Options{})
	write(t, dir, "scan_0001.pdf", nil) // created; the first page is still under the lamp
	r.polls(w, 4)
	if len(r.scans) != 0 || len(r.problems) != 0 {
		t.Fatalf("an empty file gave %d scans and %v; want it left to be written", len(r.scans), r.problems)
	}
	write(t, dir, "scan_0001.pdf", pdfPage)
	r.polls(w, 2)
	if len(r.scans) != 1 || !bytes.Equal(r.scans[0].Data, pdfPage) {
		t.Errorf("scans = %d; want the page once written", len(r.scans))
	}
}

func TestTheFolderIsCreatedAndCreatedAgain(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "scans")
	w := New(dir, Options{})
	r := &recorder{}
	r.polls(w, 1)
	checkFolder(t, dir)

	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	r.polls(w, 1)
	checkFolder(t, dir)
	write(t, dir, "scan_0001.pdf", pdfPage)
	r.polls(w, 2)
	if len(r.scans) != 1 {
		t.Errorf("scans = %d after the folder was made again; want the new page", len(r.scans))
	}
}

func checkFolder(t *testing.T, dir string) {
	t.Helper()
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatalf("folder: %v; want it created", err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm() != 0o700 {
		t.Errorf("folder mode %v; want 0700: scans are personal data", info.Mode().Perm())
	}
}

// failingRemove makes the Watcher's deletes fail while *fail is true.
func failingRemove(w *Watcher, fail *bool) {
	w.remove = func(path string) error {
		if *fail {
			return &fs.PathError{Op: "remove", Path: path, Err: fs.ErrPermission}
		}
		return os.Remove(path)
	}
}

func TestAFileThatCannotBeDeletedIsHandedOverOnce(t *testing.T) {
	var logs bytes.Buffer
	w, dir, r := newWatcher(t, Options{Log: zerolog.New(&logs)})
	fail := true
	failingRemove(w, &fail)
	const name = "Nguyen Van An - CCCD.pdf"
	write(t, dir, name, pdfPage)
	r.polls(w, 5)
	if len(r.scans) != 1 {
		t.Fatalf("scans = %d; want the page handed over once though it stays in the folder", len(r.scans))
	}
	if !strings.Contains(logs.String(), "not deleted") || !strings.Contains(logs.String(), `"size":`) {
		t.Errorf("log = %s; want the failed delete logged with the size", logs.String())
	}

	fail = false
	r.polls(w, 1)
	if left := names(t, dir); len(left) != 0 {
		t.Errorf("folder holds %v; want the delete tried again at the next look", left)
	}
	if len(r.scans) != 1 {
		t.Errorf("scans = %d; want still one", len(r.scans))
	}
}

func TestAStaleFileThatCannotBeDeletedIsNeverHandedOver(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "scan_0001.pdf", pdfPage)
	w := New(dir, Options{})
	fail := true
	failingRemove(w, &fail)
	r := &recorder{}
	r.polls(w, 5)
	if len(r.scans) != 0 || len(r.problems) != 0 {
		t.Errorf("handed over %d scans and %v; want an earlier citizen's page never handed over", len(r.scans), r.problems)
	}
}

func TestAFileThatCannotBeReadIsUnreadableAfterRetries(t *testing.T) {
	w, dir, r := newWatcher(t, Options{})
	failures := 0
	w.open = func(string) (io.ReadCloser, error) {
		failures++
		return nil, errors.New("sharing violation")
	}
	write(t, dir, "scan_0001.pdf", pdfPage)
	r.polls(w, 1+maxReadTries-1) // seen, then all tries but the last
	if len(r.problems) != 0 {
		t.Fatalf("problems = %v after %d failed reads; want more tries", r.problems, failures)
	}
	r.polls(w, 3)
	want := []Problem{{Name: "scan_0001.pdf", Kind: Unreadable}}
	if !slices.Equal(r.problems, want) || len(r.scans) != 0 {
		t.Errorf("problems = %v, %d scans; want %v once", r.problems, len(r.scans), want)
	}
	if failures != maxReadTries {
		t.Errorf("read %d times; want %d", failures, maxReadTries)
	}
	if left := names(t, dir); len(left) != 0 {
		t.Errorf("folder holds %v; want the unreadable file deleted", left)
	}
}

func TestAReadThatFailsOnceIsTriedAgain(t *testing.T) {
	w, dir, r := newWatcher(t, Options{})
	first := true
	w.open = func(path string) (io.ReadCloser, error) {
		if first {
			first = false
			return nil, errors.New("sharing violation")
		}
		return os.Open(path)
	}
	write(t, dir, "scan_0001.pdf", pdfPage)
	r.polls(w, 3)
	if len(r.scans) != 1 || len(r.problems) != 0 {
		t.Errorf("%d scans and %v; want the page on the second try", len(r.scans), r.problems)
	}
}

func TestAFileThatChangesWhileReadWaits(t *testing.T) {
	w, dir, r := newWatcher(t, Options{})
	first := true
	w.open = func(path string) (io.ReadCloser, error) {
		if first { // the scanner wrote more between the look and the read
			first = false
			return io.NopCloser(bytes.NewReader(pdfPage[:10])), nil
		}
		return os.Open(path)
	}
	write(t, dir, "scan_0001.pdf", pdfPage)
	r.polls(w, 2)
	if len(r.scans) != 0 || len(r.problems) != 0 {
		t.Fatalf("%d scans and %v; want a file that changed while read left for later", len(r.scans), r.problems)
	}
	r.polls(w, 2)
	if len(r.scans) != 1 || !bytes.Equal(r.scans[0].Data, pdfPage) {
		t.Errorf("%d scans; want the whole page once it stopped changing", len(r.scans))
	}
}

func TestLogsHoldNoFileNames(t *testing.T) {
	var logs bytes.Buffer
	w, dir, r := newWatcher(t, Options{Log: zerolog.New(&logs).Level(zerolog.DebugLevel), MaxSize: 1024})
	fail := true
	failingRemove(w, &fail)
	write(t, dir, "Tran Thi Binh giay khai sinh.pdf", pdfPage)
	write(t, dir, "Tran Thi Binh ghi chu.jpg", []byte("chỉ là chữ"))
	write(t, dir, "Tran Thi Binh to.jpg", append(slices.Clone(jpegPage), make([]byte, 2048)...))
	r.polls(w, 3)
	if len(r.scans)+len(r.problems) != 3 {
		t.Fatalf("%d scans and %v; want three files dealt with", len(r.scans), r.problems)
	}
	err := w.Clear()
	if err == nil || strings.Contains(err.Error(), "Tran") {
		t.Errorf("Clear with failing deletes = %v; want an error without the file's name", err)
	}
	for _, want := range []string{"scan taken", "scan refused", "not deleted"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
	if strings.Contains(logs.String(), "Tran") {
		t.Errorf("log holds a file name:\n%s", logs.String())
	}
}

func TestClear(t *testing.T) {
	w, dir, r := newWatcher(t, Options{})
	for _, name := range []string{"scan_0001.pdf", ".scan_0002.pdf", "scan_0003.pdf.part"} {
		write(t, dir, name, pdfPage)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	r.polls(w, 1) // scan_0001.pdf seen, not yet complete: the session ends now
	if err := w.Clear(); err != nil {
		t.Fatalf("Clear() = %v", err)
	}
	if left := names(t, dir); !slices.Equal(left, []string{"sub"}) {
		t.Errorf("after Clear the folder holds %v; want only the subfolder", left)
	}
	r.polls(w, 3)
	if len(r.scans) != 0 {
		t.Errorf("scans = %d after Clear; want the ended session's page gone", len(r.scans))
	}

	if err := New(filepath.Join(dir, "missing"), Options{}).Clear(); err != nil {
		t.Errorf("Clear() of a missing folder = %v; want nil: nothing to delete", err)
	}
}

func TestClearLeavesNothingForTheNextCitizen(t *testing.T) {
	w, dir, r := newWatcher(t, Options{})
	fail := true
	failingRemove(w, &fail)
	write(t, dir, "scan_0001.pdf", pdfPage)
	if err := w.Clear(); err == nil || !strings.Contains(err.Error(), "1 files not deleted") {
		t.Errorf("Clear() = %v; want the undeleted file counted", err)
	}
	r.polls(w, 4)
	if len(r.scans) != 0 {
		t.Errorf("scans = %d; want a page that outlived Clear never handed over", len(r.scans))
	}
}

// TestRun drives the real loop: stale pages go, a new page arrives once,
// Clear may run beside it, and cancelling ends it.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "scan_0000.pdf")
	write(t, dir, "scan_0000.pdf", pdfPage)
	w := New(dir, Options{Interval: time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	scans := make(chan Scan, 10)
	done := make(chan error, 1)
	go func() {
		done <- w.Run(ctx, func(s Scan) { scans <- s }, func(p Problem) { t.Errorf("problem %v", p) })
	}()

	waitFor(t, "the stale page deleted", func() bool { _, err := os.Stat(stale); return errors.Is(err, fs.ErrNotExist) })
	if err := w.Clear(); err != nil { // beside Run, as the UI does
		t.Errorf("Clear() = %v", err)
	}
	write(t, dir, "scan_0001.pdf", pdfPage)
	select {
	case s := <-scans:
		if s.Name != "scan_0001.pdf" {
			t.Errorf("handed over %s; want scan_0001.pdf", s.Name)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no scan within 10 s")
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run() = %v; want context.Canceled", err)
	}
	if len(scans) != 0 {
		t.Errorf("%d more scans; want the stale page never handed over", len(scans))
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10 s for %s", what)
		}
	}
}
