package centralsim

import (
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// testServer starts a real server over a fresh bbolt file on a loopback
// listener. mutate adjusts the options before Open.
func testServer(t *testing.T, mutate func(*Options)) (*Server, *httptest.Server) {
	t.Helper()
	opts := Options{
		DataFile:   filepath.Join(t.TempDir(), "central.db"),
		EnrollCode: "1234-5678",
		Seed:       1,
		Now:        func() time.Time { return time.Date(2026, 11, 27, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600)) },
		Log:        zerolog.Nop(),
	}
	if mutate != nil {
		mutate(&opts)
	}
	s, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() { hs.Close(); s.Close() })
	return s, hs
}
