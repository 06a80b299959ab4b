package offline_test

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/motcua/kiosk/kiosk/centralsim"
	"github.com/motcua/kiosk/offline"
	"github.com/motcua/kiosk/offline/crashcheck"
)

// The restart test stops the reference server while the kiosk sends and
// starts it again from the same data file on the same address, as an
// operator's restart or a supervisor after a crash does. Three restarts
// cut the sync at different points: a graceful one (requests inside are
// answered first), one right after a dossier was committed but before its
// answer left, and an abrupt one while requests wait inside the server.
// Every dossier must be filed once: the Idempotency-Key promises live in
// the data file, not in the process.

// restartingCentral is a reference server on a fixed loopback address
// that the test stops and starts again from the same data file. Only the
// test goroutine starts and stops it.
type restartingCentral struct {
	t    *testing.T
	opts centralsim.Options
	addr string

	inflight atomic.Int32 // API requests inside the server right now
	// afterCommit, when set, runs once in the handler of the next
	// dossier the server files, after the commit and before the answer
	// is flushed: the answer leaves only when it returns.
	afterCommit atomic.Pointer[func()]

	env    *centralEnv // the running incarnation; nil while stopped
	hs     *http.Server
	served chan error
	gates  []*gate // every incarnation's, for the requests they saw
	cut    int     // requests inside the server when it began to stop, over all stops
}

func startRestartingCentral(t *testing.T, opts centralsim.Options) *restartingCentral {
	t.Helper()
	opts.DataFile = filepath.Join(t.TempDir(), "central.db")
	opts.Log = zerolog.Nop()
	r := &restartingCentral{t: t, opts: opts, addr: "127.0.0.1:0"}
	r.start()
	t.Cleanup(func() {
		if r.env != nil {
			r.stop(false)
		}
	})
	return r
}

// start opens the data file and serves it on r.addr, with the production
// http.Server settings (HTTPServer) behind a gate that records requests.
func (r *restartingCentral) start() {
	r.t.Helper()
	srv, err := centralsim.Open(r.opts)
	if err != nil {
		r.t.Fatalf("centralsim.Open after a restart: %v", err)
	}
	hs := srv.HTTPServer()
	g := &gate{next: hs.Handler}
	hs.Handler = r.track(g)
	ln, err := net.Listen("tcp", r.addr)
	if err != nil {
		srv.Close()
		r.t.Fatalf("listen on %s again: %v", r.addr, err)
	}
	r.addr = ln.Addr().String() // the first start picks the port; every later one reuses it
	r.served = make(chan error, 1)
	go func() { r.served <- hs.Serve(ln) }()
	r.hs, r.gates = hs, append(r.gates, g)
	r.env = &centralEnv{srv: srv, gate: g, url: "http://" + r.addr}
}

// stop stops serving, gracefully (in-flight requests finish) or not (every
// connection is cut at once, as a killed process's are), then closes the
// data file, which waits for transactions still running.
func (r *restartingCentral) stop(graceful bool) {
	r.t.Helper()
	r.cut += int(r.inflight.Load())
	if graceful {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.hs.Shutdown(ctx); err != nil {
			r.t.Errorf("graceful shutdown: %v", err)
		}
	} else {
		r.hs.Close()
	}
	if err := <-r.served; err != http.ErrServerClosed {
		r.t.Errorf("Serve = %v; want http.ErrServerClosed", err)
	}
	if err := r.env.srv.Close(); err != nil {
		r.t.Errorf("closing the server's data file: %v", err)
	}
	r.env = nil
}

// restart stops the server, leaves it down long enough for the kiosk to
// find it unreachable, and starts it again.
func (r *restartingCentral) restart(graceful bool) {
	r.t.Helper()
	r.stop(graceful)
	time.Sleep(100 * time.Millisecond)
	r.start()
}

func (r *restartingCentral) track(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.inflight.Add(1)
		defer r.inflight.Add(-1)
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, req)
		if req.Method == http.MethodPost && req.URL.Path == "/v1/dossiers" && rec.status == http.StatusCreated &&
			rec.Header().Get("Idempotent-Replayed") == "" {
			if hook := r.afterCommit.Swap(nil); hook != nil {
				(*hook)()
			}
		}
	})
}

// replays counts the dossier posts answered from an idempotency record,
// over every incarnation.
func (r *restartingCentral) replays() int {
	n := 0
	for _, g := range r.gates {
		_, _, replayed := tally(g.requests("POST", "/v1/dossiers"))
		n += replayed
	}
	return n
}

func TestServerRestartMidSync(t *testing.T) {
	n := 60
	if v, err := strconv.Atoi(os.Getenv(envFaultDossiers)); err == nil && v > 0 {
		n = v
	}
	// The latency keeps requests inside the server long enough for a
	// restart to find some there.
	c := startRestartingCentral(t, centralsim.Options{Latency: 5 * time.Millisecond, Seed: 9})
	client := c.env.enrolled(t, 2)
	s := openStore(t, t.TempDir(), offline.Options{})
	ledger := crashcheck.New()
	restarts, midSync := 0, 0
	// The summary line of make reliability (cmd/reliability), written
	// even when a check below stops the test: the counts are the checks'.
	t.Cleanup(func() {
		t.Logf("RELIABILITY area=faults case=server-restart-mid-sync tried=%d lost=%d duplicated=%d corrupt=%d crashes=0 pii=0 restarts=%d mid-sync=%d in-flight-at-stop=%d replayed=%d",
			n, ledger.Lost, ledger.Duplicated, ledger.Corrupt, restarts, midSync, c.cut, c.replays())
	})
	for i := range n {
		d := birthDraft("")
		if i%4 == 0 { // a scan too: its upload's key must survive the restarts as well
			d.Attachments = []offline.LocalAttachment{{Document: 1, Name: "scan.png", MIME: "image/png", Data: tinyPNG}}
		}
		if _, err := s.Submit(d); err != nil {
			t.Fatal(err)
		}
	}

	start := time.Now()
	stop := startSyncer(t, offline.NewSyncer(s, client, fastSync()))
	accepted := func(k int) func() bool {
		return func() bool {
			_, _, a, _, err := s.OutboxCounts()
			if err != nil {
				t.Fatalf("OutboxCounts: %v", err)
			}
			return a >= k
		}
	}
	// restarted counts a restart and whether it cut the sync short.
	restarted := func() {
		restarts++
		if q, sending, _, _, _ := s.OutboxCounts(); q+sending > 0 {
			midSync++
		}
	}

	waitFor(t, time.Minute, "a quarter of the dossiers", accepted(n/4))
	c.restart(true)
	restarted()

	waitFor(t, time.Minute, "half of the dossiers", accepted(n/2))
	committed, release := make(chan struct{}), make(chan struct{})
	let := sync.OnceFunc(func() { close(release) })
	t.Cleanup(let) // a failure below must not leave the handler waiting
	hook := func() { close(committed); <-release }
	c.afterCommit.Store(&hook)
	select {
	case <-committed:
	case <-time.After(time.Minute):
		t.Fatal("no dossier filed in a minute after half were")
	}
	c.stop(false) // the answer of the dossier just filed never leaves
	let()
	time.Sleep(100 * time.Millisecond)
	c.start()
	restarted()

	waitFor(t, time.Minute, "three quarters of the dossiers", accepted(3*n/4))
	waitFor(t, time.Minute, "a request inside the server", func() bool { return c.inflight.Load() > 0 })
	c.restart(false)
	restarted()

	waitFor(t, 2*time.Minute, "the outbox to drain", settled(t, s, n))
	stop()
	took := time.Since(start)

	items := outbox(t, s)
	if err := ledger.CheckServer(items, c.env.dossierCodes(t)); err != nil {
		t.Errorf("after %d restarts: %v", restarts, err)
	}
	if err := s.Check(); err != nil {
		ledger.Corrupt++
		t.Errorf("store Check after the restarts: %v", err)
	}
	if midSync != restarts {
		t.Errorf("%d of %d restarts came while dossiers were still to send; want all", midSync, restarts)
	}
	// The dossier filed just before the second restart was answered only
	// after it, from its idempotency record.
	if c.replays() == 0 {
		t.Errorf("no dossier post was answered as a replay; the one whose answer the restart cut should have been")
	}
	t.Logf("%d dossiers through %d restarts in %v; %d requests inside the server as it stopped, %d replayed",
		n, restarts, took.Round(time.Millisecond), c.cut, c.replays())
}
