// Package speech reads the kiosk's instructions aloud ("Nghe hướng dẫn")
// with the text-to-speech engine the machine already has: espeak-ng on
// Linux, Windows' own voices (System.Speech, through PowerShell) on
// Windows. Elsewhere, or without a voice for the language, the kiosk hides
// the button.
//
// What is read aloud may be a citizen's own answer, so the text is
// treated as personal data: it reaches the synthesizer on its standard
// input, never on its command line (which every local user can see in
// the process list), and it is never logged — only its length, the
// language and errors are.
package speech

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk"
)

// ErrUnavailable is returned when the machine cannot speak the language:
// no synthesizer, no voice for it, or (WriteWAV) not on Linux.
var ErrUnavailable = errors.New("speech: no voice for this language on this machine")

// DefaultRate is the speaking rate in words per minute: slower than the
// engines' usual 175–200, for elderly listeners.
const DefaultRate = 140

// DefaultDetectTimeout bounds the voice detection when Options leave it 0.
const DefaultDetectTimeout = 15 * time.Second

// stopWait bounds how long Stop waits for a killed synthesizer to exit,
// and waitDelay how long Wait waits for its pipes after it exited (a
// child it left behind may hold them).
const (
	stopWait  = 2 * time.Second
	waitDelay = time.Second
)

// Options configures a Speaker. The zero value is ready to use.
type Options struct {
	Log zerolog.Logger
	// Path is the synthesizer program: espeak-ng on Linux, powershell.exe
	// on Windows. "" looks it up with LookPath.
	Path string
	// LookPath finds a program in PATH; nil is exec.LookPath.
	LookPath func(file string) (string, error)
	// Command makes the synthesizer's process; nil is exec.CommandContext.
	// Tests inject one to see the commands the Speaker runs.
	Command func(ctx context.Context, name string, arg ...string) *exec.Cmd
	// Rate is the speaking rate in words per minute; 0 is DefaultRate.
	Rate int
	// DetectTimeout bounds the voice detection itself (PowerShell can
	// take seconds to start cold); 0 is DefaultDetectTimeout.
	DetectTimeout time.Duration
}

// Speaker reads text aloud, one voice at a time. It is safe for
// concurrent use.
type Speaker struct {
	log      zerolog.Logger
	be       backend
	path     string
	lookPath func(string) (string, error)
	command  func(context.Context, string, ...string) *exec.Cmd
	rate     int

	ready  chan struct{} // closed when detection has finished
	synth  string        // the synthesizer's path; written before ready closes
	voices map[kiosk.Lang]bool

	mu  sync.Mutex // serialises Speak and Stop: one voice at a time
	cur *utterance
}

// utterance is one running synthesizer process.
type utterance struct {
	cmd     *exec.Cmd
	cancel  context.CancelFunc
	done    chan struct{} // closed once the process has been waited for
	stopped atomic.Bool   // killed on purpose: not an error to log
}

// New returns a Speaker and starts finding out, in the background, which
// languages the machine can speak: on Linux one run of `espeak-ng
// --voices` (milliseconds), on Windows one PowerShell run listing the
// installed System.Speech voices (one to a few seconds when cold). The
// answer is kept for the Speaker's life. Available answers false until
// then, so building a screen right after New never stalls; Ready tells
// when the answer is in, for a screen that wants to show the button as
// soon as it can.
func New(opts Options) *Speaker {
	s := &Speaker{
		log:      opts.Log,
		be:       platform(),
		path:     opts.Path,
		lookPath: opts.LookPath,
		command:  opts.Command,
		rate:     opts.Rate,
		ready:    make(chan struct{}),
		voices:   map[kiosk.Lang]bool{},
	}
	if s.lookPath == nil {
		s.lookPath = exec.LookPath
	}
	if s.command == nil {
		s.command = exec.CommandContext
	}
	if s.rate <= 0 {
		s.rate = DefaultRate
	}
	timeout := opts.DetectTimeout
	if timeout <= 0 {
		timeout = DefaultDetectTimeout
	}
	go s.detect(timeout)
	return s
}

// Ready is closed once the Speaker knows which languages it can speak.
func (s *Speaker) Ready() <-chan struct{} { return s.ready }

// Available reports at once whether the Speaker can read lang aloud: it
// never waits, as screens ask it while they are built on the UI
// goroutine. Until the detection New started has finished it answers
// false; wait on Ready to hear when the answer is in.
func (s *Speaker) Available(lang kiosk.Lang) bool {
	select {
	case <-s.ready:
		return s.voices[lang]
	default:
		return false
	}
}

// detect finds the synthesizer and its voices, once.
func (s *Speaker) detect(timeout time.Duration) {
	defer close(s.ready)
	if s.be.program == "" {
		s.log.Info().Msg("speech: no synthesizer on this system; reading aloud is off")
		return
	}
	path := s.path
	if path == "" {
		p, err := s.lookPath(s.be.program)
		if err != nil {
			s.log.Info().Err(err).Str("program", s.be.program).Msg("speech: synthesizer not found; reading aloud is off")
			return
		}
		path = p
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := s.command(ctx, path, s.be.detectArgs...)
	out := &limitedBuffer{max: 1 << 20}
	cmd.Stdout = out
	cmd.WaitDelay = waitDelay
	s.be.prepare(cmd)
	if err := cmd.Run(); err != nil {
		s.log.Warn().Err(err).Str("program", path).Msg("speech: listing the voices failed; reading aloud is off")
		return
	}
	s.synth = path
	s.voices = s.be.parseVoices(out.String())
	s.log.Info().Str("program", path).Bool("vi", s.voices[kiosk.VI]).Bool("en", s.voices[kiosk.EN]).
		Msg("speech: voices detected")
}

// Speak starts reading text aloud in lang and returns once the
// synthesizer has started, or with an error (ErrUnavailable without a
// voice for lang). It first stops whatever was being read: one voice at a
// time. The voice goes on after Speak returns, until the text ends, Stop
// or another Speak, or ctx is cancelled — so pass a context that lives as
// long as the screen, not one that ends when the tap handler returns.
// Empty text only stops the voice.
func (s *Speaker) Speak(ctx context.Context, text string, lang kiosk.Lang) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked()
	if !s.Available(lang) {
		return ErrUnavailable
	}
	if strings.TrimSpace(text) == "" {
		return nil
	}
	uctx, cancel := context.WithCancel(ctx)
	cmd := s.command(uctx, s.synth, s.be.speakArgs(lang, s.rate)...)
	cmd.Stdin = strings.NewReader(text) // never in argv: see the package comment
	cmd.WaitDelay = waitDelay
	s.be.prepare(cmd)
	if err := cmd.Start(); err != nil {
		cancel()
		s.log.Warn().Err(err).Str("lang", string(lang)).Msg("speech: the synthesizer did not start")
		return fmt.Errorf("speech: %w", err)
	}
	u := &utterance{cmd: cmd, cancel: cancel, done: make(chan struct{})}
	s.cur = u
	s.log.Debug().Str("lang", string(lang)).Int("chars", utf8.RuneCountInString(text)).Msg("speech: reading aloud")
	go s.waitFor(u, lang)
	return nil
}

// waitFor reaps the utterance's process and logs how it ended.
func (s *Speaker) waitFor(u *utterance, lang kiosk.Lang) {
	err := u.cmd.Wait()
	u.cancel()
	switch {
	case u.stopped.Load():
		s.log.Debug().Str("lang", string(lang)).Msg("speech: stopped")
	case err != nil:
		// An *exec.ExitError says only "exit status N": no text.
		s.log.Warn().Err(err).Str("lang", string(lang)).Msg("speech: the synthesizer failed")
	default:
		s.log.Debug().Str("lang", string(lang)).Msg("speech: done")
	}
	close(u.done)
	s.mu.Lock()
	if s.cur == u {
		s.cur = nil
	}
	s.mu.Unlock()
}

// Close silences the voice and waits for the voice detection New started
// (at most Options.DetectTimeout): no synthesizer runs once the kiosk has
// stopped. espeak-ng, for one, writes its audio settings under the user's
// home even to list voices.
func (s *Speaker) Close() {
	s.Stop()
	<-s.ready
}

// Stop silences the voice, if any, and returns once its process has
// ended (or after two seconds, logged, if it will not).
func (s *Speaker) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked()
}

func (s *Speaker) stopLocked() {
	u := s.cur
	if u == nil {
		return
	}
	s.cur = nil
	u.stopped.Store(true)
	u.cancel()
	if u.cmd.Process != nil {
		_ = u.cmd.Process.Kill() // also when Command ignored the context
	}
	t := time.NewTimer(stopWait)
	defer t.Stop()
	select {
	case <-u.done:
	case <-t.C:
		s.log.Warn().Msg("speech: the synthesizer did not stop in time")
	}
}

// WriteWAV writes text spoken in lang to w as a WAV file (RIFF, 16-bit
// PCM mono), for tests and for checking a voice. It runs on Linux only,
// with espeak-ng, and returns ErrUnavailable elsewhere or without a voice
// for lang. It waits for the voice detection as long as ctx allows. The
// header's sizes are espeak-ng's "unknown length" values (about 2 GB)
// because it streams: a reader takes the data up to the end of the file.
func (s *Speaker) WriteWAV(ctx context.Context, text string, lang kiosk.Lang, w io.Writer) error {
	if s.be.wavArgs == nil {
		return ErrUnavailable
	}
	select {
	case <-s.ready:
	case <-ctx.Done():
		return ctx.Err()
	}
	if !s.voices[lang] {
		return ErrUnavailable
	}
	cmd := s.command(ctx, s.synth, s.be.wavArgs(lang, s.rate)...)
	cmd.Stdin = strings.NewReader(text)
	cmd.Stdout = w
	cmd.WaitDelay = waitDelay
	s.be.prepare(cmd)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("speech: writing WAV: %w", err)
	}
	return nil
}

// backend is what differs between systems: which program speaks, with
// which arguments, and how it lists its voices.
type backend struct {
	program     string // "" when the system has no synthesizer
	detectArgs  []string
	parseVoices func(out string) map[kiosk.Lang]bool
	speakArgs   func(lang kiosk.Lang, rate int) []string
	wavArgs     func(lang kiosk.Lang, rate int) []string // nil: no WAV output
	prepare     func(cmd *exec.Cmd)                      // system-specific process attributes
}

// limitedBuffer keeps the first max bytes written to it and drops the
// rest, so a runaway program cannot fill memory.
type limitedBuffer struct {
	b   strings.Builder
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.b.Len(); room > 0 {
		l.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string { return l.b.String() }
