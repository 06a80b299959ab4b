package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/offline"
	"github.com/motcua/kiosk/offline/printer"
	"github.com/motcua/kiosk/offline/provision"
	"github.com/motcua/kiosk/offline/speech"
)

// `kiosk doctor` checks what a kiosk needs, one line per check, for IT
// staff at the counter. It only looks: it sends no heartbeat, writes
// nothing to the printer, and never repairs the database (the kiosk does
// that at start). It never prints the device token or a citizen's data:
// the outbox is counted, not read.

const doctorUsage = "Usage: kiosk doctor [--data-dir DIR] [--config FILE]\n\n" +
	"Checks the configuration, the enrolment, the central API and its TLS, the clock,\n" +
	"the disk, the database, the outbox, the display, the printer and the read-aloud voice.\n" +
	"One line per check: OK, WARN, FAIL or SKIP, with a hint. Exit code 0: all OK; 1: warnings;\n" +
	"2: a failure.\n\nFlags:\n"

// Thresholds of the checks.
const (
	skewWarn        = 2 * time.Minute
	skewFail        = 10 * time.Minute
	diskWarnBytes   = 500_000_000
	diskFailBytes   = 100_000_000
	outboxStale     = time.Hour // the detail says "an hour"
	networkTimeout  = 10 * time.Second
	printerTimeout  = 3 * time.Second
	commandTimeout  = 5 * time.Second
	dbLockTimeout   = 500 * time.Millisecond // as offline.Open's
	doctorExitWarn  = 1
	doctorExitFail  = 2
	kioskEnrollHint = "kiosk enroll --server URL --code CODE"
)

// checkStatus is a check's verdict; the order is the severity.
type checkStatus int

const (
	statusOK checkStatus = iota
	statusSkip
	statusWarn
	statusFail
)

func (s checkStatus) String() string {
	return [...]string{"OK", "SKIP", "WARN", "FAIL"}[s]
}

// checkResult is one line of the report.
type checkResult struct {
	name   string
	status checkStatus
	detail string
	hint   string // what to do; "" when there is nothing to do
}

func (r checkResult) line() string {
	s := fmt.Sprintf("%-5s %-14s %s", r.status, r.name, r.detail)
	if r.hint != "" {
		s += " — " + r.hint
	}
	return s
}

func result(name string, st checkStatus, detail, hint string) checkResult {
	return checkResult{name: name, status: st, detail: detail, hint: hint}
}

// probes are the doctor's views of the machine, replaced in tests.
type probes struct {
	now      func() time.Time
	getenv   func(string) string
	lookPath func(string) (string, error)
	goos     string
	diskFree func(dir string) (int64, error) // bytes free for the kiosk's user
}

func systemProbes() probes {
	return probes{now: time.Now, getenv: os.Getenv, lookPath: exec.LookPath, goos: runtime.GOOS, diskFree: diskFree}
}

// doctor runs the checks in order; each may leave what it found for the
// ones after it.
type doctor struct {
	probes
	dataDir string
	common  commonFlags

	settings provision.Config
	configOK bool
	device   *provision.Device
	server   string         // the central API's root the kiosk uses
	roots    *x509.CertPool // ca_file's authorities; nil: the system's
	answered bool           // the central system answered over a trusted connection
	dbOK     bool           // kiosk.db exists and is consistent
	running  bool           // another process (the kiosk) holds kiosk.db
}

// runDoctor is `kiosk doctor`.
func runDoctor(args []string, stdout, stderr io.Writer) int {
	return doctorMain(args, stdout, stderr, systemProbes())
}

func doctorMain(args []string, stdout, stderr io.Writer, p probes) int {
	var common commonFlags
	fs := flag.NewFlagSet("kiosk doctor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	common.register(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, doctorUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return doctorExitFail
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "kiosk doctor: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return doctorExitFail
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	d := &doctor{probes: p, dataDir: common.dataDir, common: common}
	return d.run(ctx, stdout)
}

// run prints one line per check and returns the exit code: 0 when every
// check is OK (or skipped), 1 with a warning, 2 with a failure.
func (d *doctor) run(ctx context.Context, w io.Writer) int {
	worst := statusOK
	for _, check := range d.checks() {
		r := check(ctx)
		fmt.Fprintln(w, r.line())
		worst = max(worst, r.status)
	}
	switch worst {
	case statusFail:
		return doctorExitFail
	case statusWarn:
		return doctorExitWarn
	}
	return 0
}

// checks are the checks in the order they run: later ones use what
// earlier ones found (the configuration, the enrolment, the answer).
func (d *doctor) checks() []func(context.Context) checkResult {
	return []func(context.Context) checkResult{
		d.checkConfig, d.checkEnrolment, d.checkAPI, d.checkClock, d.checkDisk,
		d.checkDatabase, d.checkOutbox, d.checkDisplay, d.checkPrinter, d.checkSpeech,
	}
}

// ---- 1. configuration ----

func (d *doctor) checkConfig(context.Context) checkResult {
	const name = "configuration"
	settings, path, err := d.common.load()
	if err != nil {
		detail := err.Error()
		var ce *provision.ConfigError
		if errors.As(err, &ce) {
			var ps []string
			for _, p := range ce.Problems {
				ps = append(ps, p.Error())
			}
			detail = ce.Path + ": " + strings.Join(ps, "; ")
		}
		return result(name, statusFail, detail, "fix the file (docs/configuration.md lists every key); the kiosk does not start with it")
	}
	d.settings, d.configOK = settings, true
	if path == "" {
		return result(name, statusOK, "no "+provision.ConfigFile+" in "+d.dataDir+": the defaults", "")
	}
	return result(name, statusOK, path+" is valid", "")
}

// ---- 2. enrolment ----

func (d *doctor) checkEnrolment(context.Context) checkResult {
	const name = "enrolment"
	dev, err := provision.LoadDevice(d.dataDir)
	switch {
	case errors.Is(err, provision.ErrNotEnrolled):
		return result(name, statusFail, "not enrolled: no "+provision.DeviceFile+" in "+d.dataDir, "run "+kioskEnrollHint)
	case errors.Is(err, fs.ErrPermission):
		return result(name, statusFail, err.Error(), "run kiosk doctor as the kiosk's user")
	case err != nil:
		return result(name, statusFail, err.Error(), "run kiosk enroll --force --code CODE (dossiers not yet sent are never deleted)")
	}
	d.device = &dev
	unit := dev.Unit.Name
	if unit == "" {
		unit = dev.Unit.Code
	}
	detail := fmt.Sprintf("device %s, %s, since %s", dev.ID, unit, dev.EnrolledAt.Local().Format("02/01/2006"))
	if loose := d.looseModes(); len(loose) > 0 {
		return result(name, statusWarn, detail+"; but "+strings.Join(loose, ", "),
			fmt.Sprintf("chmod 600 %s; chmod 700 %s", filepath.Join(d.dataDir, "device.*"), d.dataDir))
	}
	return result(name, statusOK, detail, "")
}

// looseModes names the enrolment's files (and the data directory) that
// others than the kiosk's user may read. Windows has no such modes.
func (d *doctor) looseModes() []string {
	if d.goos == "windows" {
		return nil
	}
	var loose []string
	if info, err := os.Stat(d.dataDir); err == nil && info.Mode().Perm()&0o077 != 0 {
		loose = append(loose, fmt.Sprintf("the data directory is mode %04o (want 0700)", info.Mode().Perm()))
	}
	for _, f := range []string{provision.DeviceFile, provision.TokenFile, offline.KeyFile} {
		if info, err := os.Stat(filepath.Join(d.dataDir, f)); err == nil && info.Mode().Perm()&0o077 != 0 {
			loose = append(loose, fmt.Sprintf("%s is mode %04o (want 0600)", f, info.Mode().Perm()))
		}
	}
	return loose
}

// ---- 3. api and TLS ----

// checkAPI makes one authenticated request that changes nothing: GET
// /v1/catalog with If-None-Match: *, which a server with a catalog answers
// 304 without a body. It goes through the kiosk's own client, so the
// pins, ca_file, TLS settings and proxy are the kiosk's. No retries: IT
// staff want the verdict now.
func (d *doctor) checkAPI(ctx context.Context) checkResult {
	const name = "api"
	switch {
	case !d.configOK:
		return result(name, statusSkip, "the configuration has problems (see above)", "")
	case d.device == nil:
		return result(name, statusSkip, "not enrolled", "")
	}
	d.server = d.device.Server
	if d.settings.APIURL != "" {
		d.server = d.settings.APIURL
	}
	roots, err := d.settings.RootCAs()
	if err != nil {
		return result(name, statusFail, fmt.Sprintf("ca_file %s: %v", d.settings.CAFile, err), "fix ca_file in "+provision.ConfigFile)
	}
	d.roots = roots
	client, err := central.New(central.Config{BaseURL: d.server, DeviceID: d.device.ID, Token: d.device.Token, Version: version,
		Pins: d.settings.Pins, RootCAs: roots, Timeout: networkTimeout, MaxRetries: -1})
	if err != nil {
		return result(name, statusFail, err.Error(), "check api_url in "+provision.ConfigFile)
	}
	ctx, cancel := context.WithTimeout(ctx, networkTimeout)
	defer cancel()
	start := time.Now()
	_, _, _, _, err = client.Catalog(ctx, "*")
	took := time.Since(start).Round(time.Millisecond)
	if err != nil {
		return d.apiFailure(err)
	}
	d.answered = true
	return result(name, statusOK, fmt.Sprintf("%s answered in %v, %s", d.server, took, d.transport()), "")
}

// transport says how the connection to the central system is secured.
func (d *doctor) transport() string {
	if strings.HasPrefix(strings.ToLower(d.server), "http:") {
		return "plain http (loopback only)"
	}
	trust := "the system's certificate authorities"
	if d.settings.CAFile != "" {
		trust = "ca_file " + d.settings.CAFile
	}
	switch n := len(d.settings.Pins); n {
	case 0:
	case 1:
		return "TLS verified by " + trust + ", key pinned (1 pin)"
	default:
		return fmt.Sprintf("TLS verified by %s, key pinned (%d pins)", trust, n)
	}
	return "TLS verified by " + trust + ", no pin"
}

// leafPinRE finds the server's key in the client's pin-mismatch error.
var leafPinRE = regexp.MustCompile(`leaf pin-sha256 ([A-Za-z0-9+/]+=*)`)

// apiFailure says what went wrong with the central API, with a hint
// for each kind IT staff act on differently.
func (d *doctor) apiFailure(err error) checkResult {
	const name = "api"
	var apiErr *central.APIError
	switch {
	case errors.Is(err, central.ErrPinMismatch):
		got := "unknown"
		if m := leafPinRE.FindStringSubmatch(err.Error()); m != nil {
			got = m[1]
		}
		return result(name, statusFail, fmt.Sprintf("the server at %s matches no pin in the configuration (its key is pin-sha256 %s)", d.server, got),
			"if the central system changed its key, put the new pin-sha256 in pin in "+provision.ConfigFile+"; otherwise something intercepts the connection: report it")
	case errors.Is(err, central.ErrUntrusted):
		hint := "if the province uses its own certificate authority, set ca_file in " + provision.ConfigFile + "; a proxy that inspects TLS also causes this"
		var inv x509.CertificateInvalidError
		if errors.As(err, &inv) && inv.Reason == x509.Expired {
			hint = "the certificate is expired or not yet valid for this kiosk's clock (" + d.now().Format("02/01/2006 15:04") + "): check the date and time (timedatectl)"
		}
		return result(name, statusFail, fmt.Sprintf("the server at %s has a TLS certificate this kiosk does not trust (%s)", d.server, provision.CertCause(err)), hint)
	case errors.Is(err, central.ErrUnauthorized):
		d.answered = true
		return result(name, statusFail, fmt.Sprintf("the central system at %s refused this kiosk's token (401)", d.server),
			"the device was revoked or enrolled again elsewhere: enrol it again with kiosk enroll --force --code CODE")
	case errors.As(err, &apiErr) && apiErr.Status >= 500:
		d.answered = true
		return result(name, statusFail, fmt.Sprintf("the central system at %s has a problem: it answered %v", d.server, apiErr),
			"not the kiosk's fault; it keeps dossiers queued and retries: try again later, and report it if it lasts")
	case errors.As(err, &apiErr):
		d.answered = true
		return result(name, statusFail, fmt.Sprintf("%s answered %v to GET /v1/catalog: it does not look like the central API", d.server, apiErr),
			"check api_url in "+provision.ConfigFile+" (the API's root, such as https://motcua.example.gov.vn)")
	case errors.Is(err, central.ErrOffline), errors.Is(err, context.DeadlineExceeded):
		return result(name, statusFail, fmt.Sprintf("cannot reach %s (%s)", d.server, provision.NetCause(err)),
			"check the network cable, proxy, or api_url in "+provision.ConfigFile)
	}
	return result(name, statusFail, fmt.Sprintf("the central system at %s: %v", d.server, err), "report it")
}

// ---- 4. clock ----

// checkClock compares the kiosk's clock with the Date header of the
// central system's answer. central.Client does not hand out response
// headers, so this is a second request, made only once the first one
// proved the server trusted: an anonymous HEAD /v1/catalog over TLS with
// the same authorities. It carries no token (hence no pin check of its
// own: there is no secret to protect, and the pinned request to the same
// server just succeeded), and any answer, 401 included, has a Date. The
// heartbeat's server_time would need a heartbeat, which changes the
// central system's record of the kiosk.
func (d *doctor) checkClock(ctx context.Context) checkResult {
	const name = "clock"
	if !d.answered {
		return result(name, statusSkip, "no answer from the central system to compare with (see api)", "")
	}
	skew, err := d.serverSkew(ctx)
	if err != nil {
		return result(name, statusSkip, "cannot read the central system's time: "+err.Error(), "")
	}
	abs, way := skew, "behind"
	if skew < 0 {
		abs, way = -skew, "ahead of"
	}
	const hint = "due dates and one-time codes depend on the clock; enable NTP (timedatectl set-ntp true)"
	detail := fmt.Sprintf("the kiosk's clock is %v %s the central system's", abs.Round(time.Second), way)
	switch {
	case abs > skewFail:
		return result(name, statusFail, detail, hint)
	case abs > skewWarn:
		return result(name, statusWarn, detail, hint)
	}
	return result(name, statusOK, fmt.Sprintf("within %v of the central system's", max(abs.Round(time.Second), time.Second)), "")
}

// serverSkew is the central system's time minus the kiosk's.
func (d *doctor) serverSkew(ctx context.Context) (time.Duration, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: d.roots}
	hc := &http.Client{Transport: t, Timeout: networkTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer hc.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, strings.TrimRight(d.server, "/")+"/v1/catalog", nil)
	if err != nil {
		return 0, err
	}
	sent := d.now()
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	received := d.now()
	date, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		return 0, errors.New("its answer has no Date header")
	}
	// Date is the second the answer was made, truncated: on average half a
	// second before the true time, in the middle of the round trip.
	return date.Add(500 * time.Millisecond).Sub(sent.Add(received.Sub(sent) / 2)), nil
}

// ---- 5. disk ----

func (d *doctor) checkDisk(context.Context) checkResult {
	const name = "disk"
	dir := existingParent(d.dataDir)
	free, err := d.diskFree(dir)
	if err != nil || free < 0 {
		return result(name, statusSkip, "cannot tell the free space on this system", "")
	}
	detail := fmt.Sprintf("%s free on the file system of %s", formatBytes(free), dir)
	const hint = "free some space (old logs: journalctl --vacuum-size=100M; apt-get clean): on a full disk the kiosk cannot save drafts or queue dossiers"
	switch {
	case free < diskFailBytes:
		return result(name, statusFail, detail, hint)
	case free < diskWarnBytes:
		return result(name, statusWarn, detail, hint)
	case reserveGone(d.dataDir):
		return result(name, statusWarn, detail+"; the store's disk reserve is gone: the disk filled up, or had no room for it when the kiosk last started", hint)
	}
	return result(name, statusOK, detail, "")
}

// reserveGone reports whether the store in dir has given up its disk
// reserve (offline/reserve.go), or could not make it, and has not taken
// it back: a store exists but the reserve file does not. (A store last
// opened by a kiosk from before the reserve has none until it starts.)
func reserveGone(dir string) bool {
	if _, err := os.Stat(filepath.Join(dir, offline.DBFile)); err != nil {
		return false
	}
	_, err := os.Stat(filepath.Join(dir, offline.ReserveFile))
	return errors.Is(err, fs.ErrNotExist)
}

// existingParent is dir, or its nearest ancestor that exists (a kiosk
// that is not enrolled may have no data directory yet).
func existingParent(dir string) string {
	for {
		if _, err := os.Stat(dir); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return dir
		}
		dir = parent
	}
}

// formatBytes writes a size in decimal units, as disks are sold.
func formatBytes(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%d MB", n/1e6)
	}
	return fmt.Sprintf("%d kB", n/1e3)
}

// ---- 6. database ----

// checkDatabase opens kiosk.db read-only, which takes a shared lock and
// writes nothing, and runs bbolt's consistency check. It cannot use
// offline.Open: that repairs (moves a damaged file aside), and the doctor
// only looks. While the kiosk runs it holds the lock: then only the
// file's size and age can be told.
func (d *doctor) checkDatabase(context.Context) checkResult {
	const name = "database"
	path := filepath.Join(d.dataDir, offline.DBFile)
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return result(name, statusSkip, "no "+offline.DBFile+" yet: the kiosk creates it at its first start", "")
	}
	if err != nil {
		return result(name, statusFail, err.Error(), "run kiosk doctor as the kiosk's user")
	}
	about := fmt.Sprintf("%s %s, written %s", offline.DBFile, formatBytes(info.Size()), info.ModTime().Local().Format("02/01/2006 15:04"))
	err = offline.CheckFile(path, dbLockTimeout)
	const damaged = "the kiosk moves a damaged database aside at start (kiosk.db.corrupt-…) and starts on a fresh one; dossiers not yet sent may be in it: keep the file and report it"
	switch {
	case errors.Is(err, offline.ErrAlreadyRunning):
		d.running = true
		return result(name, statusSkip, "the kiosk is running; stop it for a full check ("+about+")", "")
	case errors.Is(err, fs.ErrPermission):
		return result(name, statusFail, "cannot read "+path+": permission denied", "run kiosk doctor as the kiosk's user")
	case err != nil:
		return result(name, statusFail, fmt.Sprintf("%s is damaged: %v", path, err), damaged)
	}
	d.dbOK = true
	return result(name, statusOK, about+", consistent", "")
}

// ---- 7. outbox ----

// checkOutbox counts the dossiers waiting to be sent and those the
// central system refused. It opens the store as the kiosk does, once the
// database check found it sound (so nothing is moved aside); that takes
// the kiosk's lock for a moment. Only states and times are read: no
// dossier is decrypted.
func (d *doctor) checkOutbox(context.Context) checkResult {
	const name = "outbox"
	switch {
	case d.running:
		return result(name, statusSkip, "the kiosk is running; its admin screen shows the outbox", "")
	case !d.dbOK:
		return result(name, statusSkip, "no sound database to read (see database)", "")
	}
	if _, err := os.Stat(filepath.Join(d.dataDir, offline.KeyFile)); err != nil {
		return result(name, statusSkip, "no data key ("+offline.KeyFile+"): the kiosk is not enrolled", "")
	}
	store, err := offline.Open(d.dataDir, offline.Options{Log: zerolog.Nop(), Now: d.now})
	if errors.Is(err, offline.ErrAlreadyRunning) {
		return result(name, statusSkip, "the kiosk is running; its admin screen shows the outbox", "")
	}
	if err != nil {
		return result(name, statusFail, "cannot open the store: "+err.Error(), "the kiosk cannot start either; keep "+offline.DBFile+" (it may hold dossiers not yet sent) and report it")
	}
	defer store.Close()
	items, err := store.Outbox()
	if err != nil {
		return result(name, statusFail, "cannot read the outbox: "+err.Error(), "keep "+offline.DBFile+" (it may hold dossiers not yet sent) and report it")
	}
	return outboxResult(items, d.now())
}

func outboxResult(items []offline.OutboxItem, now time.Time) checkResult {
	const name = "outbox"
	var waiting, stale, rejected, sent int
	var oldest time.Time
	for _, it := range items {
		switch it.State {
		case offline.Queued, offline.Sending:
			waiting++
			if now.Sub(it.QueuedAt) > outboxStale {
				stale++
			}
			if oldest.IsZero() || it.QueuedAt.Before(oldest) {
				oldest = it.QueuedAt
			}
		case offline.Rejected:
			rejected++
		case offline.Accepted:
			sent++
		}
	}
	var parts, hints []string
	if waiting > 0 {
		parts = append(parts, fmt.Sprintf("%s waiting to be sent, the oldest since %s", dossiers(waiting), oldest.Local().Format("02/01/2006 15:04")))
	} else {
		parts = append(parts, "nothing waiting to be sent")
	}
	if stale > 0 {
		parts = append(parts, fmt.Sprintf("%d for more than an hour", stale))
		hints = append(hints, "the kiosk sends them as soon as the central system answers (see api); never delete "+offline.DBFile)
	}
	if rejected > 0 {
		parts = append(parts, fmt.Sprintf("%s refused by the central system", dossiers(rejected)))
		hints = append(hints, "a refused dossier needs a person: check it on the central system")
	}
	if sent > 0 {
		parts = append(parts, fmt.Sprintf("%d sent and kept for receipts", sent))
	}
	detail := strings.Join(parts, "; ")
	if len(hints) > 0 {
		return result(name, statusWarn, detail, strings.Join(hints, "; "))
	}
	return result(name, statusOK, detail, "")
}

func dossiers(n int) string {
	if n == 1 {
		return "1 dossier"
	}
	return fmt.Sprintf("%d dossiers", n)
}

// ---- 8. display ----

func (d *doctor) checkDisplay(ctx context.Context) checkResult {
	const name = "display"
	if d.goos != "linux" {
		return result(name, statusSkip, "checked on Linux only", "")
	}
	x11, wayland := d.getenv("DISPLAY"), d.getenv("WAYLAND_DISPLAY")
	switch {
	case x11 == "" && wayland == "":
		return result(name, statusWarn, "neither DISPLAY nor WAYLAND_DISPLAY is set",
			"the kiosk needs a graphical session (see assets/deploy); over ssh, check the kiosk's own: DISPLAY=:0 kiosk doctor")
	case x11 == "":
		return result(name, statusOK, "Wayland display "+wayland, "")
	}
	for _, tool := range [][]string{{"xdpyinfo"}, {"xset", "q"}} {
		path, err := d.lookPath(tool[0])
		if err != nil {
			continue
		}
		if out, err := d.command(ctx, path, []string{"DISPLAY=" + x11}, tool[1:]...); err != nil {
			return result(name, statusFail, fmt.Sprintf("cannot open the X display %s (%s: %s)", x11, tool[0], firstLine(out, err)),
				"start the kiosk's graphical session (see assets/deploy), or run kiosk doctor as the kiosk's user, in its session")
		}
		return result(name, statusOK, fmt.Sprintf("X display %s answers (%s)", x11, tool[0]), "")
	}
	return result(name, statusOK, "DISPLAY="+x11+" (install x11-utils to check that it answers)", "")
}

// command runs a program with a timeout and extra environment, in the C
// locale so its words can be read, and returns what it printed.
func (d *doctor) command(ctx context.Context, path string, env []string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = append(append(os.Environ(), "LC_ALL=C"), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// firstLine is the first line a program printed, or its error.
func firstLine(out string, err error) string {
	line, _, _ := strings.Cut(strings.TrimSpace(out), "\n")
	if line == "" && err != nil {
		return err.Error()
	}
	return line
}

// ---- 9. printer ----

func (d *doctor) checkPrinter(ctx context.Context) checkResult {
	const name = "printer"
	if !d.configOK {
		return result(name, statusSkip, "the configuration has problems (see above)", "")
	}
	cfg := d.settings.Printer
	switch cfg.Kind {
	case printer.KindCUPS:
		return d.checkCUPS(ctx, cfg.Queue)
	case printer.KindESCPOS:
		return d.checkESCPOS(ctx, cfg)
	}
	return result(name, statusOK, "no printer: receipts are shown as a QR", "")
}

func (d *doctor) checkCUPS(ctx context.Context, queue string) checkResult {
	const name = "printer"
	const install = "install the CUPS client (Debian: apt-get install cups-client), or set printer.kind to escpos or none"
	if _, err := d.lookPath("lp"); err != nil {
		return result(name, statusFail, "cups: the lp command is not on PATH", install)
	}
	lpstat, err := d.lookPath("lpstat")
	if err != nil {
		return result(name, statusFail, "cups: the lpstat command is not on PATH", install)
	}
	which := "queue " + queue
	if queue == "" {
		out, err := d.command(ctx, lpstat, nil, "-d")
		dest, found := strings.CutPrefix(strings.TrimSpace(out), "system default destination: ")
		if err != nil || !found || dest == "" {
			return result(name, statusFail, "cups: no default printer ("+firstLine(out, err)+")",
				"set one (lpoptions -d QUEUE), or printer.queue in "+provision.ConfigFile)
		}
		queue, which = dest, "the default queue "+dest
	}
	out, err := d.command(ctx, lpstat, nil, "-p", queue)
	if err != nil {
		return result(name, statusFail, fmt.Sprintf("cups: lpstat -p %s: %s", queue, firstLine(out, err)),
			"check printer.queue in "+provision.ConfigFile+" (lpstat -p lists the queues) and that CUPS runs (systemctl status cups)")
	}
	if strings.Contains(out, "disabled") {
		return result(name, statusFail, fmt.Sprintf("cups: %s is disabled (%s)", which, firstLine(out, nil)), "enable it: cupsenable "+queue)
	}
	return result(name, statusOK, fmt.Sprintf("cups: %s (%s)", which, firstLine(out, nil)), "")
}

// checkESCPOS finds the thermal printer without printing: a device file
// is opened for writing and closed, a network printer connected to and
// disconnected; nothing is sent.
func (d *doctor) checkESCPOS(ctx context.Context, cfg printer.Config) checkResult {
	const name = "printer"
	network, addr, err := cfg.Target()
	if err != nil {
		return result(name, statusFail, "escpos: "+err.Error(), "set printer.device in "+provision.ConfigFile)
	}
	dev := addr
	if network == "tcp" {
		ctx, cancel := context.WithTimeout(ctx, printerTimeout)
		defer cancel()
		c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
		if err != nil {
			return result(name, statusFail, fmt.Sprintf("escpos: cannot connect to %s (%s)", addr, provision.NetCause(err)),
				"check the printer is on and on the network, and printer.device in "+provision.ConfigFile)
		}
		c.Close()
		return result(name, statusOK, fmt.Sprintf("escpos: %s accepts connections (%d mm paper)", addr, cfg.PaperMM), "")
	}
	info, err := os.Stat(dev)
	if err != nil || info.IsDir() {
		return result(name, statusFail, "escpos: "+dev+" does not exist",
			"check the printer is plugged in and on (ls /dev/usb/), and printer.device in "+provision.ConfigFile)
	}
	f, err := os.OpenFile(dev, os.O_WRONLY, 0)
	if err != nil {
		return result(name, statusFail, fmt.Sprintf("escpos: cannot open %s for writing (%v)", dev, errors.Unwrap(err)),
			"let the kiosk's user write to it (Debian: usermod -aG lp USER, then log in again), and check the printer is on")
	}
	f.Close()
	return result(name, statusOK, fmt.Sprintf("escpos: %s is writable (%d mm paper)", dev, cfg.PaperMM), "")
}

// diskFree is the bytes free for the kiosk's user on the file system
// holding dir: offline.DiskSpace, which the heartbeat reports too.
func diskFree(dir string) (int64, error) {
	if free, _ := offline.DiskSpace(dir); free >= 0 {
		return free, nil
	}
	return -1, errors.New("unknown on this system")
}

// ---- 10. speech ----

// checkSpeech looks for the voices the read-aloud button uses, as the
// kiosk does at start. No voice is a warning, not a failure: the kiosk
// works without, it only hides the button.
func (d *doctor) checkSpeech(ctx context.Context) checkResult {
	const name = "speech"
	sp := speech.New(speech.Options{Log: zerolog.Nop(), LookPath: d.lookPath, DetectTimeout: commandTimeout})
	select {
	case <-sp.Ready():
	case <-ctx.Done():
		return result(name, statusSkip, "interrupted", "")
	}
	vi, en := sp.Available(kiosk.VI), sp.Available(kiosk.EN)
	switch {
	case vi && en:
		return result(name, statusOK, "Vietnamese and English voices: the steps can be read aloud", "")
	case vi:
		return result(name, statusOK, "a Vietnamese voice (no English one: no read-aloud in English)", "")
	}
	hint := "install espeak-ng (Debian: apt-get install espeak-ng)"
	if d.goos == "windows" {
		hint = "install a Vietnamese (vi-VN) desktop voice for System.Speech"
	}
	return result(name, statusWarn, "no Vietnamese voice: the read-aloud button is hidden", hint)
}
