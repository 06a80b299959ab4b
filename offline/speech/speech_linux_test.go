package speech

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk"
)

// fakeEspeak writes a stand-in for espeak-ng into dir: it lists a
// Vietnamese and an English voice, and otherwise records its arguments
// and stdin, appends its PID to dir/pids and sleeps, like a long
// utterance.
func fakeEspeak(t *testing.T, dir string) string {
	t.Helper()
	script := `#!/bin/sh
dir='` + dir + `'
case "$*" in
*--voices*)
	echo 'Pty Language       Age/Gender VoiceName          File                 Other Languages'
	echo ' 5  vi              --/M      Vietnamese_(Northern) aav/vi'
	echo ' 2  en-gb           --/M      English_(Great_Britain) gmw/en               (en 2)'
	exit 0;;
esac
echo "$*" > "$dir/args.$$"
cat > "$dir/stdin.$$"
echo $$ >> "$dir/pids"
exec sleep 60
`
	path := filepath.Join(dir, "espeak-ng")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// recorder is a Command factory that keeps every command it makes.
type recorder struct {
	mu   sync.Mutex
	cmds []*exec.Cmd
}

func (r *recorder) command(ctx context.Context, name string, arg ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, arg...)
	r.mu.Lock()
	r.cmds = append(r.cmds, cmd)
	r.mu.Unlock()
	return cmd
}

func (r *recorder) all() []*exec.Cmd {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*exec.Cmd(nil), r.cmds...)
}

// waitPID waits for the n-th utterance of the fake synthesizer to start.
func waitPID(t *testing.T, dir string, n int) int {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		data, _ := os.ReadFile(filepath.Join(dir, "pids"))
		if lines := strings.Fields(string(data)); len(lines) >= n {
			pid, err := strconv.Atoi(lines[n-1])
			if err != nil {
				t.Fatal(err)
			}
			return pid
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("utterance %d did not start", n)
	return 0
}

// alive reports whether the process exists (a zombie counts: it has not
// been waited for).
func alive(pid int) bool { return syscall.Kill(pid, 0) == nil }

// waitGone waits for a process to end and be reaped.
func waitGone(pid int) bool {
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		if !alive(pid) {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
}

func newFakeSpeaker(t *testing.T) (s *Speaker, dir string, rec *recorder, logs *syncWriter) {
	t.Helper()
	dir = t.TempDir()
	rec = &recorder{}
	logs = &syncWriter{}
	s = New(Options{
		Log:     zerolog.New(logs).Level(zerolog.DebugLevel),
		Path:    fakeEspeak(t, dir),
		Command: rec.command,
	})
	t.Cleanup(s.Stop)
	<-s.Ready()
	if !s.Available(kiosk.VI) || !s.Available(kiosk.EN) {
		t.Fatalf("Available(vi, en) = %v, %v with the fake espeak-ng; want true, true", s.Available(kiosk.VI), s.Available(kiosk.EN))
	}
	return s, dir, rec, logs
}

// TestSpeakTextOnlyOnStdin: a personal ID read aloud must not show in
// the process list (argv, environment) nor in the logs.
func TestSpeakTextOnlyOnStdin(t *testing.T) {
	s, dir, rec, logs := newFakeSpeaker(t)
	const secret = "001203004567"
	if err := s.Speak(context.Background(), secret, kiosk.VI); err != nil {
		t.Fatalf("Speak: %v", err)
	}
	pid := waitPID(t, dir, 1)
	cmds := rec.all()
	if len(cmds) != 2 { // the voice list, then the utterance
		t.Fatalf("%d commands run; want 2", len(cmds))
	}
	speak := cmds[1]
	if want := []string{"-v", "vi", "-s", "140", "-b", "1", "--stdin"}; strings.Join(speak.Args[1:], " ") != strings.Join(want, " ") {
		t.Errorf("args %q; want %q", speak.Args[1:], want)
	}
	for _, cmd := range cmds {
		for _, a := range append(append([]string{cmd.Path}, cmd.Args...), cmd.Env...) {
			if strings.Contains(a, secret) {
				t.Errorf("the text is in the command line or environment: %q", a)
			}
		}
	}
	if speak.Stdin == nil {
		t.Error("Stdin is nil; want the text on stdin")
	}
	got, err := os.ReadFile(filepath.Join(dir, "stdin."+strconv.Itoa(pid)))
	if err != nil || string(got) != secret {
		t.Errorf("the synthesizer read %q, %v on stdin; want %q", got, err, secret)
	}
	args, _ := os.ReadFile(filepath.Join(dir, "args."+strconv.Itoa(pid)))
	if strings.Contains(string(args), secret) {
		t.Errorf("the synthesizer got the text as arguments: %q", args)
	}
	s.Stop()
	if l := logs.String(); strings.Contains(l, secret) {
		t.Errorf("the text is in the log:\n%s", l)
	} else if !strings.Contains(l, `"chars":12`) {
		t.Errorf("the log lacks the text's length:\n%s", l)
	}
}

// TestOneVoiceAtATime: a second Speak kills the first synthesizer before
// it starts, and Stop kills the second.
func TestOneVoiceAtATime(t *testing.T) {
	s, dir, _, _ := newFakeSpeaker(t)
	if err := s.Speak(context.Background(), "Bước 3: Nhập họ và tên của bạn, rồi bấm Tiếp tục.", kiosk.VI); err != nil {
		t.Fatal(err)
	}
	first := waitPID(t, dir, 1)
	if !alive(first) {
		t.Fatal("the first synthesizer is not running")
	}
	if err := s.Speak(context.Background(), "Step 3: Enter your full name, then tap Continue.", kiosk.EN); err != nil {
		t.Fatal(err)
	}
	// Speak returned: the first is already killed and reaped.
	if alive(first) {
		t.Errorf("the first synthesizer (pid %d) still runs after a second Speak", first)
	}
	second := waitPID(t, dir, 2)
	args, _ := os.ReadFile(filepath.Join(dir, "args."+strconv.Itoa(second)))
	if !strings.Contains(string(args), "-v en ") {
		t.Errorf("second utterance args %q; want the English voice", args)
	}
	s.Stop()
	if alive(second) {
		t.Errorf("the second synthesizer (pid %d) still runs after Stop", second)
	}
	// Empty text stops and starts nothing.
	if err := s.Speak(context.Background(), "  ", kiosk.VI); err != nil {
		t.Errorf("Speak(empty) = %v; want nil", err)
	}
}

func TestSpeakStopsWithItsContext(t *testing.T) {
	s, dir, _, _ := newFakeSpeaker(t)
	ctx, cancel := context.WithCancel(context.Background())
	if err := s.Speak(ctx, "Bước 1", kiosk.VI); err != nil {
		t.Fatal(err)
	}
	pid := waitPID(t, dir, 1)
	cancel()
	if !waitGone(pid) {
		t.Errorf("the synthesizer (pid %d) still runs after its context ended", pid)
	}
}

func TestSpeakReportsAStartFailure(t *testing.T) {
	s, _, _, _ := newFakeSpeaker(t)
	s.synth = filepath.Join(t.TempDir(), "gone") // removed after detection
	err := s.Speak(context.Background(), "Bước 1", kiosk.VI)
	if err == nil || errors.Is(err, ErrUnavailable) {
		t.Errorf("Speak with the program gone = %v; want the start error", err)
	}
}

const wavText = "Bước 3: Nhập họ và tên của bạn, rồi bấm Tiếp tục."

// TestWriteWAVVietnamese speaks a step instruction with the real
// espeak-ng and checks the sound: PCM 16-bit, over a second long, not
// silence, and slower at the kiosk's rate than at double speed.
func TestWriteWAVVietnamese(t *testing.T) {
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("SKIPPED: espeak-ng is not installed, so Vietnamese speech is NOT tested. " +
			"Install the Debian package espeak-ng (apt-get install espeak-ng) to run this test.")
	}
	s := New(Options{})
	select {
	case <-s.Ready():
	case <-time.After(20 * time.Second):
		t.Fatal("voice detection did not finish")
	}
	if !s.Available(kiosk.VI) {
		t.Skip("SKIPPED: espeak-ng has no Vietnamese voice (vi), so Vietnamese speech is NOT tested. " +
			"Install the Debian packages espeak-ng and espeak-ng-data.")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var buf bytes.Buffer
	if err := s.WriteWAV(ctx, wavText, kiosk.VI, &buf); err != nil {
		t.Fatalf("WriteWAV: %v", err)
	}
	w, err := parseWAV(buf.Bytes())
	if err != nil {
		t.Fatalf("parseWAV: %v", err)
	}
	if w.format != 1 || w.bits != 16 || w.rate < 8000 || w.channels < 1 {
		t.Fatalf("format %d, %d bits, %d Hz, %d channels; want PCM (1), 16 bits, at least 8000 Hz", w.format, w.bits, w.rate, w.channels)
	}
	d, rms := w.duration(), w.rms()
	t.Logf("Vietnamese at %d wpm: %v, %d Hz, RMS %.3f", DefaultRate, d, w.rate, rms)
	if d <= time.Second {
		t.Errorf("duration %v; want more than 1 s for a whole sentence", d)
	}
	if rms < 0.01 {
		t.Errorf("RMS %.4f of full scale; want above 0.01, not silence", rms)
	}

	fast := New(Options{Rate: 2 * DefaultRate})
	var fbuf bytes.Buffer
	if err := fast.WriteWAV(ctx, wavText, kiosk.VI, &fbuf); err != nil {
		t.Fatalf("WriteWAV at %d wpm: %v", 2*DefaultRate, err)
	}
	fw, err := parseWAV(fbuf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if fd := fw.duration(); d < fd*13/10 {
		t.Errorf("%v at %d wpm, %v at %d wpm; want the kiosk's rate clearly slower", d, DefaultRate, fd, 2*DefaultRate)
	}
}

// syncWriter is a log sink that the Speaker's goroutines and the test may
// use at once.
type syncWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}
