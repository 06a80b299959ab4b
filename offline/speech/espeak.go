package speech

import (
	"os/exec"
	"strconv"
	"strings"

	"github.com/motcua/kiosk/kiosk"
)

// espeakVoices are the espeak-ng voices the kiosk speaks with.
var espeakVoices = map[kiosk.Lang]string{kiosk.VI: "vi", kiosk.EN: "en"}

// espeak-ng accepts speeds from 80 to 450 words per minute.
const espeakMinRate, espeakMaxRate = 80, 450

// espeakBackend speaks with espeak-ng (1.51 on Debian 12: package
// espeak-ng). It reads the whole text from stdin (--stdin), as UTF-8
// (-b 1) whatever the locale, and plays it on the default audio device or
// writes a WAV file to stdout (--stdout).
func espeakBackend() backend {
	return backend{
		program:     "espeak-ng",
		detectArgs:  []string{"--voices"},
		parseVoices: parseEspeakVoices,
		speakArgs:   func(lang kiosk.Lang, rate int) []string { return espeakArgs(lang, rate) },
		wavArgs: func(lang kiosk.Lang, rate int) []string {
			return append(espeakArgs(lang, rate), "--stdout")
		},
		prepare: func(*exec.Cmd) {},
	}
}

func espeakArgs(lang kiosk.Lang, rate int) []string {
	rate = min(max(rate, espeakMinRate), espeakMaxRate)
	return []string{"-v", espeakVoices[lang], "-s", strconv.Itoa(rate), "-b", "1", "--stdin"}
}

// parseEspeakVoices reads `espeak-ng --voices`:
//
//	Pty Language       Age/Gender VoiceName          File                 Other Languages
//	 5  vi              --/M      Vietnamese_(Northern) aav/vi
//	 2  en-gb           --/M      English_(Great_Britain) gmw/en               (en 2)
//
// A language is there when a voice's language is its code or a regional
// form of it (vi-vn-x-south, en-us).
func parseEspeakVoices(out string) map[kiosk.Lang]bool {
	found := map[kiosk.Lang]bool{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || f[0] == "Pty" {
			continue
		}
		code := strings.ToLower(f[1])
		for lang := range espeakVoices {
			if code == string(lang) || strings.HasPrefix(code, string(lang)+"-") {
				found[lang] = true
			}
		}
	}
	return found
}
