package speech

import (
	"math"
	"strconv"
	"strings"

	"github.com/motcua/kiosk/kiosk"
)

// Windows speaks through PowerShell and .NET Framework's System.Speech,
// which every Windows 10 and 11 has: nothing to install for the kiosk.
// System.Speech sees only the desktop (SAPI 5) voices. The Vietnamese
// voice of Windows' speech language pack ("Microsoft An", vi-VN) is a
// OneCore voice: unless the kiosk's image also registers it as a desktop
// voice, or installs a SAPI 5 Vietnamese voice, Available(vi) is false
// and the kiosk hides the button rather than read Vietnamese with an
// English voice.
//
// The scripts are fixed text of one line, statements joined by "; ",
// with no double quote in them, so that Go's quoting of the command line
// reaches PowerShell's -Command intact. The text to speak is only ever on
// stdin, read as UTF-8 whatever the console code page. (-EncodedCommand
// would dodge quoting too, but endpoint protection flags it: it is how
// malware hides its scripts.)

// sapiCultures are the cultures whose voices speak each language, as
// PowerShell -like patterns.
var sapiCultures = map[kiosk.Lang]string{kiosk.VI: "vi-*", kiosk.EN: "en-*"}

// sapiListVoices prints the culture of every enabled voice, one a line.
var sapiListVoices = strings.Join([]string{
	"$ErrorActionPreference = 'Stop'",
	"Add-Type -AssemblyName System.Speech",
	"$synth = New-Object System.Speech.Synthesis.SpeechSynthesizer",
	"foreach ($v in $synth.GetInstalledVoices()) { if ($v.Enabled) { [Console]::Out.WriteLine($v.VoiceInfo.Culture.Name) } }",
	"$synth.Dispose()",
}, "; ")

// sapiSpeak reads stdin to its end as UTF-8 and speaks it with the first
// enabled voice of the culture CULTURE at rate RATE, on the default audio
// device; it exits 3 when no voice has the culture.
var sapiSpeak = strings.Join([]string{
	"$ErrorActionPreference = 'Stop'",
	"Add-Type -AssemblyName System.Speech",
	"$utf8 = New-Object System.Text.UTF8Encoding -ArgumentList $false",
	"$reader = New-Object System.IO.StreamReader -ArgumentList ([Console]::OpenStandardInput()), $utf8",
	"$text = $reader.ReadToEnd()",
	"$reader.Dispose()",
	"$synth = New-Object System.Speech.Synthesis.SpeechSynthesizer",
	"$voice = $null",
	"foreach ($v in $synth.GetInstalledVoices()) { if ($v.Enabled -and $v.VoiceInfo.Culture.Name -like 'CULTURE') { $voice = $v.VoiceInfo.Name; break } }",
	"if ($null -eq $voice) { [Console]::Error.WriteLine('speech: no voice for CULTURE'); exit 3 }",
	"$synth.SelectVoice($voice)",
	"$synth.Rate = RATE",
	"$synth.SetOutputToDefaultAudioDevice()",
	"$synth.Speak($text)",
	"$synth.Dispose()",
}, "; ")

// sapiArgs are powershell.exe's arguments to run script.
func sapiArgs(script string) []string {
	return []string{"-NoLogo", "-NoProfile", "-NonInteractive", "-Command", script}
}

// sapiSpeakScript is sapiSpeak for one language and rate.
func sapiSpeakScript(lang kiosk.Lang, wpm int) string {
	return strings.NewReplacer("CULTURE", sapiCultures[lang], "RATE", strconv.Itoa(sapiRate(wpm))).Replace(sapiSpeak)
}

// sapiRate turns words per minute into SAPI's rate, -10 to 10, where 0 is
// the voice's normal pace (about 180 words a minute) and each step is
// roughly 20 words a minute: 140 → -2.
func sapiRate(wpm int) int {
	r := int(math.Round(float64(wpm-180) / 20))
	return min(max(r, -10), 10)
}

// parseCultures reads sapiListVoices' output.
func parseCultures(out string) map[kiosk.Lang]bool {
	found := map[kiosk.Lang]bool{}
	for _, line := range strings.Split(out, "\n") {
		c := strings.ToLower(strings.TrimSpace(line))
		for lang := range sapiCultures {
			if c == string(lang) || strings.HasPrefix(c, string(lang)+"-") {
				found[lang] = true
			}
		}
	}
	return found
}

// sapiBackend is the Windows backend but for the process attributes,
// which only compile on Windows.
func sapiBackend() backend {
	return backend{
		program:     "powershell.exe",
		detectArgs:  sapiArgs(sapiListVoices),
		parseVoices: parseCultures,
		speakArgs:   func(lang kiosk.Lang, rate int) []string { return sapiArgs(sapiSpeakScript(lang, rate)) },
	}
}
