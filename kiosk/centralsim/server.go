// Package centralsim is the reference implementation of the central API
// contract (kiosk/central/openapi.yaml): an http.Handler over a bbolt file
// that validates with the same rules as the kiosk, keeps Idempotency-Key
// promises across restarts, serves the phone pages and injects faults on
// request. The kiosk's demo mode, its tests and staff training run on it.
package centralsim

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	mathrand "math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	bolt "go.etcd.io/bbolt"

	"github.com/motcua/kiosk/assets"
	"github.com/motcua/kiosk/kiosk"
	"github.com/motcua/kiosk/kiosk/central"
)

// Options configure a Server. The zero value of every field but DataFile
// is a sensible default.
type Options struct {
	// DataFile is the bbolt file that keeps everything across restarts.
	// The key that seals hand-over drafts is kept beside it, in
	// DataFile + ".key" (created at the first start).
	DataFile string
	// EnrollCode is a one-time enrolment code to accept; empty creates a
	// random one, which EnrollCode reports.
	EnrollCode string
	// PublicURL is the base of the URLs phones open (QR codes, tracking),
	// e.g. "http://192.168.1.10:8787". Empty: the address requests arrive on.
	PublicURL string
	// Catalog is the catalog JSON to serve; nil serves the embedded sample.
	Catalog []byte
	// StaffToken lets IT staff list the kiosks and their health
	// (GET /v1/devices with Authorization: Bearer <token>, and the /devices
	// page), read the metrics (GET /v1/metrics), and lets the digital-tech
	// team work the help queue (the /help page). At least 16 characters;
	// empty: nobody can.
	StaffToken string
	// Assistants is the digital-tech team who sign in at kiosks to guide
	// citizens (POST /v1/assistants/sign-in); NewAssistant makes an
	// account. Open keeps only keyed hashes of their PINs and badges, in
	// the data file: a non-empty list replaces the team kept there, an
	// empty one keeps it (and the badges already printed keep working).
	Assistants []AssistantAccount
	// Unit and Location describe the office enrolled kiosks belong to.
	Unit     central.Unit
	Location string
	// AgencyCode starts every dossier code, as in 000.00.01.H26-261129-0007.
	AgencyCode string
	// StepEvery is how long a dossier stays in each status before the
	// server moves it on (received → processing → done); 0 never moves it.
	StepEvery time.Duration
	// Holidays are days off beyond kiosk.Calendar's built-in table — a
	// lunar-calendar Tết the table does not know yet, a day the government
	// adds. The server counts due dates with them and sends them to every
	// kiosk with the heartbeat.
	Holidays []time.Time

	// Fault injection, for tests and training.
	FaultRate       float64       // share of API requests answered 503 at random
	Latency         time.Duration // added before every API request is handled
	DropAfterCommit float64       // share of creating POSTs whose connection is cut after commit
	Seed            uint64        // seeds the fault dice; 0 picks one at random

	// Now is the clock; nil means time.Now.
	Now func() time.Time
	Log zerolog.Logger

	// resumeToken makes the tokens of resume QR codes; nil means 128
	// random bits. Tests set it to read the token a page's QR shows.
	resumeToken func() string
}

// Server is the reference central API. Create it with Open; it is safe for
// concurrent use.
type Server struct {
	opts       Options
	db         *bolt.DB
	log        zerolog.Logger
	catalog    *kiosk.Catalog
	catalogRaw []byte
	etag       string
	calendar   *kiosk.Calendar
	enrollCode string

	diceMu sync.Mutex
	dice   *mathrand.Rand

	// inflight holds the Idempotency-Key scopes being handled right now: a
	// retry that arrives meanwhile gets 409 instead of a second dossier.
	inflight sync.Map

	links *linkHub
	// linkLimit caps new link sessions per device.
	linkLimit *windowLimiter
	// sealer seals hand-over drafts at rest (seal.go).
	sealer cipher.AEAD
	// staffSignIns caps sign-ins on the staff pages per address.
	staffSignIns *windowLimiter

	// assistants is the digital-tech team, with hashes of their PINs and
	// badges under assistantKey (assistants.go); assistantFails counts
	// each device's wrong sign-ins.
	assistants     []assistantRecord
	assistantKey   []byte
	assistantFails *windowLimiter
}

// Open opens (or creates) the data file and makes a server ready to serve.
func Open(opts Options) (*Server, error) {
	if opts.DataFile == "" {
		return nil, errors.New("centralsim: no data file")
	}
	if opts.StaffToken != "" && len(opts.StaffToken) < minStaffToken {
		return nil, fmt.Errorf("centralsim: the staff token must have at least %d characters", minStaffToken)
	}
	opts = withDefaults(opts)
	cat, err := kiosk.ParseCatalog(opts.Catalog)
	if err != nil {
		return nil, fmt.Errorf("centralsim: %w", err)
	}
	db, err := openStore(opts.DataFile)
	if err != nil {
		return nil, fmt.Errorf("centralsim: %w", err)
	}
	sealer, assistantKey, err := loadKeys(opts.DataFile + ".key") // after the bbolt lock: one server per file
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("centralsim: %w", err)
	}
	seed := opts.Seed
	if seed == 0 {
		seed = mathrand.Uint64()
	}
	s := &Server{
		opts:       opts,
		db:         db,
		log:        opts.Log,
		catalog:    cat,
		catalogRaw: opts.Catalog,
		etag:       CatalogETag(opts.Catalog),
		calendar:   kiosk.NewCalendar(opts.Holidays...),
		dice:       mathrand.New(mathrand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		links:      newLinkHub(),
		linkLimit:  newWindowLimiter(linkCreateLimit, linkCreateWindow),
		sealer:     sealer,

		staffSignIns: newWindowLimiter(staffSignInLimit, staffSignInWindow),

		assistantKey:   assistantKey,
		assistantFails: newWindowLimiter(assistantMaxFails, assistantFailWindow),
	}
	// The accounts' PINs and badges are hashed here, and the plain ones
	// are not kept: s.opts is the only copy the server would hold.
	s.opts.Assistants = nil
	if err := s.registerAssistants(opts.Assistants); err != nil {
		db.Close()
		return nil, fmt.Errorf("centralsim: %w", err)
	}
	if s.enrollCode, err = s.ensureEnrollCode(opts.EnrollCode); err != nil {
		db.Close()
		return nil, fmt.Errorf("centralsim: %w", err)
	}
	if err := s.PurgeExpired(); err != nil {
		db.Close()
		return nil, fmt.Errorf("centralsim: %w", err)
	}
	return s, nil
}

// loadKeys reads the server's secret (seal.go) and makes what is keyed by
// it: the sealer of hand-over drafts and the key of assistants' hashes.
func loadKeys(path string) (cipher.AEAD, []byte, error) {
	secret, err := loadSealKey(path)
	if err != nil {
		return nil, nil, err
	}
	sealer, err := newSealer(secret)
	if err != nil {
		return nil, nil, err
	}
	assistantKey, err := serverSubkey(secret, "assistant credentials")
	return sealer, assistantKey, err
}

func withDefaults(o Options) Options {
	if o.Catalog == nil {
		o.Catalog = assets.SampleCatalog()
	}
	if o.Unit == (central.Unit{}) {
		o.Unit = central.Unit{Code: "000.00.01.H26", Name: "UBND xã Tân Phú"}
	}
	if o.Location == "" {
		o.Location = "Bộ phận Một cửa, quầy số 1"
	}
	if o.AgencyCode == "" {
		o.AgencyCode = o.Unit.Code
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.resumeToken == nil {
		o.resumeToken = func() string { return randomToken(16) }
	}
	return o
}

// Close closes the data file.
func (s *Server) Close() error { return s.db.Close() }

// EnrollCode is a one-time enrolment code the server accepts until it is
// used; centralsim prints it at start.
func (s *Server) EnrollCode() string { return s.enrollCode }

// Route is one method and path pattern the server serves.
type Route struct {
	Method, Path string
	handler      http.HandlerFunc
}

// Routes lists every route the server serves, for the contract test that
// compares them with openapi.yaml.
func (s *Server) Routes() []Route {
	return []Route{
		{"POST", "/v1/devices/enroll", s.handleEnroll},
		{"POST", "/v1/devices/heartbeat", s.device(s.handleHeartbeat)},
		{"GET", "/v1/devices", s.staff(s.handleListDevices)},
		{"GET", "/v1/catalog", s.device(s.handleCatalog)},
		{"POST", "/v1/link-sessions", s.device(s.limited(s.linkLimit, s.handleCreateLink))},
		{"GET", "/v1/link-sessions/{id}", s.device(s.handleGetLink)},
		{"DELETE", "/v1/link-sessions/{id}", s.device(s.handleDeleteLink)},
		{"PUT", "/v1/link-sessions/{id}/draft", s.device(s.handlePutDraft)},
		{"POST", "/v1/handoffs/claim", s.device(s.handleClaimHandoff)},
		{"POST", "/v1/attachments", s.device(s.handleCreateAttachment)},
		{"GET", "/v1/attachments/{id}", s.device(s.handleGetAttachment)},
		{"POST", "/v1/dossiers", s.device(s.handleCreateDossier)},
		{"GET", "/v1/dossiers/{code}", s.device(s.handleGetDossier)},
		{"POST", "/v1/payments", s.device(s.handleCreatePayment)},
		{"GET", "/v1/payments/{id}", s.device(s.handleGetPayment)},
		{"POST", "/v1/feedback", s.device(s.handleCreateFeedback)},
		{"POST", "/v1/help-requests", s.device(s.handleCreateHelp)},
		{"GET", "/v1/help-requests", s.device(s.handleListHelp)},
		{"GET", "/v1/help-requests/{id}", s.device(s.handleGetHelp)},
		{"DELETE", "/v1/help-requests/{id}", s.device(s.handleWithdrawHelp)},
		{"POST", "/v1/metrics", s.device(s.handleMetrics)},
		{"GET", "/v1/metrics", s.staff(s.handleListMetrics)},
		{"POST", "/v1/assistants/sign-in", s.device(s.handleAssistantSignIn)},
		{"GET", "/l/{token}", s.handleLinkPage},
		{"POST", "/l/{token}", s.handleLinkPagePost},
		{"GET", "/t/{code}", s.handleTrackPage},
		{"GET", "/p/{id}", s.handlePayPage},
		{"POST", "/p/{id}", s.handlePayPagePost},
		{"GET", "/devices", s.handleDevicesPage},
		{"POST", "/devices", s.handleDevicesPagePost},
		{"GET", "/help", s.handleHelpPage},
		{"POST", "/help", s.handleHelpPagePost},
		{"GET", "/healthz", s.handleHealth},
	}
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.Routes() {
		h := rt.handler
		if strings.HasPrefix(rt.Path, "/v1/") {
			h = s.faults(h)
		}
		mux.Handle(rt.Method+" "+rt.Path, s.accessLog(rt.Path, h))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { writeError(w, r, errNotFound) })
	return s.recoverPanics(mux)
}

// HTTPServer returns an http.Server for the handler whose request contexts
// end when Shutdown starts, so a long poll (up to 30 s) answers at once
// instead of holding shutdown up.
func (s *Server) HTTPServer() *http.Server {
	base, cancel := context.WithCancel(context.Background())
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return base },
	}
	hs.RegisterOnShutdown(cancel)
	return hs
}

func (s *Server) handleHealth(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// recoverPanics turns a handler panic into a 500 and a log line, so one bad
// request never takes the server down.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler { // a deliberate cut: re-panic
					panic(v)
				}
				s.log.Error().Str("panic", fmt.Sprint(v)).Str("path", r.URL.Path).Msg("handler panicked")
				writeError(w, r, errInternal)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// accessLog logs each request by its route pattern, never its path (which
// may hold a dossier code or token) nor its body.
func (s *Server) accessLog(pattern string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		s.log.Info().Str("method", r.Method).Str("route", pattern).Int("status", rec.status).
			Int64("took_ms", time.Since(start).Milliseconds()).Msg("request")
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection (to hijack it
// for the drop-after-commit fault).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// roll reports true with probability p.
func (s *Server) roll(p float64) bool {
	if p <= 0 {
		return false
	}
	s.diceMu.Lock()
	defer s.diceMu.Unlock()
	return s.dice.Float64() < p
}

// faults applies -latency and -fault-rate to an API request.
func (s *Server) faults(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.opts.Latency > 0 {
			select {
			case <-time.After(s.opts.Latency):
			case <-r.Context().Done():
				// Shutdown ends request contexts (HTTPServer). Returning
				// without a word would send an empty 200, which a kiosk
				// cannot read and stops sending over; a 503 is retried.
				w.Header().Set(central.HeaderRetryAfter, "1")
				writeError(w, r, errShuttingDown)
				return
			}
		}
		if s.roll(s.opts.FaultRate) {
			w.Header().Set(central.HeaderRetryAfter, "1")
			writeError(w, r, newAPIError(http.StatusServiceUnavailable, "unavailable",
				"Hệ thống đang bận, vui lòng thử lại.", "The service is busy; please retry (injected fault)."))
			return
		}
		next(w, r)
	}
}

// errShuttingDown answers a request the server stops waiting on because
// it is shutting down.
var errShuttingDown = newAPIError(http.StatusServiceUnavailable, "unavailable",
	"Hệ thống đang khởi động lại, vui lòng thử lại.", "The server is shutting down; please retry.")

// Size limits of request bodies.
const (
	maxJSONBody   = 1 << 20  // 1 MiB: a dossier is a few kilobytes
	maxUploadBody = 10 << 20 // 10 MiB: a phone photo or a scanned PDF
)

// readBody reads at most limit bytes of the request body.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, *apiError) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, errTooLarge
	}
	if err != nil {
		return nil, errBadJSON
	}
	return data, nil
}

// randomToken returns n random bytes as hex: 16 bytes are the 128 bits of a
// link token, 32 the 256 bits of a device token.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	return hex.EncodeToString(b)
}

// randomDigits returns n random decimal digits (confirm codes, enrol codes).
func randomDigits(n int) string {
	var b strings.Builder
	for range n {
		d, err := rand.Int(rand.Reader, big.NewInt(10))
		if err != nil {
			panic(err)
		}
		b.WriteByte(byte('0' + d.Int64()))
	}
	return b.String()
}

// publicURL is the base URL for links that phones open.
func (s *Server) publicURL(r *http.Request) string {
	if s.opts.PublicURL != "" {
		return strings.TrimRight(s.opts.PublicURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
