package offline

import (
	"context"
	"errors"
	"maps"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// The seeded applicant: tests look for these in places they must not be.
const (
	seedName     = "Nguyễn Thị Hồng Nhung"
	seedID       = "001190012345"
	seedPhone    = "0912345678"
	seedAddress  = "12 Lý Thường Kiệt"
	seedBirth    = "05/09/1990"
	seedProcID   = "dang-ky-khai-sinh"
	seedCatalogV = "2026.11-sample"
)

// sampleDraft is a realistic birth registration half filled in: 15
// answers, about 2 KB sealed.
func sampleDraft() *Draft {
	d := NewDraft(seedProcID, seedCatalogV)
	d.Applicant = central.Applicant{FullName: seedName, PersonalID: seedID, Phone: seedPhone}
	d.BirthDate = seedBirth
	d.ConsentAt = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	d.Answers = map[string]string{
		"child_name":       "Trần Minh An",
		"child_dob":        "20/02/2026",
		"child_sex":        "nam",
		"child_birthplace": "Bệnh viện Phụ sản Hà Nội, 929 đường La Thành, phường Giảng Võ, Hà Nội",
		"child_ethnicity":  "kinh",
		"child_hometown":   "Nam Định",
		"mother_name":      seedName,
		"mother_id":        seedID,
		"mother_dob":       seedBirth,
		"mother_address":   seedAddress + ", phường Hoàn Kiếm, thành phố Hà Nội",
		"father_name":      "Trần Văn Bình",
		"father_id":        "001088012346",
		"father_dob":       "14/07/1988",
		"phone":            seedPhone,
		"note":             "Gia đình xin nhận bản chính Giấy khai sinh tại bộ phận một cửa, kèm 2 bản sao.",
	}
	return d
}

func TestSaveLoadDraft(t *testing.T) {
	s, clock := newClockedStore(t, "", Options{})
	d := sampleDraft()
	d.ID = ""
	d.Attachments = []LocalAttachment{{Document: 1, Name: "giay-chung-sinh.jpg", MIME: "image/jpeg", Data: []byte{0xff, 0xd8, 1, 2}}}
	if err := s.SaveDraft(d); err != nil {
		t.Fatalf("SaveDraft = %v", err)
	}
	if !regexp.MustCompile(`^d_[0-9a-f]{16}$`).MatchString(d.ID) {
		t.Errorf("SaveDraft gave the id %q; want d_ and 16 hex digits", d.ID)
	}
	if !d.CreatedAt.Equal(clock.Now()) || !d.UpdatedAt.Equal(clock.Now()) {
		t.Errorf("SaveDraft times = %v, %v; want both %v", d.CreatedAt, d.UpdatedAt, clock.Now())
	}
	if _, err := NormalizeResumeCode(d.ResumeCode); err != nil || len(d.ResumeCode) != resumeCodeLen {
		t.Errorf("SaveDraft resume code %q: %v", d.ResumeCode, err)
	}
	got, err := s.LoadDraft(d.ID)
	if err != nil {
		t.Fatalf("LoadDraft(%q) = %v", d.ID, err)
	}
	if !reflect.DeepEqual(got, d) {
		t.Errorf("LoadDraft(%q) = %+v; want %+v", d.ID, got, d)
	}
}

func TestSaveDraftKeepsIdentity(t *testing.T) {
	s, clock := newClockedStore(t, "", Options{})
	d := sampleDraft()
	if err := s.SaveDraft(d); err != nil {
		t.Fatal(err)
	}
	created, code := d.CreatedAt, d.ResumeCode

	// A later save of a copy that knows only the id (as the autosaver's
	// copies of the UI's draft do) keeps the creation time and the code.
	clock.Advance(10 * time.Minute)
	c := d.Clone()
	c.CreatedAt, c.ResumeCode = time.Time{}, ""
	c.Answers["child_name"] = "Trần Minh Anh"
	if err := s.SaveDraft(c); err != nil {
		t.Fatal(err)
	}
	got, err := s.LoadDraft(d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.CreatedAt.Equal(created) || got.ResumeCode != code || !got.UpdatedAt.Equal(clock.Now()) ||
		got.Answers["child_name"] != "Trần Minh Anh" {
		t.Errorf("after a second save: created %v, code %q, updated %v, name %q; want %v, %q, %v, the new name",
			got.CreatedAt, got.ResumeCode, got.UpdatedAt, got.Answers["child_name"], created, code, clock.Now())
	}
	if list, _ := s.ListDrafts(); len(list) != 1 {
		t.Errorf("ListDrafts() = %d drafts; want 1", len(list))
	}
}

func TestSaveDraftCarriedResumeCode(t *testing.T) {
	s, _ := newClockedStore(t, "", Options{})
	a := sampleDraft()
	a.ResumeCode = "acef-hkmn"
	if err := s.SaveDraft(a); err != nil {
		t.Fatal(err)
	}
	b := sampleDraft()
	b.ResumeCode = "ACEFHKMN" // taken by a: b must get another
	if err := s.SaveDraft(b); err != nil {
		t.Fatal(err)
	}
	if a.ResumeCode != "ACEFHKMN" || b.ResumeCode == a.ResumeCode || b.ResumeCode == "" {
		t.Errorf("resume codes = %q, %q; want ACEFHKMN and another", a.ResumeCode, b.ResumeCode)
	}
}

func TestSaveDraftIDTooLong(t *testing.T) {
	s, _ := newClockedStore(t, "", Options{})
	d := sampleDraft()
	d.ID = strings.Repeat("x", 65)
	if err := s.SaveDraft(d); err == nil {
		t.Errorf("SaveDraft(65-byte id) = nil; want an error")
	}
}

func TestLoadDraftErrors(t *testing.T) {
	s, clock := newClockedStore(t, "", Options{})
	a, b := sampleDraft(), sampleDraft()
	for _, d := range []*Draft{a, b} {
		if err := s.SaveDraft(d); err != nil {
			t.Fatal(err)
		}
	}
	put := func(id string, sealed []byte) {
		err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketDrafts).Put([]byte(id), sealed) })
		if err != nil {
			t.Fatal(err)
		}
	}
	get := func(id string) (sealed []byte) {
		s.db.View(func(tx *bolt.Tx) error {
			sealed = slices.Clone(tx.Bucket(bucketDrafts).Get([]byte(id)))
			return nil
		})
		return sealed
	}
	tests := []struct {
		name   string
		id     string
		damage func()
		want   error
	}{
		{"unknown id", "d_0000000000000000", func() {}, ErrNotFound},
		{"empty id", "", func() {}, ErrNotFound},
		{"sealed record moved to another id", a.ID, func() { put(a.ID, get(b.ID)) }, ErrTampered},
		{"a flipped bit", b.ID, func() {
			sealed := get(b.ID)
			sealed[len(sealed)/2] ^= 1
			put(b.ID, sealed)
		}, ErrTampered},
		{"too short", b.ID, func() { put(b.ID, []byte{1, 2, 3}) }, ErrTampered},
	}
	for _, tt := range tests {
		tt.damage()
		if _, err := s.LoadDraft(tt.id); !errors.Is(err, tt.want) {
			t.Errorf("%s: LoadDraft(%q) = %v; want %v", tt.name, tt.id, err, tt.want)
		}
	}

	c := sampleDraft()
	if err := s.SaveDraft(c); err != nil {
		t.Fatal(err)
	}
	clock.Advance(72 * time.Hour)
	if _, err := s.LoadDraft(c.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("LoadDraft(expired, not yet purged) = %v; want ErrNotFound", err)
	}
}

func TestLoadDraftOtherDeviceKey(t *testing.T) {
	srcDir := t.TempDir()
	src, _ := newClockedStore(t, srcDir, Options{})
	d := sampleDraft()
	if err := src.SaveDraft(d); err != nil {
		t.Fatal(err)
	}
	src.Close()
	// The database copied to another kiosk, which has its own key.
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, DBFile), readFile(t, filepath.Join(srcDir, DBFile)))
	s, _ := newClockedStore(t, dir, Options{})
	if _, err := s.LoadDraft(d.ID); !errors.Is(err, ErrTampered) {
		t.Errorf("LoadDraft with another device's key = %v; want ErrTampered", err)
	}
}

func TestDeleteDraft(t *testing.T) {
	s, _ := newClockedStore(t, "", Options{})
	d, other := sampleDraft(), sampleDraft()
	for _, x := range []*Draft{d, other} {
		if err := s.SaveDraft(x); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 2 { // deleting twice is fine
		if err := s.DeleteDraft(d.ID); err != nil {
			t.Errorf("DeleteDraft #%d = %v", i+1, err)
		}
	}
	if _, err := s.LoadDraft(d.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("LoadDraft(deleted) = %v; want ErrNotFound", err)
	}
	if _, err := s.ResumeDraft(d.ResumeCode, seedBirth); !errors.Is(err, ErrResumeNotFound) {
		t.Errorf("ResumeDraft(deleted draft's code) = %v; want ErrResumeNotFound", err)
	}
	if _, err := s.ResumeDraft(other.ResumeCode, seedBirth); err != nil {
		t.Errorf("ResumeDraft(the other draft) = %v; want it", err)
	}
	assertBucketLen(t, s, bucketResume, 1)
}

func TestListDrafts(t *testing.T) {
	s, clock := newClockedStore(t, "", Options{DraftLifetime: time.Hour})
	old := sampleDraft()
	noDate := sampleDraft()
	noDate.BirthDate, noDate.Applicant.PersonalID = "", ""
	newer := sampleDraft()
	newer.ProcedureID = "chung-thuc-ban-sao"
	for i, d := range []*Draft{old, noDate, newer} {
		if i > 0 {
			clock.Advance(20 * time.Minute)
		}
		if err := s.SaveDraft(d); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.ListDrafts()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range list {
		got = append(got, in.ID)
	}
	if want := []string{newer.ID, noDate.ID, old.ID}; !slices.Equal(got, want) {
		t.Errorf("ListDrafts() ids = %v; want newest first %v", got, want)
	}
	want := DraftInfo{ID: newer.ID, ProcedureID: "chung-thuc-ban-sao", CreatedAt: newer.CreatedAt,
		UpdatedAt: newer.UpdatedAt, ExpiresAt: newer.UpdatedAt.Add(time.Hour),
		ResumeCode: newer.ResumeCode, Resumable: true}
	if list[0] != want {
		t.Errorf("ListDrafts()[0] = %+v; want %+v", list[0], want)
	}
	if list[1].Resumable {
		t.Errorf("a draft without a birth date or ID number is listed as Resumable")
	}
	clock.Advance(20 * time.Minute) // old is an hour old: expired
	if list, _ := s.ListDrafts(); len(list) != 2 || list[1].ID != noDate.ID {
		t.Errorf("ListDrafts() after old expired = %+v; want 2 drafts", list)
	}
}

func TestPurgeExpiredDrafts(t *testing.T) {
	s, clock := newClockedStore(t, "", Options{})
	old, young := sampleDraft(), sampleDraft()
	if err := s.SaveDraft(old); err != nil {
		t.Fatal(err)
	}
	clock.Advance(48 * time.Hour)
	if err := s.SaveDraft(young); err != nil {
		t.Fatal(err)
	}
	// A resume code whose draft went elsewhere without it.
	err := s.db.Update(func(tx *bolt.Tx) error {
		return putResume(tx.Bucket(bucketResume), "WWWWWWWW", resumeEntry{DraftID: "d_gone"})
	})
	if err != nil {
		t.Fatal(err)
	}

	clock.Advance(24*time.Hour - time.Second) // old is 72 h minus 1 s old
	if n, err := s.PurgeExpiredDrafts(); n != 0 || err != nil {
		t.Errorf("PurgeExpiredDrafts() before expiry = %d, %v; want 0, nil", n, err)
	}
	clock.Advance(time.Second)
	if n, err := s.PurgeExpiredDrafts(); n != 1 || err != nil {
		t.Errorf("PurgeExpiredDrafts() at 72 h = %d, %v; want 1, nil", n, err)
	}
	if _, err := s.LoadDraft(young.ID); err != nil {
		t.Errorf("LoadDraft(young) = %v; want it kept", err)
	}
	assertBucketLen(t, s, bucketDrafts, 1)
	assertBucketLen(t, s, bucketIndex, 1)
	assertBucketLen(t, s, bucketResume, 1) // young's only
	if _, err := s.ResumeDraft(young.ResumeCode, seedBirth); err != nil {
		t.Errorf("ResumeDraft(young) = %v", err)
	}
}

func TestMaintainPurgesAtStart(t *testing.T) {
	dir := t.TempDir()
	s, _ := newClockedStore(t, dir, Options{})
	d := sampleDraft()
	if err := s.SaveDraft(d); err != nil {
		t.Fatal(err)
	}
	s.Close()

	clock := newManualClock()
	clock.Advance(73 * time.Hour)
	s, _ = newClockedStore(t, dir, Options{Now: clock.Now})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.RunMaintenance(ctx, time.Hour); close(done) }()
	deadline := time.Now().Add(2 * time.Second)
	for bucketLen(t, s, bucketDrafts) != 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	assertBucketLen(t, s, bucketDrafts, 0)
	assertBucketLen(t, s, bucketResume, 0)
}

func TestReconcileDraft(t *testing.T) {
	now := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
	cat := &kiosk.Catalog{Version: "v2", Procedures: []kiosk.Procedure{{ID: "p", Form: []kiosk.Field{
		{ID: "name", Kind: kiosk.KindPersonName, Required: true},
		{ID: "copies", Kind: kiosk.KindNumber, Required: true},
	}}}}
	tests := []struct {
		name        string
		draft       Draft
		wantAnswers map[string]string
		wantAsk     []string
		wantErr     error
	}{
		{"same version untouched",
			Draft{ProcedureID: "p", CatalogVersion: "v2", Answers: map[string]string{"old": "x"}},
			map[string]string{"old": "x"}, nil, nil},
		{"older version reconciled",
			Draft{ProcedureID: "p", CatalogVersion: "v1", Answers: map[string]string{"name": "An", "copies": "hai", "old": "x"},
				Problems: map[string]string{"copies": "không hợp lệ", "name": "kiểm tra lại"}},
			map[string]string{"name": "An"}, []string{"copies"}, nil},
		{"procedure gone",
			Draft{ProcedureID: "q", CatalogVersion: "v1", Answers: map[string]string{"name": "An"}},
			map[string]string{"name": "An"}, nil, ErrProcedureGone},
	}
	for _, tt := range tests {
		d := tt.draft
		ask, err := ReconcileDraft(&d, cat, now)
		if !errors.Is(err, tt.wantErr) || !slices.Equal(ask, tt.wantAsk) || !maps.Equal(d.Answers, tt.wantAnswers) {
			t.Errorf("%s: ReconcileDraft = %q, %v, answers %q; want %q, %v, %q",
				tt.name, ask, err, d.Answers, tt.wantAsk, tt.wantErr, tt.wantAnswers)
		}
		if err == nil && d.CatalogVersion != "v2" {
			t.Errorf("%s: CatalogVersion = %q; want v2", tt.name, d.CatalogVersion)
		}
		if _, ok := d.Problems["copies"]; ok && tt.name == "older version reconciled" {
			t.Errorf("%s: the dropped answer's problem stayed: %q", tt.name, d.Problems)
		}
	}
}

func TestDraftClone(t *testing.T) {
	d := sampleDraft()
	d.Problems = map[string]string{"a": "b"}
	d.Attachments = []LocalAttachment{{Name: "x", Data: []byte{1, 2, 3}}}
	c := d.Clone()
	if !reflect.DeepEqual(c, d) {
		t.Fatalf("Clone() = %+v; want %+v", c, d)
	}
	d.Answers["child_name"] = "changed"
	d.Problems["a"] = "changed"
	d.Attachments[0].Data[0] = 9
	d.Attachments[0].Name = "changed"
	if c.Answers["child_name"] == "changed" || c.Problems["a"] == "changed" ||
		c.Attachments[0].Data[0] == 9 || c.Attachments[0].Name == "changed" {
		t.Errorf("the clone shares memory with the original: %+v", c)
	}
}

// TestSaveDraftDiskFull: a save that does not fit fails whole, and the
// drafts already saved stay intact.
func TestSaveDraftDiskFull(t *testing.T) {
	s, _ := newClockedStore(t, "", Options{MaxSize: 1 << 20})
	small := sampleDraft()
	if err := s.SaveDraft(small); err != nil {
		t.Fatal(err)
	}
	big := sampleDraft()
	big.Attachments = []LocalAttachment{{Document: 1, Name: "scan.jpg", MIME: "image/jpeg", Data: make([]byte, 2<<20)}}
	err := s.SaveDraft(big)
	if !errors.Is(err, berrors.ErrMaxSizeReached) {
		t.Fatalf("SaveDraft(2 MiB attachment) = %v; want ErrMaxSizeReached", err)
	}
	got, err := s.LoadDraft(small.ID)
	lost := 0
	if err != nil || !reflect.DeepEqual(got, small) {
		lost = 1
		t.Errorf("LoadDraft(earlier draft) after a full store = %v; want it intact", err)
	}
	if _, err := s.LoadDraft(big.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("LoadDraft(failed draft) = %v; want ErrNotFound", err)
	}
	assertBucketLen(t, s, bucketResume, 1) // the failed save's code was not kept
	corrupt := 0
	if err := s.Check(); err != nil {
		corrupt = 1
		t.Errorf("Check() after a full store = %v", err)
	}
	t.Logf("RELIABILITY area=faults case=disk-full-save tried=1 lost=%d duplicated=0 corrupt=%d crashes=0 pii=0 max-size=1MiB", lost, corrupt)
	big.Attachments = nil
	if err := s.SaveDraft(big); err != nil {
		t.Errorf("SaveDraft(the same draft, shrunk) = %v", err)
	}
}

func bucketLen(t testing.TB, s *Store, bucket []byte) int {
	t.Helper()
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucket).Stats().KeyN
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func assertBucketLen(t testing.TB, s *Store, bucket []byte, want int) {
	t.Helper()
	if got := bucketLen(t, s, bucket); got != want {
		t.Errorf("bucket %s has %d keys; want %d", bucket, got, want)
	}
}
