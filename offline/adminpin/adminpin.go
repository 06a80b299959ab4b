// Package adminpin guards the kiosk's admin screen with a PIN: the PIN is
// kept only as an argon2id hash, compared in constant time, and wrong tries
// lock it for a time that grows with every further failure. The state
// lives in one small file in the data directory, written atomically and
// synced to disk before a try's result is returned, so pulling the plug
// after a wrong try does not give the try back.
//
// It imports no Fyne and no bbolt: cmd/kiosk uses it for the
// `kiosk admin-pin` subcommand (Set) and adapts it to the interface the ui
// declares (Ready, Check).
package adminpin

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"
)

// FileName is the state file in the kiosk's data directory.
const FileName = "admin-pin.json"

// The policy.
const (
	MinLength = 6  // digits, at least
	MaxLength = 32 // digits, at most: nobody types more on a kiosk
	MaxFails  = 5  // wrong tries in a row before the PIN locks

	FirstLock = 5 * time.Minute // the lock after MaxFails wrong tries
	MaxLock   = 24 * time.Hour  // the lock doubles with each further wrong try, up to this
)

// Params are argon2id's cost parameters. They are written into every hash,
// so a hash made with other parameters still verifies after they change.
type Params struct {
	Time    uint32 // passes over the memory
	Memory  uint32 // KiB
	Threads uint8  // lanes, each on its own goroutine
}

// DefaultParams aim at 100–300 ms on a Celeron-class kiosk: slow enough
// that a copied state file is not worth guessing at offline, quick enough
// that staff do not wait. Argon2 is bound by memory bandwidth; measured
// 86–96 ms on one server core (Xeon, DDR4), so about 2–3 times that on a
// Celeron's single-channel memory. `go test -run TestDefaultParamsCost -v`
// on the kiosk prints its own figure. 64 MiB is RFC 9106's second
// recommended memory size (OWASP's minimum is 19 MiB); two lanes use both
// cores of the smallest Celerons.
var DefaultParams = Params{Time: 2, Memory: 64 * 1024, Threads: 2}

const (
	saltLen = 16
	keyLen  = 32
)

// Why a PIN was refused. LockedError, WrongPINError and WeakPINError carry
// details and match ErrLocked, ErrWrongPIN and ErrWeakPIN with errors.Is.
var (
	// ErrNotSet: no PIN has been provisioned; `kiosk admin-pin` sets one.
	ErrNotSet = errors.New("no admin PIN is set: set one with `kiosk admin-pin`")
	// ErrDamaged: the state file cannot be read or fails its checksum.
	// Nothing is tried until the PIN is set again (see Guard).
	ErrDamaged  = errors.New("the admin PIN file is damaged: set the PIN again with `kiosk admin-pin`")
	ErrLocked   = errors.New("the admin PIN is locked after too many wrong tries")
	ErrWrongPIN = errors.New("wrong admin PIN")
	ErrWeakPIN  = errors.New("the admin PIN is too weak")
)

// LockedError is a try refused, or a wrong try answered, with the PIN
// locked until Until.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string {
	return fmt.Sprintf("%v, until %s", ErrLocked, e.Until.Format(time.RFC3339))
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// WrongPINError is a wrong PIN with TriesLeft more wrong ones allowed before
// the PIN locks (0 after a lock has expired: the next wrong one locks it
// again, for longer).
type WrongPINError struct{ TriesLeft int }

func (e *WrongPINError) Error() string {
	return fmt.Sprintf("%v (%d tries left)", ErrWrongPIN, e.TriesLeft)
}

// Is makes errors.Is(err, ErrWrongPIN) true.
func (e *WrongPINError) Is(target error) bool { return target == ErrWrongPIN }

// WeakPINError says why Set refused a PIN, in words for the person setting it.
type WeakPINError struct{ Reason string }

func (e *WeakPINError) Error() string { return fmt.Sprintf("%v: %s", ErrWeakPIN, e.Reason) }

// Is makes errors.Is(err, ErrWeakPIN) true.
func (e *WeakPINError) Is(target error) bool { return target == ErrWeakPIN }

// Validate checks a new PIN against the policy: MinLength to MaxLength
// digits, not one digit repeated, not a run of consecutive digits up or
// down (123456, 987654, 890123), not a short group repeated (121212,
// 123123). Its error is a *WeakPINError.
func Validate(pin string) error {
	weak := func(reason string) error { return &WeakPINError{Reason: reason} }
	for _, r := range pin {
		if r < '0' || r > '9' {
			return weak("use digits only (0–9)")
		}
	}
	switch {
	case len(pin) < MinLength:
		return weak(fmt.Sprintf("use at least %d digits", MinLength))
	case len(pin) > MaxLength:
		return weak(fmt.Sprintf("use at most %d digits", MaxLength))
	case repeats(pin, 1):
		return weak("do not repeat one digit (like 111111)")
	case stepsBy(pin, 1), stepsBy(pin, 9):
		return weak("do not use consecutive digits (like 123456 or 654321)")
	case repeats(pin, 2), repeats(pin, 3):
		return weak("do not repeat a short group (like 121212 or 123123)")
	}
	return nil
}

// repeats reports whether pin is its first n digits over and over.
func repeats(pin string, n int) bool {
	for i := n; i < len(pin); i++ {
		if pin[i] != pin[i-n] {
			return false
		}
	}
	return true
}

// stepsBy reports whether each digit is the one before plus step, mod 10.
func stepsBy(pin string, step byte) bool {
	for i := 1; i < len(pin); i++ {
		if (pin[i-1]-'0'+step)%10 != pin[i]-'0' {
			return false
		}
	}
	return true
}

// lockFor is how long the PIN stays locked after failures wrong tries in a
// row: nothing before MaxFails, then FirstLock, doubling with each further
// one up to MaxLock.
func lockFor(failures int) time.Duration {
	if failures < MaxFails {
		return 0
	}
	d := FirstLock
	for range failures - MaxFails {
		if d >= MaxLock {
			break
		}
		d *= 2
	}
	return min(d, MaxLock)
}

// Options configure Open.
type Options struct {
	// Now is the clock of locks; nil: time.Now.
	Now func() time.Time
	// Params are the cost of new hashes; zero: DefaultParams.
	Params Params
	// Rand is the source of salts; nil: crypto/rand.
	Rand io.Reader
}

// Guard is the admin PIN of one data directory. It is safe for concurrent
// use; tries are checked one at a time.
//
// Every call reads the state file again, so a PIN set by `kiosk admin-pin`
// while the kiosk runs is used at once. A state file that cannot be read
// or fails its checksum is damaged: Ready and Check return ErrDamaged and
// nothing is tried until Set writes a new one. Failing safe means refusing
// here rather than "locked for a while": once the file is in doubt so are
// its hash and its failure count, and reading it as "no failures" (or
// trying a hash that may be half a hash) would hand a guesser fresh tries.
// Only someone with a shell on the kiosk can set the PIN again, and such
// a person can already do anything the admin screen does.
type Guard struct {
	path   string
	now    func() time.Time
	params Params
	rand   io.Reader

	mu sync.Mutex
	// mem is the state as this process last knew it. A wrong try that
	// could not be written (a read-only or full disk) still counts while
	// the process runs: a file with the same hash is read with the larger
	// failure count and the later lock.
	mem state
	// write is writeFile; tests make it fail, as a full disk would.
	write func(state) error
	// lockCap bounds the lock read from the file, when the clock went
	// back and the shorter lock could not be written (lockedAt); zero
	// when there is none.
	lockCap time.Time
}

// Open returns the guard of the PIN file in dir. It reads nothing yet:
// Ready says whether a PIN is set and usable.
func Open(dir string, opts Options) (*Guard, error) {
	if dir == "" {
		return nil, errors.New("adminpin: no data directory")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Params == (Params{}) {
		opts.Params = DefaultParams
	}
	if opts.Rand == nil {
		opts.Rand = rand.Reader
	}
	if err := checkParams(opts.Params); err != nil {
		return nil, err
	}
	g := &Guard{path: filepath.Join(dir, FileName), now: opts.Now, params: opts.Params, rand: opts.Rand}
	g.write = g.writeFile
	return g, nil
}

// Path is the state file.
func (g *Guard) Path() string { return g.path }

// Set provisions a new PIN after Validate: it replaces any PIN, damaged
// file or lock, and starts with no failures. The data directory is created
// (0700) if missing, as `kiosk admin-pin` may run before the kiosk ever has.
func (g *Guard) Set(pin string) error {
	if err := Validate(pin); err != nil {
		return err
	}
	salt := make([]byte, saltLen)
	if _, err := io.ReadFull(g.rand, salt); err != nil {
		return fmt.Errorf("adminpin: salt: %w", err)
	}
	st := state{Hash: encodeHash(g.params, salt, derive(g.params, salt, pin))}
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(g.path), 0o700); err != nil {
		return fmt.Errorf("adminpin: %w", err)
	}
	if err := g.write(st); err != nil {
		return err
	}
	g.mem = st
	return nil
}

// Ready reports whether a PIN may be tried now, without trying one: nil,
// ErrNotSet, ErrDamaged (wrapped) or a *LockedError. It reads a small
// file, and writes it only when a lock must be shortened because the
// clock went back.
func (g *Guard) Ready() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	st, err := g.load()
	if err != nil {
		return err
	}
	if st.Hash == "" {
		return ErrNotSet
	}
	if until, locked := g.lockedAt(st, g.now()); locked {
		return &LockedError{Until: until}
	}
	return nil
}

// Check tries pin. It returns nil when pin is the PIN; a *WrongPINError or,
// when this wrong try locks it, a *LockedError; a *LockedError without
// trying while the PIN is locked; ErrNotSet or ErrDamaged. The try is
// counted, and written to disk and synced, before Check returns: its
// result cannot reach the person typing before the count is safe. When
// that write fails the error also carries the write's error
// (errors.Join) and the count holds in memory until the process ends.
// When a right PIN's reset cannot be written the PIN still opens (the
// admin may be there to free the disk).
//
// Check is slow by design (argon2id, DefaultParams): call it off the UI
// goroutine.
func (g *Guard) Check(pin string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	for try := 1; ; try++ {
		st, err := g.load()
		if err != nil {
			return err
		}
		if st.Hash == "" {
			return ErrNotSet
		}
		now := g.now()
		if until, locked := g.lockedAt(st, now); locked {
			return &LockedError{Until: until}
		}
		right, err := verify(st.Hash, pin)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrDamaged, err)
		}
		// The PIN may have been set again (`kiosk admin-pin`) while the
		// hash was computed: then try the new one instead.
		cur, err := g.load()
		if err != nil {
			return err
		}
		if cur.Hash != st.Hash {
			if try < 3 {
				continue
			}
			return errors.New("adminpin: the PIN is being set again: try once more")
		}
		if right {
			return g.reset(st)
		}
		return g.countWrongTry(st, now)
	}
}

// reset clears the failures after a right PIN.
func (g *Guard) reset(st state) error {
	if st.Failures == 0 && st.LockedUntil.IsZero() {
		return nil // nothing to write: spare the disk a sync
	}
	st.Failures, st.LockedUntil = 0, time.Time{}
	g.mem = st
	_ = g.write(st) // see Check: a right PIN opens even so
	return nil
}

// countWrongTry adds a wrong try to st, writes it and says how to answer.
func (g *Guard) countWrongTry(st state, now time.Time) error {
	st.Failures++
	var refusal error = &WrongPINError{TriesLeft: max(MaxFails-st.Failures, 0)}
	if lock := lockFor(st.Failures); lock > 0 {
		st.LockedUntil = now.Add(lock)
		g.lockCap = time.Time{} // a new lock, on the clock as it is now
		refusal = &LockedError{Until: st.LockedUntil}
	}
	g.mem = st
	if err := g.write(st); err != nil {
		return errors.Join(refusal, err)
	}
	return refusal
}

// state is what the file keeps.
type state struct {
	Hash        string
	Failures    int
	LockedUntil time.Time
}

// lockedAt reports whether the PIN is locked at now, and until when. A
// lock further ahead than the failures allow means the clock went back (a
// kiosk whose clock battery died and who has no network yet): the lock
// then ends lockFor(failures) from now, not days later, and that shorter
// lock is written, or it would move on with the clock and last until the
// clock caught up. Should that write fail (a full disk), the shorter
// lock bounds what load reads from the file until this process ends.
func (g *Guard) lockedAt(st state, now time.Time) (time.Time, bool) {
	if !now.Before(st.LockedUntil) {
		return time.Time{}, false
	}
	if longest := now.Add(lockFor(st.Failures)); st.LockedUntil.After(longest) {
		st.LockedUntil = longest
		g.mem, g.lockCap = st, longest
		_ = g.write(st)
	}
	return st.LockedUntil, true
}

// stateFile is the file's layout. Sum is the SHA-256 of the other fields:
// a flipped bit in the failure count must not go unnoticed.
type stateFile struct {
	Version     int       `json:"v"`
	Hash        string    `json:"hash"`
	Failures    int       `json:"failures"`
	LockedUntil time.Time `json:"locked_until,omitzero"`
	Sum         string    `json:"sum"`
}

const fileVersion = 1

func (f stateFile) sum() string {
	h := sha256.Sum256(fmt.Appendf(nil, "%d|%s|%d|%s", f.Version, f.Hash, f.Failures, f.LockedUntil.UTC().Format(time.RFC3339Nano)))
	return hex.EncodeToString(h[:])
}

func encodeState(st state) ([]byte, error) {
	f := stateFile{Version: fileVersion, Hash: st.Hash, Failures: st.Failures, LockedUntil: st.LockedUntil.UTC()}
	f.Sum = f.sum()
	data, err := json.MarshalIndent(f, "", "  ")
	return append(data, '\n'), err
}

func decodeState(raw []byte) (state, error) {
	var f stateFile
	if err := json.Unmarshal(raw, &f); err != nil {
		return state{}, err
	}
	switch {
	case f.Version != fileVersion:
		return state{}, fmt.Errorf("version %d, want %d", f.Version, fileVersion)
	case subtle.ConstantTimeCompare([]byte(f.Sum), []byte(f.sum())) != 1:
		return state{}, errors.New("checksum mismatch")
	case f.Failures < 0:
		return state{}, fmt.Errorf("failure count %d", f.Failures)
	}
	if _, _, _, err := decodeHash(f.Hash); err != nil {
		return state{}, err
	}
	return state{Hash: f.Hash, Failures: f.Failures, LockedUntil: f.LockedUntil}, nil
}

// load reads the state file, merged with what this process knows.
func (g *Guard) load() (state, error) {
	raw, err := os.ReadFile(g.path)
	if errors.Is(err, fs.ErrNotExist) {
		return state{}, nil
	}
	if err != nil {
		return state{}, fmt.Errorf("%w (%v)", ErrDamaged, err)
	}
	st, err := decodeState(raw)
	if err != nil {
		return state{}, fmt.Errorf("%w (%s: %v)", ErrDamaged, g.path, err)
	}
	if g.mem.Hash == st.Hash {
		st.Failures = max(st.Failures, g.mem.Failures)
		if g.mem.LockedUntil.After(st.LockedUntil) {
			st.LockedUntil = g.mem.LockedUntil
		}
		if !g.lockCap.IsZero() && st.LockedUntil.After(g.lockCap) {
			st.LockedUntil = g.lockCap
		}
	}
	return st, nil
}

// writeFile replaces the state file so that a power cut leaves either the old
// file or the new one, whole: a temporary file beside it, synced, renamed
// over it, and the directory synced so the rename itself is on disk.
func (g *Guard) writeFile(st state) error {
	data, err := encodeState(st)
	if err != nil {
		return err
	}
	dir := filepath.Dir(g.path)
	f, err := os.CreateTemp(dir, "."+FileName+".tmp-*") // mode 0600
	if err != nil {
		return fmt.Errorf("adminpin: %w", err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		return fmt.Errorf("adminpin: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("adminpin: write %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("adminpin: sync %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("adminpin: %w", err)
	}
	if err := os.Rename(tmp, g.path); err != nil {
		return fmt.Errorf("adminpin: %w", err)
	}
	ok = true
	return syncDir(dir)
}

// syncDir makes a rename in dir durable. Windows cannot sync a directory
// (and its renames are journalled by NTFS).
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("adminpin: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("adminpin: sync %s: %w", dir, err)
	}
	return nil
}

// derive is argon2id over pin.
func derive(p Params, salt []byte, pin string) []byte {
	return argon2.IDKey([]byte(pin), salt, p.Time, p.Memory, p.Threads, keyLen)
}

// encodeHash writes the PHC string format, as the reference argon2 tool
// and libraries print it: $argon2id$v=19$m=65536,t=2,p=2$<salt>$<hash>,
// base64 without padding.
func encodeHash(p Params, salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decodeHash reads a PHC argon2id string, refusing parameters no kiosk
// would use: a doctored file must not make a check take a gigabyte.
func decodeHash(s string) (Params, []byte, []byte, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return Params{}, nil, nil, errors.New("not an argon2id hash")
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return Params{}, nil, nil, fmt.Errorf("argon2id parameters %q: %w", parts[3], err)
	}
	if err := checkParams(p); err != nil {
		return Params{}, nil, nil, err
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 || len(salt) > 64 {
		return Params{}, nil, nil, errors.New("argon2id salt unreadable")
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return Params{}, nil, nil, errors.New("argon2id hash unreadable")
	}
	return p, salt, key, nil
}

func checkParams(p Params) error {
	if p.Time < 1 || p.Time > 16 || p.Threads < 1 || p.Threads > 16 || p.Memory < 8*uint32(p.Threads) || p.Memory > 1<<18 {
		return fmt.Errorf("adminpin: argon2id parameters m=%d,t=%d,p=%d out of range", p.Memory, p.Time, p.Threads)
	}
	return nil
}

// verify derives pin with hash's own parameters and salt and compares in
// constant time.
func verify(hash, pin string) (bool, error) {
	p, salt, want, err := decodeHash(hash)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pin), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
