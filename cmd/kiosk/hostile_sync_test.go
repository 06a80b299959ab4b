package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
	"github.com/motcua/kiosk/kiosk/centralsim"
	"github.com/motcua/kiosk/kiosk/logging"
)

// The central system serves the catalog every kiosk shows, so a hostile
// or broken one — a catalog at the client's size cap, over it, with a
// text the screens cannot lay out, nested to blow a parser's stack, in a
// legacy encoding — reaches the kiosk through its sync loop. These tests
// serve such catalogs from the reference server and run the kiosk as the
// program wires it (openBackend, ui.New, start), one start per catalog,
// as a counter's kiosk starts each morning: the sync loop's first pass
// fetches the catalog, with the ETag of the one the kiosk cached.

// hsCap is the client's response cap, which the kiosk does not change.
const hsCap = central.DefaultMaxResponseBytes

// hsHangBound tells a hang from a slow start: not a speed target.
const hsHangBound = 60 * time.Second

// hsSearchWord is in one procedure's name in the catalog at the cap.
const hsSearchWord = "xyzkiemthu"

// hsCatalog is a catalog the central system serves, and what the kiosk
// shows when it has it: the count on the catalog screen and the name of
// its first procedure.
type hsCatalog struct {
	what  string
	raw   []byte
	count int    // procedures; 0 for a catalog the kiosk must refuse
	first string // the first procedure's Vietnamese name
	why   string // for a refused one: the kind of error the sync loop logs
}

func (c hsCatalog) etag() string { return centralsim.CatalogETag(c.raw) }

// hsText is n characters (at most kiosk.MaxTextLen) of Vietnamese prose
// from prefix on, with right-to-left overrides, isolates and zero-width
// joiners among the words; it ends with a letter.
func hsText(prefix string, n int) string {
	const prose = " thủ tục hành chính \u202ecông dân\u202c nộp \u200dhồ sơ\u200d tại \u2067xã Tân Phú\u2069 được tiếp nhận,"
	var b strings.Builder
	b.WriteString(prefix)
	for utf8.RuneCountInString(b.String()) < n {
		b.WriteString(prose)
	}
	r := []rune(b.String())
	return string(r[:n-1]) + "a"
}

// hsProcedure is procedure i of the catalog tagged tag: a valid one, its
// summary, help and document of textLen characters each.
func hsProcedure(tag string, i, textLen int) kiosk.Procedure {
	name := fmt.Sprintf("Thủ tục %s số %d \u202eđăng\u202c\u200dký", strings.ToUpper(tag), i)
	long := kiosk.Text{VI: hsText("Tóm tắt", textLen), EN: hsText("Summary", textLen)}
	return kiosk.Procedure{
		ID: fmt.Sprintf("%s-%d", tag, i), Code: fmt.Sprintf("1.%06d", i),
		Name:    kiosk.Text{VI: name, EN: fmt.Sprintf("Procedure %s %d \u202eregister", tag, i)},
		Summary: long, Who: kiosk.Text{VI: "Công dân\u200d cư trú tại xã", EN: "Residents"},
		Sector: []string{"ho-tich", "cu-tru"}[i%2], Level: "xa",
		Agency: kiosk.Text{VI: "UBND xã \u2067Tân Phú\u2069", EN: "Tân Phú commune"},
		Time:   kiosk.ProcessingTime{WorkingDays: 3}, Fee: kiosk.FeeRule{Kind: kiosk.FeeFixed, Amount: 8000},
		Docs: []kiosk.Document{{Name: long}},
		Form: []kiosk.Field{{ID: "f0", Kind: kiosk.KindText, Label: kiosk.Text{VI: "Nội dung\u200d yêu cầu", EN: "Request"}, Help: long}},
	}
}

// hsBuild builds the catalog tagged tag: n procedures (with n 0, as many
// as make it exactly size bytes, the last one's summary cut to fit and
// any bytes still missing JSON whitespace after the procedures).
func hsBuild(t *testing.T, tag string, n, size int) hsCatalog {
	t.Helper()
	cat := kiosk.Catalog{Version: "2026.hs-" + tag,
		Sectors:    []kiosk.Sector{{ID: "ho-tich", Name: kiosk.Text{VI: "Hộ\u200d tịch", EN: "Civil status"}}, {ID: "cu-tru", Name: kiosk.Text{VI: "Cư trú \u202eẩn", EN: "Residence"}}},
		Levels:     []kiosk.Level{{ID: "xa", Name: kiosk.Text{VI: "Cấp xã", EN: "Commune"}}},
		Procedures: []kiosk.Procedure{},
	}
	head, err := json.Marshal(cat)
	if err != nil {
		t.Fatal(err)
	}
	head = bytes.TrimSuffix(head, []byte("]}")) // Procedures is the last field
	var body bytes.Buffer
	body.Write(head)
	add := func(p kiosk.Procedure, fit bool) bool {
		data, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		sep := 0
		if len(cat.Procedures) > 0 {
			sep = 1
		}
		if fit && body.Len()+sep+len(data)+len("]}") > size {
			return false
		}
		if sep == 1 {
			body.WriteByte(',')
		}
		body.Write(data)
		cat.Procedures = append(cat.Procedures, p)
		return true
	}
	for i := 0; n == 0 || i < n; i++ {
		p := hsProcedure(tag, i, kiosk.MaxTextLen)
		if i == 7 {
			p.Name.VI += " " + hsSearchWord
		}
		if add(p, n == 0) {
			continue
		}
		for l := kiosk.MaxTextLen - 1; l >= 2 && !add(hsProcedure(tag, i, l), true); l-- {
		}
		break
	}
	if n == 0 {
		body.WriteString(strings.Repeat("\n", size-body.Len()-len("]}")))
	}
	body.WriteString("]}")
	return hsCatalog{what: tag, raw: body.Bytes(), count: len(cat.Procedures), first: cat.Procedures[0].Name.VI}
}

// hsRefused is a catalog the kiosk must refuse, with the error kind its
// sync loop logs.
func hsRefused(what string, raw []byte, why string) hsCatalog {
	return hsCatalog{what: what, raw: raw, why: why}
}

// hsCentral is the reference server on a loopback port, restarted on
// its data file with each catalog to serve: the kiosk's enrolment
// survives. A catalog the reference server refuses to load (a text too
// long, bad JSON) is served at GET /v1/catalog by the test in its place,
// as a broken or hostile central system would, with the same ETags.
type hsCentral struct {
	t    *testing.T
	file string
	url  string

	mu       sync.Mutex
	srv      *centralsim.Server
	override []byte
	// What went out: full catalogs, 304s, the largest body, heartbeats.
	fetches, notModified, largest, heartbeats int
}

func startHSCentral(t *testing.T) *hsCentral {
	t.Helper()
	c := &hsCentral{t: t, file: filepath.Join(t.TempDir(), "centralsim.db")}
	c.restart(nil, simCode)
	hs := httptest.NewServer(c)
	t.Cleanup(hs.Close)
	t.Cleanup(func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.srv.Close()
	})
	c.url = hs.URL
	return c
}

// restart reopens the reference server on its file with catalog (nil:
// the sample); no kiosk runs meanwhile.
func (c *hsCentral) restart(catalog []byte, enrollCode string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.srv != nil {
		c.srv.Close()
	}
	srv, err := centralsim.Open(centralsim.Options{DataFile: c.file, Catalog: catalog, EnrollCode: enrollCode, Log: zerolog.Nop()})
	if err != nil {
		return err
	}
	c.srv = srv
	return nil
}

// serve makes cat the catalog the central system serves.
func (c *hsCentral) serve(cat hsCatalog) {
	c.t.Helper()
	err := c.restart(cat.raw, "")
	if err == nil {
		c.override = nil
		return
	}
	if cat.count > 0 {
		c.t.Fatalf("the reference server refuses the good catalog %s: %v", cat.what, err)
	}
	if err := c.restart(nil, ""); err != nil {
		c.t.Fatal(err)
	}
	c.mu.Lock()
	c.override = cat.raw
	c.mu.Unlock()
}

func (c *hsCentral) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	next, override := c.srv.Handler(), c.override
	if r.Method == http.MethodPost && r.URL.Path == "/v1/devices/heartbeat" {
		c.heartbeats++
	}
	c.mu.Unlock()
	if r.Method != http.MethodGet || r.URL.Path != "/v1/catalog" {
		next.ServeHTTP(w, r)
		return
	}
	rec := &hsRecorder{ResponseWriter: w, status: http.StatusOK}
	if override == nil {
		next.ServeHTTP(rec, r)
	} else {
		hsServeCatalog(rec, r, override)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch rec.status {
	case http.StatusOK:
		c.fetches++
		c.largest = max(c.largest, rec.written)
	case http.StatusNotModified:
		c.notModified++
	}
}

// hsServeCatalog answers as centralsim's handleCatalog does, for a
// device that shows its token.
func hsServeCatalog(w http.ResponseWriter, r *http.Request, raw []byte) {
	if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	etag := centralsim.CatalogETag(raw)
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(raw)
}

func (c *hsCentral) heartbeatCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.heartbeats
}

type hsRecorder struct {
	http.ResponseWriter
	status, written int
}

func (w *hsRecorder) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *hsRecorder) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.written += n
	return n, err
}

// hsKiosk is the enrolled kiosk on its data directory, started once per
// catalog the central system serves.
type hsKiosk struct {
	t    *testing.T
	dir  string
	loop *uiLoop
}

// hsDay is what one start of the kiosk showed and logged.
type hsDay struct {
	b    *backend
	w    fyne.Window
	dr   *walker
	logs *walkLog
}

// start starts the kiosk as `kiosk --data-dir dir` does, and waits for
// its sync loop's first pass: the catalog, then the heartbeat, which the
// server sees after the catalog step is done. ok is false on a hang.
func (k *hsKiosk) start(c *hsCentral) (day *hsDay, ok bool) {
	t := k.t
	t.Helper()
	logs := &walkLog{}
	cfg, err := parseFlags([]string{"--data-dir", k.dir, "-log-format", "json", "-window", "normal"}, logs)
	if err != nil {
		t.Fatal(err)
	}
	lg, err := logging.New(logs, logging.Options{Format: cfg.logFormat, Level: cfg.logLevel})
	if err != nil {
		t.Fatal(err)
	}
	beats := c.heartbeatCount()
	b, err := openBackend(cfg, lg)
	if err != nil {
		t.Fatalf("openBackend: %v", err)
	}
	w := newWindow(fyne.CurrentApp(), cfg.window, lg)
	day = &hsDay{b: b, w: w, dr: &walker{t: t, w: w, loop: k.loop}, logs: logs}
	if err := b.show(w, cfg); err != nil {
		day.stop(k.loop)
		t.Fatalf("show: %v", err)
	}
	deadline := time.Now().Add(hsHangBound)
	for c.heartbeatCount() == beats {
		if time.Now().After(deadline) {
			return day, false
		}
		k.loop.run()
		time.Sleep(5 * time.Millisecond)
	}
	k.loop.run() // the new catalog, handed to the screen by the sync loop
	return day, true
}

// stop closes the window and the backend, as the kiosk's exit does, and
// runs what the stopping goroutines handed to the screen.
func (d *hsDay) stop(loop *uiLoop) {
	d.w.Close()
	d.b.close()
	loop.run()
}

// shows reports what is wrong with the catalog the kiosk has — in its
// store and on its catalog screen — when it should have want: "" if
// nothing.
func (d *hsDay) shows(want hsCatalog) string {
	raw, etag, err := d.b.store.CachedCatalog()
	switch {
	case err != nil:
		return fmt.Sprintf("the store: %v", err)
	case !bytes.Equal(raw, want.raw):
		return fmt.Sprintf("the store caches %d bytes; want the %d of %s", len(raw), len(want.raw), want.what)
	case etag != want.etag():
		return fmt.Sprintf("the store caches the ETag %s; want %s", etag, want.etag())
	}
	d.dr.tapCard("Nộp hồ sơ")
	count := fmt.Sprintf("%d thủ tục", want.count)
	shown, texts := d.dr.shows(count) && d.dr.shows(want.first), d.dr.texts()
	d.dr.tap("Trang chủ")
	if !shown {
		return fmt.Sprintf("the catalog screen shows %.300q; want %q and %q", texts, count, want.first)
	}
	return ""
}

// TestHostileCatalogThroughSync serves, one kiosk start each, a good
// catalog; one at the client's size cap; one a byte over it; one with a
// text a character over kiosk.MaxTextLen; one of 100,000 nested arrays;
// one with bytes that are not UTF-8 — each refused one followed by a good
// one, and once served twice. The kiosk takes every good one (cache,
// screen, search), refuses every bad one keeping the catalog it had, and
// is never stuck on a bad one.
func TestHostileCatalogThroughSync(t *testing.T) {
	isolate(t)
	var (
		served, corrupt, crashes int
		c                        *hsCentral
	)
	// The summary line of make reliability (cmd/reliability), written
	// even when a check below stops the test: the counts are the checks'.
	t.Cleanup(func() {
		fetches, notModified, largest := 0, 0, 0
		if c != nil {
			c.mu.Lock()
			fetches, notModified, largest = c.fetches, c.notModified, c.largest
			c.mu.Unlock()
		}
		t.Logf("RELIABILITY area=hostile case=catalog-through-sync tried=%d lost=0 duplicated=0 corrupt=%d crashes=%d pii=0 bytes=%d fetches=%d not-modified=%d",
			served, corrupt, crashes, largest, fetches, notModified)
	})

	atCap := hsBuild(t, "cap", 0, hsCap)
	// A byte over the cap: the same procedures under another version. Its
	// refusal must be for its size, which the log says.
	over := bytes.Replace(atCap.raw, []byte(`"version":"2026.hs-cap"`), []byte(`"version":"2026.hs-cap2"`), 1)
	good := func(tag string) hsCatalog { return hsBuild(t, tag, 30, 0) }
	tooLong := good("long")
	tooLong.raw = bytes.Replace(tooLong.raw, []byte(`"Tóm tắt`), []byte(`"Tóm tắt `+strings.Repeat("ạ", kiosk.MaxTextLen)), 1)
	notUTF8 := good("latin")
	notUTF8.raw = bytes.Replace(notUTF8.raw, []byte("Thủ tục LATIN số 3"), []byte("Th\xfb t\xfbc LATIN s\xf4 3"), 1)
	g0, g1, g2, g3, g4 := good("gzero"), good("gone"), good("gtwo"), good("gthree"), good("gfour")
	for _, g := range []hsCatalog{atCap, g0, g1, g2, g3, g4} {
		if _, err := kiosk.ParseCatalog(g.raw); err != nil {
			t.Fatalf("the test's catalog %s is not valid: %v", g.what, err)
		}
	}
	// Each bad one is bad for the reason it stands for.
	for _, bad := range []struct {
		raw  []byte
		want string
	}{{tooLong.raw, "characters; at most"}, {notUTF8.raw, "not UTF-8"}} {
		if _, err := kiosk.ParseCatalog(bad.raw); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Fatalf("ParseCatalog(a bad test catalog) = %v; want an error saying %q", err, bad.want)
		}
	}
	if len(atCap.raw) != hsCap || len(over) != hsCap+1 || atCap.count < 500 {
		t.Fatalf("catalogs of %d bytes (%d procedures) and %d; want %d and %d", len(atCap.raw), atCap.count, len(over), hsCap, hsCap+1)
	}

	steps := []struct {
		serve hsCatalog
		want  hsCatalog // what the kiosk must have after its sync pass
	}{
		{g0, g0},
		{atCap, atCap},
		{hsRefused("over the cap", over, "response_too_large"), atCap},
		{g1, g1},
		{hsRefused("a text over kiosk.MaxTextLen", tooLong.raw, "bad_response"), g1},
		{hsRefused("a text over kiosk.MaxTextLen, again", tooLong.raw, "bad_response"), g1},
		{g1, g1}, // the central system takes the bad one back: a 304
		{hsRefused("100,000 nested arrays", []byte(strings.Repeat("[", 100_000)+strings.Repeat("]", 100_000)), "bad_response"), g1},
		{g2, g2},
		{hsRefused("not UTF-8", notUTF8.raw, "bad_response"), g2},
		{g3, g3},
		{hsRefused("truncated", g4.raw[:len(g4.raw)/2], "bad_response"), g3},
		{g4, g4},
	}

	c = startHSCentral(t)
	a := test.NewTempApp(t)
	loop := startUILoop(a)
	t.Cleanup(loop.stop)
	k := &hsKiosk{t: t, dir: t.TempDir(), loop: loop}
	var out bytes.Buffer
	if code := run([]string{"enroll", "--server", c.url, "--code", simCode, "--data-dir", k.dir}, &out, &out); code != 0 {
		t.Fatalf("kiosk enroll = %d: %s", code, out.String())
	}

	for i, st := range steps {
		c.serve(st.serve)
		served++
		began := time.Now()
		func() {
			defer func() { // a panic on the UI goroutine, which is this one
				if r := recover(); r != nil {
					crashes++
					t.Fatalf("step %d (%s): panic: %v", i, st.serve.what, r)
				}
			}()
			day, ok := k.start(c)
			defer day.stop(loop)
			if !ok {
				crashes++
				t.Fatalf("step %d (%s): no heartbeat within %v of the start: the kiosk hangs", i, st.serve.what, hsHangBound)
			}
			if problem := day.shows(st.want); problem != "" {
				corrupt++
				t.Errorf("step %d, %s served: %s", i, st.serve.what, problem)
			}
			logs := day.logs.String()
			if strings.Contains(logs, "sync loop stopped") || strings.Contains(logs, "panic") {
				crashes++
				t.Errorf("step %d (%s): the sync loop stopped: %s", i, st.serve.what, logs)
			}
			if st.serve.count == 0 {
				checkRefusalLog(t, i, st.serve, logs)
			}
			if st.serve.what == atCap.what {
				checkSearch(t, day.dr, st.serve)
			}
		}()
		took := time.Since(began)
		if took > hsHangBound {
			crashes++
			t.Errorf("step %d (%s) took %v: a hang", i, st.serve.what, took)
		}
		t.Logf("step %d: %s (%d bytes) served, the kiosk has %s; %v", i, st.serve.what, len(st.serve.raw), st.want.what, took.Round(time.Millisecond))
	}
}

// checkRefusalLog: the kiosk's log says a catalog was refused and why,
// and holds nothing of it.
func checkRefusalLog(t *testing.T, step int, bad hsCatalog, logs string) {
	t.Helper()
	if !strings.Contains(logs, `"error":"`+bad.why+`"`) || !strings.Contains(logs, "keeping the cached catalog") {
		t.Errorf("step %d (%s): the log does not say the catalog was refused as %s: %s", step, bad.what, bad.why, logs)
	}
	if len(logs) > 64<<10 || strings.Contains(logs, "[[[[") || strings.Contains(logs, "Tóm tắt") || strings.Contains(logs, "LATIN") {
		t.Errorf("step %d (%s): the log (%d bytes) holds the refused catalog: %.500s", step, bad.what, len(logs), logs)
	}
}

// checkSearch types the search word on the on-screen keyboard: the one
// procedure that has it is found and shown.
func checkSearch(t *testing.T, dr *walker, cat hsCatalog) {
	t.Helper()
	dr.tapCard("Nộp hồ sơ")
	dr.touch(dr.searchBox())
	dr.typeKeys(hsSearchWord)
	if !dr.shows("Tìm thấy 1 thủ tục") || !dr.shows(hsSearchWord) || !dr.shows("Thủ tục CAP số 7") {
		t.Errorf("searching %s's %d procedures for %q shows %.300q; want the one procedure", cat.what, cat.count, hsSearchWord, dr.texts())
	}
}
