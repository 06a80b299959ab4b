package ui

import (
	"context"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/selfserve"
)

// The admin panel's self-service figures: a bar for each of the last
// chartDays days and one line of totals. Staff see at a glance whether
// citizens finish on their own, with help, or leave.
const (
	chartDays = 30
	// chartLabelEvery: a date under every fifth bar, ending with today's.
	chartLabelEvery = 5
	// chartPlot is the height of the tallest bar; chartColumn the least
	// width of a day's column.
	chartPlot   float32 = 150
	chartColumn float32 = 12
)

// A bar is stacked from the bottom in this order, and the legend lists
// the same segments from the top down, as they stand in the bar.
const (
	segSelfServed = iota // finished on the citizen's own
	segHelped            // finished after asking for help, or with an assistant
	segLeft              // started and not finished
	segments
)

var segmentKeys = [segments]string{"admin.figures.selfserved", "admin.figures.helped", "admin.figures.left"}

// segmentRect draws one segment, in the bar or the legend. Beyond colour,
// the three differ in lightness and fill: solid dark red, solid gold with
// an outline, hollow (an outline on the card colour), so they stay apart in
// grey and for colour-blind staff.
func segmentRect(seg int) *canvas.Rectangle {
	r := &canvas.Rectangle{StrokeColor: quietInk}
	switch seg {
	case segSelfServed:
		r.FillColor, r.StrokeColor = primaryRed, color.Transparent
	case segHelped:
		r.FillColor, r.StrokeWidth = goldAccent, 1
	default:
		r.FillColor, r.StrokeWidth = cardPaper, 2
	}
	return r
}

// figureSummary is what the panel shows of the figures.
type figureSummary struct {
	days  []selfserve.Figures // chartDays, oldest first, every procedure together
	total selfserve.Figures   // every day and procedure added up
}

// summarizeFigures adds figs up over the days days ending with today's;
// figures of other days are left out.
func summarizeFigures(figs []selfserve.Figures, days int, today time.Time) figureSummary {
	s := figureSummary{days: selfserve.Totals(figs, days, today)}
	for _, d := range s.days {
		s.total.Add(d)
	}
	return s
}

// daySegments splits a day's bar: self-served, finished with help, not
// finished. Together they are the sessions started, so the bar's height
// is Started; "not finished" also holds the rare session that ended
// neither way (left at a step the figures do not name).
func daySegments(d selfserve.Figures) [segments]int {
	self := max(min(d.SelfServed, d.Finished), 0)
	return [segments]int{self, max(d.Finished-self, 0), max(d.Started-max(d.Finished, 0), 0)}
}

// totalsText is the line under the chart.
func (s figureSummary) totalsText(tr *translator) string {
	t := s.total
	share := "—"
	if t.Finished > 0 {
		share = fmt.Sprintf("%.0f%%", math.Round(100*t.SelfServedShare()))
	}
	rating := tr.T("admin.figures.norating")
	if mean := t.MeanRating(); mean > 0 {
		rating = strconv.FormatFloat(mean, 'f', 1, 64) + "/5"
		if tr.lang == kiosk.VI {
			rating = strings.Replace(rating, ".", ",", 1)
		}
	}
	return tr.T("admin.figures.totals", "started", t.Started, "finished", t.Finished,
		"share", share, "help", t.HelpRequests, "practice", t.Practice, "rating", rating)
}

// loadFigures reads the figures off the UI goroutine, as load reads the
// status, and shows them in place. They are read once, when the panel
// opens: nothing the admin does changes them.
func (p *adminPanel) loadFigures() {
	k, a, admin := p.k, p.a, p.k.opts.Admin
	today := k.opts.Now()
	k.background(func() func() {
		ctx, cancel := context.WithTimeout(context.Background(), adminWait)
		defer cancel()
		figs, err := admin.Figures(ctx, chartDays)
		sum := summarizeFigures(figs, chartDays, today)
		return func() {
			if !k.adminCurrent(a) || a.panel != p {
				return
			}
			p.figures, p.figuresErr = &sum, err != nil
			if err != nil {
				p.figures = nil
			}
			if p.figuresBox != nil && p.export == nil {
				p.figuresBox.Objects = []fyne.CanvasObject{p.figuresView()}
				p.figuresBox.Refresh()
			}
		}
	})
}

// figuresView is the chart with its legend and the totals, or a sentence
// saying why there is none.
func (p *adminPanel) figuresView() fyne.CanvasObject {
	tr := p.k.tr
	say := func(key string, importance widget.Importance) fyne.CanvasObject {
		l := widget.NewLabel(tr.T(key, "days", chartDays))
		l.Wrapping, l.Importance = fyne.TextWrapWord, importance
		return l
	}
	s := p.figures
	switch {
	case p.figuresErr:
		return say("admin.figures.failed", widget.DangerImportance)
	case s == nil:
		return say("admin.figures.loading", widget.MediumImportance)
	case s.total.Started == 0 && s.total.HelpRequests == 0 && s.total.Practice == 0:
		return say("admin.figures.empty", widget.MediumImportance)
	}
	title := widget.NewLabelWithStyle(tr.T("admin.figures.title", "days", len(s.days)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	totals := wrapped(s.totalsText(tr))
	if s.total.Started == 0 { // help asked or practice only: no bar to draw
		return container.NewVBox(title, totals)
	}
	th := p.k.theme
	if th == nil {
		th = counter
	}
	chart := newFiguresChart(s.days, th.Size(theme.SizeNameText))
	return container.NewVBox(title,
		container.NewBorder(nil, nil, nil, figuresLegend(tr), chart.view()),
		totals)
}

// figuresLegend names the segments from the top of a bar down.
func figuresLegend(tr *translator) fyne.CanvasObject {
	rows := container.NewVBox()
	for seg := segments - 1; seg >= 0; seg-- {
		swatch := segmentRect(seg)
		swatch.SetMinSize(fyne.NewSquareSize(24))
		rows.Add(container.NewHBox(container.NewCenter(swatch), widget.NewLabel(tr.T(segmentKeys[seg]))))
	}
	return rows
}

// figuresChart lays out a bar for each day over a base line, the tallest
// day's count at the top left beside a faint line, and a date (dd/mm)
// under every chartLabelEvery-th bar. It is the Layout of its own
// container and places the objects it holds by name.
type figuresChart struct {
	bars       []*fyne.Container // a dayBar each, one per day, oldest first
	dates      []*canvas.Text    // nil but under every chartLabelEvery-th bar
	top        *canvas.Text      // the tallest day's count
	grid, base *canvas.Line
}

var _ fyne.Layout = (*figuresChart)(nil)

func newFiguresChart(days []selfserve.Figures, textSize float32) *figuresChart {
	c := &figuresChart{dates: make([]*canvas.Text, len(days))}
	tallest := 0
	for _, d := range days {
		segs := daySegments(d)
		tallest = max(tallest, segs[0]+segs[1]+segs[2])
	}
	text := func(s string) *canvas.Text {
		t := canvas.NewText(s, ink)
		t.TextSize = textSize
		return t
	}
	for i, d := range days {
		bar := &dayBar{counts: daySegments(d), top: tallest}
		objs := make([]fyne.CanvasObject, segments)
		for seg := range objs {
			r := segmentRect(seg)
			if bar.counts[seg] == 0 {
				r.Hide() // a day without sessions shows nothing, not a line
			}
			objs[seg] = r
		}
		c.bars = append(c.bars, container.New(bar, objs...))
		if (len(days)-1-i)%chartLabelEvery == 0 {
			if day, err := time.Parse(time.DateOnly, d.Date); err == nil {
				c.dates[i] = text(day.Format("02/01"))
			}
		}
	}
	c.top = text(strconv.Itoa(tallest))
	c.top.Alignment = fyne.TextAlignTrailing
	c.grid = &canvas.Line{StrokeColor: cardPaper, StrokeWidth: 2}
	c.base = &canvas.Line{StrokeColor: quietInk, StrokeWidth: 2}
	return c
}

// view is the chart's container.
func (c *figuresChart) view() *fyne.Container {
	objs := []fyne.CanvasObject{c.grid, c.base, c.top}
	for _, b := range c.bars {
		objs = append(objs, b)
	}
	for _, d := range c.dates {
		if d != nil {
			objs = append(objs, d)
		}
	}
	return container.New(c, objs...)
}

// axis is the width of the count at the top left and its gap.
func (c *figuresChart) axis() float32 { return c.top.MinSize().Width + theme.Padding() }

// dateHeight is the height of the row of dates.
func (c *figuresChart) dateHeight() float32 { return c.top.MinSize().Height }

func (c *figuresChart) MinSize([]fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(c.axis()+float32(len(c.bars))*chartColumn, c.top.MinSize().Height/2+chartPlot+c.dateHeight())
}

// Layout gives each day an equal column and each bar the plot's full
// height: the bar's dayBar scales its segments to the tallest day.
func (c *figuresChart) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	axis := c.axis()
	plotTop := c.top.MinSize().Height / 2 // the count's middle is on the top line
	plotBottom := max(size.Height-c.dateHeight(), plotTop)
	column := (size.Width - axis) / float32(max(len(c.bars), 1))

	c.top.Move(fyne.NewPos(0, 0))
	c.top.Resize(fyne.NewSize(axis-theme.Padding(), c.top.MinSize().Height))
	c.grid.Position1, c.grid.Position2 = fyne.NewPos(axis, plotTop), fyne.NewPos(size.Width, plotTop)
	c.base.Position1, c.base.Position2 = fyne.NewPos(axis, plotBottom), fyne.NewPos(size.Width, plotBottom)
	for i, b := range c.bars {
		x := axis + float32(i)*column
		b.Move(fyne.NewPos(x+column*0.15, plotTop))
		b.Resize(fyne.NewSize(column*0.7, plotBottom-plotTop))
		if d := c.dates[i]; d != nil {
			w := d.MinSize().Width
			left := min(max(x+column/2-w/2, axis), size.Width-w) // centred, kept inside
			d.Move(fyne.NewPos(left, plotBottom))
			d.Resize(d.MinSize())
		}
	}
}

// dayBar stacks a day's segments from the bottom, each as tall as its
// count over the tallest day's.
type dayBar struct {
	counts [segments]int
	top    int // the tallest day's sessions: the full height
}

var _ fyne.Layout = (*dayBar)(nil)

func (b *dayBar) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.Size{} }

func (b *dayBar) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := size.Height
	for i, o := range objs {
		h := float32(0)
		if b.top > 0 && i < len(b.counts) {
			h = size.Height * float32(b.counts[i]) / float32(b.top)
		}
		y -= h
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
	}
}
