package ui

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/selfserve"
)

// sampleFigures are a month at a kiosk whose clock says 27/11/2026 (the
// admin tests' clock): two procedures today, one a week ago, one on the
// chart's first day, and one the day before it, which the chart leaves
// out.
func sampleFigures() []selfserve.Figures {
	return []selfserve.Figures{
		{Date: "2026-11-27", Procedure: "dang-ky-khai-sinh", Started: 6, Finished: 4, SelfServed: 3, Assisted: 1,
			Abandoned: 2, HelpRequests: 2, Practice: 1, Ratings: [5]int{0, 0, 1, 1, 2}},
		{Date: "2026-11-27", Procedure: "dang-ky-ket-hon", Started: 2, Finished: 2, SelfServed: 1,
			HelpRequests: 1, Ratings: [5]int{0, 0, 0, 1, 0}},
		{Date: "2026-11-20", Procedure: "dang-ky-khai-sinh", Started: 4, Finished: 3, SelfServed: 3, Abandoned: 1, Practice: 2},
		{Date: "2026-10-29", Procedure: "dang-ky-khai-sinh", Started: 1, Finished: 1, SelfServed: 1},
		{Date: "2026-10-28", Procedure: "dang-ky-khai-sinh", Started: 50, Finished: 50, SelfServed: 50, HelpRequests: 9},
	}
}

// shownBars are the chart's day bars on screen, oldest first, with their
// segments (self-served, helped, left) as the bar stacks them.
func shownBars(w fyne.Window) []*fyne.Container {
	var bars []*fyne.Container
	eachShown(w, func(o fyne.CanvasObject) {
		if c, ok := o.(*fyne.Container); ok {
			if _, ok := c.Layout.(*dayBar); ok {
				bars = append(bars, c)
			}
		}
	})
	return bars
}

func TestAdminFiguresChartAndTotals(t *testing.T) {
	a := newAdminKiosk(t, Options{})
	a.admin.figures = sampleFigures()
	a.unlock(t)
	if calls := a.admin.called(); !slices.Contains(calls, "figures 30") {
		t.Errorf("Admin was asked %q; want the figures of 30 days", calls)
	}
	a.wantShown(t, "Người dân tự làm hồ sơ — 30 ngày qua",
		"13 lượt bắt đầu · 10 lượt hoàn thành (80% tự làm, không cần trợ giúp) · 3 lần nhờ trợ giúp · 3 lượt làm thử · đánh giá trung bình: 4,2/5")

	// The legend reads from the top of a bar down.
	texts := shownTexts(a.w)
	left, helped, self := slices.Index(texts, "Bỏ dở"), slices.Index(texts, "Xong, có trợ giúp"), slices.Index(texts, "Tự làm xong")
	if left < 0 || !(left < helped && helped < self) {
		t.Errorf("the legend is %q, %q, %q at %d, %d, %d; want all three, from the top segment down", "Bỏ dở", "Xong, có trợ giúp", "Tự làm xong", left, helped, self)
	}
	// A date under every fifth bar, today's last, and the tallest day's count.
	for _, d := range []string{"02/11", "07/11", "12/11", "17/11", "22/11", "27/11"} {
		a.wantShown(t, d)
	}
	if shows(a.w, "28/11") || shows(a.w, "29/10") {
		t.Errorf("the chart labels a day it should not: %q", shownTexts(a.w))
	}

	bars := shownBars(a.w)
	if len(bars) != chartDays {
		t.Fatalf("the chart shows %d day bars; want %d", len(bars), chartDays)
	}
	full := bars[0].Size().Height
	if full < 100 {
		t.Fatalf("a bar's full height is %.0f; want the chart's plot, ≥ 100", full)
	}
	// Each segment is its count over the tallest day's (today's 8), stacked
	// from the bottom: self-served, helped, left; a zero shows nothing.
	want := map[int][segments]int{0: {1, 0, 0}, 22: {3, 0, 1}, 29: {4, 2, 2}}
	for i, bar := range bars {
		if bar.Size().Height != full {
			t.Errorf("day %d: the bar is %.1f tall; want every bar the plot's %.1f", i, bar.Size().Height, full)
		}
		counts := want[i]
		bottom := full
		for seg, o := range bar.Objects {
			if counts[seg] == 0 {
				if o.Visible() {
					t.Errorf("day %d, segment %d: a zero count is shown", i, seg)
				}
				continue
			}
			h := full * float32(counts[seg]) / 8
			if !o.Visible() || math.Abs(float64(o.Size().Height-h)) > 0.5 || math.Abs(float64(o.Position().Y+o.Size().Height-bottom)) > 0.5 {
				t.Errorf("day %d, segment %d: %v at y %.1f, %.1f tall; want shown, %.1f tall, ending at %.1f",
					i, seg, o.Visible(), o.Position().Y, o.Size().Height, h, bottom)
			}
			bottom -= h
		}
	}
	// The chart's own text (the count at the top, the dates) reads at 7:1.
	eachShown(a.w, func(o fyne.CanvasObject) {
		if txt, ok := o.(*canvas.Text); ok {
			if c := contrast(txt.Color, paper); c < 7 {
				t.Errorf("%q is drawn at %.1f:1 on the page; want at least 7:1", txt.Text, c)
			}
		}
	})
	last := bars[chartDays-1]
	if w := fyne.CurrentApp().Driver().AbsolutePositionForObject(last).X + last.Size().Width; w > 1280 {
		t.Errorf("the last bar ends at x %.0f; want it on the 1280 px screen", w)
	}
}

func TestAdminFiguresEmptyOrFailed(t *testing.T) {
	tests := []struct {
		name string
		figs []selfserve.Figures
		fail error
		want string
	}{
		{"no figures", nil, nil, "Chưa có số liệu trong 30 ngày qua."},
		{"only older ones", sampleFigures()[4:], nil, "Chưa có số liệu trong 30 ngày qua."},
		{"all zero", []selfserve.Figures{{Date: "2026-11-27", Procedure: "dang-ky-khai-sinh"}}, nil, "Chưa có số liệu trong 30 ngày qua."},
		{"a failure", sampleFigures(), errors.New("bbolt: database not open"), "Không đọc được số liệu tự phục vụ."},
		{"help and practice only", []selfserve.Figures{{Date: "2026-11-27", HelpRequests: 2, Practice: 1}}, nil,
			"0 lượt bắt đầu · 0 lượt hoàn thành (— tự làm, không cần trợ giúp) · 2 lần nhờ trợ giúp · 1 lượt làm thử · đánh giá trung bình: chưa có"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := newAdminKiosk(t, Options{})
			a.admin.figures = tt.figs
			if tt.fail != nil {
				a.admin.fail = map[string]error{"figures": tt.fail}
			}
			a.unlock(t)
			a.wantShown(t, tt.want, "KIOSK-0042")
			if bars := shownBars(a.w); len(bars) != 0 {
				t.Errorf("the screen shows %d bars; want no chart", len(bars))
			}
			if shows(a.w, "bbolt") {
				t.Errorf("the screen shows the error's own text; want plain words")
			}
		})
	}
}

func TestAdminExportFiguresThroughTheFolderChooser(t *testing.T) {
	a := newAdminKiosk(t, Options{})
	a.admin.figures = sampleFigures()
	a.unlock(t)
	a.k.admin.panel.media = func() []string { return []string{"/media/kiosk/USB DISK"} }

	a.tapAction(t, "Xuất số liệu (CSV)")
	a.wantShown(t, "Xuất số liệu (CSV) ra ổ USB", "Lưu vào thư mục này")
	test.Tap(findButton(t, a.w, "/media/kiosk/USB DISK"))
	calls := a.admin.called()
	if !slices.Contains(calls, "export_figures /media/kiosk/USB DISK") || slices.ContainsFunc(calls, func(c string) bool { return strings.HasPrefix(c, "export ") }) {
		t.Errorf("Admin was asked %q; want the figures (not the logs) exported to the stick", calls)
	}
	a.wantShown(t, "Đã lưu số liệu vào /media/kiosk/USB DISK/motcua-figures-KIOSK-0042-20261127-090000.csv")
	a.wantShown(t, "13 lượt bắt đầu") // the chart is back with the panel

	// A typed folder, and a full stick said plainly.
	a.admin.fail = map[string]error{"export_figures": fmt.Errorf("write: %w", syscall.ENOSPC)}
	a.tapAction(t, "Xuất số liệu (CSV)")
	path := findShown(t, a.w, "the folder box", func(*widget.Entry) bool { return true })
	path.SetText("/media/usb")
	test.Tap(findButton(t, a.w, "Lưu vào thư mục này"))
	if calls := a.admin.called(); !slices.Contains(calls, "export_figures /media/usb") {
		t.Errorf("Admin was asked %q; want the figures exported to /media/usb", calls)
	}
	a.wantShown(t, "Ổ USB đã đầy. Hãy dùng ổ khác.")
}

func TestFiguresTotalsText(t *testing.T) {
	today := time.Date(2026, 11, 27, 9, 0, 0, 0, time.Local)
	tests := []struct {
		lang kiosk.Lang
		figs []selfserve.Figures
		want string
	}{
		{kiosk.EN, sampleFigures(), "13 started · 10 finished (80% without help) · 3 help requests · 3 practice runs · mean rating: 4.2/5"},
		{kiosk.VI, sampleFigures()[2:3], "4 lượt bắt đầu · 3 lượt hoàn thành (100% tự làm, không cần trợ giúp) · 0 lần nhờ trợ giúp · 2 lượt làm thử · đánh giá trung bình: chưa có"},
		{kiosk.EN, []selfserve.Figures{{Date: "2026-11-26", Started: 3, Finished: 3, SelfServed: 2, Ratings: [5]int{1, 0, 0, 0, 1}}},
			"3 started · 3 finished (67% without help) · 0 help requests · 0 practice runs · mean rating: 3.0/5"},
	}
	for _, tt := range tests {
		tr, err := newTranslator(tt.lang)
		if err != nil {
			t.Fatal(err)
		}
		s := summarizeFigures(tt.figs, chartDays, today)
		if got := s.totalsText(tr); got != tt.want {
			t.Errorf("totalsText(%s, %d figures) = %q; want %q", tt.lang, len(tt.figs), got, tt.want)
		}
		if len(s.days) != chartDays || s.days[0].Date != "2026-10-29" || s.days[chartDays-1].Date != "2026-11-27" {
			t.Errorf("the chart's days run %s … %s (%d); want 2026-10-29 … 2026-11-27 (30)", s.days[0].Date, s.days[len(s.days)-1].Date, len(s.days))
		}
	}
}

func TestDaySegments(t *testing.T) {
	for _, tt := range []struct {
		d    selfserve.Figures
		want [segments]int
	}{
		{selfserve.Figures{Started: 8, Finished: 6, SelfServed: 4, Abandoned: 2}, [segments]int{4, 2, 2}},
		{selfserve.Figures{Started: 3, Finished: 1, SelfServed: 1, Abandoned: 1}, [segments]int{1, 0, 2}}, // one ended neither way
		{selfserve.Figures{}, [segments]int{}},
		{selfserve.Figures{Started: 1, Finished: 2, SelfServed: 5}, [segments]int{2, 0, 0}}, // nonsense stays ≥ 0
	} {
		if got := daySegments(tt.d); got != tt.want {
			t.Errorf("daySegments(%+v) = %v; want %v", tt.d, got, tt.want)
		}
	}
}
