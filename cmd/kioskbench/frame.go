package main

import (
	"fmt"
	"time"
)

// The first frame of the home screen is seen the same way for both apps,
// from outside: the header's gold band (#FFCD00, 4 px high, at y ≈ 85 on a
// 1280-wide screen in the kiosk and in bench/home.html alike) appears in
// a narrow strip read from the root window. Nothing else on either screen
// is that gold across a whole strip, and a black or white first frame
// (an empty window, Chromium's blank page) has none.
var gold = rgb{0xFF, 0xCD, 0x00}

// bandStrip is the part of the screen watched: stripWidth pixels wide in
// the middle of the screen, from the top down to stripHeight.
const (
	stripWidth  = 16
	stripHeight = 240
	// bandRows is how many rows of the strip must be all gold: the band
	// is 4 px high; 3 leaves room for an anti-aliased edge.
	bandRows = 3
)

// hasBand reports whether s holds at least bandRows consecutive rows that
// are gold across the whole strip, and the first such row.
func hasBand(s strip) (int, bool) {
	run := 0
	for y := range s.H {
		if !rowIs(s, y, gold) {
			run = 0
			continue
		}
		run++
		if run == bandRows {
			return y - bandRows + 1, true
		}
	}
	return 0, false
}

func rowIs(s strip, y int, c rgb) bool {
	for x := range s.W {
		if s.at(x, y) != c {
			return false
		}
	}
	return true
}

// frameWatch polls the screen for the band.
type frameWatch struct {
	x     *xConn
	every time.Duration // the pause between two reads: the polling resolution
}

// firstFrame is what waiting for the band saw.
type firstFrame struct {
	At    time.Time     // when the read that first showed the band began
	Polls int           // reads made
	Gap   time.Duration // the longest time between two reads' starts: the worst-case resolution
	BandY int           // the band's top row on screen
}

// wait polls until the band shows, the deadline passes or exited closes.
// The time reported is the start of the read that first saw the band,
// so it errs late by at most one polling interval (Gap).
func (w frameWatch) wait(deadline time.Time, exited <-chan struct{}) (firstFrame, error) {
	left := max(0, w.x.width/2-stripWidth/2)
	height := min(stripHeight, w.x.height)
	var f firstFrame
	var last time.Time
	for {
		start := time.Now()
		if !last.IsZero() {
			f.Gap = max(f.Gap, start.Sub(last))
		}
		last = start
		s, err := w.x.getImage(left, 0, stripWidth, height)
		if err != nil {
			return f, err
		}
		f.Polls++
		if y, ok := hasBand(s); ok {
			f.At, f.BandY = start, y
			return f, nil
		}
		select {
		case <-exited:
			return f, fmt.Errorf("the app exited before its first frame")
		default:
		}
		if start.After(deadline) {
			return f, fmt.Errorf("no gold header band on screen after %d reads", f.Polls)
		}
		time.Sleep(w.every)
	}
}

// bandGone waits until the band has left the screen: the previous app's
// window is gone, so the next run starts from an empty screen.
func (w frameWatch) bandGone(limit time.Duration) error {
	left := max(0, w.x.width/2-stripWidth/2)
	height := min(stripHeight, w.x.height)
	deadline := time.Now().Add(limit)
	for {
		s, err := w.x.getImage(left, 0, stripWidth, height)
		if err != nil {
			return err
		}
		if _, ok := hasBand(s); !ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the gold band is still on screen %v after the app was stopped", limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
