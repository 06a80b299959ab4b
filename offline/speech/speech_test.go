package speech

import (
	"context"
	"errors"
	"io"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/kiosk/kiosk"
)

// notFound is a LookPath that finds nothing.
func notFound(file string) (string, error) {
	return "", &exec.Error{Name: file, Err: exec.ErrNotFound}
}

func TestUnavailableWithoutSynthesizer(t *testing.T) {
	s := New(Options{LookPath: notFound})
	select {
	case <-s.Ready():
	case <-time.After(5 * time.Second):
		t.Fatal("detection did not finish")
	}
	for _, lang := range []kiosk.Lang{kiosk.VI, kiosk.EN, "fr"} {
		if s.Available(lang) {
			t.Errorf("Available(%q) = true with no synthesizer in PATH; want false", lang)
		}
		if err := s.Speak(context.Background(), "Bước 1", lang); !errors.Is(err, ErrUnavailable) {
			t.Errorf("Speak(%q) = %v; want ErrUnavailable", lang, err)
		}
		if err := s.WriteWAV(context.Background(), "Bước 1", lang, io.Discard); !errors.Is(err, ErrUnavailable) {
			t.Errorf("WriteWAV(%q) = %v; want ErrUnavailable", lang, err)
		}
	}
	s.Stop() // nothing to stop: no panic
}

func TestAvailableNeverWaits(t *testing.T) {
	slow := func(file string) (string, error) {
		time.Sleep(2 * time.Second)
		return notFound(file)
	}
	s := New(Options{LookPath: slow})
	start := time.Now()
	if s.Available(kiosk.VI) {
		t.Error("Available = true before detection finished; want false")
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("Available took %v while detection ran; want an answer at once", d)
	}
}

func TestParseEspeakVoices(t *testing.T) {
	out := `Pty Language       Age/Gender VoiceName          File                 Other Languages
 5  af              --/M      Afrikaans          gmw/af
 2  en-gb           --/M      English_(Great_Britain) gmw/en               (en 2)
 5  vi              --/M      Vietnamese_(Northern) aav/vi
 5  vi-vn-x-south   --/M      Vietnamese_(Southern) aav/vi-VN-x-south
`
	got := parseEspeakVoices(out)
	if !got[kiosk.VI] || !got[kiosk.EN] {
		t.Errorf("parseEspeakVoices = %v; want vi and en", got)
	}
	got = parseEspeakVoices("Pty Language Age/Gender VoiceName File Other Languages\n 5  vec  --/M  Venetian  roa/vec\n 5  eo  --/M  Esperanto  art/eo\n")
	if got[kiosk.VI] || got[kiosk.EN] {
		t.Errorf("parseEspeakVoices(vec, eo) = %v; want neither vi nor en", got)
	}
}

func TestEspeakArgs(t *testing.T) {
	tests := []struct {
		lang kiosk.Lang
		rate int
		want []string
	}{
		{kiosk.VI, 140, []string{"-v", "vi", "-s", "140", "-b", "1", "--stdin"}},
		{kiosk.EN, 140, []string{"-v", "en", "-s", "140", "-b", "1", "--stdin"}},
		{kiosk.VI, 10, []string{"-v", "vi", "-s", "80", "-b", "1", "--stdin"}},
		{kiosk.VI, 9000, []string{"-v", "vi", "-s", "450", "-b", "1", "--stdin"}},
	}
	for _, tt := range tests {
		if got := espeakArgs(tt.lang, tt.rate); !slices.Equal(got, tt.want) {
			t.Errorf("espeakArgs(%q, %d) = %q; want %q", tt.lang, tt.rate, got, tt.want)
		}
	}
	if got := espeakBackend().wavArgs(kiosk.VI, 140); got[len(got)-1] != "--stdout" {
		t.Errorf("WAV args %q; want --stdout", got)
	}
}

func TestSAPIScripts(t *testing.T) {
	for _, lang := range []kiosk.Lang{kiosk.VI, kiosk.EN} {
		script := sapiSpeakScript(lang, DefaultRate)
		for _, bad := range []string{`"`, "\n", "CULTURE", "RATE"} {
			if strings.Contains(script, bad) {
				t.Errorf("speak script for %q contains %q:\n%s", lang, bad, script)
			}
		}
		if want := "-like '" + sapiCultures[lang] + "'"; !strings.Contains(script, want) {
			t.Errorf("speak script for %q lacks %q", lang, want)
		}
		if !strings.Contains(script, "$synth.Rate = -2;") {
			t.Errorf("speak script for %q does not set the rate -2 for %d wpm", lang, DefaultRate)
		}
		args := sapiBackend().speakArgs(lang, DefaultRate)
		if i := slices.Index(args, "-Command"); i < 0 || i != len(args)-2 || args[i+1] != script {
			t.Errorf("powershell args %q; want -Command and the script last", args)
		}
	}
	if strings.ContainsAny(sapiListVoices, "\"\n") {
		t.Errorf("voice list script has a double quote or a line break: %s", sapiListVoices)
	}
}

func TestSAPIRate(t *testing.T) {
	for wpm, want := range map[int]int{180: 0, 140: -2, 100: -4, 0: -9, -500: -10, 2000: 10} {
		if got := sapiRate(wpm); got != want {
			t.Errorf("sapiRate(%d) = %d; want %d", wpm, got, want)
		}
	}
}

func TestParseCultures(t *testing.T) {
	got := parseCultures("en-US\r\nvi-VN\r\n")
	if !got[kiosk.VI] || !got[kiosk.EN] {
		t.Errorf("parseCultures = %v; want vi and en", got)
	}
	if got := parseCultures("en-GB\r\n"); got[kiosk.VI] || !got[kiosk.EN] {
		t.Errorf("parseCultures(en-GB) = %v; want en only", got)
	}
}

func TestLimitedBuffer(t *testing.T) {
	b := &limitedBuffer{max: 4}
	for _, s := range []string{"ab", "cdef", "gh"} {
		if n, err := b.Write([]byte(s)); n != len(s) || err != nil {
			t.Errorf("Write(%q) = %d, %v; want all taken", s, n, err)
		}
	}
	if b.String() != "abcd" {
		t.Errorf("kept %q; want %q", b.String(), "abcd")
	}
}

func TestCloseWaitsForTheVoiceDetection(t *testing.T) {
	if platform().program == "" {
		t.Skip("no synthesizer is looked for on " + runtime.GOOS)
	}
	release := make(chan struct{})
	done := make(chan struct{})
	slow := func(file string) (string, error) {
		<-release
		close(done)
		return notFound(file)
	}
	s := New(Options{LookPath: slow})
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
		t.Fatal("Close returned while the voice detection still ran")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	<-done
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return after the detection ended")
	}
}
