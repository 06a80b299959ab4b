package ui

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/motcua/kiosk/assets"
	"github.com/motcua/kiosk/kiosk"
)

// translator turns message keys into text in the current language. Fyne's
// own lang package cannot switch language while the app runs (fyne issue
// 5333), so the kiosk keeps this small one over its embedded files and
// rebuilds the screen on a switch.
type translator struct {
	lang    kiosk.Lang
	strings map[kiosk.Lang]map[string]string
}

func newTranslator(lang kiosk.Lang) (*translator, error) {
	tr := &translator{lang: lang, strings: map[kiosk.Lang]map[string]string{}}
	for _, l := range []kiosk.Lang{kiosk.VI, kiosk.EN} {
		m := map[string]string{}
		if err := json.Unmarshal(assets.Translations(string(l)), &m); err != nil {
			return nil, fmt.Errorf("translations %s: %w", l, err)
		}
		tr.strings[l] = m
	}
	return tr, nil
}

// T returns the text for key with each {name} replaced by the value that
// follows name in args: T("catalog.results", "count", 3). A missing key
// shows as the key itself, so a gap is visible rather than blank.
func (tr *translator) T(key string, args ...any) string {
	s, ok := tr.strings[tr.lang][key]
	if !ok {
		s, ok = tr.strings[kiosk.VI][key]
	}
	if !ok {
		return key
	}
	for i := 0; i+1 < len(args); i += 2 {
		s = strings.ReplaceAll(s, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	return s
}
