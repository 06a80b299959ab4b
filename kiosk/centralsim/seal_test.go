package centralsim

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"
)

func TestSealOpensOnlyUnderItsID(t *testing.T) {
	s, _ := testServer(t, nil)
	plain := []byte(`{"answers":{"child_name":"Nguyễn Minh Khôi"}}`)
	sealed := s.seal(plain, "drf_1")
	if bytes.Contains(sealed, []byte("Khôi")) || bytes.Equal(sealed, s.seal(plain, "drf_1")) {
		t.Fatalf("seal leaves the text readable or repeats itself (no fresh nonce)")
	}
	tampered := bytes.Clone(sealed)
	tampered[len(tampered)-1] ^= 1
	tests := []struct {
		name   string
		sealed []byte
		id     string
		ok     bool
	}{
		{"as sealed", sealed, "drf_1", true},
		{"under another id", sealed, "drf_2", false},
		{"tampered", tampered, "drf_1", false},
		{"cut short", sealed[:10], "drf_1", false},
	}
	for _, tt := range tests {
		got, err := s.unseal(tt.sealed, tt.id)
		if (err == nil) != tt.ok || tt.ok && !bytes.Equal(got, plain) {
			t.Errorf("unseal %s = %q, %v; want ok %v", tt.name, got, err, tt.ok)
		}
	}
}

func TestSealKeySurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "central.db")
	open := func() *Server {
		t.Helper()
		s, err := Open(Options{DataFile: path, EnrollCode: "1234-5678", Log: zerolog.Nop()})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	sealed := s.seal([]byte("bản nháp"), "drf_1")
	s.Close()
	s = open()
	if got, err := s.unseal(sealed, "drf_1"); err != nil || string(got) != "bản nháp" {
		t.Errorf("after a restart unseal = %q, %v; want the draft", got, err)
	}
	s.Close()
	if err := os.Remove(path + ".key"); err != nil {
		t.Fatal(err)
	}
	s = open() // a lost key: a new one, and the old drafts are gone
	defer s.Close()
	if _, err := s.unseal(sealed, "drf_1"); err == nil {
		t.Errorf("a draft sealed under a lost key opened")
	}
	if err := os.WriteFile(path+".bad.key", []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := loadSealKey(path + ".bad.key"); err == nil {
		t.Errorf("loadSealKey(a 5-byte key) = nil; want an error")
	}
}
