package offline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/text/unicode/norm"
)

// personalStrings are what must never be readable in the raw file or the
// logs: the seeded applicant in every form a kiosk may hold it.
func personalStrings() []string {
	var out []string
	for _, s := range []string{seedName, seedAddress, "Hồng Nhung", "Lý Thường Kiệt"} {
		out = append(out, norm.NFC.String(s), norm.NFD.String(s), strings.ToUpper(s))
	}
	return append(out,
		seedID, "190012345", // the ID, and its digits without the province
		seedPhone, "912345678", "+84912345678", // the phone, also as +84
		seedBirth, "1990-09-05",
	)
}

// TestNoPersonalDataOnDisk fills a store the ways a kiosk does (drafts
// saved over and over, resumed, deleted, expired, submitted to the
// outbox) and then reads the raw database file: no name, ID number,
// phone, address or birth date may appear in it, nor the device key.
func TestNoPersonalDataOnDisk(t *testing.T) {
	dir := t.TempDir()
	var logs bytes.Buffer
	s, clock := newClockedStore(t, dir, Options{Log: zerolog.New(&logs)})
	drafts := useLikeAKiosk(t, s, clock)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	raw := readFile(t, filepath.Join(dir, DBFile))
	rawLeaks, logLeaks := leaks(raw), leaks(logs.Bytes())
	key := readFile(t, filepath.Join(dir, KeyFile))
	keyLeak := bytes.Contains(raw, key) || bytes.Contains(raw, key[:16]) || bytes.Contains(raw, key[16:])
	codeLeak := strings.Contains(logs.String(), drafts[0].ResumeCode)
	// The summary line of make reliability (cmd/reliability): every
	// personal string searched for in the file and in the log, then the
	// device key and a resume code.
	hits := len(rawLeaks) + len(logLeaks)
	for _, leak := range []bool{keyLeak, codeLeak} {
		if leak {
			hits++
		}
	}
	t.Logf("RELIABILITY area=privacy case=store-file-and-log tried=%d lost=0 duplicated=0 corrupt=0 crashes=0 pii=%d bytes=%d",
		2*len(personalStrings())+2, hits, len(raw)+logs.Len())

	for _, p := range rawLeaks {
		t.Errorf("the raw database holds %q in plain text", p)
	}
	for _, p := range logLeaks {
		t.Errorf("the log holds %q", p)
	}
	if keyLeak {
		t.Errorf("the raw database holds the device key")
	}
	if codeLeak {
		t.Errorf("the log holds a resume code")
	}

	// The search must be able to fail: a draft as JSON, what the sealing
	// hides, shows every kind of data searched for.
	plain, _ := json.Marshal(drafts[2])
	found := strings.Join(leaks(plain), "|")
	for _, p := range []string{norm.NFD.String(seedName), seedID, seedPhone, norm.NFD.String(seedAddress), seedBirth} {
		if !strings.Contains(found, p) {
			t.Errorf("the search misses %q in a plaintext draft", p)
		}
	}
}

// useLikeAKiosk saves three drafts of the seeded applicant (one in NFD)
// over and over, then resumes the first, submits the second, deletes the
// third and lets a fourth, older, expire. It returns the three; the
// first is left in the store.
func useLikeAKiosk(t *testing.T, s *Store, clock *manualClock) []*Draft {
	t.Helper()
	nfd := sampleDraft()
	nfd.Applicant.FullName = norm.NFD.String(seedName)
	nfd.Answers["mother_address"] = norm.NFD.String(seedAddress)
	drafts := []*Draft{sampleDraft(), sampleDraft(), nfd}
	if err := s.SaveDraft(sampleDraft()); err != nil { // to expire
		t.Fatal(err)
	}
	clock.Advance(48 * time.Hour)
	for i := range 10 { // many revisions leave old pages behind
		for _, d := range drafts {
			d.Answers["note"] = strings.Repeat("sửa ", i)
			if err := s.SaveDraft(d); err != nil {
				t.Fatal(err)
			}
		}
	}
	steps := []struct {
		name string
		run  func() error
	}{
		{"wrong resume", func() error {
			_, err := s.ResumeDraft(drafts[0].ResumeCode, "01/01/2000")
			return ignore(err, ErrResumeWrongBirthDate)
		}},
		{"resume", func() error { _, err := s.ResumeDraft(drafts[0].ResumeCode, seedBirth); return err }},
		{"submit", func() error { _, err := s.Submit(drafts[1]); return err }},
		{"delete", func() error { return s.DeleteDraft(drafts[2].ID) }},
		{"expire", func() error { clock.Advance(25 * time.Hour); return s.Maintain() }},
		{"one left", func() error { return wantDrafts(s, 1) }},
	}
	for _, st := range steps {
		if err := st.run(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
	}
	return drafts
}

func wantDrafts(s *Store, n int) error {
	if list, err := s.ListDrafts(); err != nil || len(list) != n {
		return fmt.Errorf("%d drafts, %v; want %d", len(list), err, n)
	}
	return nil
}

// ignore returns nil if err is want, and otherwise says what came instead.
func ignore(err, want error) error {
	if errors.Is(err, want) {
		return nil
	}
	return fmt.Errorf("got %v; want %v", err, want)
}

// leaks returns the personal strings found in data.
func leaks(data []byte) []string {
	var found []string
	for _, p := range personalStrings() {
		if bytes.Contains(data, []byte(p)) {
			found = append(found, p)
		}
	}
	return found
}
