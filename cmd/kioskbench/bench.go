package main

import (
	"fmt"
	"io"
	"sync/atomic"
	"time"
)

// bench measures the two apps on one display.
type bench struct {
	o               options
	x               *xvfb
	watch           frameWatch
	hz              float64 // clock ticks per second of /proc times
	work            string  // where each run's fresh directory goes
	log             io.Writer
	kiosk, chromium appSpec
	current         atomic.Pointer[running] // the run under way, for an interrupt to stop
}

// Limits of the waits: generous, since a missed one fails the whole bench.
const (
	firstFrameLimit = 60 * time.Second
	controlLimit    = 90 * time.Second
	bandGoneLimit   = 10 * time.Second
	// afterJourney lets the journey's last screen and its background work
	// (the outbox's send, the links' closing) settle before the sample.
	afterJourney = 2 * time.Second
	// afterQR lets the QR screen's first frames paint before its idle
	// window starts.
	afterQR = 2 * time.Second
)

// all runs the apps alternately, kiosk then Chromium, each run a fresh
// process with a fresh data directory or profile. The first memRuns
// runs also sample memory (and the kiosk's journey); the last also
// measures idle CPU, on a process that has done nothing else.
func (b *bench) all(res *results) error {
	for i := range b.o.runs {
		if err := b.kioskRun(i, &res.Kiosk); err != nil {
			return fmt.Errorf("kiosk, run %d: %w", i+1, err)
		}
		if err := b.chromiumRun(i, &res.Chromium); err != nil {
			return fmt.Errorf("chromium, run %d: %w", i+1, err)
		}
	}
	return nil
}

func (b *bench) lastRun(i int) bool { return i == b.o.runs-1 }

func (b *bench) kioskRun(i int, s *appSamples) error {
	return b.withRun(b.kiosk, s, func(r *running, frame firstFrame) error {
		if i < b.o.memRuns {
			if err := b.sampleMemory(r, frame, &s.Pss5s); err != nil {
				return err
			}
			if err := b.journey(r, i, s); err != nil {
				return err
			}
		}
		if !b.lastRun(i) {
			return nil
		}
		sleepUntil(frame.At.Add(b.o.settle))
		return b.kioskIdle(r, s)
	})
}

// journey has the kiosk file a dossier through its screens and samples
// its memory once it is back home.
func (b *bench) journey(r *running, i int, s *appSamples) error {
	took, err := r.send("journey", controlLimit)
	if err != nil {
		return err
	}
	s.JourneyMs = append(s.JourneyMs, float64(took.Milliseconds()))
	time.Sleep(afterJourney)
	m, err := r.pss()
	if err != nil {
		return err
	}
	s.PssJourney = append(s.PssJourney, m)
	warnOthers(b.log, "kiosk", m)
	fmt.Fprintf(b.log, "kioskbench: kiosk %d: journey %v, PSS %.1f MB after it\n", i+1, took, mb(m.PssKB))
	return nil
}

// kioskIdle measures the kiosk's idle CPU on its home screen, then on
// the sign-in screen with its phone-link QR.
func (b *bench) kioskIdle(r *running, s *appSamples) error {
	home, err := b.cpu(r, "home")
	if err != nil {
		return err
	}
	s.CPUHome = &home
	took, err := r.send("qr", controlLimit)
	if err != nil {
		return err
	}
	s.QRMs = float64(took.Milliseconds())
	time.Sleep(afterQR)
	qr, err := b.cpu(r, "QR")
	if err != nil {
		return err
	}
	s.CPUQR = &qr
	_, err = r.send("home", controlLimit)
	return err
}

func (b *bench) chromiumRun(i int, s *appSamples) error {
	return b.withRun(b.chromium, s, func(r *running, frame firstFrame) error {
		if i < b.o.memRuns {
			if err := b.sampleMemory(r, frame, &s.Pss5s); err != nil {
				return err
			}
		}
		if !b.lastRun(i) {
			return nil
		}
		sleepUntil(frame.At.Add(b.o.settle)) // at once when memory was sampled
		home, err := b.cpu(r, "home")
		if err != nil {
			return err
		}
		s.CPUHome = &home
		return nil
	})
}

// withRun starts a run of spec, waits for its first frame, does what the
// run is for, then stops it and checks that nothing of it is left,
// neither processes nor its window.
func (b *bench) withRun(spec appSpec, s *appSamples, then func(*running, firstFrame) error) error {
	r, err := launch(spec, b.work)
	if err != nil {
		return err
	}
	b.current.Store(r)
	frame, err := b.watch.wait(r.start.Add(firstFrameLimit), r.exited)
	if err == nil {
		ms := float64(frame.At.Sub(r.start).Microseconds()) / 1000
		s.Startup = append(s.Startup, startup{Ms: ms, Polls: frame.Polls, MaxGap: float64(frame.Gap.Microseconds()) / 1000, BandY: frame.BandY})
		fmt.Fprintf(b.log, "kioskbench: %s %d: first frame after %.0f ms (%d reads)\n", spec.name, len(s.Startup), ms, frame.Polls)
		err = then(r, frame)
	}
	out, stopErr := r.stop()
	b.current.Store(nil)
	if left := alive(r.seen); len(left) > 0 {
		s.Leftovers += len(left)
	}
	if err != nil {
		s.ErrorOutput = out
		return fmt.Errorf("%w\n--- its output, last lines:\n%s", err, out)
	}
	if stopErr != nil {
		return stopErr
	}
	return b.watch.bandGone(bandGoneLimit)
}

// sampleMemory waits until settle after the first frame and samples the
// tree's PSS.
func (b *bench) sampleMemory(r *running, frame firstFrame, into *[]memSample) error {
	sleepUntil(frame.At.Add(b.o.settle))
	m, err := r.pss()
	if err != nil {
		return err
	}
	*into = append(*into, m)
	fmt.Fprintf(b.log, "kioskbench: %s: PSS %.1f MB in %d processes, %v after the first frame\n", r.spec.name, mb(m.PssKB), m.Processes, b.o.settle)
	warnOthers(b.log, r.spec.name, m)
	return nil
}

// cpu measures the run's idle CPU over the window.
func (b *bench) cpu(r *running, screen string) (cpuSample, error) {
	r.remember()
	c, err := measureCPU(r.pid(), b.x.pid(), b.o.cpuWindow, b.hz)
	if err != nil {
		return c, err
	}
	fmt.Fprintf(b.log, "kioskbench: %s idle on %s: %.2f%% of a core (Xvfb %.2f%%) over %.0f s\n", r.spec.name, screen, c.Percent, c.XvfbPercent, c.Window)
	return c, nil
}

// warnOthers says when the figure is skewed by another copy of the app.
func warnOthers(log io.Writer, name string, m memSample) {
	if m.Others > 0 {
		fmt.Fprintf(log, "kioskbench: WARNING: %d other processes run %s's program outside this bench: they share its pages, so its PSS reads low; run make bench on a quiet machine\n", m.Others, name)
	}
}

func sleepUntil(t time.Time) { time.Sleep(time.Until(t)) }

func mb(kb uint64) float64 { return float64(kb) / 1024 }

// appFigures derives the table's figures from the raw samples.
func appFigures(res *results) []figure {
	k, c := res.Kiosk, res.Chromium
	startupMs := func(s []startup) *float64 {
		var xs []float64
		for _, v := range s {
			xs = append(xs, v.Ms)
		}
		return median(xs)
	}
	pssMB := func(s []memSample) *float64 {
		var xs []float64
		for _, v := range s {
			xs = append(xs, mb(v.PssKB))
		}
		return median(xs)
	}
	cpuPct := func(s *cpuSample) *float64 {
		if s == nil {
			return nil
		}
		return &s.Percent
	}
	xvfbPct := func(s *cpuSample) *float64 {
		if s == nil {
			return nil
		}
		return &s.XvfbPercent
	}
	window := fmt.Sprintf("idle CPU over %.0f s", res.Settings.CPUWindowSec)
	return []figure{
		ratioFigure("start-up to first frame (median)", "ms", startupMs(k.Startup), startupMs(c.Startup), 0.5),
		ratioFigure("memory, PSS 5 s after first frame (median)", "MB", pssMB(k.Pss5s), pssMB(c.Pss5s), 0.4),
		ratioFigure("memory, PSS after a full journey (vs Chromium at 5 s)", "MB", pssMB(k.PssJourney), pssMB(c.Pss5s), 0.4),
		limitFigure(window+", home screen", "%", cpuPct(k.CPUHome), cpuPct(c.CPUHome), 1),
		limitFigure(window+", QR screen", "%", cpuPct(k.CPUQR), nil, 1),
		infoFigure("  Xvfb's CPU meanwhile, home screen", "%", xvfbPct(k.CPUHome), xvfbPct(c.CPUHome)),
		infoFigure("  Xvfb's CPU meanwhile, QR screen", "%", xvfbPct(k.CPUQR), nil),
	}
}
