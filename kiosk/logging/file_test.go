package logging

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func openTestFile(t *testing.T, dir string, opts FileOptions) *File {
	t.Helper()
	lf, err := OpenFile(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lf.Close() })
	return lf
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// allLines reads every log file in dir, oldest first.
func allLines(t *testing.T, dir string) []string {
	t.Helper()
	files, err := Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, f := range files {
		sc := bufio.NewScanner(strings.NewReader(readFile(t, f)))
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
	}
	return lines
}

func TestFileRotatesAtTheCapAndKeepsNFiles(t *testing.T) {
	dir := t.TempDir()
	lf := openTestFile(t, dir, FileOptions{MaxBytes: 100, Keep: 2})
	const lines = 20
	for i := range lines {
		fmt.Fprintf(lf, "line %02d %s\n", i, strings.Repeat("x", 21)) // 30 bytes: 3 lines a file
	}
	files, err := Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{FileName + ".2", FileName + ".1", FileName}
	if len(files) != len(want) {
		t.Fatalf("log files = %v; want %v", files, want)
	}
	for i, f := range files {
		if filepath.Base(f) != want[i] {
			t.Errorf("log file %d = %s; want %s", i, filepath.Base(f), want[i])
		}
		info, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if info.Size() > 100 {
			t.Errorf("%s has %d bytes; want at most the cap of 100", f, info.Size())
		}
	}
	// The files hold the newest lines, in order, without a gap: 3 + 3 + 2.
	got := allLines(t, dir)
	if len(got) != 8 {
		t.Fatalf("the files hold %d lines; want 8 (two full rotated files and the current one)", len(got))
	}
	for i, line := range got {
		if want := fmt.Sprintf("line %02d ", lines-8+i); !strings.HasPrefix(line, want) {
			t.Errorf("line %d = %q; want it to start with %q", i, line, want)
		}
	}
}

func TestFileIsPrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes are Unix permissions")
	}
	dir := filepath.Join(t.TempDir(), "data")
	lf := openTestFile(t, dir, FileOptions{MaxBytes: 10, Keep: 1})
	fmt.Fprintln(lf, "first line")
	fmt.Fprintln(lf, "second line") // rotates
	for _, path := range []string{dir, lf.Path(), lf.Path() + ".1"} {
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		want := os.FileMode(0o600)
		if info.IsDir() {
			want = 0o700
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s has mode %v; want %v", path, got, want)
		}
	}
}

func TestFileSurvivesBeingDeleted(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows deletes no open file")
	}
	for name, remove := range map[string]func(lf *File) error{
		"file":      func(lf *File) error { return os.Remove(lf.Path()) },
		"directory": func(lf *File) error { return os.RemoveAll(filepath.Dir(lf.Path())) },
		"moved":     func(lf *File) error { return os.Rename(lf.Path(), lf.Path()+".old") },
	} {
		t.Run(name, func(t *testing.T) {
			lf := openTestFile(t, filepath.Join(t.TempDir(), "data"), FileOptions{})
			fmt.Fprintln(lf, "before")
			if err := remove(lf); err != nil {
				t.Fatal(err)
			}
			if _, err := fmt.Fprintln(lf, "after"); err != nil {
				t.Fatalf("writing after the log file went away: %v", err)
			}
			if got := readFile(t, lf.Path()); got != "after\n" {
				t.Errorf("the log file holds %q; want a fresh file with the new line", got)
			}
		})
	}
}

func TestFileTakesConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	lf := openTestFile(t, dir, FileOptions{MaxBytes: 4 << 10, Keep: 1000})
	log, err := NewTee(io.Discard, lf, Options{Format: JSON})
	if err != nil {
		t.Fatal(err)
	}
	const writers, each = 8, 200
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				log.Info().Int("writer", w).Int("i", i).Str("pad", strings.Repeat("p", 40)).Msg("concurrent")
			}
		})
	}
	wg.Wait()
	lines := allLines(t, dir)
	if len(lines) != writers*each {
		t.Fatalf("the files hold %d lines; want %d", len(lines), writers*each)
	}
	seen := map[[2]int]bool{}
	for _, line := range lines {
		var ev struct{ Writer, I int }
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("line %q is not whole JSON: %v", line, err)
		}
		seen[[2]int{ev.Writer, ev.I}] = true
	}
	if len(seen) != writers*each {
		t.Errorf("%d distinct lines; want %d", len(seen), writers*each)
	}
	if files, _ := Files(dir); len(files) < 3 {
		t.Errorf("%d log files; want the 4 KiB cap to have rotated several times", len(files))
	}
}

func TestTeeKeepsPersonalDataOutOfBothOutputs(t *testing.T) {
	dir := t.TempDir()
	lf := openTestFile(t, dir, FileOptions{})
	var console bytes.Buffer
	log, err := NewTee(&console, lf, Options{Format: Console})
	if err != nil {
		t.Fatal(err)
	}
	secrets := []string{"001085012345", "0912345678", "0912.345.678", "123456789"}
	log.Info().Str("citizen", secrets[0]).Msg("submitted")
	log.Warn().Msgf("call %s or %s", secrets[1], secrets[2])
	log.Info().Int64("cmnd", 123456789).Send() // a bare JSON number
	log.Info().Str("code", "000.00.01.H26-260930-0012").Msg("dossier accepted")
	file := readFile(t, lf.Path())
	for name, out := range map[string]string{"file": file, "console": console.String()} {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("the %s output contains %q:\n%s", name, s, out)
			}
		}
		if !strings.Contains(out, Mask) || !strings.Contains(out, "000.00.01.H26-260930-0012") {
			t.Errorf("the %s output lacks the mask or the dossier code:\n%s", name, out)
		}
	}
	for line := range strings.Lines(file) {
		if !json.Valid([]byte(line)) {
			t.Errorf("file line %q is not valid JSON", line)
		}
	}
	if strings.Contains(console.String(), `{"level"`) {
		t.Errorf("the console got JSON; want the console format:\n%s", console.String())
	}
}

func TestNewTeeRejectsBadOptions(t *testing.T) {
	for _, opts := range []Options{{Level: "loud"}, {Format: "xml"}} {
		if _, err := NewTee(io.Discard, io.Discard, opts); err == nil {
			t.Errorf("NewTee(%+v) error = nil; want an error naming the bad value", opts)
		}
	}
}

func TestExportCopiesTheLogs(t *testing.T) {
	dir := t.TempDir()
	lf := openTestFile(t, dir, FileOptions{MaxBytes: 64, Keep: 3})
	for i := range 10 {
		fmt.Fprintf(lf, "line %d %s\n", i, strings.Repeat("y", 20))
	}
	if err := os.WriteFile(filepath.Join(dir, "kiosk.db"), []byte("not a log"), 0o600); err != nil {
		t.Fatal(err)
	}
	stick := t.TempDir()
	if _, err := Export(dir, filepath.Join(stick, "not-mounted", "kiosk-01")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Export into a folder whose parent is missing = %v; want fs.ErrNotExist", err)
	}
	usb := filepath.Join(stick, "kiosk-01")
	copied, err := Export(dir, usb)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := Files(dir)
	if len(copied) != len(files) || len(files) != 4 {
		t.Fatalf("Export copied %v; want the 4 log files %v", copied, files)
	}
	for i, src := range files {
		if filepath.Base(copied[i]) != filepath.Base(src) {
			t.Errorf("copy %d is %s; want %s", i, copied[i], filepath.Base(src))
		}
		if got, want := readFile(t, copied[i]), readFile(t, src); got != want {
			t.Errorf("%s = %q; want the contents of %s, %q", copied[i], got, src, want)
		}
	}
	if _, err := os.Stat(filepath.Join(usb, "kiosk.db")); !os.IsNotExist(err) {
		t.Errorf("Export copied the database too (stat: %v); want only logs", err)
	}
}

func TestJSONRedactionKeepsLinesValid(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"a":"x 0912345678"}`, `{"a":"x [redacted]"}`},
		{`{"n":123456789012}`, `{"n":"[redacted]"}`},
		{`{"n":-123456789012,"m":1}`, `{"n":"[redacted]","m":1}`},
		{`{"f":0.1234567890123}`, `{"f":"[redacted]"}`},
		{`[123456789,"0912.345.678"]`, `["[redacted]","[redacted]"]`},
		{`{"s":"say \"0912345678\""}`, `{"s":"say \"[redacted]\""}`},
		{`{"s":"\u0001123456789012"}`, `{"s":"\u0001[redacted]"}`},
		{`{"s":"a\\","n":123456789012}`, `{"s":"a\\","n":"[redacted]"}`},
		{`{"d":"000.00.01.H26-260930-0012","n":42}`, `{"d":"000.00.01.H26-260930-0012","n":42}`},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		if _, err := RedactJSON(&buf).Write([]byte(tt.in)); err != nil {
			t.Fatal(err)
		}
		if got := buf.String(); got != tt.want || !json.Valid(buf.Bytes()) {
			t.Errorf("RedactJSON(%s) = %s (valid: %v); want %s", tt.in, got, json.Valid(buf.Bytes()), tt.want)
		}
	}
}
