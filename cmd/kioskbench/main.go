// Command kioskbench is make bench: it measures the kiosk beside a
// Chromium kiosk showing an equivalent static home page (bench/home.html),
// in the same run on the same virtual display, then runs the Go
// benchmarks, and prints one table of figures with their budgets, the
// raw samples going to a JSON file.
//
//	kioskbench -kiosk bin/kiosk-bench [-chromium chromium] [-page bench/home.html] [-out bench/results.json]
//
// The kiosk binary must be the bench build (-tags bench): the harness
// drives its journey and its QR screen through its control on stdin.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// options are the harness's flags.
type options struct {
	kiosk, chromium, page, out string
	runs, memRuns              int
	settle, cpuWindow, poll    time.Duration
	screen                     string
	goBench                    bool
	moduleDir, benchtime, tags string
	pkgs                       string
	chromiumExtra              string
}

func parseOptions(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("kioskbench", flag.ContinueOnError)
	fs.StringVar(&o.kiosk, "kiosk", "bin/kiosk-bench", "the kiosk binary, built with -tags bench")
	fs.StringVar(&o.chromium, "chromium", "chromium", "the Chromium to compare with")
	fs.StringVar(&o.chromiumExtra, "chromium-flags", "", "more Chromium flags, space-separated (e.g. --disable-gpu), to try another set-up")
	fs.StringVar(&o.page, "page", "bench/home.html", "the static home page Chromium shows")
	fs.StringVar(&o.out, "out", "bench/results.json", "where the results go, as JSON")
	fs.IntVar(&o.runs, "runs", 5, "start-ups per app, alternating kiosk and Chromium")
	fs.IntVar(&o.memRuns, "mem-runs", 3, "of those, how many also sample memory")
	fs.DurationVar(&o.settle, "settle", 5*time.Second, "from the first frame to the memory sample")
	fs.DurationVar(&o.cpuWindow, "cpu-window", 30*time.Second, "how long idle CPU is measured")
	fs.DurationVar(&o.poll, "poll", 5*time.Millisecond, "the pause between two reads of the screen while waiting for the first frame")
	fs.StringVar(&o.screen, "screen", "1280x800", "the virtual screen's size")
	fs.BoolVar(&o.goBench, "go-bench", true, "also run the Go benchmarks")
	fs.StringVar(&o.moduleDir, "module", ".", "the module's root, where the Go benchmarks run")
	fs.StringVar(&o.pkgs, "pkgs", "./kiosk/... ./offline/... ./ui/", "the packages whose benchmarks run")
	fs.StringVar(&o.tags, "tags", "ci,no_animations,migrated_fynedo", "build tags of the Go benchmarks")
	fs.StringVar(&o.benchtime, "benchtime", "", "go test -benchtime (default: go test's)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.runs < 1 || o.memRuns > o.runs {
		return o, fmt.Errorf("-runs must be at least 1 and -mem-runs at most -runs")
	}
	return o, nil
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	began := time.Now()
	o, err := parseOptions(args)
	if err != nil {
		return 2
	}
	res, err := measure(o, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "kioskbench:", err)
		return 1
	}
	res.FinishedAt = time.Now()
	res.WallSeconds = time.Since(began).Seconds()
	fmt.Fprint(stdout, "\n"+figuresTable(res.Figures))
	if o.goBench {
		fmt.Fprint(stdout, "\n"+benchTable(res.GoBench.Rows))
		if res.GoBench.Error != "" {
			fmt.Fprintf(stdout, "\nthe Go benchmarks failed: %s %v\n", res.GoBench.Error, res.GoBench.Failures)
		}
	}
	if err := writeJSON(o.out, res); err != nil {
		fmt.Fprintln(stderr, "kioskbench:", err)
		return 1
	}
	fmt.Fprintf(stdout, "\nraw samples in %s; wall time %s\n", o.out, time.Since(began).Round(time.Second))
	if res.GoBench.Error != "" {
		return 1
	}
	return 0
}

// results is the JSON file.
type results struct {
	StartedAt   time.Time    `json:"started_at"`
	FinishedAt  time.Time    `json:"finished_at"`
	WallSeconds float64      `json:"wall_s"`
	Machine     machine      `json:"machine"`
	Settings    settings     `json:"settings"`
	Kiosk       appSamples   `json:"kiosk"`
	Chromium    appSamples   `json:"chromium"`
	Figures     []figure     `json:"figures"`
	GoBench     goBenchBlock `json:"go_benchmarks"`
}

type settings struct {
	Screen          string   `json:"screen"`
	Runs            int      `json:"startup_runs_per_app"`
	MemRuns         int      `json:"memory_runs_per_app"`
	SettleSeconds   float64  `json:"memory_after_first_frame_s"`
	CPUWindowSec    float64  `json:"cpu_window_s"`
	PollMs          float64  `json:"first_frame_poll_interval_ms"`
	FirstFrame      string   `json:"first_frame_rule"`
	KioskCommand    []string `json:"kiosk_command"`
	ChromiumCommand []string `json:"chromium_command"`
}

// startup is one start-up sample.
type startup struct {
	Ms     float64 `json:"ms"` // from just before exec to the read that first saw the band
	Polls  int     `json:"polls"`
	MaxGap float64 `json:"max_poll_gap_ms"`
	BandY  int     `json:"band_y"`
}

// appSamples are one app's raw samples.
type appSamples struct {
	Startup     []startup   `json:"startup"`
	Pss5s       []memSample `json:"pss_5s_after_first_frame"`
	PssJourney  []memSample `json:"pss_after_journey,omitempty"`
	JourneyMs   []float64   `json:"journey_ms,omitempty"` // as the kiosk's control reports it
	CPUHome     *cpuSample  `json:"cpu_idle_home,omitempty"`
	CPUQR       *cpuSample  `json:"cpu_idle_qr,omitempty"`
	QRMs        float64     `json:"qr_ms,omitempty"`
	Leftovers   int         `json:"processes_left_behind"`
	ErrorOutput string      `json:"error_output,omitempty"`
}

type goBenchBlock struct {
	Command  string        `json:"command"`
	Seconds  float64       `json:"wall_s"`
	Error    string        `json:"error,omitempty"`
	Failures []string      `json:"failures,omitempty"`
	Results  []benchResult `json:"results"`
	Rows     []benchRow    `json:"table"`
}

// measure runs everything: the apps on a display of our own, then the Go
// benchmarks.
func measure(o options, log io.Writer) (*results, error) {
	res := &results{StartedAt: time.Now()}
	if err := needTools(tool{"Xvfb", "xvfb"}, tool{o.chromium, "chromium"}, tool{"go", "golang-go"}); err != nil {
		return nil, err
	}
	kioskBin, err := filepath.Abs(o.kiosk)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(kioskBin); err != nil {
		return nil, fmt.Errorf("the kiosk's bench build: %w (make bench builds it)", err)
	}
	page, err := filepath.Abs(o.page)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(page); err != nil {
		return nil, fmt.Errorf("the static home page: %w", err)
	}
	res.Machine = machineInfo(o.chromium, o.moduleDir)
	if err := measureApps(o, kioskBin, page, res, log); err != nil {
		return nil, err
	}
	if o.goBench {
		fmt.Fprintln(log, "kioskbench: the Go benchmarks…")
		start := time.Now()
		g := goBench{dir: o.moduleDir, pkgs: strings.Fields(o.pkgs), tags: o.tags, benchtime: o.benchtime}
		out, command, err := g.run(log)
		res.GoBench = goBenchBlock{Command: command, Seconds: time.Since(start).Seconds(),
			Failures: out.Failures, Results: out.Results, Rows: benchRows(out.Results)}
		if err != nil {
			res.GoBench.Error = err.Error()
		}
	}
	return res, nil
}

// measureApps starts Xvfb and runs both apps on it, stopping everything
// on the way out, an interrupt included.
func measureApps(o options, kioskBin, page string, res *results, log io.Writer) error {
	x, err := startXvfb(o.screen)
	if err != nil {
		return err
	}
	defer x.stop()
	conn, err := dialX(x.display)
	if err != nil {
		return err
	}
	defer conn.Close()
	work, err := os.MkdirTemp("", "kioskbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	b := &bench{o: o, x: x, watch: frameWatch{x: conn, every: o.poll}, hz: clockTicks(), work: work, log: log,
		kiosk: kioskSpec(kioskBin, x.display), chromium: chromiumSpec(o.chromium, page, x.display, strings.Fields(o.chromiumExtra))}
	stopOnSignal(b)
	res.Settings = settings{Screen: o.screen, Runs: o.runs, MemRuns: o.memRuns, SettleSeconds: o.settle.Seconds(),
		CPUWindowSec: o.cpuWindow.Seconds(), PollMs: float64(o.poll) / 1e6,
		FirstFrame:      fmt.Sprintf("%d×%d px strip at the screen's middle, from the top: %d rows all #FFCD00", stripWidth, stripHeight, bandRows),
		KioskCommand:    b.kiosk.command("<fresh dir>"),
		ChromiumCommand: b.chromium.command("<fresh dir>")}
	if err := b.all(res); err != nil {
		return err
	}
	res.Figures = appFigures(res)
	return nil
}

// stopOnSignal stops the app being measured and Xvfb on Ctrl-C or
// SIGTERM, so that an interrupted make bench leaves nothing running.
func stopOnSignal(b *bench) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		fmt.Fprintln(b.log, "kioskbench: interrupted; stopping")
		if r := b.current.Load(); r != nil {
			_, _ = r.stop()
		}
		b.x.stop()
		os.RemoveAll(b.work)
		os.Exit(130)
	}()
}

func writeJSON(path string, res *results) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "<fresh dir>" stays readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}
