package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/assets"
	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/offline"
	"github.com/motcua/kiosk/offline/scanfolder"
	"github.com/motcua/kiosk/ui"
)

// backend is everything behind the screen: the local store, the catalog to
// start with, and — when the kiosk knows a central system — the sync loop.
type backend struct {
	store    *offline.Store
	catalog  *kiosk.Catalog
	unit     string
	client   *central.Client // the central system; nil until the kiosk is enrolled
	syncer   *offline.Syncer // nil without a central system
	saver    *offline.Autosaver
	savedID  atomic.Value // string: the draft the last autosave was for
	kiosk    *ui.Kiosk    // set by start, before the sync loop runs
	demo     *demo        // nil unless --demo
	holidays []time.Time  // the central system's extra days off, as last applied
	log      zerolog.Logger

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// defaultDataDir is the per-user configuration folder of the OS.
func defaultDataDir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "motcua-kiosk"
	}
	return filepath.Join(dir, "motcua-kiosk")
}

func openBackend(cfg config, log zerolog.Logger) (*backend, error) {
	b := &backend{log: log, unit: cfg.unit}
	dataDir := cfg.dataDir
	if cfg.demo {
		d, err := startDemo(log)
		if err != nil {
			return nil, err
		}
		b.demo = d
		if !cfg.dataDirSet {
			dataDir = filepath.Join(d.dir, "kiosk") // a demo leaves no data behind
		}
	}
	store, err := offline.Open(dataDir, offline.Options{Log: log})
	if err != nil {
		b.close()
		return nil, err
	}
	b.store = store
	b.saver = offline.NewAutosaver(store, 0, b.onSaved)
	if err := b.loadCatalog(); err != nil {
		b.close()
		return nil, err
	}
	if b.demo != nil {
		if err := b.connectDemo(); err != nil {
			b.close()
			return nil, err
		}
	}
	return b, nil
}

// loadCatalog starts from the cached catalog, or the embedded sample on a
// brand-new kiosk: the kiosk works without a network from the first second.
func (b *backend) loadCatalog() error {
	cat, source, err := offline.LoadCatalog(b.store, assets.SampleCatalog())
	if err != nil {
		return err
	}
	b.catalog = cat
	b.log.Info().Str("catalog", cat.Version).Str("source", source).Msg("catalog loaded")
	return nil
}

func (b *backend) connectDemo() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client, enr, fetched, err := connectDemo(ctx, b.demo)
	if err != nil {
		return err
	}
	// Cached with its ETag, the sync loop's first look is a 304: the
	// screen is not handed the same catalog again as a new one.
	if err := b.store.PutCatalog(fetched.raw, fetched.etag); err != nil {
		b.log.Warn().Err(err).Msg("demo: cannot cache the catalog")
	}
	cat := fetched.cat
	b.catalog, b.unit, b.client = cat, enr.Unit.Name, client
	b.syncer = offline.NewSyncer(b.store, client, offline.SyncOptions{
		Version:   version,
		Log:       b.log,
		OnStatus:  func(st offline.Status) { fyne.Do(func() { b.kiosk.SetSyncStatus(uiStatus(st)) }) },
		OnCatalog: func(cat *kiosk.Catalog) { fyne.Do(func() { b.kiosk.SetCatalog(cat) }) },
		OnConfig:  b.onConfig,
	})
	b.log.Info().Str("server", b.demo.url).Str("device", enr.DeviceID).Str("catalog", cat.Version).
		Msg("demo: enrolled with the in-process reference server")
	return nil
}

// start runs the background work — store maintenance and the sync loop —
// reporting to k on the UI goroutine.
func (b *backend) start(k *ui.Kiosk, cfg config) {
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	b.kiosk = k
	b.wg.Add(2)
	go func() {
		defer b.wg.Done()
		b.store.RunMaintenance(ctx, time.Hour)
	}()
	go func() {
		defer b.wg.Done()
		b.saver.Run(ctx)
	}()
	if cfg.scanDir != "" {
		b.watchScans(ctx, cfg.scanDir)
	}
	if b.syncer == nil {
		return
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		err := b.syncer.Run(ctx) // it returns only when ctx ends, or on a bug
		if ctx.Err() == nil {
			b.log.Error().Err(err).Msg("sync loop stopped")
		}
	}()
}

// onConfig applies what the central system's heartbeat configures: the
// days off beyond the built-in table, for the due dates the screens
// expect. A day that does not parse is skipped, not fatal.
func (b *backend) onConfig(c central.DeviceConfig) {
	var days []time.Time
	for _, s := range c.Holidays {
		if d, err := time.Parse(time.DateOnly, s); err == nil {
			days = append(days, d)
		} else {
			b.log.Warn().Str("day", s).Msg("the central system sent a day off that is not yyyy-mm-dd; skipped")
		}
	}
	if !slices.Equal(days, b.holidays) {
		b.holidays = days
		cal := kiosk.NewCalendar(days...)
		fyne.Do(func() { b.kiosk.SetCalendar(cal) })
	}
}

// watchScans hands the document scanner's pages to the screen. A page
// the screen does not take (no citizen on the papers step) is dropped: the
// watcher has already deleted its file.
func (b *backend) watchScans(ctx context.Context, dir string) {
	w := scanfolder.New(dir, scanfolder.Options{Log: b.log})
	found := func(s scanfolder.Scan) {
		fyne.Do(func() {
			if !b.kiosk.AddScan(s.Name, s.MIME, s.Data) {
				clear(s.Data)
				b.log.Info().Int("bytes", len(s.Data)).Str("type", s.MIME).Msg("a scanned page arrived with no citizen on the papers step; dropped")
			}
		})
	}
	problem := func(p scanfolder.Problem) {
		fyne.Do(func() { b.kiosk.ScanProblem(p.Name, ui.ScanRefusal(p.Kind)) })
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		if err := w.Run(ctx, found, problem); err != nil && ctx.Err() == nil {
			b.log.Error().Err(err).Msg("the scan folder watcher stopped")
		}
	}()
}

// uiOptions gives the interface what it may use: filing and tracking only
// when the kiosk knows a central system.
func (b *backend) uiOptions(cfg config) ui.Options {
	opts := ui.Options{Lang: cfg.lang, Unit: b.unit, IdleTimeout: cfg.idle, IdleTicker: cfg.idle > 0, Scanner: cfg.scanDir != ""}
	if cfg.printer.Enabled() {
		opts.Printer = receiptPrinter{cfg: cfg.printer, font: theme.DefaultTextFont().Content()}
	}
	if use, err := b.store.ProcedureUse(); err == nil {
		opts.Usage = use // read once at start, before the first screen
	}
	if b.client != nil {
		opts.Submitter = outboxSubmitter{store: b.store, saver: b.saver, wake: b.syncer.Wake, poll: 100 * time.Millisecond}
		opts.Tracker = clientTracker{client: b.client}
		opts.Feedback = clientFeedback{client: b.client}
		opts.Drafts = drafts{store: b.store, saver: b.saver, saving: func(id string) { b.savedID.Store(id) }}
		opts.Linker = clientLinker{client: b.client}
		opts.Payer = clientPayer{client: b.client, payee: b.unit}
	}
	return opts
}

// onSaved hands an autosave's result to the screen, with the draft's
// resume code once it has one. It runs on the autosaver's goroutine.
func (b *backend) onSaved(err error) {
	code := ""
	if id, _ := b.savedID.Load().(string); err == nil && id != "" {
		code = resumeCodeOf(b.store, id)
	}
	fyne.Do(func() { b.kiosk.SetSaved(code, err) })
}

func uiStatus(st offline.Status) ui.SyncStatus {
	return ui.SyncStatus{Online: st.Online, Queued: st.Queued, Blocked: st.Blocked != ""}
}

// close stops the background work and releases the store and the demo
// server, in that order: nothing may write to a closed store.
func (b *backend) close() {
	if b.cancel != nil {
		b.cancel()
	}
	b.wg.Wait()
	if b.store != nil {
		if err := b.store.Close(); err != nil {
			b.log.Error().Err(err).Msg("closing the store")
		}
	}
	if b.demo != nil {
		b.demo.stop()
	}
}
