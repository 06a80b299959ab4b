// Package offline keeps the kiosk's data on its own disk, so that a lost
// network or a power cut costs a citizen nothing: encrypted drafts saved
// as they type, an outbox that sends every dossier exactly once, the last
// good catalog, and the sync loop that drains the outbox.
package offline

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/rs/zerolog"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/motcua/kiosk/kiosk/central"
)

// File names in the kiosk's data directory.
const (
	DBFile  = "kiosk.db"
	KeyFile = "device.key"
)

// schemaVersion is the layout of the buckets below. Open migrates older
// files step by step (see migrations) and refuses newer ones.
const schemaVersion = 1

// Buckets, created once at Open.
var (
	bucketMeta    = []byte("meta")    // schema version, incidents
	bucketDrafts  = []byte("drafts")  // draft id → sealed Draft
	bucketIndex   = []byte("index")   // draft id → draftMeta (no personal data)
	bucketResume  = []byte("resume")  // resume code → draft id, and tries
	bucketOutbox  = []byte("outbox")  // 8-byte sequence → outbox item
	bucketCatalog = []byte("catalog") // the last good catalog and its ETag
	bucketMetrics = []byte("metrics") // "yyyy-mm-dd/procedure" → self-service tally (no personal data)

	allBuckets = [][]byte{bucketMeta, bucketDrafts, bucketIndex, bucketResume, bucketOutbox, bucketCatalog, bucketMetrics}
)

// ErrAlreadyRunning means another kiosk process holds the data directory.
var ErrAlreadyRunning = errors.New("the kiosk is already running")

// Options configure Open.
type Options struct {
	// DraftLifetime is how long an untouched draft is kept; 0 means 72 hours.
	DraftLifetime time.Duration
	// MaxSize caps the database file in bytes (bbolt's MaxSize); 0 means
	// no cap. A full store refuses writes and leaves what is saved intact.
	MaxSize int
	// ReserveBytes is the disk reserve kept for essential writes on a
	// full disk (reserve.go); 0 means 32 MiB, a negative value none.
	ReserveBytes int
	Now          func() time.Time
	Log          zerolog.Logger
}

// Store is the kiosk's local database. It is safe for concurrent use.
type Store struct {
	db     *bolt.DB
	sealer *sealer
	opts   Options
	log    zerolog.Logger
	dir    string

	reserveMu      sync.Mutex // one look at the reserve file at a time
	reserveGone    bool       // given up, or never made, and not yet allocated again
	reserveTriedAt time.Time  // when the reserve was last given up or tried
}

// Incident is something that went wrong with the store that IT staff must
// hear about, reported in the next heartbeat. It never holds personal data.
type Incident = central.Incident

// Open opens the store in dir, creating the directory (mode 0700), the
// device key (0600) and the database as needed. It checks the database's
// consistency first: a corrupt file is moved aside with a timestamp, the
// kiosk starts on a fresh one, and the incident is kept for the heartbeat.
func Open(dir string, opts Options) (*Store, error) {
	if opts.DraftLifetime == 0 {
		opts.DraftLifetime = 72 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ReserveBytes == 0 {
		opts.ReserveBytes = defaultReserve
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	key, err := loadOrCreateKey(filepath.Join(dir, KeyFile))
	if err != nil {
		return nil, err
	}
	sl, err := newSealer(key)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, DBFile)
	db, incident, err := openChecked(path, opts)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, sealer: sl, opts: opts, log: opts.Log, dir: dir}
	if err := s.init(); err != nil {
		db.Close()
		return nil, err
	}
	if incident != nil {
		s.log.Error().Str("kind", incident.Kind).Str("details", incident.Details).Msg("store incident")
		if err := s.AddIncident(*incident); err != nil {
			s.log.Error().Err(err).Msg("cannot record the store incident")
		}
	}
	if err := s.KeepReserve(); err != nil {
		s.log.Warn().Err(err).Msg("the disk has no room for the store's reserve")
	}
	return s, nil
}

// movedAsideInfix names a damaged database Open moved aside:
// kiosk.db.corrupt-<UTC time>.
const movedAsideInfix = ".corrupt-"

// MovedAside lists the damaged databases Open has moved aside in dir,
// oldest first: what IT staff keep and report, and what a test checks
// never happened.
func MovedAside(dir string) []string {
	m, _ := filepath.Glob(filepath.Join(dir, DBFile+movedAsideInfix+"*"))
	return m
}

// openChecked opens the bbolt file with bbolt's default, crash-safe options
// (never NoSync) and a lock timeout, and runs bbolt's consistency check.
func openChecked(path string, opts Options) (*bolt.DB, *Incident, error) {
	o := &bolt.Options{Timeout: 500 * time.Millisecond, MaxSize: opts.MaxSize}
	db, err := openBolt(path, o)
	if err == nil {
		if err = check(db); err == nil {
			return db, nil, nil
		}
		db.Close()
	}
	if errors.Is(err, ErrAlreadyRunning) {
		return nil, nil, err
	}
	aside := path + movedAsideInfix + opts.Now().UTC().Format("20060102T150405Z")
	if renameErr := os.Rename(path, aside); renameErr != nil {
		return nil, nil, fmt.Errorf("the database %s is damaged (%v) and cannot be moved aside: %w", path, err, renameErr)
	}
	incident := &Incident{At: opts.Now(), Kind: "database_corrupt",
		Details: fmt.Sprintf("%v; moved aside as %s", err, filepath.Base(aside))}
	db, err = openBolt(path, o)
	if err != nil {
		return nil, nil, err
	}
	return db, incident, nil
}

func openBolt(path string, o *bolt.Options) (db *bolt.DB, err error) {
	// A damaged file can make bbolt panic on a page it does not expect, or
	// read past the end of the file (a fault): both must become an error,
	// so that the file is moved aside instead of crashing every start.
	err = faultsAsErrors("unreadable database", func() (err error) {
		db, err = bolt.Open(path, 0o600, o)
		return err
	})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("%w (data directory %s)", ErrAlreadyRunning, filepath.Dir(path))
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

// faultsAsErrors runs fn, turning a panic or a fault on bbolt's memory
// map, which a damaged file can cause, into an error that says what was
// being done.
func faultsAsErrors(what string, fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: %v", what, r)
		}
	}()
	return fn()
}

// check runs bbolt's consistency check and returns its first finding.
//
// It runs in a write transaction that is rolled back, never committed:
// bbolt's check reads the freelist, which a commit changes without a lock
// a read transaction would take, so a check beside a save raced and could
// report damage that is not there. Holding the writer's lock for the
// time of the check (it reads every page: milliseconds for a small file,
// longer with many scans) makes a save wait instead; rolling back
// writes nothing, so it also works on a full disk.
func check(db *bolt.DB) error {
	return faultsAsErrors("consistency check: unreadable page", func() error {
		tx, err := db.Begin(true)
		if err != nil {
			return fmt.Errorf("consistency check: %w", err)
		}
		defer func() { _ = tx.Rollback() }()
		return checkTx(tx)
	})
}

// CheckFile runs the consistency check on the database at path, opened
// read-only: a shared lock, nothing written, nothing repaired (Open moves
// a damaged file aside; kiosk doctor only looks). While the kiosk runs it
// holds the lock, and CheckFile fails with ErrAlreadyRunning after
// timeout. A damaged file's panic or fault becomes an error, as in Open.
func CheckFile(path string, timeout time.Duration) error {
	db, err := openBolt(path, &bolt.Options{ReadOnly: true, Timeout: timeout})
	if err != nil {
		return err
	}
	defer db.Close()
	// A read transaction is enough here: the lock keeps every writer out.
	return faultsAsErrors("consistency check: unreadable page", func() error { return db.View(checkTx) })
}

func checkTx(tx *bolt.Tx) error {
	// bbolt checks on a goroutine of its own, where reading past the
	// end of a truncated file crashes the process. Reading every page
	// here first, where a fault is a panic we recover, makes that safe.
	if err := readAllPages(tx); err != nil {
		return err
	}
	var first error
	// Drain the channel: the checker must finish before the
	// transaction ends and the file may be unmapped under it.
	for err := range tx.Check() {
		if first == nil {
			first = fmt.Errorf("consistency check: %w", err)
		}
	}
	return first
}

// readAllPages touches every page reachable from the root: branches and
// leaves through the cursors, overflow pages through each value.
func readAllPages(tx *bolt.Tx) error {
	return tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
		readBucketPages(b)
		return nil
	})
}

func readBucketPages(b *bolt.Bucket) {
	var sum byte
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if v == nil {
			if child := b.Bucket(k); child != nil {
				readBucketPages(child)
			}
			continue
		}
		for i := 0; i < len(v); i += 1024 {
			sum ^= v[i]
		}
	}
	runtime.KeepAlive(sum) // the reads are the point: keep them
}

// Check runs bbolt's consistency check on the open database.
func (s *Store) Check() error { return check(s.db) }

// migrations[v] moves a file from schema v to v+1, inside one transaction.
var migrations = map[int]func(tx *bolt.Tx) error{}

func (s *Store) init() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		v := schemaVersion
		if raw := meta.Get([]byte("schema")); raw != nil {
			var err error
			if v, err = strconv.Atoi(string(raw)); err != nil {
				return fmt.Errorf("schema version %q: %w", raw, err)
			}
		}
		if v > schemaVersion {
			return fmt.Errorf("the database has schema %d, newer than this kiosk's %d: update the kiosk", v, schemaVersion)
		}
		for ; v < schemaVersion; v++ {
			migrate, ok := migrations[v]
			if !ok {
				return fmt.Errorf("no migration from schema %d to %d", v, v+1)
			}
			if err := migrate(tx); err != nil {
				return fmt.Errorf("migrate schema %d to %d: %w", v, v+1, err)
			}
		}
		return meta.Put([]byte("schema"), []byte(strconv.Itoa(schemaVersion)))
	})
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Path is the database file.
func (s *Store) Path() string { return s.db.Path() }

// AddIncident records an incident for the next heartbeat.
func (s *Store) AddIncident(in Incident) error {
	return s.essential(func(tx *bolt.Tx) error { return addIncidentTx(tx, in) })
}

func addIncidentTx(tx *bolt.Tx, in Incident) error {
	list, err := incidents(tx)
	if err != nil {
		return err
	}
	data, err := json.Marshal(append(list, in))
	if err != nil {
		return err
	}
	return tx.Bucket(bucketMeta).Put([]byte("incidents"), data)
}

// Incidents returns the recorded incidents, oldest first.
func (s *Store) Incidents() ([]Incident, error) {
	var list []Incident
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		list, err = incidents(tx)
		return err
	})
	return list, err
}

// ForgetIncidents drops the n oldest incidents, once a heartbeat that
// reported them has been accepted; any recorded meanwhile stay.
func (s *Store) ForgetIncidents(n int) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		list, err := incidents(tx)
		if err != nil || n <= 0 {
			return err
		}
		rest := list[min(n, len(list)):]
		if len(rest) == 0 {
			return tx.Bucket(bucketMeta).Delete([]byte("incidents"))
		}
		data, err := json.Marshal(rest)
		if err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put([]byte("incidents"), data)
	})
}

func incidents(tx *bolt.Tx) ([]Incident, error) {
	var list []Incident
	if raw := tx.Bucket(bucketMeta).Get([]byte("incidents")); raw != nil {
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, err
		}
	}
	return list, nil
}
