package offline

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The target: the median draft save within 3× a raw write+fsync
// of the same size on the same disk. bbolt syncs twice per commit (the
// pages, then the meta page), so about 2× is what to expect.
//
//	go test -run X -bench Draft -benchtime 200x ./offline/

// BenchmarkDraftSave measures SaveDraft of a realistic ~2 KB draft.
func BenchmarkDraftSave(b *testing.B) {
	s, _ := newClockedStore(b, "", Options{})
	d := benchDraft()
	var took []time.Duration
	for i := 0; b.Loop(); i++ {
		took = append(took, timeDraftSave(b, s, d, i))
	}
	reportLatency(b, "", took)
}

// BenchmarkRawFsync writes and fsyncs as many bytes as a sealed draft,
// in a file beside where the store would be.
func BenchmarkRawFsync(b *testing.B) {
	s, _ := newClockedStore(b, "", Options{})
	f, buf := rawFile(b, s, benchDraft())
	var took []time.Duration
	for b.Loop() {
		took = append(took, timeRawFsync(b, f, buf))
	}
	reportLatency(b, "", took)
}

// BenchmarkDraftSaveVsFsync measures both, interleaved in one run so that
// they see the same disk at the same moments, and reports their ratio.
func BenchmarkDraftSaveVsFsync(b *testing.B) {
	s, _ := newClockedStore(b, "", Options{})
	d := benchDraft()
	f, buf := rawFile(b, s, d)
	var saves, syncs []time.Duration
	for i := 0; b.Loop(); i++ {
		saves = append(saves, timeDraftSave(b, s, d, i))
		syncs = append(syncs, timeRawFsync(b, f, buf))
	}
	save := reportLatency(b, "save-", saves)
	sync := reportLatency(b, "fsync-", syncs)
	b.ReportMetric(float64(save)/float64(sync), "ratio_median")
	b.ReportMetric(float64(len(buf)), "draft-bytes")
}

// benchDraft is sampleDraft with a longer note, about 2 KB sealed.
func benchDraft() *Draft {
	d := sampleDraft()
	d.Answers["note"] = strings.Repeat("Gia đình xin nhận bản chính tại bộ phận một cửa. ", 20)
	return d
}

func timeDraftSave(b *testing.B, s *Store, d *Draft, i int) time.Duration {
	d.Answers["child_hometown"] = "Nam Định " + strconv.Itoa(i) // each save is a real change
	start := time.Now()
	if err := s.SaveDraft(d); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

func timeRawFsync(b *testing.B, f *os.File, buf []byte) time.Duration {
	start := time.Now()
	if _, err := f.WriteAt(buf, 0); err != nil {
		b.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// rawFile opens a file in the store's directory (the same disk) and a
// buffer the size of d sealed.
func rawFile(b *testing.B, s *Store, d *Draft) (*os.File, []byte) {
	plain, err := json.Marshal(d)
	if err != nil {
		b.Fatal(err)
	}
	buf := s.sealer.seal(plain, []byte(d.ID))
	f, err := os.Create(filepath.Join(filepath.Dir(s.Path()), "raw"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	return f, buf
}

// reportLatency reports the median and 99th percentile of took, and
// returns the median.
func reportLatency(b *testing.B, prefix string, took []time.Duration) time.Duration {
	if len(took) == 0 {
		return 0
	}
	slices.Sort(took)
	q := func(p float64) time.Duration { return took[int(math.Ceil(p*float64(len(took))))-1] }
	b.ReportMetric(float64(q(0.50).Nanoseconds()), prefix+"median-ns")
	b.ReportMetric(float64(q(0.99).Nanoseconds()), prefix+"p99-ns")
	return q(0.50)
}
