package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/motcua/kiosk/offline/adminpin"
	"github.com/motcua/kiosk/ui"
)

// stdinWith is a file holding s, standing for a provisioning script's pipe.
func stdinWith(t *testing.T, s string) *os.File {
	t.Helper()
	p := filepath.Join(t.TempDir(), "stdin")
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestAdminPINCommand(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, input string
		code        int
		says        string
	}{
		{"two PINs that differ", "482915\n482916\n", 1, "the two PINs differ"},
		{"a weak PIN", "123456\n123456\n", 1, "PIN"},
		{"only once", "482915\n", 1, "twice"},
		{"a good PIN", "482915\n482915\n", 0, "The admin PIN is set"},
	}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		code := adminPINCommand([]string{"--data-dir", dir}, stdinWith(t, tt.input), &out, &errOut)
		if code != tt.code || !strings.Contains(out.String()+errOut.String(), tt.says) {
			t.Errorf("%s: exit %d, said %q %q; want %d and %q", tt.name, code, out.String(), errOut.String(), tt.code, tt.says)
		}
	}
	g, err := adminpin.Open(dir, adminpin.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Check("482915"); err != nil {
		t.Errorf("Check(the PIN set) = %v", err)
	}
	var pe *ui.PINError
	if err := pinErr(g.Check("000001")); !errors.As(err, &pe) || pe.Kind != ui.PINWrong || pe.TriesLeft != 4 {
		t.Errorf("a wrong PIN = %v; want the screen's PINWrong with 4 tries left", err)
	}
}

func TestSavedLanguage(t *testing.T) {
	dir := t.TempDir()
	if _, ok := savedLanguage(dir); ok {
		t.Errorf("a fresh data directory has a saved language")
	}
	a := kioskAdmin{b: &backend{dataDir: dir}}
	if err := a.SetDefaultLanguage("en"); err != nil {
		t.Fatal(err)
	}
	if l, ok := savedLanguage(dir); !ok || l != "en" {
		t.Errorf("after setting English the saved language is %q, %v", l, ok)
	}
}
