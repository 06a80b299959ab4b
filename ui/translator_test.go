package ui

import (
	"encoding/json"
	"testing"

	"github.com/motcua/kiosk/assets"

	"github.com/motcua/kiosk/kiosk"
)

func TestTranslationsAreComplete(t *testing.T) {
	tr, err := newTranslator(kiosk.VI)
	if err != nil {
		t.Fatal(err)
	}
	vi, en := tr.strings[kiosk.VI], tr.strings[kiosk.EN]
	for key, text := range vi {
		if text == "" {
			t.Errorf("vi.json %q is empty", key)
		}
		if en[key] == "" {
			t.Errorf("en.json lacks %q (vi: %q)", key, text)
		}
	}
	for key := range en {
		if _, ok := vi[key]; !ok {
			t.Errorf("vi.json lacks %q, which en.json has", key)
		}
	}
}

func TestTranslatorSubstitutesAndFallsBack(t *testing.T) {
	tr, err := newTranslator(kiosk.EN)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key  string
		args []any
		want string
	}{
		{"catalog.results", []any{"count", 3}, "3 procedures found"},
		{"time.workingdays", []any{"days", 5}, "5 working days"},
		{"no.such.key", nil, "no.such.key"},
	}
	for _, tt := range tests {
		if got := tr.T(tt.key, tt.args...); got != tt.want {
			t.Errorf("T(%q, %v) = %q; want %q", tt.key, tt.args, got, tt.want)
		}
	}
}

// TestFyneOwnStringsHaveVietnamese: Fyne ships no Vietnamese; ours must
// translate every one of its English strings.
func TestFyneOwnStringsHaveVietnamese(t *testing.T) {
	var vi map[string]any
	if err := json.Unmarshal(assets.FyneVietnamese(), &vi); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"OK", "Cancel", "Yes", "No", "Confirm", "Error", "Save", "monday", "sunday.short"} {
		if s, _ := vi[key].(string); s == "" || s == key {
			t.Errorf("fyne.vi.json %q = %q; want Vietnamese", key, vi[key])
		}
	}
}
