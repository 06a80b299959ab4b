package main

import (
	"context"
	"errors"
	"fmt"
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
	"github.com/motcua/kiosk/kiosk/practice"
	"github.com/motcua/kiosk/offline"
	"github.com/motcua/kiosk/offline/adminpin"
	"github.com/motcua/kiosk/offline/provision"
	"github.com/motcua/kiosk/offline/scanfolder"
	"github.com/motcua/kiosk/offline/speech"
	"github.com/motcua/kiosk/ui"
)

// backend is everything behind the screen: the local store, the catalog to
// start with, and — when the kiosk knows a central system — the sync loop.
type backend struct {
	cfg      config
	dataDir  string            // the store's directory: a demo's own unless --data-dir is given
	store    *offline.Store    // nil until the kiosk is enrolled
	catalog  *kiosk.Catalog    // the catalog the screen starts with
	unit     string            // the counter's name in the header
	device   *provision.Device // this kiosk's enrolment; nil for a demo and before enrolment
	client   *central.Client   // the central system; nil until the kiosk is enrolled
	syncer   *offline.Syncer   // nil without a central system
	saver    *offline.Autosaver
	savedID  atomic.Value    // string: the draft the last autosave was for
	kiosk    *ui.Kiosk       // set by start, before the sync loop runs
	demo     *demo           // nil unless --demo
	holidays []time.Time     // the central system's extra days off, as last applied
	speaker  *speech.Speaker // reads instructions aloud; nil until the store is open
	log      zerolog.Logger

	// What the sync loop keeps, touched only on its goroutine once it runs:
	// the whole catalog, the central system's enabled procedures and idle
	// timeout as last applied.
	synced  *kiosk.Catalog
	enabled []string
	idle    time.Duration

	win      fyne.Window // the kiosk's window, for the admin screen's actions
	exitCode int         // what the process exits with (exitRestart after the admin's restart)

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// defaultUnit is the header's name for a counter when neither the
// configuration nor the enrolment names one.
const defaultUnit = "Bộ phận Một cửa"

// defaultDataDir is the per-user configuration folder of the OS.
func defaultDataDir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "motcua-kiosk"
	}
	return filepath.Join(dir, "motcua-kiosk")
}

// openBackend opens what the kiosk runs on. A kiosk that is not enrolled
// opens nothing yet: it starts on the enrolment screen (show), whose
// success opens the store on the fresh data key enrolment wrote.
func openBackend(cfg config, log zerolog.Logger) (*backend, error) {
	b := &backend{cfg: cfg, log: log, dataDir: cfg.dataDir, idle: cfg.idle}
	if cfg.demo {
		d, err := startDemo(log)
		if err != nil {
			return nil, err
		}
		b.demo = d
		if !cfg.dataDirSet {
			b.dataDir = filepath.Join(d.dir, "kiosk") // a demo leaves no data behind
		}
	} else {
		dev, err := provision.LoadDevice(cfg.dataDir)
		if errors.Is(err, provision.ErrNotEnrolled) {
			log.Warn().Str("data_dir", cfg.dataDir).Msg("the kiosk is not enrolled: it shows the enrolment screen")
			b.catalog, err = kiosk.ParseCatalog(assets.SampleCatalog())
			b.unit = cfg.unit
			return b, err
		}
		if err != nil {
			return nil, err
		}
		b.device = &dev
	}
	if err := b.open(); err != nil {
		b.close()
		return nil, err
	}
	return b, nil
}

// open opens the store and connects to the central system: the
// in-process one of a demo, or the one the kiosk enrolled with.
func (b *backend) open() error {
	store, err := offline.Open(b.dataDir, offline.Options{Log: b.log, DraftLifetime: b.cfg.settings.DraftLifetime})
	if err != nil {
		return err
	}
	b.store = store
	b.saver = offline.NewAutosaver(ackedSaves(store), 0, b.onSaved)
	// Voices are looked for in the background: the read-aloud buttons
	// appear once one is found for the language on screen.
	b.speaker = speech.New(speech.Options{Log: b.log.With().Str("component", "speech").Logger()})
	if err := b.loadCatalog(); err != nil {
		return err
	}
	if b.demo != nil {
		return b.connectDemo()
	}
	return b.connect()
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

// connect sets up the client of the central system the kiosk enrolled
// with. api_url in the configuration, when set, is where it is: the
// system may have moved since.
func (b *backend) connect() error {
	dev, settings := b.device, b.cfg.settings
	server := dev.Server
	if settings.APIURL != "" && !provision.SameServer(settings.APIURL, dev.Server) {
		b.log.Warn().Str("api_url", settings.APIURL).Str("enrolled_with", dev.Server).
			Msg("api_url in the configuration is not the server the kiosk enrolled with; using api_url")
		server = settings.APIURL
	}
	roots, err := settings.RootCAs()
	if err != nil {
		return fmt.Errorf("ca_file %s: %w", settings.CAFile, err)
	}
	clientLog := b.log.With().Str("component", "central").Logger()
	client, err := central.New(central.Config{BaseURL: server, DeviceID: dev.ID, Token: dev.Token, Version: version,
		Pins: settings.Pins, RootCAs: roots, Log: &clientLog})
	if err != nil {
		return fmt.Errorf("the central system %s: %w", server, err)
	}
	b.unit = unitName(b.cfg.unit, dev.Unit.Name)
	b.useClient(client)
	b.log.Info().Str("server", server).Str("device", dev.ID).Str("unit", dev.Unit.Code).Msg("enrolled with the central system")
	return nil
}

// unitName is the header's name for the counter: the configuration's,
// or the enrolled unit's, or a plain default.
func unitName(configured, enrolled string) string {
	switch {
	case configured != "":
		return configured
	case enrolled != "":
		return enrolled
	}
	return defaultUnit
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
	b.catalog, b.unit = cat, unitName(b.cfg.unit, enr.Unit.Name)
	b.useClient(client)
	b.log.Info().Str("server", b.demo.url).Str("device", enr.DeviceID).Str("catalog", cat.Version).
		Msg("demo: enrolled with the in-process reference server")
	return nil
}

// useClient sets up the sync loop over client.
func (b *backend) useClient(client *central.Client) {
	b.client = client
	b.syncer = offline.NewSyncer(b.store, client, offline.SyncOptions{
		Version:   version,
		Log:       b.log,
		OnStatus:  func(st offline.Status) { fyne.Do(func() { b.kiosk.SetSyncStatus(uiStatus(st)) }) },
		OnCatalog: b.onCatalog,
		OnConfig:  b.onConfig,
	})
}

// show builds the interface in w: the kiosk's home, or the enrolment
// screen on a kiosk that is not enrolled, which switches to the home
// in-process once enrolled.
func (b *backend) show(w fyne.Window, cfg config) error {
	if b.store == nil {
		k, err := ui.New(w, b.catalog, ui.Options{Lang: cfg.lang, Unit: b.unit})
		if err != nil {
			return err
		}
		k.ShowEnrolment(screenEnroller{b: b}, cfg.settings.APIURL, func() {
			if err := b.show(w, cfg); err != nil {
				b.log.Error().Err(err).Msg("cannot build the interface after enrolment; restart the kiosk")
			}
		})
		return nil
	}
	b.win = w
	k, err := ui.New(w, b.catalog, b.uiOptions(cfg))
	if err != nil {
		return err
	}
	b.start(k, cfg)
	b.log.Info().Str("version", version).Str("catalog", b.catalog.Version).Int("procedures", len(b.catalog.Procedures)).Bool("demo", cfg.demo).Msg("kiosk started")
	return nil
}

// warmUpAfter is when, after the start, the kiosk builds what its first
// screen did not need: well after the first frame, well before a citizen
// can tap.
const warmUpAfter = 700 * time.Millisecond

// start runs the background work — store maintenance and the sync loop —
// reporting to k on the UI goroutine.
func (b *backend) start(k *ui.Kiosk, cfg config) {
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	b.kiosk = k
	// Once the home screen is up, build what the next screens need (the
	// on-screen keyboard), off the start and before the first tap.
	time.AfterFunc(warmUpAfter, func() { fyne.Do(k.WarmUp) })
	startBenchControl(b)
	b.synced = b.catalog
	b.wg.Add(2)
	go func() {
		defer b.wg.Done()
		b.store.RunMaintenance(ctx, time.Hour)
	}()
	go func() {
		defer b.wg.Done()
		b.saver.Run(ctx)
	}()
	if b.speaker != nil {
		b.wg.Add(1)
		go func() { // the voices are found in the background: then show the button
			defer b.wg.Done()
			select {
			case <-b.speaker.Ready():
				fyne.Do(k.SpeakerReady)
			case <-ctx.Done():
			}
		}()
	}
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

// onCatalog hands a new catalog from the central system to the screen,
// with only the procedures the central system enables.
func (b *backend) onCatalog(cat *kiosk.Catalog) {
	b.synced = cat
	b.showCatalog(enabledOnly(cat, b.enabled, b.log))
}

// showCatalog hands a catalog to the screen with its search index, built here
// on the sync loop's goroutine: 5,000 procedures take about 50 ms to
// index, which the UI goroutine must not spend.
func (b *backend) showCatalog(cat *kiosk.Catalog) {
	index := kiosk.NewIndex(cat.Procedures)
	fyne.Do(func() { b.kiosk.SetCatalog(cat, index) })
}

// onConfig applies what the central system's heartbeat configures — the
// keys it may set, which override the kiosk's own configuration: the idle
// timeout, the enabled procedures and the days off beyond the built-in
// table (for the due dates the screens expect). A value out of range is
// logged and skipped, never fatal.
func (b *backend) onConfig(c central.DeviceConfig) {
	b.applyIdleTimeout(c.IdleTimeoutSeconds)
	b.applyEnabled(c.EnabledProcedures)
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

// applyIdleTimeout takes the central system's idle timeout; 0 (or none)
// leaves the kiosk's own.
func (b *backend) applyIdleTimeout(seconds int) {
	if seconds <= 0 {
		return
	}
	d := time.Duration(seconds) * time.Second
	if err := provision.CheckIdleTimeout(d); err != nil {
		b.log.Warn().Int("idle_timeout_seconds", seconds).Str("keeping", b.idle.String()).
			Msgf("the central system's idle timeout is out of range (%v); skipped", err)
		return
	}
	if d == b.idle {
		return
	}
	b.log.Info().Str("idle_timeout", d.String()).Str("was", b.idle.String()).Msg("the central system sets the idle timeout")
	b.idle = d
	fyne.Do(func() { b.kiosk.SetIdleTimeout(d) })
}

// applyEnabled shows only the procedures the central system enables
// (none listed: all of them).
func (b *backend) applyEnabled(ids []string) {
	if slices.Equal(ids, b.enabled) {
		return
	}
	b.enabled = slices.Clone(ids)
	shown := enabledOnly(b.synced, ids, b.log)
	b.log.Info().Int("enabled", len(ids)).Int("shown", len(shown.Procedures)).Msg("the central system sets the enabled procedures")
	b.showCatalog(shown)
}

// enabledOnly returns cat with only the procedures in ids, and only the
// sectors that still have one. An empty list, or one that names none of
// the catalog's procedures (a catalog behind the central system's
// configuration), leaves cat whole: a kiosk with nothing to file helps
// no one.
func enabledOnly(cat *kiosk.Catalog, ids []string, log zerolog.Logger) *kiosk.Catalog {
	if len(ids) == 0 {
		return cat
	}
	out := &kiosk.Catalog{Version: cat.Version, Levels: cat.Levels}
	sectors := map[string]bool{}
	for _, p := range cat.Procedures {
		if slices.Contains(ids, p.ID) {
			out.Procedures = append(out.Procedures, p)
			sectors[p.Sector] = true
		}
	}
	if len(out.Procedures) == 0 {
		log.Warn().Strs("enabled", ids).Str("catalog", cat.Version).Msg("the central system enables no procedure of this catalog; showing them all")
		return cat
	}
	for _, s := range cat.Sectors {
		if sectors[s.ID] {
			out.Sectors = append(out.Sectors, s)
		}
	}
	return out
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
	// The idle check always runs: the central system may turn the idle
	// timeout on later (SetIdleTimeout), and the same tick drives the
	// phone links' QR rotation and the fee's polling.
	opts := ui.Options{Lang: cfg.lang, Unit: b.unit, IdleTimeout: b.idle, IdleTicker: true, Scanner: cfg.scanDir != ""}
	if cfg.printer.Enabled() {
		opts.Printer = receiptPrinter{cfg: cfg.printer, font: theme.DefaultTextFont().Content()}
	}
	if l, ok := savedLanguage(b.dataDir); ok && !cfg.langSet {
		opts.Lang = l // set on the admin screen
	}
	if g, err := adminpin.Open(b.dataDir, adminpin.Options{}); err == nil {
		opts.AdminPIN = adminPIN{g: g, log: b.log}
		opts.Admin = kioskAdmin{b: b, win: b.win}
		if err := g.Ready(); err != nil {
			b.log.Warn().Err(err).Msg("no usable admin PIN: the admin screen stays shut; set one with kiosk admin-pin")
		}
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
		opts.HelpDesk = clientHelpDesk{client: b.client}
		opts.Assistants = clientAssistants{client: b.client, log: b.log, now: time.Now}
	}
	opts.Recorder = storeRecorder{store: b.store, log: b.log}
	opts.Practice = practice.Default()
	if b.speaker != nil {
		opts.Speaker = b.speaker
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
	if b.speaker != nil {
		b.speaker.Close()
	}
	if b.store != nil {
		if err := b.store.Close(); err != nil {
			b.log.Error().Err(err).Msg("closing the store")
		}
	}
	if b.demo != nil {
		b.demo.stop()
	}
}
