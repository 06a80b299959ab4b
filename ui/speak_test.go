package ui

import (
	"context"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
)

// fakeSpeaker keeps what it was asked to say; it has a voice for voices.
type fakeSpeaker struct {
	mu     sync.Mutex
	voices map[kiosk.Lang]bool
	said   []string
	stops  int
}

func (s *fakeSpeaker) Available(l kiosk.Lang) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.voices[l]
}

func (s *fakeSpeaker) Speak(_ context.Context, text string, _ kiosk.Lang) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.said = append(s.said, text)
	return nil
}

func (s *fakeSpeaker) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stops++
}

func (s *fakeSpeaker) last() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.said) == 0 {
		return ""
	}
	return s.said[len(s.said)-1]
}

func TestReadAloudReadsTheStepNeverTheAnswerUnlessAsked(t *testing.T) {
	sp := &fakeSpeaker{voices: map[kiosk.Lang]bool{kiosk.VI: true}}
	k, w := newHomeKiosk(t, Options{Speaker: sp, Submitter: &recordingSubmitter{}})
	test.Tap(findButton(t, w, "Nghe hướng dẫn"))
	if !strings.Contains(sp.last(), "Nộp hồ sơ") {
		t.Errorf("on the home screen it read %q; want the home screen's instruction", sp.last())
	}
	toFirstQuestion(t, w)
	entry := findShown(t, w, "the answer box", func(*widget.Entry) bool { return true })
	test.Type(entry, "Trần Minh An")
	test.Tap(findButton(t, w, "Nghe hướng dẫn"))
	said := sp.last()
	if !strings.Contains(said, "Bước 1 / 21") || !strings.Contains(said, "Họ, chữ đệm và tên của trẻ") {
		t.Errorf("on the first question it read %q; want the step and the question", said)
	}
	if strings.Contains(said, "Trần Minh An") {
		t.Errorf("the instruction read the citizen's answer aloud: %q", said)
	}
	test.Tap(findButton(t, w, "Đọc câu trả lời của tôi"))
	if sp.last() != "Trần Minh An" {
		t.Errorf("asked to read the answer it read %q", sp.last())
	}

	// Going home silences whatever is being read.
	stops := sp.stops
	k.goHome()
	if sp.stops == stops {
		t.Errorf("the session ended without stopping the speech")
	}

	// No voice for English: no buttons in English.
	k.setLang(kiosk.EN)
	if shows(w, "Listen") {
		t.Errorf("without an English voice the kiosk offers to read English aloud")
	}
}

func TestNoReadAloudWithoutASpeaker(t *testing.T) {
	_, w := newHomeKiosk(t, Options{})
	if shows(w, "Nghe hướng dẫn") {
		t.Errorf("a kiosk without speech shows the read-aloud button")
	}
}

func TestSpelledReadsDigitsOneByOne(t *testing.T) {
	for in, want := range map[string]string{
		"001190012345": "0 0 1 1 9 0 0 1 2 3 4 5",
		"12 Lê Lợi":    "1 2 Lê Lợi",
		"Trần An":      "Trần An",
		"":             "",
	} {
		if got := spelled(in); got != want {
			t.Errorf("spelled(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestReadAloudAppearsWhenTheVoicesAreFound(t *testing.T) {
	sp := &fakeSpeaker{} // still looking: no voice yet
	k, w := newHomeKiosk(t, Options{Speaker: sp})
	if shows(w, "Nghe hướng dẫn") {
		t.Fatal("the read-aloud button shows before any voice is known")
	}
	sp.mu.Lock()
	sp.voices = map[kiosk.Lang]bool{kiosk.VI: true}
	sp.mu.Unlock()
	k.SpeakerReady()
	if !shows(w, "Nghe hướng dẫn") {
		t.Errorf("after the voices were found the header shows %q; want the read-aloud button", shownTexts(w))
	}
}
