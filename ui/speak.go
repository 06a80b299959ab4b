package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
)

// Read aloud (Nghe hướng dẫn): the header's speaker button reads what the
// screen asks, in the kiosk's language. It reads the instruction, never an
// answer: a citizen's details are read only when they ask for their own
// answer to be read, with the button beside it.

// Speaker reads text aloud. Available is asked on the UI goroutine and
// must answer at once; Speak is called off it and returns once speech has
// started; a new Speak stops the one before.
type Speaker interface {
	Available(lang kiosk.Lang) bool
	Speak(ctx context.Context, text string, lang kiosk.Lang) error
	Stop()
}

// speakWait bounds starting one speech.
const speakWait = 5 * time.Second

// canSpeak reports whether the kiosk can read aloud in the language on
// screen: without a voice for it the buttons are not shown at all.
func (k *Kiosk) canSpeak() bool {
	return k.opts.Speaker != nil && k.opts.Speaker.Available(k.tr.lang)
}

// SpeakerReady is for when the Speaker has learned which voices it has
// (it looks in the background at start): the read-aloud button appears
// if there is a voice for the language on screen. Call it on the UI
// goroutine.
func (k *Kiosk) SpeakerReady() {
	if k.head != nil {
		k.refreshHeader()
	}
}

// speak reads text aloud off the UI goroutine.
func (k *Kiosk) speak(text string) {
	k.activity()
	sp, lang := k.opts.Speaker, k.tr.lang
	if sp == nil || text == "" {
		return
	}
	k.detach(speakWait, func(ctx context.Context) {
		_ = sp.Speak(ctx, text, lang) // no voice is no harm: the screen says it all
	})
}

// stopSpeaking silences the kiosk when the session ends, so nothing of one
// citizen's is still being read to the next.
func (k *Kiosk) stopSpeaking() {
	if k.opts.Speaker != nil {
		k.opts.Speaker.Stop()
	}
}

// onReadAloud is the header's button.
func (k *Kiosk) onReadAloud() { k.speak(k.instruction()) }

// instruction is what the screen on show asks the citizen to do, in
// words for the ear: the step and its question, never an answer.
func (k *Kiosk) instruction() string {
	tr := k.tr
	switch k.screen {
	case screenProcedure:
		if p := k.current; p != nil {
			return sentences(p.Name.In(tr.lang), p.Summary.In(tr.lang), tr.T("speak.procedure"))
		}
	case screenWizard:
		if j := k.journey; j != nil {
			return k.stepInstruction(j)
		}
	}
	if key, ok := spokenScreens[k.screen]; ok {
		return tr.T(key)
	}
	return ""
}

// spokenScreens are the screens read aloud by a fixed instruction.
var spokenScreens = map[screenID]string{
	screenHome: "speak.home", screenCatalog: "speak.catalog", screenConsent: "speak.consent",
	screenIdentity: "speak.identity", screenSending: "sending", screenDone: "speak.done",
	screenTrack: "speak.track", screenResume: "speak.resume", screenHandoff: "speak.handoff",
	screenPay: "speak.pay", screenPractice: "speak.practice",
}

// stepInstruction reads a form's page: where the citizen is, the question
// and its help, and how to answer.
func (k *Kiosk) stepInstruction(j *kiosk.Journey) string {
	tr, lang := k.tr, k.tr.lang
	n, total := j.Progress()
	where := tr.T("wizard.progress", "n", n, "total", total)
	switch st := j.Current(); st.Kind {
	case kiosk.StepField:
		how := "speak.type"
		switch st.Field.Kind {
		case kiosk.KindSelect, kiosk.KindYesNo:
			how = "speak.choose"
		}
		return sentences(where, st.Field.Label.In(lang), st.Field.Help.In(lang), tr.T(how))
	case kiosk.StepAttachments:
		return sentences(where, tr.T("speak.papers"))
	}
	return sentences(where, tr.T("speak.review"))
}

// sentences joins parts into sentences, each ended once.
func sentences(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p)
		if !strings.ContainsAny(p[len(p)-1:], ".?!:") {
			b.WriteByte('.')
		}
	}
	return b.String()
}

// readAnswerButton reads the citizen's own answer aloud, at their asking:
// the only way a personal detail is ever spoken. nil when the kiosk has no
// voice.
func (k *Kiosk) readAnswerButton(e *widget.Entry) *widget.Button {
	if !k.canSpeak() {
		return nil
	}
	return &widget.Button{Text: k.tr.T("speak.answer"), Icon: theme.VolumeUpIcon(), Importance: widget.LowImportance,
		OnTapped: func() { k.speak(spelled(e.Text)) }}
}

// spelled makes digits read one by one ("0 9 1 2…"): a number read as a
// quantity ("nine hundred million…") is no use for checking an ID.
func spelled(s string) string {
	var b strings.Builder
	prevDigit := false
	for _, r := range s {
		digit := r >= '0' && r <= '9'
		if digit && prevDigit {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		prevDigit = digit
	}
	return b.String()
}
